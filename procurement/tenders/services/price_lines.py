"""A lot's price lines (BPU, with the estimated quantities of the DQE): entered on the lot's page
« Bordereau des prix » or imported from a spreadsheet (.xlsx or .csv) whose columns are named in
French. Every bad cell is reported with its row and cell; nothing is stored if one is wrong."""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from procurement.core.exports import xlsx_cell
from procurement.core.numbers import format_number
from procurement.core.permissions import require
from procurement.core.uploads import suffix_of, validate_upload
from procurement.tenders.abilities import DRIVE_REFUSED, can_drive
from procurement.tenders.enums import TenderState
from procurement.tenders.models import Lot, PriceItem, Tender
from procurement.tenders.rules.guards import lot_is_priced  # noqa: F401 (the pages ask it here)
from procurement.tenders.services.need import _content_changed

MAX_LINES = 500
QUANTITY_LIMIT = Decimal("10000000000")  # the model's 12 digits, 2 of them decimals
LABEL_MAX, UNIT_MAX, NUMBER_MAX = 300, 40, 16
FIELD = "Fichier des lignes"
# The columns of an import, by their French names (compared without accents or case).
COLUMNS = {
    "number": ("n° de prix", "n°", "no", "numero", "numero de prix", "n° prix"),
    "label": ("designation", "désignation", "libelle", "libellé"),
    "unit": ("unite", "unité"),
    "quantity": ("quantite", "quantité", "quantite estimee", "quantité estimée"),
}
REQUIRED = ("label", "unit", "quantity")
COLUMN_NAMES = {"number": "n° de prix", "label": "désignation", "unit": "unité", "quantity": "quantité"}
MODEL_HEADERS = ["N° de prix", "Désignation", "Unité", "Quantité"]
MODEL_ROWS = [
    ["1", "Abonnement annuel à la plateforme", "an", 1],
    ["2", "Licence de prêt d'un livre numérique", "licence", 1200],
]


@dataclass(frozen=True)
class LineRow:
    number: str
    label: str
    unit: str
    quantity: Decimal


def editing_refusal(tender: Tender) -> str:
    """Why the price lines of ``tender`` may not change now, or "" when they may (in draft, as its lots
    and criteria)."""
    if tender.state == TenderState.DRAFT:
        return ""
    if tender.state == TenderState.READY:
        return ("Le bordereau des prix ne se modifie qu'en brouillon : la consultation est prête à publier ; "
                "revenez au brouillon pour le modifier.")
    return (f"Le bordereau des prix ne se modifie plus : la consultation est « {tender.get_state_display()} ». "
            "Il se modifie en brouillon, avant la publication.")


def _require_editable(tender: Tender) -> None:
    refusal = editing_refusal(tender)
    if refusal:
        raise ValidationError(refusal)


def quantity_error(value: Decimal) -> str:
    """The problem with a quantity, or ""."""
    if not value.is_finite():
        return "n'est pas un nombre"
    if value < 0:
        return "ne peut pas être négative"
    if value >= QUANTITY_LIMIT:
        return f"est trop grande (moins de {format_number(QUANTITY_LIMIT)})"
    if value != value.quantize(Decimal("0.01")):
        return "a plus de deux décimales"
    return ""


def _row_errors(rows: list[LineRow], *, where) -> list[str]:
    """Duplicate price numbers, named by their rows (``where(index)`` says how a row is named)."""
    seen: dict[str, int] = {}
    errors = []
    for index, row in enumerate(rows):
        if row.number in seen:
            errors.append(f"{where(index)} : le n° de prix « {row.number} » est déjà celui de "
                          f"{where(seen[row.number]).lower()}.")
        else:
            seen[row.number] = index
    return errors


def number_rows(rows: list[LineRow]) -> list[LineRow]:
    """Rows without a price number get their position (1, 2, 3…)."""
    return [row if row.number else LineRow(str(position), row.label, row.unit, row.quantity)
            for position, row in enumerate(rows, start=1)]


