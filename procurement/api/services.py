"""API tokens (django-rest-knox): the key is shown once, the database keeps its SHA-512 digest; each
token expires ``API_TOKEN_TTL`` after its creation and its owner may revoke it at any time."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from knox.models import AuthToken


@transaction.atomic
def api_token_create(*, user) -> tuple[AuthToken, str]:
    """A new token for ``user`` and its key, which nothing keeps: the caller shows it once. The
    user's expired tokens go on the way (knox deletes them only when one of them is presented)."""
    AuthToken.objects.filter(user=user, expiry__lt=timezone.now()).delete()
    return AuthToken.objects.create(user=user, expiry=settings.API_TOKEN_TTL)


@transaction.atomic
def api_token_revoke(*, user, digest: str) -> bool:
    """Deletes one of ``user``'s tokens; False when ``user`` has no such token."""
    deleted, _ = AuthToken.objects.filter(user=user, digest=digest).delete()
    return bool(deleted)


@transaction.atomic
def api_tokens_revoke_all(*, user) -> int:
    deleted, _ = AuthToken.objects.filter(user=user).delete()
    return deleted
