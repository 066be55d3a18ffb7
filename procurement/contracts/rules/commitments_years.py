"""The commitments' rows spread over calendar years: ``schedule`` sums them per contract, budget line
and year in integer cents (VAT rounded half-up to the cent on each row's share of a year, day-by-day
shares rounded so that they add up to the row's amount); ``by_budget_line`` sums that per budget line."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd

from procurement.contracts.rules.commitments import COLUMNS, COMMITTED, ESTIMATE, FORECAST, SPREAD

MONEY_COLUMNS = ["committed_ht", "committed_ttc", "forecast_ht", "forecast_ttc"]


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