@transaction.atomic
def price_lines_replace(*, lot: Lot, by, rows: list[LineRow], where=None) -> list[PriceItem]:
    """Replaces the lot's price lines by ``rows``, in their order. Refused, nothing stored, outside
    the draft or when two rows share a price number."""
    require(can_drive(by), DRIVE_REFUSED)
    tender = Tender.objects.select_for_update().get(pk=lot.tender_id)
    _require_editable(tender)
    if len(rows) > MAX_LINES:
        raise ValidationError(f"Au plus {MAX_LINES} lignes par lot ({len(rows)} reçues).")
    rows = number_rows(rows)
    errors = _row_errors(rows, where=where or (lambda index: f"Ligne {index + 1}"))
    if errors:
        raise ValidationError(errors)
    lot.price_items.all().delete()
    items = []
    for position, row in enumerate(rows, start=1):
        item = PriceItem(lot=lot, number=row.number, label=row.label, unit=row.unit, quantity=row.quantity,
                         position=position)
        item.full_clean()
        item.save()
        items.append(item)
    _content_changed(tender)
    return items


# Import ---------------------------------------------------------------------------------------


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", str(text).strip().lower())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


ALIASES = {_plain(alias): key for key, aliases in COLUMNS.items() for alias in aliases}


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _quantity(value, cell: str) -> tuple[Decimal | None, str]:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, f"{cell} : la quantité est vide."
    if isinstance(value, bool):
        return None, f"{cell} : « {value} » n'est pas une quantité."
    try:
        if isinstance(value, (int, float)):
            number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        else:
            text = str(value).strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace(",", ".")
            number = Decimal(text)
    except (InvalidOperation, ValueError):
        return None, f"{cell} : la quantité « {_text(value)[:40]} » n'est pas un nombre."
    problem = quantity_error(number)
    if problem:
        return None, f"{cell} : la quantité « {_text(value)[:40]} » {problem}."
    return number, ""


def read_line_rows(table: list[list], *, first_row: int = 1) -> tuple[list[LineRow], list[str]]:
    """The lines of a table whose first non-empty row names the columns; each error names its cell
    (« C4 ») and row. Empty rows are skipped."""
    rows = iter(enumerate(table, start=first_row))
    header_number, header = None, None
    for number, values in rows:
        if any(_text(value) for value in values):
            header_number, header = number, values
            break
    if header is None:
        return [], ["Le fichier est vide : la première ligne doit nommer les colonnes (désignation, unité, quantité)."]
    positions: dict[str, int] = {}
    for index, value in enumerate(header):
        key = ALIASES.get(_plain(_text(value)))
        if key and key not in positions:
            positions[key] = index
    missing = [COLUMN_NAMES[key] for key in REQUIRED if key not in positions]
    if missing:
        return [], [f"Ligne {header_number} : colonne(s) absente(s) : {', '.join(missing)}. La première ligne doit "
                    "nommer les colonnes « désignation », « unité » et « quantité » (et, si vous le souhaitez, "
                    "« n° de prix »)."]
    lines, errors, count = [], [], 0
    for number, values in rows:
        def cell(key, row=number, cells=values):
            index = positions[key]
            return (cells[index] if index < len(cells) else None), f"{get_column_letter(index + 1)}{row}"

        if not any(_text(value) for value in values):
            continue
        count += 1
        if count > MAX_LINES:
            errors.append(f"Ligne {number} : au plus {MAX_LINES} lignes par lot.")
            break
        row_errors = []
        label, label_cell = cell("label")
        label = _text(label)
        if not label:
            row_errors.append(f"Ligne {number}, cellule {label_cell} : la désignation est vide.")
        elif len(label) > LABEL_MAX:
            row_errors.append(f"Ligne {number}, cellule {label_cell} : la désignation dépasse {LABEL_MAX} caractères.")
        unit, unit_cell = cell("unit")
        unit = _text(unit)
        if not unit:
            row_errors.append(f"Ligne {number}, cellule {unit_cell} : l'unité est vide.")
        elif len(unit) > UNIT_MAX:
            row_errors.append(f"Ligne {number}, cellule {unit_cell} : l'unité dépasse {UNIT_MAX} caractères.")
        value, quantity_cell = cell("quantity")
        quantity, problem = _quantity(value, quantity_cell)
        if problem:
            row_errors.append(f"Ligne {number}, cellule {problem}")
        price_number = ""
        if "number" in positions:
            raw, number_cell = cell("number")
            price_number = _text(raw)
            if len(price_number) > NUMBER_MAX:
                row_errors.append(f"Ligne {number}, cellule {number_cell} : le n° de prix dépasse {NUMBER_MAX} "
                                  "caractères.")
        if row_errors:
            errors += row_errors
        else:
            lines.append((number, LineRow(price_number, label, unit, quantity)))
    if not lines and not errors:
        errors.append("Le fichier ne contient aucune ligne sous la ligne des titres de colonnes.")
    if not errors:
        numbered = number_rows([row for _number, row in lines])
        errors = _row_errors(numbered, where=lambda index: f"Ligne {lines[index][0]}")
        return numbered, errors
    return [row for _number, row in lines], errors


