"""What the contract services share: the locked contract and its calendar fields."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from procurement.contracts.enums import EXECUTING, RenewalDecisionKind, RenewalMode
from procurement.contracts.models import Contract
from procurement.contracts.rules.schedule import decision_deadline


def lock(contract: Contract) -> Contract:
    """The contract's row, locked until the end of the transaction (``of=self``: PostgreSQL refuses to
    lock the nullable side of the outer joins ``select_related`` makes)."""
    return (
        Contract.objects.select_for_update(of=("self",))
        .select_related("holder", "lot__tender__programme__authority")
        .get(pk=contract.pk)
    )


def require_executing(contract: Contract, action: str) -> None:
    if contract.state not in EXECUTING:
        raise ValidationError(
            f"{action} n'est possible que sur un marché notifié ou reconduit ; ce marché est "
            f"« {contract.get_state_display()} »."
        )


def apply_schedule(contract: Contract) -> None:
    """Sets ``period_end`` (end of the current period) and ``renewal_deadline`` (the last day to refuse or
    decide the next renewal; empty when no renewal can follow). Saved by the caller."""
    current = contract.current_periods()[-1]
    contract.period_end = current.end
    number = contract.renewal_count + 1
    decisions = list(contract.renewal_decisions.all()) if contract.pk else []
    refused = any(d.renewal_number == number and d.decision == RenewalDecisionKind.REFUSE for d in decisions)
    possible = (contract.renewal_mode != RenewalMode.NONE and contract.renewal_count < contract.max_renewals
                and not refused)
    contract.renewal_deadline = (decision_deadline(end=current.end, notice_months=contract.notice_months)
                                 if possible else None)
