"""The multi-year schedule of what contracts commit, as pure functions over plain values.

Two steps:

1. ``obligation_rows(terms)`` turns one contract's terms into plain rows: an amount HT with its
   VAT rate, a budget line, a date (or a date range to spread over) and a status:

   - *committed*: what the signed contract obliges the authority to pay: the lump sum of a
     contract without renewals (instalments as the work progresses, spread day by day from the
     start to the acceptance, or over the initial period while the acceptance is not recorded);
     the price of each period carried out for a renewable contract, due at the period's start and
     revised by the latest revision computed (the index is known); the yearly maintenance from its
     start, due at the start of each maintenance year inside the periods carried out; the orders
     placed on a framework; the amendments of a contract with a price (one-off, on their signature);
   - *forecast*: the same for the renewals not refused yet (and the maintenance they carry);
   - *estimate*: a framework's maximum per period (its yearly estimate), spread day by day over the
     period; the forecast adds what the orders leave of it, year by year.

   A contract not signed commits nothing; an ended or terminated one stops on its last day.

2. ``commitments_years.schedule(rows, ...)`` spreads the rows over calendar years and sums them per
   contract, budget line and year with pandas, in integer cents (exact: VAT rounded half-up to the cent
   on each row's share of a year, day-by-day shares rounded so that they add up to the row's amount).

``obligation_rows`` (this module) states the rule for one contract and is the reference;
``commitments_frame.obligation_frame`` computes the same rows for thousands of contracts at once, with
numpy over columns (``TermsTables``: one row per contract, per price revision, per order and per
amendment), which is what the finance pages use. Their equality is tested on generated terms.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache

import pandas as pd

from procurement.contracts.rules import schedule as calendar
from procurement.contracts.rules.amounts import amount_after_amendments
from procurement.core.money import round_money

COMMITTED, FORECAST, ESTIMATE = 0, 1, 2
AT_DATE, SPREAD = 0, 1
COLUMNS = ["contract", "budget_line", "status", "start", "end", "amount", "vat", "spread"]


@dataclass(frozen=True)
class ContractTerms:
    """What the schedule needs to know of a contract, as plain values."""

    key: int                                   # the contract's id
    budget_line: int | None
    vat_rate: Decimal
    start_date: date
    duration_months: int
    signed: bool = True
    is_framework: bool = False
    amount_ht: Decimal | None = None
    renewal_months: int = 12
    max_renewals: int = 0
    renewal_count: int = 0
    refused_renewal: int | None = None         # the first renewal refused
    closed_on: date | None = None              # ended or terminated on
    accepted_on: date | None = None
    yearly_maximum_ht: Decimal | None = None
    maintenance_yearly_ht: Decimal | None = None
    maintenance_start: date | None = None
    maintenance_confirmed: bool = True         # False while the acceptance it waits for is not recorded
    maintenance_budget_line: int | None = None
    revisions: tuple[tuple[date, Decimal], ...] = ()              # (revision date, coefficient)
    orders: tuple[tuple[date, Decimal, Decimal], ...] = ()        # (ordered on, amount HT, VAT rate)
    amendments: tuple[tuple[date, Decimal, Decimal], ...] = field(default=())  # (signed, change HT, yearly max change)


def to_cents(amount: Decimal) -> int:
    return int(round_money(amount).scaleb(2))


@lru_cache(maxsize=256)
def basis_points(rate: Decimal) -> int:
    # A handful of VAT rates, met on every row: computed once each.
    return int((Decimal(rate) * 100).to_integral_value())


def coefficient_at(revisions, day: date) -> Decimal:
    """The coefficient of the latest revision on or before ``day`` (1 before the first)."""
    coefficient = Decimal("1")
    for revision_on, value in sorted(revisions):
        if revision_on <= day:
            coefficient = value
    return coefficient


def _periods(terms: ContractTerms) -> tuple[list[calendar.Period], int]:
    """The periods that may still run (carried out, then renewals not refused), truncated on the
    closing day, and how many of them are carried out."""
    periods = calendar.periods(start=terms.start_date, duration_months=terms.duration_months,
                               renewal_months=terms.renewal_months, renewals=terms.max_renewals)
    carried = terms.renewal_count + 1
    if terms.closed_on is not None:
        kept = [p for p in periods[:carried] if p.start <= terms.closed_on]
        periods = [calendar.Period(p.number, p.start, min(p.end, terms.closed_on)) for p in kept]
        return periods, len(periods)
    if terms.refused_renewal is not None:
        periods = [p for p in periods if p.renewal_number < terms.refused_renewal]
    return periods, min(carried, len(periods))


def obligation_rows(terms: ContractTerms) -> list[tuple]:
    """The rows of one contract (see the module's docstring), in ``COLUMNS`` order."""
    if not terms.signed or terms.budget_line is None:
        return []
    periods, carried = _periods(terms)
    if not periods:
        return []
    key, line, vat = terms.key, terms.budget_line, basis_points(terms.vat_rate)
    rows = []
    if terms.is_framework:
        for ordered_on, amount, rate in terms.orders:
            rows.append((key, line, COMMITTED, ordered_on, ordered_on, to_cents(amount), basis_points(rate), AT_DATE))
        if terms.yearly_maximum_ht is not None:
            for period in periods:
                maximum = amount_after_amendments(terms.yearly_maximum_ht,
                                                  (c for signed, _, c in terms.amendments if signed <= period.end))
                rows.append((key, line, ESTIMATE, period.start, period.end, to_cents(maximum), vat, SPREAD))
    elif terms.amount_ht is not None:
        if terms.max_renewals == 0:
            first = periods[0]
            end = terms.accepted_on if terms.accepted_on and terms.accepted_on >= first.start else first.end
            rows.append((key, line, COMMITTED, first.start, end, to_cents(terms.amount_ht), vat, SPREAD))
        else:
            for index, period in enumerate(periods):
                price = terms.amount_ht * coefficient_at(terms.revisions, period.start)
                rows.append((key, line, COMMITTED if index < carried else FORECAST, period.start, period.start,
                             to_cents(price), vat, AT_DATE))
        for signed, change, _ in terms.amendments:
            if change:
                rows.append((key, line, COMMITTED, signed, signed, to_cents(change), vat, AT_DATE))
    rows.extend(_maintenance_rows(terms, periods, carried))
    return rows


def _maintenance_rows(terms: ContractTerms, periods, carried: int) -> list[tuple]:
    if not terms.maintenance_yearly_ht or terms.maintenance_start is None:
        return []
    line = terms.maintenance_budget_line or terms.budget_line
    vat = basis_points(terms.vat_rate)
    committed_end = periods[carried - 1].end
    years_committed = calendar.maintenance_years(maintenance_start=terms.maintenance_start,
                                                 contract_end=committed_end) if terms.maintenance_confirmed else 0
    years_all = calendar.maintenance_years(maintenance_start=terms.maintenance_start, contract_end=periods[-1].end)
    rows = []
    for year in range(years_all):
        day = calendar.months_later(terms.maintenance_start, 12 * year)
        price = terms.maintenance_yearly_ht * coefficient_at(terms.revisions, day)
        status = COMMITTED if year < years_committed else FORECAST
        rows.append((terms.key, line, status, day, day, to_cents(price), vat, AT_DATE))
    return rows


def rows_frame(rows: list[tuple]) -> pd.DataFrame:
    """The rows as a DataFrame: dates as day numbers, amounts in cents (int64)."""
    frame = pd.DataFrame.from_records(rows, columns=COLUMNS)
    if frame.empty:
        return frame.astype({"start": "int64", "end": "int64", "amount": "int64", "vat": "int64"})
    for name in ("start", "end"):
        frame[name] = pd.to_datetime(frame[name]).values.astype("datetime64[D]").astype("int64")
    return frame
