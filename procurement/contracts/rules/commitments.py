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

2. ``schedule(rows, ...)`` spreads the rows over calendar years and sums them per contract,
   budget line and year with pandas, in integer cents (exact: VAT rounded half-up to the cent on
   each row's share of a year, day-by-day shares rounded so that they add up to the row's amount).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import numpy as np
import pandas as pd

from procurement.contracts.rules import schedule as calendar
from procurement.contracts.rules.amounts import amount_after_amendments
from procurement.core.money import round_money

COMMITTED, FORECAST, ESTIMATE = 0, 1, 2
AT_DATE, SPREAD = 0, 1
COLUMNS = ["contract", "budget_line", "status", "start", "end", "amount", "vat", "spread"]
MONEY_COLUMNS = ["committed_ht", "committed_ttc", "forecast_ht", "forecast_ttc"]
EPOCH = date(1970, 1, 1)


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


def _cents(amount: Decimal) -> int:
    return int(round_money(amount) * 100)


def _basis_points(rate: Decimal) -> int:
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
    key, line, vat = terms.key, terms.budget_line, _basis_points(terms.vat_rate)
    rows = []
    if terms.is_framework:
        for ordered_on, amount, rate in terms.orders:
            rows.append((key, line, COMMITTED, ordered_on, ordered_on, _cents(amount), _basis_points(rate), AT_DATE))
        if terms.yearly_maximum_ht is not None:
            for period in periods:
                maximum = amount_after_amendments(terms.yearly_maximum_ht,
                                                  (c for signed, _, c in terms.amendments if signed <= period.end))
                rows.append((key, line, ESTIMATE, period.start, period.end, _cents(maximum), vat, SPREAD))
    elif terms.amount_ht is not None:
        if terms.max_renewals == 0:
            first = periods[0]
            end = terms.accepted_on if terms.accepted_on and terms.accepted_on >= first.start else first.end
            rows.append((key, line, COMMITTED, first.start, end, _cents(terms.amount_ht), vat, SPREAD))
        else:
            for index, period in enumerate(periods):
                price = terms.amount_ht * coefficient_at(terms.revisions, period.start)
                rows.append((key, line, COMMITTED if index < carried else FORECAST, period.start, period.start,
                             _cents(price), vat, AT_DATE))
        for signed, change, _ in terms.amendments:
            if change:
                rows.append((key, line, COMMITTED, signed, signed, _cents(change), vat, AT_DATE))
    rows.extend(_maintenance_rows(terms, periods, carried))
    return rows


def _maintenance_rows(terms: ContractTerms, periods, carried: int) -> list[tuple]:
    if not terms.maintenance_yearly_ht or terms.maintenance_start is None:
        return []
    line = terms.maintenance_budget_line or terms.budget_line
    vat = _basis_points(terms.vat_rate)
    committed_end = periods[carried - 1].end
    years_committed = calendar.maintenance_years(maintenance_start=terms.maintenance_start,
                                                 contract_end=committed_end) if terms.maintenance_confirmed else 0
    years_all = calendar.maintenance_years(maintenance_start=terms.maintenance_start, contract_end=periods[-1].end)
    rows = []
    for year in range(years_all):
        day = calendar.months_later(terms.maintenance_start, 12 * year)
        price = terms.maintenance_yearly_ht * coefficient_at(terms.revisions, day)
        status = COMMITTED if year < years_committed else FORECAST
        rows.append((terms.key, line, status, day, day, _cents(price), vat, AT_DATE))
    return rows


def rows_frame(rows: list[tuple]) -> pd.DataFrame:
    """The rows as a DataFrame: dates as day numbers, amounts in cents (int64)."""
    frame = pd.DataFrame.from_records(rows, columns=COLUMNS)
    if frame.empty:
        return frame.astype({"start": "int64", "end": "int64", "amount": "int64", "vat": "int64"})
    for name in ("start", "end"):
        frame[name] = pd.to_datetime(frame[name]).values.astype("datetime64[D]").astype("int64")
    return frame


def _year_of(days: np.ndarray) -> np.ndarray:
    return days.astype("datetime64[D]").astype("datetime64[Y]").astype("int64") + 1970


def _year_start(years: np.ndarray) -> np.ndarray:
    return (years - 1970).astype("datetime64[Y]").astype("datetime64[D]").astype("int64")


