"""The small JSON endpoints behind the search fields with suggestions (``core.widgets.SuggestInput``)."""

from __future__ import annotations

from django.http import JsonResponse
from django.views import View

from procurement.core.widgets import SuggestInput

SUGGESTION_LIMIT = 20


class SuggestionsView(View):
    """``GET ?q=…`` → ``{"results": [{"id", "label", "hint"}, …]}``: at most ``SUGGESTION_LIMIT`` objects
    among those the user may see, in one query whatever their number. ``label`` is what the search
    field shows once one is chosen (``str(obj)``, the field compares it); ``hint`` tells two alike
    apart (a vendor's SIRET), or is empty. Mixed after an app's access mixin, which answers
    anonymous users (login) and other roles (403) before anything is read.

    The text is cut at the field's length (a NUL character never reaches here: ``core.requests``
    refuses the request); ``%`` and ``_`` are matched as themselves by the selectors' ``icontains``."""

    def suggestions(self, search: str, limit: int):
        raise NotImplementedError

    def hint(self, obj) -> str:
        return ""

    def get(self, request, *args, **kwargs):
        search = request.GET.get("q", "")[: SuggestInput.max_length].strip()
        results = [{"id": obj.pk, "label": str(obj), "hint": self.hint(obj)}
                   for obj in self.suggestions(search, SUGGESTION_LIMIT)]
        return JsonResponse({"results": results})
