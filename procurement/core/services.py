"""Writes of core's own records: the user's calendar feed token (« Mon agenda »)."""

from __future__ import annotations

import secrets

from django.db import transaction

from procurement.core.models import AgendaToken


@transaction.atomic
def agenda_token_create(*, by) -> tuple[AgendaToken, str]:
    """A new feed token of ``by`` (a user acts on their own link only), replacing the previous one,
    and its key, which nothing keeps: the caller shows it once."""
    key = secrets.token_urlsafe(32)
    AgendaToken.objects.filter(user=by).delete()
    return AgendaToken.objects.create(user=by, digest=AgendaToken.digest_of(key)), key


@transaction.atomic
def agenda_token_revoke(*, by) -> bool:
    """Deletes ``by``'s feed token; False when they had none."""
    deleted, _ = AgendaToken.objects.filter(user=by).delete()
    return bool(deleted)
