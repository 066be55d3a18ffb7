"""The provider's settings as mozilla-django-oidc reads them: an endpoint set in the environment, or
else the one the issuer's discovery document (``/.well-known/openid-configuration``) gives, fetched
once per process when first needed (never at start-up: the app starts while the provider is down)."""

from functools import cache

import requests
from django.conf import settings
from mozilla_django_oidc.utils import import_from_settings

from procurement.core.oidc.rules import parse_role_map

# mozilla-django-oidc's setting → the discovery document's key.
DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
    "OIDC_OP_LOGOUT_ENDPOINT": "end_session_endpoint",
}


@cache
def discovery(issuer: str) -> dict:
    response = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=settings.OIDC_TIMEOUT)
    response.raise_for_status()
    return response.json()


def oidc_setting(name: str, *default):
    """``import_from_settings`` that falls back on the discovery document for the endpoints."""
    if name in DISCOVERED and not hasattr(settings, name) and settings.OIDC_ISSUER:
        value = discovery(settings.OIDC_ISSUER).get(DISCOVERED[name])
        if value or name == "OIDC_OP_LOGOUT_ENDPOINT":  # a provider may offer no logout
            return value
    return import_from_settings(name, *default)


def role_map() -> dict[str, str]:
    return parse_role_map(settings.OIDC_ROLE_MAP)
