"""Reads a COUNTER Release 5 / 5.1 report (TSV, CSV, xlsx or JSON) with celus-nibbler.

celus-nibbler recognises the master reports (TR, DR, PR) by their header; the standard views
(TR_B1, DR_D1, PR_P1) share their master's layout, so the parser is chosen here from the header's
Report_ID and Release and nibbler reads the rows. Every error becomes a ``CounterError`` whose
French message names the row (counted in the file, from 1) and the column."""

from __future__ import annotations

import io
import json
import logging
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from celus_nibbler import NibblerError, Poop, TableException
from celus_nibbler.eat_and_poop import findparser, read_file
from celus_nibbler.reader import CsvReader, JsonCounter5SheetReader
from celus_nibbler.utils import colnum_to_colletters
from celus_nigiri.csv_detect import detect_file_encoding

from procurement.core.numbers import THIN_SPACE, format_number

SUPPORTED_EXTENSIONS = (".tsv", ".csv", ".xlsx", ".json")
RELEASES = {"5": "counter5", "5.0": "counter5", "5.1": "counter51"}
FAMILIES = {"TR": "TR", "TR_B1": "TR", "DR": "DR", "DR_D1": "DR", "PR": "PR", "PR_P1": "PR"}
HEADER_ROWS = {"Report_ID": 2, "Release": 3}  # rows of the tabular header (from 1)
READABLE_REASONS = {"validator": "un nombre entier positif ou une valeur COUNTER attendue",
                    "missing-date-in-header": "mois absent de la ligne d'en-tête",
                    "no-counter-header-found": "ligne des colonnes COUNTER introuvable"}
# The metric types COUNTER 5 and 5.1 define for each master report and its standard views.
METRICS = {
    "TR": {"Total_Item_Investigations", "Total_Item_Requests", "Unique_Item_Investigations", "Unique_Item_Requests",
           "Unique_Title_Investigations", "Unique_Title_Requests", "Limit_Exceeded", "No_License"},
    "DR": {"Searches_Automated", "Searches_Federated", "Searches_Regular", "Total_Item_Investigations",
           "Total_Item_Requests", "Unique_Item_Investigations", "Unique_Item_Requests", "Limit_Exceeded",
           "No_License"},
    "PR": {"Searches_Platform", "Total_Item_Investigations", "Total_Item_Requests", "Unique_Item_Investigations",
           "Unique_Item_Requests", "Unique_Title_Investigations", "Unique_Title_Requests"},
}
# No platform counts a hundred million uses of one item in one month: a larger figure is an export
# fault (an identifier or a date pasted into the cell), and it would swamp the cost per use.
ABSURD_COUNT = 100_000_000

logging.getLogger("celus_nibbler").setLevel(logging.ERROR)


class CounterError(ValueError):
    """A report that cannot be read; ``row`` and ``column`` (letters) locate the fault when known."""

    def __init__(self, message: str, *, row: int | None = None, column: str | None = None):
        self.row = row
        self.column = column
        super().__init__(message)


@dataclass
class ParsedReport:
    report_id: str
    release: str
    platform: str
    institution: str
    institution_name: str
    begin: date
    end: date
    rows: int
    # (month, metric) -> count, summed over the items
    counts: dict[tuple[date, str], int] = field(default_factory=dict)

    @property
    def institution_tokens(self) -> list[str]:
        return institution_tokens(self.institution)

    def total(self, metric: str) -> int:
        return sum(value for (_, name), value in self.counts.items() if name == metric)


def institution_tokens(text: str) -> list[str]:
    """``ISIL:FR-1; Proprietary:numilib:X`` → ``["ISIL:FR-1", "Proprietary:numilib:X"]``."""
    return [token.strip() for token in re.split(r"[;|]", text or "") if token.strip()]


def _institution_text(value) -> str:
    """Institution_ID as written in a tabular report: R5 JSON gives a list of {Type, Value}, R5.1 JSON
    a dict {namespace: [values]}."""
    if isinstance(value, list):
        return "; ".join(f"{entry.get('Type')}:{entry.get('Value')}" for entry in value if isinstance(entry, dict))
    if isinstance(value, dict):
        return "; ".join(f"{key}:{item}" for key, items in value.items()
                         for item in (items if isinstance(items, list) else [items]))
    return str(value or "").strip()


