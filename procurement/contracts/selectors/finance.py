"""Reads for the finance follow-up: the contracts' terms as plain values for the commitments
schedule (a fixed number of queries), the schedule compared with the voted budget per budget line
and year, invoices near their deadline, late interest paid, renewal decisions to come."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from procurement.contracts.enums import ContractState, MaintenanceStart, RenewalDecisionKind
from procurement.contracts.models import Amendment, Contract, Invoice, PriceRevision, PurchaseOrder, RenewalDecision
from procurement.contracts.models.contract import RENEWAL_DUE_DAYS
from procurement.contracts.rules.schedule import months_later
from procurement.core.enums import ReferenceKind
from procurement.core.money import round_money
from procurement.core.selectors import Unconfirmed
from procurement.programmes.models import BudgetLine, Programme
from procurement.programmes.selectors import budget_table

ZERO = Decimal("0.00")


def _contracts(programme: Programme | None) -> QuerySet[Contract]:
    contracts = Contract.objects.exclude(state=ContractState.TO_SIGN).filter(budget_line__isnull=False)
    if programme is not None:
        contracts = contracts.filter(budget_line__programme=programme)
    return contracts.select_related("holder").prefetch_related(
        Prefetch("revisions", queryset=PriceRevision.objects.only("contract_id", "revision_on", "coefficient")),
        Prefetch("orders", queryset=PurchaseOrder.objects.only("contract_id", "ordered_on", "amount_ht", "vat_rate")),
        Prefetch("amendments", queryset=Amendment.objects.only("contract_id", "signed_on", "amount_change_ht",
                                                               "yearly_maximum_change_ht")),
        Prefetch("renewal_decisions", queryset=RenewalDecision.objects.filter(decision=RenewalDecisionKind.REFUSE)),
    ).order_by("reference")


def _engine():
    """The schedule module, imported when a schedule is computed: it loads pandas and numpy, which
    the other pages need not pay for."""
    from procurement.contracts.rules import commitments as engine

    return engine


def contract_terms(contract: Contract):
    """The plain values the schedule needs (``ContractTerms``; relations prefetched by ``_contracts``)."""
    engine = _engine()
    maintenance_start, confirmed = contract.maintenance_starts_on, True
    if contract.maintenance_yearly_ht and maintenance_start is None:
        # Waiting for the acceptance: planned from the start's first anniversary, not committed yet.
        maintenance_start, confirmed = months_later(contract.start_date, 12), False
    refused = [d.renewal_number for d in contract.renewal_decisions.all()]
    return engine.ContractTerms(
        key=contract.pk, budget_line=contract.budget_line_id, vat_rate=contract.vat_rate,
        start_date=contract.start_date, duration_months=contract.duration_months,
        signed=contract.state != ContractState.TO_SIGN, is_framework=contract.is_framework,
        amount_ht=contract.amount_ht, renewal_months=contract.renewal_months, max_renewals=contract.max_renewals,
        renewal_count=contract.renewal_count, refused_renewal=min(refused) if refused else None,
        closed_on=contract.ended_on or contract.terminated_on, accepted_on=contract.accepted_on,
        yearly_maximum_ht=contract.yearly_maximum_ht, maintenance_yearly_ht=contract.maintenance_yearly_ht,
        maintenance_start=maintenance_start,
        maintenance_confirmed=confirmed and not (contract.maintenance_start == MaintenanceStart.ACCEPTANCE
                                                 and contract.accepted_on is None),
        maintenance_budget_line=contract.maintenance_budget_line_id,
        revisions=tuple((r.revision_on, r.coefficient) for r in contract.revisions.all()),
        orders=tuple((o.ordered_on, o.amount_ht, o.vat_rate) for o in contract.orders.all()),
        amendments=tuple((a.signed_on, a.amount_change_ht, a.yearly_maximum_change_ht)
                         for a in contract.amendments.all()),
    )


@dataclass(frozen=True)
class Cell:
    committed_ht: Decimal = ZERO
    committed_ttc: Decimal = ZERO
    forecast_ht: Decimal = ZERO
    forecast_ttc: Decimal = ZERO
    budget_ttc: Decimal = ZERO

    @property
    def remaining_ttc(self) -> Decimal:
        return round_money(self.budget_ttc - self.committed_ttc)

    @property
    def forecast_remaining_ttc(self) -> Decimal:
        return round_money(self.budget_ttc - self.forecast_ttc)

    @property
    def over_budget(self) -> bool:
        return self.committed_ttc > self.budget_ttc

    @property
    def forecast_over_budget(self) -> bool:
        return self.forecast_ttc > self.budget_ttc

    def __add__(self, other: Cell) -> Cell:
        return Cell(*(round_money(a + b) for a, b in zip(self.values(), other.values(), strict=True)))

    def values(self) -> tuple[Decimal, ...]:
        return (self.committed_ht, self.committed_ttc, self.forecast_ht, self.forecast_ttc, self.budget_ttc)


class _YearCells:
    cells: dict[int, Cell]

    @property
    def total(self) -> Cell:
        return sum(self.cells.values(), Cell())

    @property
    def year_cells(self) -> list[tuple[int, Cell]]:
        return sorted(self.cells.items())


@dataclass(frozen=True)
class LineRow(_YearCells):
    line: BudgetLine
    cells: dict[int, Cell]

    @property
    def authorisation_left_ttc(self) -> Decimal | None:
        """What the AP/AE leaves after the forecast of the years shown."""
        if self.line.authorisation_amount_ttc is None:
            return None
        return round_money(self.line.authorisation_amount_ttc - self.total.forecast_ttc)


@dataclass(frozen=True)
class ContractRow(_YearCells):
    contract: Contract
    line: BudgetLine
    cells: dict[int, Cell]


@dataclass
class Commitments:
    years: list[int]
    lines: list[LineRow]
    contracts: list[ContractRow] = field(default_factory=list)

    def section_year(self, section: str, year: int) -> Cell:
        return sum((row.cells[year] for row in self.lines if row.line.section == section), Cell())

    def year_total(self, year: int) -> Cell:
        return sum((row.cells[year] for row in self.lines), Cell())

    @property
    def sections(self) -> list[str]:
        return sorted({row.line.section for row in self.lines}, key=lambda s: 0 if s == "investment" else 1)


def commitments(*, year_from: int | None = None, year_to: int | None = None, programme: Programme | None = None,
                section: str = "") -> Commitments:
    """Committed and forecast amounts per budget line and year against the credits voted (TTC),
    every budget line of the programmes (or of ``programme``) in every year of the range.

    The one computation of what contracts commit (see ``COMMITTED_RULE`` and ``commitments.py``): the
    finance pages and the programme page read it. Without a range, the years run from the first to the
    last year that has credits voted or an amount scheduled."""
    engine = _engine()
    programmes = [programme] if programme is not None else list(Programme.objects.order_by("reference"))
    budget: dict[tuple[int, int], Decimal] = {}
    lines: list[BudgetLine] = []
    for item in programmes:
        table = budget_table(programme=item)
        for block in table.sections:
            for row in block.rows:
                lines.append(row.line)
                budget.update({(row.line.pk, year): amount for year, amount in row.amounts.items()})
    if section:
        lines = [line for line in lines if line.section == section]
    contracts = list(_contracts(programme))
    rows = [row for contract in contracts for row in engine.obligation_rows(contract_terms(contract))]
    if year_from is None or year_to is None:
        known = {year for _, year in budget} | {day.year for row in rows for day in (row[3], row[4])}
        if not known:
            return Commitments(years=[], lines=[])
        year_from = min(known) if year_from is None else year_from
        year_to = max(known) if year_to is None else year_to
    years = list(range(year_from, year_to + 1))
    table = engine.schedule(engine.rows_frame(rows), year_from=year_from, year_to=year_to)
    money = engine.cents_to_money

    def cell(values, line_id: int, year: int, with_budget: bool) -> Cell:
        amounts = [money(v) for v in values] if values is not None else [ZERO] * 4
        return Cell(*amounts, budget_ttc=budget.get((line_id, year), ZERO) if with_budget else ZERO)

    line_table = engine.by_budget_line(table)
    per_line = {(line_id, year): values for line_id, year, *values in
                line_table[["budget_line", "year", *engine.MONEY_COLUMNS]].itertuples(index=False)}
    line_rows = [LineRow(line=line, cells={year: cell(per_line.get((line.pk, year)), line.pk, year, True)
                                           for year in years}) for line in lines]
    by_id = {line.pk: line for line in lines}
    by_contract = {contract.pk: contract for contract in contracts}
    grouped: dict[tuple[int, int], dict[int, Cell]] = {}
    for contract_id, line_id, year, *values in table[["contract", "budget_line", "year",
                                                      *engine.MONEY_COLUMNS]].itertuples(index=False):
        if line_id in by_id:
            grouped.setdefault((contract_id, line_id), {})[year] = cell(values, line_id, year, False)
    contract_rows = [
        ContractRow(contract=by_contract[c], line=by_id[line_id],
                    cells={year: cells.get(year, Cell()) for year in years})
        for (c, line_id), cells in sorted(grouped.items(), key=lambda kv: (by_contract[kv[0][0]].reference,
                                                                           by_id[kv[0][1]].label))
    ]
    return Commitments(years=years, lines=line_rows, contracts=contract_rows)


def commitments_json(table: Commitments) -> dict:
    """The ``commitments --format json`` contract: money as strings with two decimals."""
    return {"years": [
        {"year": year, "lines": [
            {"budget_line": row.line.label, "section": row.line.section,
             "committed_ht": f"{row.cells[year].committed_ht:.2f}",
             "committed_ttc": f"{row.cells[year].committed_ttc:.2f}",
             "forecast_ttc": f"{row.cells[year].forecast_ttc:.2f}",
             "budget_ttc": f"{row.cells[year].budget_ttc:.2f}",
             "remaining_ttc": f"{row.cells[year].remaining_ttc:.2f}"}
            for row in table.lines]}
        for year in table.years]}


# Deadlines to watch ------------------------------------------------------------------------------


def invoices_near_deadline(*, today: date | None = None, days: int = 10) -> QuerySet[Invoice]:
    """Unpaid invoices whose deadline falls within ``days`` days, or has passed."""
    today = today or timezone.localdate()
    return (Invoice.objects.unpaid().filter(payment_deadline__isnull=False,
                                            payment_deadline__lte=today + timedelta(days=days))
            .select_related("contract__holder").order_by("payment_deadline", "pk"))


def late_interest_paid(*, year: int | None = None) -> QuerySet[Invoice]:
    invoices = Invoice.objects.paid_late().select_related("contract__holder").order_by("-paid_on", "pk")
    return invoices.filter(paid_on__year=year) if year else invoices


def renewal_decisions_due(*, today: date | None = None, days: int = RENEWAL_DUE_DAYS) -> QuerySet[Contract]:
    """Executing contracts whose renewal decision deadline falls within ``days`` days."""
    today = today or timezone.localdate()
    return (Contract.objects.renewal_due(today=today, days=days)
            .select_related("holder", "budget_line").order_by("renewal_deadline", "reference"))


def invoice_list(*, status: str = "", contract: Contract | None = None) -> QuerySet[Invoice]:
    invoices = Invoice.objects.select_related("contract__holder", "order")
    if contract is not None:
        invoices = invoices.filter(contract=contract)
    if status == "unpaid":
        invoices = invoices.unpaid()
    elif status == "paid":
        invoices = invoices.filter(paid_on__isnull=False)
    elif status == "late":
        invoices = invoices.paid_late()
    elif status == "interrupted":
        invoices = invoices.unpaid().filter(interrupted_on__isnull=False, resumed_on__isnull=True)
    return invoices.order_by("-received_on", "number")


def with_rate_confirmation(invoices: Iterable) -> list:
    """The invoices, each with ``rate_unconfirmed``: its late interest uses an ECB rate entered « à
    confirmer » (one query for the whole list)."""
    unconfirmed = Unconfirmed(ReferenceKind.ECB_MAIN_RATE)
    invoices = list(invoices)
    for invoice in invoices:
        invoice.rate_unconfirmed = bool(invoice.late_days) and unconfirmed.at(invoice.late_interest_rate_date)
    return invoices
