"""Reads for the finance follow-up: the contracts' terms as columns for the commitments schedule (a
fixed number of queries, only the contracts that reach the years asked), the schedule compared with
the voted budget per budget line and year, invoices near their deadline, late interest paid, renewal
decisions to come."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import cached_property

from django.db.models import F, Min, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.utils import timezone

from procurement.contracts.enums import ContractState, MaintenanceStart, RenewalDecisionKind
from procurement.contracts.models import Amendment, Contract, Invoice, PriceRevision, PurchaseOrder, RenewalDecision
from procurement.contracts.models.contract import RENEWAL_DUE_DAYS
from procurement.contracts.rules.schedule import months_later
from procurement.core.enums import ReferenceKind
from procurement.core.money import round_money
from procurement.core.selectors import Unconfirmed
from procurement.programmes.enums import BudgetSection
from procurement.programmes.models import BudgetCredit, BudgetLine, Programme

ZERO = Decimal("0.00")
TERM_FIELDS = ("pk", "budget_line_id", "vat_rate", "start_date", "duration_months", "is_framework", "amount_ht",
               "renewal_months", "max_renewals", "renewal_count", "ended_on", "terminated_on",
               "accepted_on", "yearly_maximum_ht", "maintenance_yearly_ht", "maintenance_start",
               "maintenance_budget_line_id", "reference", "holder__name")


class _Scope:
    """Which contracts the schedule reads (signed, on a budget line of ``programme``) and, when years
    are asked, which of their rows may fall within them, as filters on the contracts or, through
    ``prefix``, on the rows that point to them (revisions, orders, amendments, renewal decisions).

    A contract's rows fall between its start (or its acceptance, which a maintenance follows) and the
    end of its last period (cut on its closing day) or its acceptance, apart from its orders and
    amendments, which fall on their own day. The last period ends before the start's year plus
    ``total_months // 12 + 1``: a bound that needs no month arithmetic in SQL."""

    def __init__(self, programme: Programme | None, year_from: int | None, year_to: int | None):
        self.programme = programme
        self.days = None if year_from is None or year_to is None else (date(year_from, 1, 1), date(year_to, 12, 31))

    def of(self, queryset: QuerySet, prefix: str = "") -> QuerySet:
        """``queryset`` (of contracts, or of rows pointing to them through ``prefix``) restricted to
        signed contracts on a budget line (of the programme)."""
        queryset = queryset.exclude(**{f"{prefix}state": ContractState.TO_SIGN}).filter(
            **{f"{prefix}budget_line__isnull": False})
        if self.programme is not None:
            queryset = queryset.filter(**{f"{prefix}budget_line__programme": self.programme})
        return queryset

    def reaching(self, queryset: QuerySet, prefix: str = "", *, or_: Q | None = None) -> QuerySet:
        """``queryset`` restricted to the contracts whose periods, maintenance or acceptance may fall
        within the years, or to the rows that match ``or_``; unchanged without years."""
        if self.days is None:
            return queryset
        first, last = self.days

        def on(name: str, lookup: str, value) -> Q:
            return Q(**{f"{prefix}{name}__{lookup}": value})

        last_year = ExtractYear(f"{prefix}start_date") + (
            F(f"{prefix}duration_months") + F(f"{prefix}max_renewals") * F(f"{prefix}renewal_months")) / 12 + 1
        not_closed_before = (on("ended_on", "gte", first) | (on("ended_on", "isnull", True)
                                                              & (on("terminated_on", "isnull", True)
                                                                 | on("terminated_on", "gte", first))))
        reach = ((on("start_date", "lte", last) | on("accepted_on", "lte", last))
                 & ((Q(last_year__gte=first.year) & not_closed_before) | on("accepted_on", "gte", first)))
        return queryset.alias(last_year=last_year).filter(reach if or_ is None else reach | or_)

    def within(self, name: str) -> Q:
        """The rows whose date ``name`` falls within the years (only with years)."""
        return Q(**{f"{name}__range": self.days})

    def contracts(self) -> QuerySet[Contract]:
        """The contracts that may commit something in the years: their periods reach them, or they
        have an order or an amendment dated within them."""
        contracts = self.of(Contract.objects.all())
        if self.days is not None:
            contracts = self.reaching(contracts, or_=(
                Q(pk__in=PurchaseOrder.objects.filter(self.within("ordered_on")).values("contract_id"))
                | Q(pk__in=Amendment.objects.filter(self.within("signed_on")).values("contract_id"))))
        return contracts.order_by()


def _engine():
    """The schedule's modules (many contracts' rows, their sums per year), imported when a schedule is
    computed: they load pandas and numpy, which the other pages need not pay for."""
    from procurement.contracts.rules import commitments_frame, commitments_years

    return commitments_frame, commitments_years


