"""Reads for the finance follow-up: the commitments schedule compared with the voted budget per budget
line and year, in cells per line, per contract and per section (the contracts' terms are read by
``commitment_terms``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from procurement.contracts.selectors.commitment_terms import ContractLabel, contract_terms
from procurement.core.money import round_money
from procurement.programmes.enums import BudgetSection
from procurement.programmes.models import BudgetCredit, BudgetLine, Programme

ZERO = Decimal("0.00")


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

    The one computation of what contracts commit (the rules of ``rules/commitments.py``): the
    finance pages and the programme page read it. Without a range, the years run from the first to the
    last year that has credits voted or an amount scheduled. A fixed number of queries, whatever the
    number of programmes, contracts, orders and years; the schedule in one pass over the contracts
    that reach the years asked."""
    # Imported here: numpy and pandas load with the schedule only, which the other pages need not pay for.
    from procurement.contracts.rules import commitments_frame as frames
    from procurement.contracts.rules import commitments_years as yearly

    lines, budget = _budget(programme)
    if section:
        lines = [line for line in lines if line.section == section]
    tables, labels = contract_terms(programme=programme, year_from=year_from, year_to=year_to)
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