def _period_from_filters(header: dict) -> tuple[str | None, str | None]:
    begin = end = None
    text = header.get("Reporting_Period") or ""
    if text:
        parts = dict(part.strip().split("=", 1) for part in text.split(";") if "=" in part)
        begin, end = parts.get("Begin_Date"), parts.get("End_Date")
    filters = header.get("Report_Filters")
    if isinstance(filters, list):
        values = {entry.get("Name"): entry.get("Value") for entry in filters if isinstance(entry, dict)}
        begin, end = begin or values.get("Begin_Date"), end or values.get("End_Date")
    elif isinstance(filters, dict):
        begin, end = begin or filters.get("Begin_Date"), end or filters.get("End_Date")
    return begin, end


def _day(text: str | None, *, what: str, row: int | None, column: str | None) -> date:
    try:
        if text and re.match(r"^\d{4}-\d{2}$", text):
            text += "-01"
        return date.fromisoformat(text or "")
    except ValueError:
        raise CounterError(f"{what} « {text or ''} » n'est pas une date AAAA-MM-JJ", row=row, column=column) from None


def _open(path: Path):
    """nibbler's reader for ``path``. A delimited file is decoded here (UTF-8 first, otherwise the
    encoding nibbler detects) so that the detection, slow on long files, runs at most once."""
    if path.suffix.lower() not in (".csv", ".tsv"):
        return read_file(path)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        with path.open("rb") as handle:
            text = raw.decode(detect_file_encoding(handle) or "latin-1", errors="replace")
    return CsvReader(io.StringIO(text))


