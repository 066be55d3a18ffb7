"""Reads across apps for the dashboards: they call the apps' selectors and own no model."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from procurement.contracts.selectors.finance import commitments
from procurement.core.money import round_money
from procurement.programmes.enums import BudgetSection
from procurement.programmes.models import Programme
from procurement.programmes.selectors import phase_list

ZERO = Decimal("0.00")


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


def budget_against_committed(programme: Programme) -> list[BudgetYearRow]:
    """One row per section and year that has credits or commitments, investment first, then by year.

    The figures are the finance schedule's (``contracts.selectors.finance.commitments``) for the programme's
    budget lines, every year it covers: the programme page and the finance pages say the same."""
    table = commitments(programme=programme)
    rows = []
    for section in table.sections:
        for year in table.years:
            cell = table.section_year(section, year)
            if cell.budget_ttc or cell.committed_ttc or cell.committed_ht:
                rows.append(BudgetYearRow(section=section, section_label=str(BudgetSection(section).label),
                                          year=year, budget_ttc=cell.budget_ttc, committed_ttc=cell.committed_ttc,
                                          committed_ht=cell.committed_ht))
    return rows


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
    """The ``programme_status --format json`` object (a published contract other tools read: keep its keys)."""
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
