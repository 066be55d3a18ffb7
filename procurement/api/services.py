"""API tokens (django-rest-knox): the key is shown once, the database keeps its SHA-512 digest; each
token expires ``API_TOKEN_TTL`` after its creation and its owner may revoke it at any time."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from knox.models import AuthToken


@transaction.atomic
def api_token_create(*, by) -> tuple[AuthToken, str]:
    """A new token of ``by`` (a user acts on their own tokens only) and its key, which nothing keeps:
    the caller shows it once. Their expired tokens go on the way (knox deletes them only when one of
    them is presented)."""
    AuthToken.objects.filter(user=by, expiry__lt=timezone.now()).delete()
    return AuthToken.objects.create(user=by, expiry=settings.API_TOKEN_TTL)


@transaction.atomic
def api_token_revoke(*, by, digest: str) -> bool:
    """Deletes one of ``by``'s tokens; False when ``by`` has no such token."""
    deleted, _ = AuthToken.objects.filter(user=by, digest=digest).delete()
    return bool(deleted)


@transaction.atomic
def api_tokens_revoke_all(*, by) -> int:
    deleted, _ = AuthToken.objects.filter(user=by).delete()
    return deleted
