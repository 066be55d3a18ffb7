"""The authentication backend of single sign-on: mozilla-django-oidc's authorization-code flow (state,
nonce, PKCE, the ID token's signature checked against the provider's keys), then the app's own rules:
the token is for this app and from this provider, the person is found or created, their roles mapped."""

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from procurement.core.oidc.config import oidc_setting, role_map
from procurement.core.oidc.rules import claim_values, roles_from_claims
from procurement.core.oidc.services import SignInRefused, oidc_user_sign_in


class OIDCBackend(OIDCAuthenticationBackend):
    get_settings = staticmethod(oidc_setting)

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        # The library checks the signature and the nonce, not whom the token is for nor who issued it.
        if self.OIDC_RP_CLIENT_ID not in claim_values(payload.get("aud")):
            raise SuspiciousOperation("OIDC token for another audience")
        if settings.OIDC_ISSUER and payload.get("iss") != settings.OIDC_ISSUER:
            raise SuspiciousOperation("OIDC token from another issuer")
        return payload

    def verify_claims(self, claims):
        return bool(claims.get("sub"))

    def get_or_create_user(self, access_token, id_token, payload):
        user_info = self.get_userinfo(access_token, id_token, payload)
        if not self.verify_claims(user_info) or user_info["sub"] != payload.get("sub"):
            raise SuspiciousOperation("OIDC userinfo about another subject")
        claim = settings.OIDC_ROLES_CLAIM
        # Roles may come in the ID token (Keycloak's mappers) or from the userinfo endpoint.
        roles = roles_from_claims({**payload, **user_info}, claim=claim, role_map=role_map()) if claim else None
        try:
            return oidc_user_sign_in(issuer=payload["iss"], claims=user_info, roles=roles)
        except SignInRefused as refusal:
            self.request.oidc_refusal = refusal.message  # shown by the callback page
            return None
