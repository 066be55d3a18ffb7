"""The one place where tenders and lots change state: abilities, guards, lock, log."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from procurement.tenders.abilities import DRIVE_REFUSED, can_drive
from procurement.tenders.models import Bid, Lot, Tender, TransitionLog
from procurement.tenders.rules.guards import LOT_GUARDS, TENDER_GUARDS, lot_refusals, tender_refusals
from procurement.tenders.rules.procedure import notice_date_at_publication

REASON_REQUIRED = {"abandon", "declare_unsuccessful"}


class TransitionRefused(Exception):
    """A refused transition; ``reasons`` are French sentences for the user (HTTP 409 in the API)."""

    def __init__(self, reasons: list[str]):
        self.reasons = reasons
        super().__init__(" ".join(reasons))


class NotAllowed(TransitionRefused):
    """The user may not drive this transition (HTTP 403)."""


# The transitions are the guards' names, in the order the pages show their buttons: a transition
# cannot exist without the guard that says why it is refused.
TENDER_TRANSITIONS = tuple(TENDER_GUARDS)
LOT_TRANSITIONS = tuple(LOT_GUARDS)


CONCURRENT = "Une autre personne vient de modifier"


def _impossible_from(instance) -> str:
    return f"Cette action n'est pas possible depuis l'état « {instance.get_state_display()} »."


def _check_user(by) -> None:
    if by is not None and not can_drive(by):
        raise NotAllowed([DRIVE_REFUSED])


@transaction.atomic
def tender_transition(*, tender: Tender, name: str, by, reason: str = "", now: datetime | None = None) -> Tender:
    """Runs transition ``name`` on ``tender`` for user ``by`` (None for the clock), or raises
    TransitionRefused with the reasons. Concurrent attempts are serialised by a row lock, and a
    stale copy is refused by django-fsm's concurrency check rather than overwriting.

    ``now`` records a transition that happened at another moment (importing past procedures,
    the demo); guards are then judged at that moment."""
    now = now or timezone.now()
    if name not in TENDER_TRANSITIONS:
        raise TransitionRefused([f"Transition inconnue : {name}."])
    _check_user(by)
    reason = reason.strip()
    if name in REASON_REQUIRED and not reason:
        raise TransitionRefused(["Le motif est obligatoire."])
    locked = Tender.objects.select_for_update().get(pk=tender.pk)
    if locked.state != tender.state:
        raise TransitionRefused([
            f"La consultation a changé d'état entre-temps ({locked.get_state_display()}) : rechargez la page."
        ])
    method = getattr(locked, name)
    locked._transition_now = now
    refusals = tender_refusals(locked, name, now=now)
    if refusals:
        raise TransitionRefused(refusals)
    source = locked.state
    try:
        if name == "publish":
            locked.notice_sent_on = notice_date_at_publication(planned=locked.notice_sent_on,
                                                               today=timezone.localdate(now))
        method(by=by, reason=reason)
        locked.save()
    except TransitionNotAllowed:
        raise TransitionRefused([_impossible_from(locked)]) from None
    except ConcurrentTransition:
        raise TransitionRefused([f"{CONCURRENT} cette consultation : rechargez la page."]) from None
    TransitionLog.objects.create(tender=locked, transition=name, source=source, target=locked.state, by=by,
                                 reason=reason, at=now)
    return locked


@transaction.atomic
def lot_transition(
    *, lot: Lot, name: str, by, reason: str = "", winner: Bid | None = None, now: datetime | None = None
) -> Lot:
    now = now or timezone.now()
    if name not in LOT_TRANSITIONS:
        raise TransitionRefused([f"Transition inconnue : {name}."])
    _check_user(by)
    reason = reason.strip()
    if name in REASON_REQUIRED and not reason:
        raise TransitionRefused(["Le motif est obligatoire."])
    locked = Lot.objects.select_for_update().select_related("tender").get(pk=lot.pk)
    if locked.state != lot.state:
        raise TransitionRefused([f"Le lot a changé d'état entre-temps ({locked.get_state_display()})."])
    refusals = lot_refusals(locked, name, winner=winner, now=now, reason=reason)
    if refusals:
        raise TransitionRefused(refusals)
    source = locked.state
    locked._pending_winner, locked._transition_now, locked._pending_reason = winner, now, reason
    try:
        getattr(locked, name)(by=by, reason=reason, winner=winner)
        locked.decided_at = now
        locked.save()
    except TransitionNotAllowed:
        raise TransitionRefused([_impossible_from(locked)]) from None
    except ConcurrentTransition:
        raise TransitionRefused([f"{CONCURRENT} ce lot : rechargez la page."]) from None
    TransitionLog.objects.create(tender=locked.tender, lot=locked, transition=name, source=source,
                                 target=locked.state, by=by, reason=reason, at=now)
    return locked


def close_due_tenders(*, now=None) -> list[Tender]:
    """The clock: closes every published tender whose bid deadline has passed."""
    now = now or timezone.now()
    closed = []
    for tender in Tender.objects.filter(state="published", bid_deadline__lte=now).order_by("bid_deadline"):
        try:
            closed.append(tender_transition(tender=tender, name="close", by=None, now=now,
                                            reason="Clôture automatique à la date limite."))
        except TransitionRefused:
            continue  # someone else closed it meanwhile
    return closed
