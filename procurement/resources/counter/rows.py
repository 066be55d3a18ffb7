"""Row by row checks of a COUNTER report, made before anything replaces the previous import:
nibbler truncates fractions, sums repeated rows and ignores the totals."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from pathlib import Path

from celus_nibbler.utils import colnum_to_colletters

from procurement.core.numbers import THIN_SPACE, format_number
from procurement.resources.counter.codes import METRICS, RELEASES
from procurement.resources.counter.errors import CounterError
from procurement.resources.counter.files import open_report

# No platform counts a hundred million uses of one item in one month: a larger figure is an export
# fault (an identifier or a date pasted into the cell), and it would swamp the cost per use.
ABSURD_COUNT = 100_000_000


def _count(value, *, where: str) -> int:
    """A monthly count: a whole number of uses, neither fractional nor absurd (an empty cell is 0)."""
    if isinstance(value, bool):
        raise CounterError(f"{where}« {value} » n'est pas un nombre d'usages")
    text = str(value).strip() if value is not None else ""
    if text == "":
        return 0
    try:
        number = Decimal(text.replace(",", "."))
    except InvalidOperation:
        raise CounterError(f"{where}« {text[:40]} » n'est pas un nombre d'usages") from None
    if not number.is_finite():
        raise CounterError(f"{where}« {text[:40]} » n'est pas un nombre d'usages")
    if number != number.to_integral_value():
        raise CounterError(f"{where}nombre décimal « {text[:40]} » refusé (un nombre entier d'usages attendu)")
    if number < 0:
        raise CounterError(f"{where}nombre négatif « {text[:40]} » refusé")
    if number > ABSURD_COUNT:
        limit = format_number(ABSURD_COUNT, space=THIN_SPACE)
        raise CounterError(f"{where}nombre aberrant « {text[:40]} » refusé (au-delà de {limit} usages par mois)")
    return int(number)


def _metric(metric: str, *, family: str, where: str) -> None:
    if metric not in METRICS[family]:
        raise CounterError(f"{where}Metric_Type « {metric[:60]} » inconnu pour un rapport {family} (attendus : "
                           f"{', '.join(sorted(METRICS[family]))})")


def check_tabular_rows(path: Path, *, family: str) -> None:
    """Each usage row of a TSV, CSV or xlsx report: a known metric, whole counts that are not absurd,
    a Reporting_Period_Total equal to the sum of its months, no row given twice; and at least one row.
    A fault raises CounterError at its row and column (from 1, as a spreadsheet shows them)."""
    sheet = open_report(path)[0]
    try:
        rows = [[str(cell if cell is not None else "").strip() for cell in row] for row in sheet]
    finally:
        sheet.close()
    header = next((index for index, row in enumerate(rows) if "Metric_Type" in row and index >= 3), None)
    if header is None:
        raise CounterError("la ligne des colonnes (avec « Metric_Type ») est absente", row=len(rows) + 1, column="A")
    columns = rows[header]
    metric_at = columns.index("Metric_Type")
    total_at = columns.index("Reporting_Period_Total") if "Reporting_Period_Total" in columns else None
    months = [index for index in range(metric_at + 1, len(columns)) if index != total_at and columns[index]]
    seen: dict[tuple, int] = {}
    for index in range(header + 1, len(rows)):
        row = rows[index] + [""] * (len(columns) - len(rows[index]))
        if not any(row):
            continue
        number = index + 1
        try:
            _metric(row[metric_at], family=family, where="")
            counts = [_count(row[column], where="") for column in months]
        except CounterError as error:
            column = metric_at if row[metric_at] not in METRICS[family] else next(
                column for column in months if _faulty(row[column]))
            raise CounterError(str(error), row=number, column=colnum_to_colletters(column + 1)) from None
        if total_at is not None and row[total_at] != "":
            try:
                total = _count(row[total_at], where="")
            except CounterError as error:
                raise CounterError(str(error), row=number, column=colnum_to_colletters(total_at + 1)) from None
            if total != sum(counts):
                raise CounterError(f"Reporting_Period_Total « {total} » ne correspond pas à la somme des mois "
                                   f"({sum(counts)})", row=number, column=colnum_to_colletters(total_at + 1))
        key = (*row[:metric_at], row[metric_at])
        if key in seen:
            raise CounterError(f"ligne en double : même élément et même Metric_Type que la ligne {seen[key]}",
                               row=number, column="A")
        seen[key] = number
    if not seen:
        raise CounterError("le rapport ne contient aucune ligne d'usage", row=header + 2, column="A")


def _faulty(text: str) -> bool:
    try:
        _count(text, where="")
    except CounterError:
        return True
    return False


def _json_cells(item: dict, release: str):
    """(dimensions, metric, month, count) of each count of a JSON report item, R5 or R5.1 layout."""
    if RELEASES[release] == "counter51":
        for attributes in item.get("Attribute_Performance") or []:
            if not isinstance(attributes, dict):
                continue
            dimensions = json.dumps({k: v for k, v in attributes.items() if k != "Performance"}, sort_keys=True)
            for metric, by_month in (attributes.get("Performance") or {}).items():
                for month, count in (by_month or {}).items() if isinstance(by_month, dict) else ():
                    yield dimensions, metric, str(month), count
        return
    for performance in item.get("Performance") or []:
        if not isinstance(performance, dict):
            continue
        month = str((performance.get("Period") or {}).get("Begin_Date", ""))[:7]
        for instance in performance.get("Instance") or []:
            if isinstance(instance, dict):
                yield "", str(instance.get("Metric_Type", "")), month, instance.get("Count")


def check_json_items(path: Path, *, family: str, release: str) -> None:
    """The JSON counterpart of ``_check_tabular_rows``: each fault is located by its item (from 1),
    its metric and its month."""
    data = json.loads(path.read_bytes().decode("utf-8-sig"))
    items = data.get("Report_Items") if isinstance(data, dict) else None
    items = [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []
    seen: set[tuple] = set()
    for number, item in enumerate(items, start=1):
        identity = json.dumps({k: v for k, v in item.items() if k not in ("Performance", "Attribute_Performance")},
                              sort_keys=True, default=str)
        for dimensions, metric, month, count in _json_cells(item, release):
            where = f"Report_Items n° {number}, {metric[:60]}, {month} : "
            _metric(metric, family=family, where=where)
            _count(count, where=where)
            key = (identity, dimensions, metric, month)
            if key in seen:
                raise CounterError(f"{where}compté deux fois (même élément, même Metric_Type, même mois)")
            seen.add(key)
    if not items:  # an item without any count is a real report of no use; no item at all is not
        raise CounterError("le rapport ne contient aucune ligne d'usage (Report_Items est vide)")
