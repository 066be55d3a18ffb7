"""What the agreement shares: a contract (all its budget lines), a budget line (every contract charged to
it), or a contract on one budget line, among the programme's."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from procurement.contracts.models import Contract
from procurement.programmes.models import BudgetLine
from procurement.sharing.models import Agreement, SharedItem
from procurement.sharing.selectors.agreements import shareable_budget_lines, shareable_contracts
from procurement.sharing.services.common import delete_by, lock_to_change


@transaction.atomic
def shared_item_add(*, agreement: Agreement, contract: Contract | None = None,
                    budget_line: BudgetLine | None = None, by) -> SharedItem:
    """Shares a contract (all its budget lines), a budget line (every contract charged to it), or a contract
    on one budget line (its maintenance, say), among the programme's."""
    locked = lock_to_change(agreement, by)
    if contract is not None and not shareable_contracts(agreement=locked).filter(pk=contract.pk).exists():
        raise ValidationError({"contract": f"Le marché {contract.reference} n'est imputé sur aucune ligne "
                                           f"budgétaire du programme {locked.programme.reference}."})
    if budget_line is not None and not shareable_budget_lines(agreement=locked).filter(pk=budget_line.pk).exists():
        raise ValidationError({"budget_line": f"La ligne « {budget_line.label} » n'est pas une ligne du programme "
                                              f"{locked.programme.reference}."})
    item = SharedItem(agreement=locked, contract=contract, budget_line=budget_line)
    item.full_clean()
    item._history_user = by
    for other in SharedItem.objects.filter(agreement=locked).select_related("contract", "budget_line"):
        if ((other.contract_id is None or other.contract_id == item.contract_id)
                and (other.budget_line_id is None or other.budget_line_id == item.budget_line_id)):
            raise ValidationError({"contract" if contract is not None else "budget_line":
                                   f"Déjà partagé par « {other} »."})
    item.save()
    return item


@transaction.atomic
def shared_item_remove(*, item: SharedItem, by) -> None:
    lock_to_change(item.agreement, by)
    delete_by(SharedItem.objects.get(pk=item.pk), by)
