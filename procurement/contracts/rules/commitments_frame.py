"""The commitments' rows of many contracts at once: ``obligation_frame`` gives every contract of a
``TermsTables`` the rows ``commitments.obligation_rows`` gives it, with numpy over columns (one row per
contract, per price revision, per order and per amendment), which is what the finance pages use."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import numpy as np
import pandas as pd

from procurement.contracts.rules.commitments import (
    AT_DATE,
    COLUMNS,
    COMMITTED,
    ESTIMATE,
    FORECAST,
    SPREAD,
    basis_points,
    rows_frame,
    to_cents,
)

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
EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


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
    return NONE if amount is None else to_cents(amount)


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