def _check_json(path: Path) -> None:
    """A JSON syntax error, located by its line and column in the file."""
    try:
        json.loads(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise CounterError("le fichier JSON n'est pas encodé en UTF-8", row=1, column="1") from None
    except json.JSONDecodeError as error:
        raise CounterError(f"JSON invalide ({error.msg})", row=error.lineno, column=str(error.colno)) from None


def _peek(path: Path) -> tuple[str, str, bool]:
    """(Report_ID, Release, is_json) read from the header, before choosing the parser."""
    if path.suffix.lower() == ".json":
        _check_json(path)
    try:
        reader = _open(path)
    except NibblerError as error:
        raise CounterError(f"format de fichier non pris en charge ({error})") from None
    except Exception as error:
        raise CounterError(f"fichier illisible ({type(error).__name__} : {error})", row=1, column="A") from None
    sheet = reader[0]
    try:
        if isinstance(sheet, JsonCounter5SheetReader):
            header = sheet.extra or {}
            if not header:
                raise CounterError("l'en-tête Report_Header est absent du rapport JSON", row=1, column="A")
            return str(header.get("Report_ID", "")), str(header.get("Release", "")), True
        rows = []
        for index in range(3):
            try:
                rows.append(list(sheet[index]))
            except (IndexError, TableException):
                rows.append([])
        for name, number in (("Report_Name", 1), ("Report_ID", 2), ("Release", 3)):
            cells = rows[number - 1]
            if not cells or cells[0].strip() != name:
                raise CounterError(f"l'en-tête COUNTER attend « {name} »", row=number, column="A")
        return rows[1][1].strip() if len(rows[1]) > 1 else "", rows[2][1].strip() if len(rows[2]) > 1 else "", False
    finally:
        sheet.close()


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


def _check_tabular_rows(path: Path, *, family: str) -> None:
    """Each usage row of a TSV, CSV or xlsx report: a known metric, whole counts that are not absurd,
    a Reporting_Period_Total equal to the sum of its months, no row given twice; and at least one row.
    A fault raises CounterError at its row and column (from 1, as a spreadsheet shows them)."""
    sheet = _open(path)[0]
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


def _check_json_items(path: Path, *, family: str, release: str) -> None:
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


def _check_workbook(path: Path) -> None:
    """The uploads' check (size once decompressed, safe XML, no macros) before nibbler opens the
    workbook: the command reads files that never went through a form."""
    from django.core.exceptions import ValidationError
    from django.core.files import File

    from procurement.core.uploads import validate_upload

    with path.open("rb") as handle:
        try:
            validate_upload(File(handle, name=path.name), label="Rapport COUNTER", allowed=(".xlsx",))
        except ValidationError as error:
            raise CounterError(error.messages[0]) from None


def read_report(path: str | Path) -> ParsedReport:
    """Reads the report at ``path``; raises CounterError (French, with row and column) otherwise."""
    path = Path(path)
    if path.suffix.lower() not in SUPPORTED_EXTENSIONS:
        raise CounterError(f"extension « {path.suffix} » non prise en charge (attendu : .tsv, .csv, .xlsx ou .json)")
    if not path.is_file():
        raise CounterError(f"fichier introuvable : {path}")
    if path.suffix.lower() == ".xlsx":
        _check_workbook(path)
    report_id, release, is_json = _peek(path)
    if report_id not in FAMILIES:
        raise CounterError(f"Report_ID « {report_id} » non pris en charge (TR_B1, DR_D1, PR_P1, TR, DR ou PR)",
                           row=None if is_json else HEADER_ROWS["Report_ID"], column=None if is_json else "B")
    if release not in RELEASES:
        raise CounterError(f"Release « {release} » non prise en charge (5 ou 5.1)",
                           row=None if is_json else HEADER_ROWS["Release"], column=None if is_json else "B")
    parser = f"static.{RELEASES[release]}.{FAMILIES[report_id]}.{'Json' if is_json else 'Tabular'}"
    try:
        sheet = _open(path)[0]
        poop = Poop(findparser(sheet, "COUNTER", [parser], check_platform=False, use_heuristics=False))
    except NibblerError:
        raise CounterError(f"la mise en page ne suit pas celle d'un rapport {report_id} COUNTER {release}",
                           row=1, column="A") from None
    header = poop.extras or {}
    counts: dict[tuple[date, str], int] = defaultdict(int)
    series: set[tuple] = set()
    platforms: list[str] = []
    try:
        for record in poop.records() or []:
            counts[(record.start, record.metric or "")] += int(record.value)
            series.add((record.title, record.item, tuple(sorted(record.title_ids.dict().items()))
                        if hasattr(record.title_ids, "dict") else repr(record.title_ids),
                        tuple(sorted(record.dimension_data.items())), record.metric))
            platform = record.dimension_data.get("Platform")
            if platform and platform not in platforms:
                platforms.append(platform)
    except TableException as error:
        row = error.row + 1 if error.row is not None else None
        column = colnum_to_colletters(error.col + 1) if error.col is not None else None
        value = "" if error.value is None else f" « {error.value} »"
        raise CounterError(f"valeur{value} refusée ({READABLE_REASONS.get(error.reason, error.reason)})", row=row,
                           column=column) from None
    except NibblerError as error:
        raise CounterError(f"rapport illisible ({error})") from None
    except Exception as error:
        raise CounterError(f"rapport JSON mal formé ({type(error).__name__} : {str(error).splitlines()[0]})") \
            from None
    # nibbler truncates fractions, sums repeated rows and ignores the totals: check every row before
    # anything can replace the previous import.
    if is_json:
        _check_json_items(path, family=FAMILIES[report_id], release=release)
    else:
        _check_tabular_rows(path, family=FAMILIES[report_id])
    begin_text, end_text = _period_from_filters(header)
    period_row = None if is_json else _header_row_number(header, "Reporting_Period")
    begin = _day(begin_text, what="Begin_Date", row=period_row, column="B")
    end = _day(end_text, what="End_Date", row=period_row, column="B")
    if begin > end:
        raise CounterError("la période du rapport finit avant de commencer", row=period_row, column="B")
    institution = _institution_text(header.get("Institution_ID"))
    if not institution:
        raise CounterError("Institution_ID est vide", row=None if is_json else _header_row_number(
            header, "Institution_ID"), column=None if is_json else "B")
    return ParsedReport(
        report_id=report_id, release="5" if release == "5.0" else release,
        platform=platforms[0] if platforms else str(header.get("Created_By", "")).strip(),
        institution=institution, institution_name=str(header.get("Institution_Name", "")).strip(),
        begin=begin, end=end, rows=len(series), counts=dict(counts),
    )


def _header_row_number(header: dict, name: str) -> int | None:
    """The row (from 1) of a header field in the COUNTER tabular layout."""
    order = ["Report_Name", "Report_ID", "Release", "Institution_Name", "Institution_ID", "Metric_Types",
             "Report_Filters", "Report_Attributes", "Exceptions", "Reporting_Period", "Created", "Created_By"]
    return order.index(name) + 1 if name in order else None


def error_line(error: CounterError) -> str:
    """The one French line that names the row and the column."""
    where = []
    if error.row is not None:
        where.append(f"ligne {error.row}")
    if error.column:
        where.append(f"colonne {error.column}")
    return (", ".join(where) + " : " if where else "") + str(error)
