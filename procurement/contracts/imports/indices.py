"""Reading monthly index values from a CSV or .xlsx file: a header row with the columns « mois » and
« valeur » (« remarque » optional), then one row per month. Every problem is reported with its row
and column in French; the caller saves nothing unless the list of errors is empty."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

REQUIRED = ("mois", "valeur")
OPTIONAL = ("remarque",)
MAX_ROWS = 5000
MAX_DECIMALS = 4
MONTH_PATTERNS = (
    re.compile(r"^(?P<year>\d{4})-(?P<month>\d{1,2})(?:-01)?$"),
    re.compile(r"^(?P<month>\d{1,2})/(?P<year>\d{4})$"),
    re.compile(r"^01/(?P<month>\d{1,2})/(?P<year>\d{4})$"),
)


@dataclass(frozen=True)
class IndexRow:
    line: int
    month: date
    value: Decimal
    note: str = ""


@dataclass
class IndexReading:
    rows: list[IndexRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _plain(text) -> str:
    text = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode()
    return text.strip().lower()


def _where(line: int, column: int, name: str) -> str:
    return f"Ligne {line}, colonne {get_column_letter(column)} (« {name} »)"


def parse_month(value) -> date | None:
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.replace(day=1) if value.day == 1 else None
    text = str(value or "").strip()
    for pattern in MONTH_PATTERNS:
        match = pattern.match(text)
        if match:
            year, month = int(match["year"]), int(match["month"])
            if 1 <= month <= 12:
                return date(year, month, 1)
    return None


def parse_value(value) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    text = str(value).strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _read_table(rows: list[list], reading: IndexReading) -> None:
    if not rows:
        reading.errors.append("Le fichier est vide : une ligne d'en-tête « mois ; valeur » est attendue.")
        return
    header = [_plain(cell) for cell in rows[0]]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        found = ", ".join(f"« {cell} »" for cell in rows[0] if str(cell or "").strip()) or "aucune"
        reading.errors.append(f"Ligne 1 : les colonnes « mois » et « valeur » sont attendues (colonnes trouvées : "
                              f"{found}).")
        return
    columns = {name: header.index(name) for name in (*REQUIRED, *OPTIONAL) if name in header}
    seen: dict[date, int] = {}
    if len(rows) - 1 > MAX_ROWS:
        reading.errors.append(f"Le fichier compte plus de {MAX_ROWS} lignes : découpez-le.")
        return
    for line, row in enumerate(rows[1:], start=2):
        cells = list(row) + [None] * (len(header) - len(row))
        if all(str(cell or "").strip() == "" for cell in cells):
            continue
        raw_month, raw_value = cells[columns["mois"]], cells[columns["valeur"]]
        month, value = parse_month(raw_month), parse_value(raw_value)
        month_where = _where(line, columns["mois"] + 1, "mois")
        value_where = _where(line, columns["valeur"] + 1, "valeur")
        if month is None:
            reading.errors.append(f"{month_where} : « {raw_month if raw_month is not None else ''} » n'est pas un "
                                  "mois (AAAA-MM ou MM/AAAA).")
        elif month in seen:
            reading.errors.append(f"{month_where} : le mois {month:%m/%Y} figure déjà ligne {seen[month]}.")
        else:
            seen[month] = line
        if value is None:
            shown = raw_value if raw_value is not None else ""
            reading.errors.append(f"{value_where} : « {shown} » n'est pas un nombre.")
        elif value <= 0:
            reading.errors.append(f"{value_where} : la valeur {value} doit être strictement positive.")
        elif -value.as_tuple().exponent > MAX_DECIMALS:
            reading.errors.append(f"{value_where} : la valeur {value} a plus de {MAX_DECIMALS} décimales.")
        if month is not None and value is not None and value > 0:
            note = str(cells[columns["remarque"]] or "").strip()[:200] if "remarque" in columns else ""
            reading.rows.append(IndexRow(line=line, month=month, value=value, note=note))


def _csv_rows(data: bytes) -> list[list] | None:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        return None
    first = text.splitlines()[0] if text.strip() else ""
    delimiter = ";" if first.count(";") >= first.count(",") and ";" in first else ("\t" if "\t" in first else ",")
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def _xlsx_rows(data: bytes) -> list[list] | None:
    try:
        workbook = load_workbook(io.BytesIO(data), data_only=True, read_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        return None
    try:
        sheet = workbook.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def read_index_file(*, name: str, data: bytes) -> IndexReading:
    """Reads ``data`` (a .csv or .xlsx file called ``name``)."""
    reading = IndexReading()
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix not in ("csv", "xlsx"):
        reading.errors.append(f"« {name} » : seuls les fichiers .csv et .xlsx sont acceptés.")
        return reading
    rows = _csv_rows(data) if suffix == "csv" else _xlsx_rows(data)
    if rows is None:
        kind = "un fichier CSV en UTF-8" if suffix == "csv" else "un classeur Excel (.xlsx) lisible"
        reading.errors.append(f"« {name} » n'est pas {kind}.")
        return reading
    _read_table(rows, reading)
    return reading
