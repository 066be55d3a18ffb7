"""The one place where contracts change state: ability, reason, lock, guards, log; and the clock
that renews or ends contracts at the end of their period."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from procurement.contracts.abilities import can_act
from procurement.contracts.enums import EXECUTING, RenewalMode
from procurement.contracts.models import Contract, ContractRenewal, ContractTransitionLog
from procurement.contracts.rules.guards import CONTRACT_GUARDS, contract_refusals
from procurement.contracts.rules.schedule import ONE_DAY
from procurement.contracts.services.common import apply_schedule, lock

# The transitions are the guards' names, in the order the page shows their buttons.
CONTRACT_TRANSITIONS = tuple(CONTRACT_GUARDS)
REASON_REQUIRED = {"terminate"}


class TransitionRefused(Exception):
    """A refused transition; ``reasons`` are French sentences for the user."""

    def __init__(self, reasons: list[str]):
        self.reasons = reasons
        super().__init__(" ".join(reasons))


class NotAllowed(TransitionRefused):
    """The user may not drive contracts (HTTP 403)."""


def _impossible_from(contract: Contract) -> str:
    return f"Cette action n'est pas possible depuis l'état « {contract.get_state_display()} »."


@transaction.atomic
def contract_transition(*, contract: Contract, name: str, by, reason: str = "", on: date | None = None,
                        now: datetime | None = None) -> Contract:
    """Runs transition ``name`` taking effect on ``on`` (today by default) for ``by`` (None for the
    clock), or raises TransitionRefused with the reasons. The row is locked, so simultaneous attempts
    run one after the other: the later ones find the state changed and are refused, none is lost."""
    now = now or timezone.now()
    on = on or timezone.localdate(now)
    if name not in CONTRACT_TRANSITIONS:
        raise TransitionRefused([f"Transition inconnue : {name}."])
    if by is not None and not can_act(by):
        raise NotAllowed(["Seuls les acheteurs font avancer les marchés."])
    reason = reason.strip()
    if name in REASON_REQUIRED and not reason:
        raise TransitionRefused(["Le motif est obligatoire."])
    locked = lock(contract)
    if locked.state != contract.state:
        raise TransitionRefused([
            f"Le marché a changé d'état entre-temps ({locked.get_state_display()}) : rechargez la page."
        ])
    locked._transition_on = on
    refusals = contract_refusals(locked, name, on=on)
    if refusals:
        raise TransitionRefused(refusals)
    source = locked.state
    try:
        getattr(locked, name)(by=by, on=on, reason=reason)
        apply_schedule(locked)
        locked.save()
    except TransitionNotAllowed:
        raise TransitionRefused([_impossible_from(locked)]) from None
    except ConcurrentTransition:
        raise TransitionRefused(["Une autre personne vient de modifier ce marché : rechargez la page."]) from None
    if name == "renew":
        period = locked.current_periods()[-1]
        ContractRenewal.objects.create(contract=locked, number=locked.renewal_count, starts_on=period.start,
                                       ends_on=period.end, mode=locked.renewal_mode, by=by)
    ContractTransitionLog.objects.create(contract=locked, transition=name, source=source, target=locked.state, by=by,
                                         at=now, effective_on=on, reason=reason)
    return locked


def _clock_reason(contract: Contract, name: str) -> str:
    if name == "end":
        return "Échéance du marché."
    if contract.renewal_mode == RenewalMode.EXPRESS:
        return "Reconduction expresse décidée, à l'échéance de la période."
    return "Reconduction tacite à l'échéance de la période, faute de refus avant la date limite de préavis."


def renew_due_contracts(*, today: date | None = None, now: datetime | None = None, contracts=None
                        ) -> list[tuple[Contract, str]]:
    """The clock: every executing contract (among ``contracts``, a queryset, when given) whose period
    ended before ``today`` is renewed (tacitly, or as decided), or ends when no renewal follows.
    Idempotent: run again, it finds nothing to do. Returns (contract, transition) for each change."""
    today = today or timezone.localdate()
    changes = []
    due = (Contract.objects.all() if contracts is None else contracts).filter(
        state__in=EXECUTING, period_end__lt=today).order_by("period_end", "pk")
    for contract in due:
        while contract.state in EXECUTING:
            end = contract.current_periods()[-1].end
            if end >= today:
                break
            effective = end + ONE_DAY
            for name in ("renew", "end"):
                try:
                    contract = contract_transition(contract=contract, name=name, by=None, on=effective, now=now,
                                                   reason=_clock_reason(contract, name))
                except TransitionRefused:
                    continue
                changes.append((contract, name))
                break
            else:
                break  # neither (for instance the state changed meanwhile): left for a person
    return changes
