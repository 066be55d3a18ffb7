from __future__ import annotations

from django.db.models import QuerySet
from knox.models import AuthToken


def api_tokens(*, user) -> QuerySet[AuthToken]:
    """``user``'s tokens, newest first (expired ones until knox or a new token clears them)."""
    return AuthToken.objects.filter(user=user).order_by("-created")
