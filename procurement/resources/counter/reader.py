"""Reads a COUNTER Release 5 / 5.1 report (TSV, CSV, xlsx or JSON) with celus-nibbler.

celus-nibbler recognises the master reports (TR, DR, PR) by their header; the standard views
(TR_B1, DR_D1, PR_P1) share their master's layout, so the parser is chosen here from the header's
Report_ID and Release and nibbler reads the rows. Every error becomes a ``CounterError`` whose
French message names the row (counted in the file, from 1) and the column."""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from celus_nibbler import NibblerError, Poop, TableException
from celus_nibbler.eat_and_poop import findparser
from celus_nibbler.reader import JsonCounter5SheetReader
from celus_nibbler.utils import colnum_to_colletters

from procurement.resources.counter.codes import FAMILIES, RELEASES
from procurement.resources.counter.errors import CounterError
from procurement.resources.counter.files import check_json, check_workbook, open_report
from procurement.resources.counter.rows import check_json_items, check_tabular_rows

SUPPORTED_EXTENSIONS = (".tsv", ".csv", ".xlsx", ".json")
HEADER_ROWS = {"Report_ID": 2, "Release": 3}  # rows of the tabular header (from 1)
READABLE_REASONS = {"validator": "un nombre entier positif ou une valeur COUNTER attendue",
                    "missing-date-in-header": "mois absent de la ligne d'en-tête",
                    "no-counter-header-found": "ligne des colonnes COUNTER introuvable"}

logging.getLogger("celus_nibbler").setLevel(logging.ERROR)


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


def _peek(path: Path) -> tuple[str, str, bool]:
    """(Report_ID, Release, is_json) read from the header, before choosing the parser."""
    if path.suffix.lower() == ".json":
        check_json(path)
    try:
        reader = open_report(path)
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


def read_report(path: str | Path) -> ParsedReport:
    """Reads the report at ``path``; raises CounterError (French, with row and column) otherwise."""
    path = Path(path)
    if path.suffix.lower() not in SUPPORTED_EXTENSIONS:
        raise CounterError(f"extension « {path.suffix} » non prise en charge (attendu : .tsv, .csv, .xlsx ou .json)")
    if not path.is_file():
        raise CounterError(f"fichier introuvable : {path}")
    if path.suffix.lower() == ".xlsx":
        check_workbook(path)
    report_id, release, is_json = _peek(path)
    if report_id not in FAMILIES:
        raise CounterError(f"Report_ID « {report_id} » non pris en charge (TR_B1, DR_D1, PR_P1, TR, DR ou PR)",
                           row=None if is_json else HEADER_ROWS["Report_ID"], column=None if is_json else "B")
    if release not in RELEASES:
        raise CounterError(f"Release « {release} » non prise en charge (5 ou 5.1)",
                           row=None if is_json else HEADER_ROWS["Release"], column=None if is_json else "B")
    parser = f"static.{RELEASES[release]}.{FAMILIES[report_id]}.{'Json' if is_json else 'Tabular'}"
    try:
        sheet = open_report(path)[0]
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
        check_json_items(path, family=FAMILIES[report_id], release=release)
    else:
        check_tabular_rows(path, family=FAMILIES[report_id])
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