def _maintenance(values: dict) -> tuple[date | None, bool]:
    """When the yearly maintenance starts and whether it is committed (``Contract.maintenance_starts_on``):
    waiting for the acceptance, it is planned from the start's first anniversary, not committed yet."""
    if not values["maintenance_yearly_ht"]:
        return None, True
    if values["maintenance_start"] == MaintenanceStart.ACCEPTANCE:
        if values["accepted_on"] is None:
            return months_later(values["start_date"], 12), False
        return months_later(values["accepted_on"], 12), True
    return months_later(values["start_date"], 12), True


@dataclass(frozen=True)
class ContractLabel:
    """What the tables show of a contract."""

    pk: int
    reference: str
    holder_name: str


def _terms(scope: _Scope):
    """The contracts' terms as ``TermsTables`` and their labels, in five queries whatever their number.

    The rows pointing to the contracts are read through a join, not by the contracts' ids: those that
    can change a figure of the years asked, and a few more for contracts left out, which the schedule
    ignores. Orders count on their day: those placed within the years. Revisions revise the prices due
    after them, amendments the yearly maximum of the periods after them and renewal decisions the
    periods: those of contracts whose periods reach the years (revisions up to their end); and the
    amendments signed within the years, which count on their day, and a refusal of renewal number 0,
    which would cancel every row of its contract."""
    frames, _ = _engine()
    day, money, rate, none = frames.day_number, frames.cents, frames.basis_points, frames.NONE
    dated = scope.days is not None
    refusals = scope.reaching(scope.of(RenewalDecision.objects.filter(decision=RenewalDecisionKind.REFUSE),
                                       "contract__"), "contract__", or_=Q(renewal_number=0))
    refused = dict(refusals.order_by().values("contract_id").annotate(first=Min("renewal_number"))
                   .values_list("contract_id", "first"))
    records, labels = [], {}
    for values in scope.contracts().values(*TERM_FIELDS):
        maintenance_start, confirmed = _maintenance(values)
        records.append((
            values["pk"], values["budget_line_id"], rate(values["vat_rate"]), day(values["start_date"]),
            values["duration_months"], True, values["is_framework"], money(values["amount_ht"]),
            values["renewal_months"], values["max_renewals"], values["renewal_count"],
            refused.get(values["pk"], none),
            day(values["ended_on"] or values["terminated_on"]), day(values["accepted_on"]),
            money(values["yearly_maximum_ht"]), money(values["maintenance_yearly_ht"]), day(maintenance_start),
            confirmed, values["maintenance_budget_line_id"] or none))
        labels[values["pk"]] = ContractLabel(pk=values["pk"], reference=values["reference"],
                                             holder_name=values["holder__name"])
    revisions = scope.reaching(scope.of(PriceRevision.objects.all(), "contract__"), "contract__")
    orders = scope.of(PurchaseOrder.objects.filter(scope.within("ordered_on") if dated else Q()), "contract__")
    amendments = scope.reaching(scope.of(Amendment.objects.all(), "contract__"), "contract__",
                                or_=scope.within("signed_on") if dated else None)
    if dated:
        revisions = revisions.filter(revision_on__lte=scope.days[1])
    tables = frames.terms_tables(
        contracts=records,
        revisions=[(key, day(on), frames.coefficient_units(value)) for key, on, value in
                   revisions.order_by().values_list("contract_id", "revision_on", "coefficient")],
        orders=[(key, day(on), money(amount), rate(vat)) for key, on, amount, vat in
                orders.order_by().values_list("contract_id", "ordered_on", "amount_ht", "vat_rate")],
        amendments=[(key, day(on), money(change), money(yearly)) for key, on, change, yearly in
                    amendments.order_by().values_list("contract_id", "signed_on", "amount_change_ht",
                                                      "yearly_maximum_change_ht")])
    return tables, labels


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
    def has_amount(self) -> bool:
        """Something is committed or planned (the budget aside)."""
        return any((self.committed_ht, self.committed_ttc, self.forecast_ht, self.forecast_ttc))

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
    contract: ContractLabel
    line: BudgetLine
    cells: dict[int, Cell]


