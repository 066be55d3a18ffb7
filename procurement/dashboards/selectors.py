"""Reads across apps for the dashboards: they call the apps' selectors and own no model."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from procurement.contracts.enums import ContractState
from procurement.contracts.models import Contract
from procurement.contracts.schedule import months_later
from procurement.core.money import round_money, ttc
from procurement.programmes.enums import BudgetSection
from procurement.programmes.models import Programme
from procurement.programmes.selectors import budget_by_section_year, phase_list

ZERO = Decimal("0.00")
SectionYear = tuple[str, int]


# Committed amounts ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Commitment:
    """A firm amount of a contract falling in a budget year, HT and TTC."""

    contract: str
    section: str
    year: int
    amount_ht: Decimal
    amount_ttc: Decimal
    what: str


def _programme_contracts(programme: Programme):
    """Contracts of the programme's consultations that carry a budget line and are signed (three
    queries: contracts, their orders, their amendments)."""
    return (Contract.objects.filter(lot__tender__programme=programme, budget_line__isnull=False)
            .exclude(state=ContractState.TO_SIGN)
            .select_related("budget_line").prefetch_related("orders", "amendments").order_by("reference"))


def _maintenance_years(contract: Contract) -> Iterable[date]:
    """The first day of each maintenance year the contract provides for."""
    start = contract.maintenance_starts_on or months_later(contract.start_date, 12)
    return [months_later(start, 12 * index) for index in range(contract.maintenance_years)]


def commitments(programme: Programme) -> list[Commitment]:
    """The firm yearly amounts of the programme's signed contracts, each in its budget year:

    - a lump-sum contract: its amount in the year its execution starts, and each amendment's change
      in the year the amendment is signed;
    - its maintenance: the yearly amount in the year each maintenance year starts (from the
      acceptance's or the start's first anniversary, as the contract says), over the whole term, in
      the operating section whatever the contract's line (maintenance is an operating expense, M57
      class 6, even when the build it follows is an investment);
    - a framework agreement (bons de commande): the orders placed, in the year of each order (its
      maximum is not a commitment).

    Contracts without a budget line, or not signed yet, are left out. Amounts TTC use the contract's
    (or the order's) VAT rate: budgets are voted TTC.
    """
    rows = []
    for contract in _programme_contracts(programme):
        section = contract.budget_line.section

        def add(year: int, amount_ht: Decimal, what: str, vat=contract.vat_rate, contract=contract,
                section=section) -> None:
            rows.append(Commitment(contract=contract.reference, section=section, year=year,
                                   amount_ht=round_money(amount_ht), amount_ttc=ttc(amount_ht, vat), what=what))

        if contract.is_framework:
            for order in contract.orders.all():
                add(order.ordered_on.year, order.amount_ht, f"bon de commande n° {order.number}", vat=order.vat_rate)
            continue
        if contract.amount_ht:
            add(contract.start_date.year, contract.amount_ht, "montant du marché")
        for amendment in contract.amendments.all():
            if amendment.amount_change_ht:
                add(amendment.signed_on.year, amendment.amount_change_ht, f"avenant n° {amendment.number}")
        if contract.maintenance_yearly_ht:
            for start in _maintenance_years(contract):
                add(start.year, contract.maintenance_yearly_ht, "maintenance", section=BudgetSection.OPERATING.value)
    return rows


def committed_by_section_year(programme: Programme) -> dict[SectionYear, Decimal]:
    """Committed TTC per (section, year) for the programme: the one place the programme page and the
    ``programme_status`` command read commitments from (see ``commitments`` for what counts). Point it
    at the finance commitments schedule when that exists."""
    totals: dict[SectionYear, Decimal] = defaultdict(lambda: ZERO)
    for row in commitments(programme):
        totals[(row.section, row.year)] += row.amount_ttc
    return {key: round_money(value) for key, value in totals.items()}


def committed_ht_by_section_year(programme: Programme) -> dict[SectionYear, Decimal]:
    """The same, HT, shown beside the TTC figures."""
    totals: dict[SectionYear, Decimal] = defaultdict(lambda: ZERO)
    for row in commitments(programme):
        totals[(row.section, row.year)] += row.amount_ht
    return {key: round_money(value) for key, value in totals.items()}


# Budget against commitments ------------------------------------------------------------------------


@dataclass(frozen=True)
class BudgetYearRow:
    section: str
    section_label: str
    year: int
    budget_ttc: Decimal
    committed_ttc: Decimal
    committed_ht: Decimal

    @property
    def remaining_ttc(self) -> Decimal:
        return round_money(self.budget_ttc - self.committed_ttc)

    @property
    def over(self) -> bool:
        return self.committed_ttc > self.budget_ttc


def budget_against_committed(programme: Programme, *, committed: dict[SectionYear, Decimal] | None = None
                             ) -> list[BudgetYearRow]:
    """One row per section and year that has credits or commitments, investment first, then by year."""
    committed = committed_by_section_year(programme) if committed is None else committed
    committed_ht = committed_ht_by_section_year(programme)
    budget = {(row["section"], row["year"]): row["budget_ttc"] for row in budget_by_section_year(programme=programme)}
    order = {section.value: index for index, section in enumerate(BudgetSection)}
    keys = sorted(set(budget) | set(committed), key=lambda key: (order.get(key[0], 99), key[1]))
    return [BudgetYearRow(section=section, section_label=str(BudgetSection(section).label), year=year,
                          budget_ttc=budget.get((section, year), ZERO),
                          committed_ttc=committed.get((section, year), ZERO),
                          committed_ht=committed_ht.get((section, year), ZERO))
            for section, year in keys]


# Phases ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PhaseRow:
    name: str
    position: int
    planned_start: date
    planned_end: date
    actual_start: date | None
    actual_end: date | None
    late_days: int

    @property
    def is_open(self) -> bool:
        return self.actual_end is None

    @property
    def is_late(self) -> bool:
        return self.late_days > 0


def phase_rows(programme: Programme, *, today: date) -> list[PhaseRow]:
    return [PhaseRow(name=phase.name, position=phase.position, planned_start=phase.planned_start,
                     planned_end=phase.planned_end, actual_start=phase.actual_start, actual_end=phase.actual_end,
                     late_days=phase.late_days(today=today))
            for phase in phase_list(programme=programme)]


def programme_status(programme: Programme, *, today: date) -> dict:
    """The ``programme_status --format json`` object (the issue's contract, to the letter)."""
    from procurement.tenders.selectors import programme_procurements

    return {
        "programme": programme.reference,
        "phases": [{"name": row.name, "planned_start": row.planned_start.isoformat(),
                    "planned_end": row.planned_end.isoformat(),
                    "actual_end": row.actual_end.isoformat() if row.actual_end else None,
                    "late_days": row.late_days} for row in phase_rows(programme, today=today)],
        "procurements": [{"reference": tender.reference, "procedure": tender.procedure, "state": tender.state}
                         for tender in programme_procurements(programme=programme)],
        "budget": [{"section": row.section, "year": row.year, "budget_ttc": str(row.budget_ttc),
                    "committed_ttc": str(row.committed_ttc)} for row in budget_against_committed(programme)],
    }