def _xlsx_table(file) -> list[list]:
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise ValidationError(f"« {FIELD} » : le fichier n'est pas un classeur Excel (.xlsx) lisible.") from None
    try:
        sheet = workbook.worksheets[0]
        table = []
        for values in sheet.iter_rows(values_only=True, max_row=MAX_LINES + 50, max_col=30):
            table.append(list(values))
        return table
    finally:
        workbook.close()


def _csv_table(file) -> list[list]:
    name = file.name.rsplit("/", 1)[-1]
    if not file.size:
        raise ValidationError(f"« {FIELD} » : le fichier « {name} » est vide.")
    if file.size > settings.MAX_UPLOAD_BYTES:
        raise ValidationError(f"« {FIELD} » : le fichier « {name} » pèse {filesizeformat(file.size)}, au-delà du "
                              f"maximum de {filesizeformat(settings.MAX_UPLOAD_BYTES)}.")
    file.seek(0)
    data = file.read()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")  # a spreadsheet saved as « CSV (Windows) »
    if "\x00" in text:
        raise ValidationError(f"« {FIELD} » : le fichier « {name} » n'est pas un fichier texte CSV.")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=";,\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ";"
    try:
        return [row for _index, row in zip(range(MAX_LINES + 50), csv.reader(io.StringIO(text), delimiter=delimiter),
                                           strict=False)]
    except csv.Error as error:
        raise ValidationError(f"« {FIELD} » : le fichier CSV « {name} » est illisible ({error}).") from None


def read_lines_file(file) -> list[LineRow]:
    """The lines of an uploaded .xlsx (first sheet) or .csv (``;`` or ``,``); raises ValidationError
    with every error."""
    suffix = suffix_of(file.name)
    if suffix == ".csv":
        table = _csv_table(file)
    else:
        validate_upload(file, label=FIELD, allowed=(".xlsx",))
        table = _xlsx_table(file)
    rows, errors = read_line_rows(table)
    if errors:
        raise ValidationError(errors)
    return rows


def price_lines_import(*, lot: Lot, by, file) -> list[PriceItem]:
    """Replaces the lot's lines by those of ``file``; nothing is stored if a cell is wrong."""
    require(can_drive(by), DRIVE_REFUSED)
    _require_editable(Tender.objects.get(pk=lot.tender_id))
    return price_lines_replace(lot=lot, by=by, rows=read_lines_file(file))


def price_lines_model_xlsx() -> bytes:
    """The model file to fill: the French column names and two example lines."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Bordereau"
    for column, header in enumerate(MODEL_HEADERS, start=1):
        sheet.cell(row=1, column=column, value=header).font = Font(bold=True)
    for row_number, values in enumerate(MODEL_ROWS, start=2):
        for column, value in enumerate(values, start=1):
            xlsx_cell(sheet.cell(row=row_number, column=column), value)
    for letter, width in zip("ABCD", (12, 60, 14, 12), strict=True):
        sheet.column_dimensions[letter].width = width
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
