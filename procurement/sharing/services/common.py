"""What the sharing services share: the refusal, the agreement's row locked before a change, the history's
author on each write, and the one-row-per-member grids (populations, floors and caps) written in bulk."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal

from django.db.models import Model, QuerySet
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from procurement.core.permissions import require
from procurement.sharing.models import Agreement

REFUSED = "Seuls les acheteurs et les agents des finances tiennent les conventions de partage des coûts."
AmountInput = Decimal | int | str


def save_by(instance, by):
    instance.full_clean()
    instance._history_user = by  # simple-history: who made the change, outside a request too
    instance.save()
    return instance


def delete_by(instance, by) -> None:
    instance._history_user = by
    instance.delete()


def require_change(agreement: Agreement, by) -> None:
    require(agreement.get_abilities(by)["change"], REFUSED)


def lock(agreement: Agreement) -> Agreement:
    """The agreement's row locked: two changes of its members or keys wait for each other."""
    return Agreement.objects.select_for_update().get(pk=agreement.pk)


def lock_to_change(agreement: Agreement, by) -> Agreement:
    """The agreement's row locked, once ``by`` is known to be allowed to change it."""
    require_change(agreement, by)
    return lock(agreement)


def write_member_rows(*, rows: QuerySet, wanted: Mapping[int, tuple | None], fields: Sequence[str],
                      new: Callable[[int, tuple], Model], by) -> list:
    """Brings a grid of one row per member to ``wanted`` (member pk → the ``fields``' values, None to remove
    the member's row): the rows of ``rows`` whose values change are updated, the missing ones made by ``new``,
    the ones no longer wanted deleted; returns the rows written (unchanged ones are not). Written in bulk,
    with the history: the caller has checked everything before."""
    model = rows.model
    existing = {row.member_id: row for row in rows.filter(member__in=list(wanted))}
    removed = [row.pk for pk, row in existing.items() if wanted[pk] is None]
    created = [new(pk, values) for pk, values in wanted.items() if values is not None and pk not in existing]
    changed = []
    for pk, row in existing.items():
        if wanted[pk] is not None and wanted[pk] != tuple(getattr(row, name) for name in fields):
            for name, value in zip(fields, wanted[pk], strict=True):
                setattr(row, name, value)
            changed.append(row)
    for row in model.objects.filter(pk__in=removed):
        delete_by(row, by)
    bulk_create_with_history(created, model, default_user=by)
    bulk_update_with_history(changed, model, list(fields), default_user=by)
    return created + changed
