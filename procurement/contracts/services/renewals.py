"""Renewal decisions, taken at the latest on the notice deadline (period end minus the notice
period): a refusal stops a tacit renewal; an express renewal needs the decision to renew."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from procurement.contracts.abilities import can_act
from procurement.contracts.enums import RenewalDecisionKind, RenewalMode
from procurement.contracts.models import Contract, RenewalDecision
from procurement.contracts.rules.schedule import ONE_DAY, decision_deadline
from procurement.contracts.services.common import apply_schedule, lock, require_executing
from procurement.core.legal_calendar import short_date
from procurement.core.permissions import require


def renewal_decision_check(contract: Contract, *, today: date, decision: str | None = None) -> date:
    """The one guard of a decision on the next renewal, taken on ``today``: the contract runs and
    provides a renewal, one may still follow, none was decided yet, and the notice deadline has not
    passed. ``decision``, when given, is also checked against the renewal mode (a tacit renewal
    takes no decision to renew). Returns the notice deadline; raises ``ValidationError`` in French."""
    require_executing(contract, "Une décision de reconduction")
    if contract.renewal_mode == RenewalMode.NONE:
        raise ValidationError("Ce marché ne prévoit pas de reconduction.")
    number = contract.renewal_count + 1
    current = contract.current_periods()[-1]
    if number > contract.max_renewals:
        raise ValidationError(f"Le nombre maximal de reconductions ({contract.max_renewals}) est atteint : le marché "
                              f"s'achève le {short_date(current.end)}.")
    if contract.renewal_mode == RenewalMode.TACIT and decision == RenewalDecisionKind.RENEW:
        raise ValidationError({"decision": "La reconduction est tacite : elle a lieu sans décision ; seul un refus "
                                           "s'enregistre."})
    if contract.renewal_decisions.filter(renewal_number=number).exists():
        raise ValidationError(f"La reconduction n° {number} a déjà fait l'objet d'une décision.")
    deadline = decision_deadline(end=current.end, notice_months=contract.notice_months)
    if today > deadline:
        after = (f" Le marché sera reconduit le {short_date(current.end + ONE_DAY)}."
                 if contract.renewal_mode == RenewalMode.TACIT else
                 f" Le marché s'achèvera le {short_date(current.end)}.")
        raise ValidationError(
            f"Le préavis de {contract.notice_months} mois est dépassé : la décision sur la reconduction n° {number} "
            f"devait être prise au plus tard le {short_date(deadline)}.{after}"
        )
    return deadline


@transaction.atomic
def renewal_decide(*, contract: Contract, decision: str, by, reason: str = "", today: date | None = None
                   ) -> RenewalDecision:
    require(can_act(by), "Seuls les acheteurs décident des reconductions.")
    today = today or timezone.localdate()
    locked = lock(contract)
    number = locked.renewal_count + 1
    deadline = renewal_decision_check(locked, today=today, decision=decision)
    if decision == RenewalDecisionKind.REFUSE and not reason.strip():
        raise ValidationError({"reason": "Motivez le refus de reconduction."})
    row = RenewalDecision(contract=locked, renewal_number=number, decision=decision, decided_on=today,
                          deadline=deadline, reason=reason.strip(), by=by)
    row.full_clean()
    row.save()
    apply_schedule(locked)
    locked.save(update_fields=["period_end", "renewal_deadline", "updated_at"])
    return row