def _ttc(ht: np.ndarray, vat: np.ndarray) -> np.ndarray:
    """HT + VAT rounded half-up to the cent (away from zero for negative amounts), in cents."""
    sign = np.sign(ht)
    return ht + sign * ((np.abs(ht) * vat * 2 + 10000) // 20000)


def _spread(start: np.ndarray, end: np.ndarray, amount: np.ndarray) -> tuple[np.ndarray, ...]:
    """Each spread row's share of every calendar year it covers, by days; shares add up to the amount.
    Returns (row positions, years, amounts) of the non-zero shares."""
    end = end + 1   # exclusive
    total = end - start
    years = np.arange(_year_of(start).min(), _year_of(end - 1).max() + 1)
    bounds = _year_start(years + 1)
    elapsed = np.minimum(np.maximum(np.minimum(end[:, None], bounds[None, :]) - start[:, None], 0), total[:, None])
    sign = np.sign(amount)[:, None]
    cumulative = sign * ((2 * np.abs(amount)[:, None] * elapsed + total[:, None]) // (2 * total[:, None]))
    share = np.diff(cumulative, axis=1, prepend=0)
    rows, cols = np.nonzero(share)
    return rows, years[cols], share[rows, cols]


def _group_sum(keys: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sums the rows of ``values`` (int64, one column per measure) sharing a key: exact integer
    sums after one sort; returns the sorted distinct keys and their sums."""
    order = np.argsort(keys)
    sorted_keys = keys[order]
    starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
    return sorted_keys[starts], np.add.reduceat(values[order], starts, axis=0)


def _empty(*keys: str) -> pd.DataFrame:
    return pd.DataFrame({name: np.zeros(0, "int64") for name in (*keys, *MONEY_COLUMNS)})


def schedule(frame: pd.DataFrame, *, year_from: int, year_to: int) -> pd.DataFrame:
    """Committed and forecast amounts (cents, HT and TTC) per contract, budget line and year of
    ``year_from``..``year_to``: one row per (contract, budget_line, year) with an amount, sorted."""
    if frame.empty:
        return _empty("contract", "budget_line", "year")
    column = {name: frame[name].to_numpy() for name in COLUMNS}
    spread = column["spread"] == SPREAD
    at_date = ~spread
    row_index = np.flatnonzero(at_date)
    years = _year_of(column["start"][at_date])
    amounts = column["amount"][at_date]
    if spread.any():
        rows, spread_years, shares = _spread(column["start"][spread], column["end"][spread], column["amount"][spread])
        row_index = np.concatenate([row_index, np.flatnonzero(spread)[rows]])
        years, amounts = np.concatenate([years, spread_years]), np.concatenate([amounts, shares])
    kept = (years >= year_from) & (years <= year_to)
    row_index, years, ht = row_index[kept], years[kept] - year_from, amounts[kept]
    if not len(ht):
        return _empty("contract", "budget_line", "year")
    ttc = _ttc(ht, column["vat"][row_index])
    contracts = column["contract"].astype("int64")[row_index]
    lines = column["budget_line"].astype("int64")[row_index]
    line_base, span = int(lines.max()) + 1, year_to - year_from + 1
    cell = (contracts * line_base + lines) * span + years
    keys, sums = _group_sum(cell * 3 + column["status"][row_index], np.column_stack([ht, ttc]))
    all_cells = keys // 3                                         # sorted, as ``keys`` is
    new_cell = np.r_[True, all_cells[1:] != all_cells[:-1]]
    cells, position = all_cells[new_cell], np.cumsum(new_cell) - 1
    by_status = np.zeros((len(cells), 3, 2), "int64")          # cell × status × (HT, TTC)
    by_status[position, keys % 3] = sums
    committed, forecast, estimate = by_status[:, COMMITTED], by_status[:, FORECAST], by_status[:, ESTIMATE]
    # A framework's forecast: the orders, or its estimate for the year when the orders leave some of it.
    planned = committed + forecast + np.maximum(estimate - committed, 0)
    pair = cells // span
    return pd.DataFrame({"contract": pair // line_base, "budget_line": pair % line_base,
                         "year": cells % span + year_from, "committed_ht": committed[:, 0],
                         "committed_ttc": committed[:, 1], "forecast_ht": planned[:, 0],
                         "forecast_ttc": planned[:, 1]})


def by_budget_line(table: pd.DataFrame) -> pd.DataFrame:
    """The schedule summed per budget line and year (one row each, sorted)."""
    if table.empty:
        return _empty("budget_line", "year")
    lines, years = table["budget_line"].to_numpy(), table["year"].to_numpy()
    first, span = int(years.min()), int(years.max() - years.min()) + 1
    keys, sums = _group_sum(lines * span + (years - first),
                            np.column_stack([table[name].to_numpy() for name in MONEY_COLUMNS]))
    result = pd.DataFrame(sums, columns=MONEY_COLUMNS)
    result.insert(0, "year", keys % span + first)
    result.insert(0, "budget_line", keys // span)
    return result


def cents_to_money(cents: int) -> Decimal:
    return (Decimal(int(cents)) / 100).quantize(Decimal("0.01"))