@dataclass
class Commitments:
    years: list[int]
    lines: list[LineRow]
    # The rows per contract, built when read (the contracts' page and the workbook read them).
    contract_rows: Callable[[], list[ContractRow]] = field(default=list, repr=False, compare=False)

    @cached_property
    def contracts(self) -> list[ContractRow]:
        return self.contract_rows()

    @cached_property
    def _by_section_year(self) -> dict[tuple[str, int], Cell]:
        totals: dict[tuple[str, int], Cell] = {}
        for row in self.lines:
            for year in self.years:
                key = (row.line.section, year)
                totals[key] = totals.get(key, Cell()) + row.cells[year]
        return totals

    def section_year(self, section: str, year: int) -> Cell:
        return self._by_section_year.get((section, year), Cell())

    def year_total(self, year: int) -> Cell:
        return sum((self.section_year(section, year) for section in self.sections), Cell())

    @property
    def sections(self) -> list[str]:
        return sorted({row.line.section for row in self.lines}, key=lambda s: 0 if s == "investment" else 1)


NOTHING = Cell()


def _rows(frame, columns: list[str]):
    """The frame's rows as tuples of Python integers (quicker to hash and look up than numpy's)."""
    return zip(*(frame[name].tolist() for name in columns), strict=True)


def _budget(programme: Programme | None) -> tuple[list[BudgetLine], dict[tuple[int, int], Decimal]]:
    """The budget lines in the budget table's order (programme, section, chapter, article, label) and
    their credits voted per year, in two queries whatever the number of programmes."""
    lines = BudgetLine.objects.select_related("programme")
    if programme is not None:
        lines = lines.filter(programme=programme)
    sections = {section.value: index for index, section in enumerate(BudgetSection)}
    lines = sorted(lines.order_by("programme__reference", "section", "chapter", "article", "label", "pk"),
                   key=lambda line: (line.programme.reference, sections.get(line.section, len(sections))))
    credits = BudgetCredit.objects.filter(budget_line__in=[line.pk for line in lines]).order_by()
    budget = {(line_id, year): round_money(amount)
              for line_id, year, amount in credits.values_list("budget_line_id", "year", "amount_ttc")}
    return lines, budget


def commitments(*, year_from: int | None = None, year_to: int | None = None, programme: Programme | None = None,
                section: str = "") -> Commitments:
    """Committed and forecast amounts per budget line and year against the credits voted (TTC),
    every budget line of the programmes (or of ``programme``) in every year of the range.

    The one computation of what contracts commit (see ``COMMITTED_RULE`` and ``rules/commitments.py``): the
    finance pages and the programme page read it. Without a range, the years run from the first to the
    last year that has credits voted or an amount scheduled. A fixed number of queries, whatever the
    number of programmes, contracts, orders and years; the schedule in one pass over the contracts
    that reach the years asked."""
    frames, yearly = _engine()
    lines, budget = _budget(programme)
    if section:
        lines = [line for line in lines if line.section == section]
    tables, labels = _terms(_Scope(programme, year_from, year_to))
    frame = frames.obligation_frame(tables)
    if year_from is None or year_to is None:
        known = {year for _, year in budget}
        if not frame.empty:
            bounds = yearly.year_of(frame[["start", "end"]].to_numpy())
            known |= {int(bounds.min()), int(bounds.max())}
        if not known:
            return Commitments(years=[], lines=[])
        year_from = min(known) if year_from is None else year_from
        year_to = max(known) if year_to is None else year_to
    years = list(range(year_from, year_to + 1))
    table = yearly.schedule(frame, year_from=year_from, year_to=year_to)
    money = yearly.cents_to_money

    def cell(values, line_id: int, year: int, with_budget: bool) -> Cell:
        amounts = [money(v) for v in values] if values is not None else [ZERO] * 4
        return Cell(*amounts, budget_ttc=budget.get((line_id, year), ZERO) if with_budget else ZERO)

    line_table = yearly.by_budget_line(table)
    per_line = {(line_id, year): values for line_id, year, *values in
                _rows(line_table, ["budget_line", "year", *yearly.MONEY_COLUMNS])}
    line_rows = [LineRow(line=line, cells={year: cell(per_line.get((line.pk, year)), line.pk, year, True)
                                           for year in years}) for line in lines]
    by_id = {line.pk: line for line in lines}

    def contract_rows() -> list[ContractRow]:
        shown = table[table["budget_line"].isin(list(by_id))]
        grouped: dict[tuple[int, int], dict[int, Cell]] = {}
        for contract_id, line_id, year, *values in _rows(shown, ["contract", "budget_line", "year",
                                                                *yearly.MONEY_COLUMNS]):
            grouped.setdefault((contract_id, line_id), {})[year] = cell(values, line_id, year, False)
        order = sorted(grouped, key=lambda pair: (labels[pair[0]].reference, by_id[pair[1]].label))
        return [ContractRow(contract=labels[c], line=by_id[line_id],
                            cells={year: grouped[c, line_id].get(year, NOTHING) for year in years})
                for c, line_id in order]

    return Commitments(years=years, lines=line_rows, contract_rows=contract_rows)


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
