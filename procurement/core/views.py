from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils import timezone
from django.views.generic import TemplateView

from procurement.core.enums import ReferenceKind
from procurement.core.models import ReferenceValue
from procurement.core.roles import RoleRequiredMixin


class ReferenceValueListView(RoleRequiredMixin, TemplateView):
    """The legal figures in force today, and their history, read-only (the admin edits them)."""

    grant = "reference.read"
    template_name = "core/reference_values.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        rows = list(ReferenceValue.objects.order_by("kind", "-valid_from"))
        in_force_ids = set(ReferenceValue.objects.in_force(today).values_list("pk", flat=True))
        labels = dict(ReferenceKind.choices)
        groups: dict[str, dict] = {}
        for row in rows:
            group = groups.setdefault(row.kind, {"label": labels.get(row.kind, row.kind), "rows": []})
            group["rows"].append({"row": row, "in_force": row.pk in in_force_ids})
        unconfirmed = [row for row in rows if not row.confirmed]
        unconfirmed.sort(key=lambda row: (row.kind, row.valid_from))
        return super().get_context_data(today=today, groups=list(groups.values()), unconfirmed=unconfirmed, **kwargs)


def page_not_found(request, exception=None):
    """French 404 in the site's layout; Django's own message (often English, naming a model) is not shown."""
    # The address is not echoed: a 404 also answers for an object one may not see, named in its URL.
    return render(request, "404.html", status=404)


def server_error(request):
    """French 500 that needs neither the database nor the user: the failure may be theirs.

    The template is rendered without the request, so no context processor (menu, user, session) runs.
    """
    return HttpResponseServerError(loader.get_template("500.html").render({}))


def health(request):
    """Liveness probe for a load balancer, and the bench's minimal view: no session, no query."""
    from django.http import HttpResponse

    return HttpResponse("ok", content_type="text/plain; charset=utf-8")
