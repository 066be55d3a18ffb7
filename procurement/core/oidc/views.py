"""Single sign-on's pages: the start (a redirect to the provider), the return from the provider (a
French page when the app refuses the person) and the logout at the provider after the app's own."""

import logging
from urllib.parse import urlencode

import requests
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _
from django.views.generic import View
from mozilla_django_oidc import views as oidc_views

from procurement.core.oidc.config import oidc_setting

logger = logging.getLogger(__name__)


def is_return_from_provider(request, credentials=None) -> bool:
    """django-axes leaves alone the sign-ins that come back from the identity provider."""
    return request is not None and request.path == reverse("oidc_authentication_callback")


def provider_unavailable(request):
    """The provider did not answer (discovery, token, keys or userinfo): a French page, not a 500."""
    logger.exception("OpenID Connect provider unreachable")
    reason = _("%(provider)s ne répond pas : réessayez dans quelques minutes, ou connectez-vous avec un "
               "compte local.") % {"provider": settings.OIDC_PROVIDER_NAME}
    return render(request, "registration/oidc_refused.html",
                  {"title": _("Connexion impossible"), "reason": reason}, status=503)


class AuthenticateView(oidc_views.OIDCAuthenticationRequestView):
    get_settings = staticmethod(oidc_setting)

    def __init__(self, **kwargs):
        # The library reads the provider's endpoints when the view is built; here when it is used, if on.
        View.__init__(self, **kwargs)

    def get(self, request):
        if not settings.OIDC_ENABLED:
            raise Http404
        try:
            self.OIDC_OP_AUTH_ENDPOINT = self.get_settings("OIDC_OP_AUTHORIZATION_ENDPOINT")
        except requests.RequestException:
            return provider_unavailable(request)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        return super().get(request)


class CallbackView(oidc_views.OIDCAuthenticationCallbackView):
    get_settings = staticmethod(oidc_setting)

    def dispatch(self, request, *args, **kwargs):
        if not settings.OIDC_ENABLED:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        try:
            return super().get(request)
        except requests.RequestException:
            return provider_unavailable(request)

    def login_failure(self):
        reason = getattr(self.request, "oidc_refusal", None) or _(
            "La connexion par %(provider)s n'a pas abouti. Réessayez, ou connectez-vous avec un compte local."
        ) % {"provider": settings.OIDC_PROVIDER_NAME}
        return render(self.request, "registration/oidc_refused.html",
                      {"title": _("Connexion refusée"), "reason": reason}, status=403)


def provider_logout_url(request) -> str | None:
    """The provider's end_session_endpoint for the person signed in through it, coming back to the
    login page; ``None`` when they signed in locally or the provider offers no logout."""
    endpoint = oidc_setting("OIDC_OP_LOGOUT_ENDPOINT", None) if settings.OIDC_ENABLED else None
    id_token = request.session.get("oidc_id_token")
    if not endpoint or not id_token:
        return None
    # ProConnect asks for a state even here.
    query = urlencode({"id_token_hint": id_token, "client_id": settings.OIDC_RP_CLIENT_ID,
                       "post_logout_redirect_uri": request.build_absolute_uri(reverse("login")),
                       "state": get_random_string(32)})
    return f"{endpoint}?{query}"


class LogoutView(auth_views.LogoutView):
    """Django's logout; then, for a person signed in through the provider, the provider's logout too.
    Its address is opened from a page (not redirected to): the logout is a form, and the policy's
    ``form-action 'self'`` would stop a redirect to another site."""

    def post(self, request, *args, **kwargs):
        provider_logout = provider_logout_url(request)
        response = super().post(request, *args, **kwargs)
        if provider_logout:
            return render(request, "registration/oidc_logout.html", {"provider_logout": provider_logout})
        return response
