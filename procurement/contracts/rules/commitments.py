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

``obligation_rows`` states the rule for one contract and is the reference; ``obligation_frame``
computes the same rows for thousands of contracts at once, with numpy over columns (``TermsTables``:
one row per contract, per price revision, per order and per amendment), which is what the finance
pages use. Their equality is tested on generated terms.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache

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
EPOCH_ORDINAL = EPOCH.toordinal()


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


@lru_cache(maxsize=256)
def _basis_points(rate: Decimal) -> int:
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


# Many contracts at once ---------------------------------------------------------------------------

NONE = np.iinfo(np.int64).min      # a missing value (date, amount, id) in an integer column
COEFFICIENT_SCALE = 10 ** 8        # revision coefficients, stored with eight decimals, as integers
CONTRACT_COLUMNS = ["key", "budget_line", "vat", "start", "duration_months", "signed", "is_framework", "amount",
                    "renewal_months", "max_renewals", "renewal_count", "refused_renewal", "closed_on", "accepted_on",
                    "yearly_maximum", "maintenance_yearly", "maintenance_start", "maintenance_confirmed",
                    "maintenance_budget_line"]
FLAG_COLUMNS = ("signed", "is_framework", "maintenance_confirmed")
REVISION_COLUMNS = ["key", "day", "coefficient"]
ORDER_COLUMNS = ["key", "day", "amount", "vat"]
AMENDMENT_COLUMNS = ["key", "day", "amount_change", "yearly_maximum_change"]


@dataclass(frozen=True)
class TermsTables:
    """The terms of many contracts as numpy columns: one row per contract (``CONTRACT_COLUMNS``, the
    fields of ``ContractTerms``), and one per price revision, order and amendment naming its contract by
    ``key`` (unique). Dates are day numbers (days since 1970-01-01), amounts cents, VAT rates basis
    points, coefficients units of 10⁻⁸; ``NONE`` stands for a missing value."""

    contracts: dict[str, np.ndarray]
    revisions: dict[str, np.ndarray]
    orders: dict[str, np.ndarray]
    amendments: dict[str, np.ndarray]


def day_number(day: date | None) -> int:
    return NONE if day is None else day.toordinal() - EPOCH_ORDINAL


def cents(amount: Decimal | None) -> int:
    return NONE if amount is None else int(round_money(amount).scaleb(2))


def basis_points(rate: Decimal) -> int:
    return _basis_points(rate)


def coefficient_units(coefficient: Decimal) -> int:
    scaled = Decimal(coefficient) * COEFFICIENT_SCALE
    if scaled != scaled.to_integral_value():
        raise ValueError(f"coefficient {coefficient} has more than eight decimals")
    return int(scaled)


def _table(records: list[tuple], columns: list[str], flags=()) -> dict[str, np.ndarray]:
    matrix = np.array(records, dtype="int64").reshape(len(records), len(columns))
    return {name: matrix[:, index].astype(bool) if name in flags else matrix[:, index]
            for index, name in enumerate(columns)}


def terms_tables(*, contracts, revisions=(), orders=(), amendments=()) -> TermsTables:
    """The tables from records already converted (``day_number``, ``cents``, ``basis_points``,
    ``coefficient_units``), in the columns' order."""
    return TermsTables(contracts=_table(list(contracts), CONTRACT_COLUMNS, FLAG_COLUMNS),
                       revisions=_table(list(revisions), REVISION_COLUMNS),
                       orders=_table(list(orders), ORDER_COLUMNS), amendments=_table(list(amendments),
                                                                                     AMENDMENT_COLUMNS))


def _or_none(value: int | None) -> int:
    return NONE if value is None else value


def tables_of(terms) -> TermsTables:
    """The tables of some ``ContractTerms`` (their keys unique)."""
    terms = list(terms)
    return terms_tables(
        contracts=[(t.key, _or_none(t.budget_line), basis_points(t.vat_rate), day_number(t.start_date),
                    t.duration_months, t.signed, t.is_framework, cents(t.amount_ht), t.renewal_months,
                    t.max_renewals, t.renewal_count, _or_none(t.refused_renewal), day_number(t.closed_on),
                    day_number(t.accepted_on), cents(t.yearly_maximum_ht), cents(t.maintenance_yearly_ht),
                    day_number(t.maintenance_start), t.maintenance_confirmed, _or_none(t.maintenance_budget_line))
                   for t in terms],
        revisions=[(t.key, day_number(day), coefficient_units(value)) for t in terms for day, value in t.revisions],
        orders=[(t.key, day_number(day), cents(amount), basis_points(rate)) for t in terms
                for day, amount, rate in t.orders],
        amendments=[(t.key, day_number(day), cents(change), cents(yearly)) for t in terms
                    for day, change, yearly in t.amendments])


