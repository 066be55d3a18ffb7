"""« Mes jetons d'API »: the logged-in user's tokens (created, expiry; never the key), a new one
(its key shown on this answer only), revoking one or all of them."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import TemplateView

from procurement.api.selectors import api_tokens
from procurement.api.services import api_token_create, api_token_revoke, api_tokens_revoke_all
from procurement.core.views.access import AccessMixin


class ApiTokensView(AccessMixin, TemplateView):
    template_name = "api/tokens.html"

    def get_context_data(self, **kwargs):
        kwargs.setdefault("new_key", None)
        return super().get_context_data(tokens=list(api_tokens(user=self.request.user)), now=timezone.now(),
                                        ttl_days=settings.API_TOKEN_TTL.days, **kwargs)

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        response["Cache-Control"] = "private, no-store"
        return response

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        if action == "create":
            token, key = api_token_create(by=request.user)
            # Rendered, not redirected: the key must not wait in the session for the next page.
            return self.render_to_response(self.get_context_data(new_key=key, new_token=token))
        if action == "revoke":
            if api_token_revoke(by=request.user, digest=request.POST.get("token", "")):
                messages.success(request, _("Le jeton est révoqué : il n'ouvre plus l'API."))
            else:
                messages.error(request, _("Ce jeton n'existe pas ou plus."))
        elif action == "revoke_all":
            count = api_tokens_revoke_all(by=request.user)
            messages.success(request, ngettext("%(count)d jeton révoqué.", "%(count)d jetons révoqués.",
                                               count) % {"count": count})
        else:
            return HttpResponseBadRequest(_("Action inconnue."))
        return redirect("api_tokens:list")
