"""Budget imputation of a contract's maintenance: an accounting choice, not a clause, so it may
change after signature."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from procurement.contracts.abilities import can_act
from procurement.contracts.models import Contract
from procurement.contracts.services.common import lock
from procurement.core.permissions import require
from procurement.programmes.models import BudgetLine


@transaction.atomic
def maintenance_line_set(*, contract: Contract, budget_line: BudgetLine | None, by) -> Contract:
    require(can_act(by), "Seuls les acheteurs imputent la maintenance d'un marché.")
    locked = lock(contract)
    if budget_line is not None and locked.budget_line_id is not None \
            and budget_line.programme_id != locked.budget_line.programme_id:
        raise ValidationError({"maintenance_budget_line": "La ligne de la maintenance relève du même programme que "
                                                          "celle du marché."})
    locked.maintenance_budget_line = budget_line
    locked.full_clean()
    locked.save(update_fields=["maintenance_budget_line", "updated_at"])
    return locked
