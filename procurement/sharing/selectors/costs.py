"""What the agreement shares costs in a year: what the finance schedule says (``commitments``, the one
computation of the finance pages: orders, revised prices, maintenance, TTC), summed over the (contract,
budget line) cells the agreement's items cover, each cell once."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from procurement.contracts.models import Contract
from procurement.contracts.selectors.finance import commitments
from procurement.programmes.models import BudgetLine
from procurement.sharing.enums import CostBasis
from procurement.sharing.models import Agreement, SharedItem

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class SharedCost:
    """One cell of the finance schedule the agreement shares: a contract on a budget line, in a year."""

    contract: Contract
    budget_line: BudgetLine
    cost_ttc: Decimal


@dataclass(frozen=True)
class YearCost:
    year: int
    basis: str  # CostBasis value
    lines: list[SharedCost]

    @property
    def total_ttc(self) -> Decimal:
        return sum((line.cost_ttc for line in self.lines), ZERO)

    @property
    def contract_ids(self) -> set[int]:
        return {line.contract.pk for line in self.lines}


def shared_costs(*, agreement: Agreement, years: list[int] | None = None,
                 basis: str = CostBasis.COMMITTED) -> dict[int, YearCost]:
    """Per year (the agreement's years by default): the shared cells of the finance schedule and their
    cost TTC (committed, or forecast), read from ``commitments`` — the figures of the finance pages.
    A cell covered by two items counts once."""
    years = sorted(years or agreement.years)
    items = list(SharedItem.objects.filter(agreement=agreement))
    table = commitments(year_from=years[0], year_to=years[-1], programme=agreement.programme)
    attribute = "forecast_ttc" if basis == CostBasis.FORECAST else "committed_ttc"
    rows = [row for row in table.contracts if any(item.covers(row.contract.pk, row.line.pk) for item in items)]
    # The schedule names its contracts by a light label; the statements need the contract's title.
    contracts = Contract.objects.in_bulk({row.contract.pk for row in rows})
    return {year: YearCost(year=year, basis=str(basis), lines=[
        SharedCost(contract=contracts[row.contract.pk], budget_line=row.line,
                   cost_ttc=getattr(row.cells[year], attribute))
        for row in rows]) for year in years}


def year_cost(*, agreement: Agreement, year: int, basis: str = CostBasis.COMMITTED) -> YearCost:
    return shared_costs(agreement=agreement, years=[year], basis=basis)[year]