def add_months(days: np.ndarray, months) -> np.ndarray:
    """``schedule.months_later`` over day numbers: the same day ``months`` later, the month's last
    day when it has none."""
    day = np.asarray(days, "int64").astype("datetime64[D]")
    month = day.astype("datetime64[M]")
    day_index = (day - month.astype("datetime64[D]")).astype("int64")
    target = month + np.asarray(months, "int64").astype("timedelta64[M]")
    first = target.astype("datetime64[D]")
    length = ((target + 1).astype("datetime64[D]") - first).astype("int64")
    return first.astype("int64") + np.minimum(day_index, length - 1)


def whole_years(start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """``schedule.maintenance_years`` over day numbers: whole years from ``start`` to the day after
    ``end`` (0 when ``start`` is after ``end``)."""
    after = end + 1
    start_month = start.astype("datetime64[D]").astype("datetime64[M]").astype("int64")
    after_month = after.astype("datetime64[D]").astype("datetime64[M]").astype("int64")
    months = after_month - start_month
    months = months - (add_months(start, months) > after)
    return np.where(start > end, 0, np.maximum(months // 12, 0))


def _revised(amount: np.ndarray, coefficient: np.ndarray) -> np.ndarray:
    """``amount × coefficient`` rounded half-up (away from zero) to the cent, in exact integers."""
    product = amount.astype(object) * coefficient.astype(object)
    rounded = (np.abs(product) + COEFFICIENT_SCALE // 2) // COEFFICIENT_SCALE
    return np.where(product < 0, -rounded, rounded).astype("int64")


class _Children:
    """A child table (revisions, amendments) sorted by contract position then day, to look up, for
    many (contract, day) pairs at once, its rows dated on or before the day."""

    def __init__(self, position: np.ndarray, day: np.ndarray, *columns: np.ndarray):
        known = position >= 0
        position, day, columns = position[known], day[known], [column[known] for column in columns]
        # The last key sorts first; among rows of the same day, the largest value comes last (``coefficient_at``).
        order = np.lexsort((*columns[::-1], day, position))
        self.position, self.day = position[order], day[order]
        self.columns = [column[order] for column in columns]

    def until(self, position: np.ndarray, day: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For each pair, the slice [low, high) of its contract's rows dated on or before ``day``."""
        days = np.concatenate([self.day, day])
        if not len(days):
            return np.zeros(len(day), "int64"), np.zeros(len(day), "int64")
        base = days.min()
        span = days.max() - base + 2
        codes = self.position * span + (self.day - base)
        high = np.searchsorted(codes, position * span + (day - base), side="right")
        low = np.searchsorted(codes, position * span, side="left")
        return low, high

    def last(self, position, day, column: int, default: int) -> np.ndarray:
        low, high = self.until(position, day)
        values = self.columns[column]
        found = high > low
        return np.where(found, values[np.maximum(high - 1, 0)] if len(values) else default, default)

    def total(self, position, day, column: int) -> np.ndarray:
        low, high = self.until(position, day)
        running = np.r_[0, np.cumsum(self.columns[column])]
        return running[high] - running[low]


def _positions(keys: np.ndarray, child_keys: np.ndarray) -> np.ndarray:
    """Each child's contract position in ``keys`` (-1 for a contract not in the table)."""
    return pd.Index(keys).get_indexer(child_keys)


def _block(key, line, status, start, end, amount, vat, spread) -> dict[str, np.ndarray]:
    size = len(key)
    values = {"contract": key, "budget_line": line, "status": status, "start": start, "end": end, "amount": amount,
              "vat": vat, "spread": spread}
    return {name: np.broadcast_to(np.asarray(value, "int64"), size) for name, value in values.items()}


def obligation_frame(tables: TermsTables) -> pd.DataFrame:
    """The rows ``obligation_rows`` gives each contract of ``tables``, for all of them at once, as a
    ``rows_frame`` (row order aside): the periods of every contract as a matrix (contract × period),
    the orders, revisions and amendments joined by position."""
    chosen = tables.contracts["signed"] & (tables.contracts["budget_line"] != NONE)
    if not chosen.any():
        return rows_frame([])
    c = {name: column[chosen] for name, column in tables.contracts.items()}
    size, key, line, vat = int(chosen.sum()), c["key"], c["budget_line"], c["vat"]

    # The periods that may still run, truncated on the closing day (``_periods``).
    count = c["max_renewals"] + 1
    width = int(count.max())
    starts, ends = np.empty((size, width), "int64"), np.empty((size, width), "int64")
    begin = c["start"]
    for number in range(width):
        ends[:, number] = add_months(begin, c["duration_months"] if number == 0 else c["renewal_months"]) - 1
        starts[:, number], begin = begin, ends[:, number] + 1
    number = np.arange(width)[None, :]
    exists = number < count[:, None]
    carried = c["renewal_count"] + 1
    closed_on, refused = c["closed_on"][:, None], c["refused_renewal"][:, None]
    closed = closed_on != NONE
    kept = np.where(closed, exists & (number < carried[:, None]) & (starts <= closed_on),
                    np.where(refused != NONE, exists & (number < refused), exists))
    ends = np.where(closed, np.minimum(ends, closed_on), ends)
    kept_count = kept.sum(axis=1)
    carried = np.where(closed[:, 0], kept_count, np.minimum(carried, kept_count))
    live = kept_count > 0
    everyone = np.arange(size)
    last_end = ends[everyone, np.maximum(kept_count - 1, 0)]
    committed_end = ends[everyone, np.maximum(carried - 1, 0)]
    period_of, period_number = np.nonzero(kept)
    period_start, period_end = starts[period_of, period_number], ends[period_of, period_number]

    revisions = tables.revisions
    revision_at = _Children(_positions(key, revisions["key"]), revisions["day"], revisions["coefficient"])

    def coefficient_at(position, day):
        return revision_at.last(position, day, 0, COEFFICIENT_SCALE)

    amendments = tables.amendments
    amendment_position = _positions(key, amendments["key"])
    amendment_day = amendments["day"]
    blocks = []

    # Frameworks: the orders placed, and the yearly maximum (amended) spread over each period.
    framework = live & c["is_framework"]
    orders = tables.orders
    position = _positions(key, orders["key"])
    chosen = (position >= 0) & framework[np.maximum(position, 0)]
    position, day = position[chosen], orders["day"][chosen]
    blocks.append(_block(key[position], line[position], COMMITTED, day, day, orders["amount"][chosen],
                         orders["vat"][chosen], AT_DATE))
    estimated = (framework & (c["yearly_maximum"] != NONE))[period_of]
    position, end = period_of[estimated], period_end[estimated]
    changes = _Children(amendment_position, amendment_day, amendments["yearly_maximum_change"])
    maximum = c["yearly_maximum"][position] + changes.total(position, end, 0)
    blocks.append(_block(key[position], line[position], ESTIMATE, period_start[estimated], end, maximum,
                         vat[position], SPREAD))

    # Contracts with a price: a lump sum spread up to the acceptance, or the price of each period,
    # revised; the amendments with a price change on their signature.
    priced = live & ~c["is_framework"] & (c["amount"] != NONE)
    position = np.flatnonzero(priced & (c["max_renewals"] == 0))
    first_start, accepted = starts[position, 0], c["accepted_on"][position]
    end = np.where((accepted != NONE) & (accepted >= first_start), accepted, ends[position, 0])
    blocks.append(_block(key[position], line[position], COMMITTED, first_start, end, c["amount"][position],
                         vat[position], SPREAD))
    renewable = (priced & (c["max_renewals"] > 0))[period_of]
    position, start = period_of[renewable], period_start[renewable]
    status = np.where(period_number[renewable] < carried[position], COMMITTED, FORECAST)
    blocks.append(_block(key[position], line[position], status, start, start,
                         _revised(c["amount"][position], coefficient_at(position, start)), vat[position], AT_DATE))
    change = amendments["amount_change"]
    chosen = (amendment_position >= 0) & priced[np.maximum(amendment_position, 0)] & (change != 0)
    position, day = amendment_position[chosen], amendment_day[chosen]
    blocks.append(_block(key[position], line[position], COMMITTED, day, day, change[chosen], vat[position], AT_DATE))

    # The yearly maintenance, due at the start of each maintenance year (``_maintenance_rows``).
    maintained = np.flatnonzero(live & (c["maintenance_yearly"] != NONE) & (c["maintenance_yearly"] != 0)
                                & (c["maintenance_start"] != NONE))
    start = c["maintenance_start"][maintained]
    own_line = c["maintenance_budget_line"][maintained]
    years_all = whole_years(start, last_end[maintained])
    years_committed = np.where(c["maintenance_confirmed"][maintained], whole_years(start, committed_end[maintained]),
                               0)
    repeat = np.repeat(np.arange(len(maintained)), years_all)
    year = np.arange(len(repeat)) - np.repeat(np.cumsum(years_all) - years_all, years_all)
    position, day = maintained[repeat], add_months(start[repeat], 12 * year)
    maintenance_line = np.where((own_line != NONE) & (own_line != 0), own_line, line[maintained])
    blocks.append(_block(key[position], maintenance_line[repeat],
                         np.where(year < years_committed[repeat], COMMITTED, FORECAST), day, day,
                         _revised(c["maintenance_yearly"][position], coefficient_at(position, day)), vat[position],
                         AT_DATE))
    return pd.DataFrame({name: np.concatenate([block[name] for block in blocks]) for name in COLUMNS})


def rows_frame(rows: list[tuple]) -> pd.DataFrame:
    """The rows as a DataFrame: dates as day numbers, amounts in cents (int64)."""
    frame = pd.DataFrame.from_records(rows, columns=COLUMNS)
    if frame.empty:
        return frame.astype({"start": "int64", "end": "int64", "amount": "int64", "vat": "int64"})
    for name in ("start", "end"):
        frame[name] = pd.to_datetime(frame[name]).values.astype("datetime64[D]").astype("int64")
    return frame


def year_of(days: np.ndarray) -> np.ndarray:
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
    years = np.arange(year_of(start).min(), year_of(end - 1).max() + 1)
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
    years = year_of(column["start"][at_date])
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
    return Decimal(int(cents)).scaleb(-2)    # exactly two places: 0 gives 0.00
