"""Reading a bidder's filled price schedule (BPU / DQE, layout in ``price_schedule_layout``) with
openpyxl. Every problem is reported with its sheet and cell (« Lot 2!E14 : prix unitaire manquant »);
the caller saves nothing unless the list of errors is empty."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from procurement.core.money import MONEY_LIMIT, MoneyError, round_money, to_decimal
from procurement.tenders.evaluation.scoring import fmt
from procurement.tenders.rules import price_schedule_layout as layout

MAX_EMPTY_ROWS = 20  # the item list ends after this many empty rows in column A


@dataclass(frozen=True)
class ScheduleItem:
    id: int
    number: str
    quantity: Decimal


@dataclass
class ScheduleReading:
    prices: dict[int, Decimal] = field(default_factory=dict)   # item id → unit price HT
    errors: list[str] = field(default_factory=list)
    total_ht: Decimal = Decimal("0")

    @property
    def ok(self) -> bool:
        return not self.errors


def _number_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip() if value is not None else ""


def _unit_price(value, cell: str) -> tuple[Decimal | None, str | None]:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, f"{cell} : prix unitaire manquant"
    if isinstance(value, bool):
        return None, f"{cell} : « {value} » n'est pas un montant"
    try:
        amount = Decimal(repr(value)) if isinstance(value, float) else to_decimal(value)
    except (MoneyError, InvalidOperation):
        return None, f"{cell} : « {value} » n'est pas un montant"
    if not amount.is_finite() or abs(amount) >= MONEY_LIMIT:
        return None, f"{cell} : « {value} » est hors des montants possibles (moins de {fmt(MONEY_LIMIT)} €)"
    if amount <= 0:
        return None, (f"{cell} : le prix unitaire {fmt(amount)} est {'nul' if amount == 0 else 'négatif'} ; "
                      "un prix est strictement positif")
    if amount != round_money(amount):
        return None, f"{cell} : le prix unitaire {amount} a plus de deux décimales"
    return amount, None


def read_price_schedule(source, *, lot_number: int, items: list[ScheduleItem]) -> ScheduleReading:
    """``source`` is a path or a binary file; ``items`` the lot's schedule lines (BPU with DQE
    quantities). Returns the unit prices by item and the DQE total, or the errors."""
    reading = ScheduleReading()
    sheet_name = layout.SHEET_NAME.format(number=lot_number)
    if not items:
        reading.errors.append(f"Le lot {lot_number} n'a pas de bordereau des prix à importer.")
        return reading
    try:
        workbook = load_workbook(source, data_only=True, read_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        reading.errors.append("Le fichier n'est pas un classeur Excel (.xlsx) lisible.")
        return reading
    try:
        if sheet_name not in workbook.sheetnames:
            reading.errors.append(f"{sheet_name} : feuille absente du classeur (feuilles : "
                                  f"{', '.join(workbook.sheetnames) or 'aucune'}).")
            return reading
        rows = _rows(workbook[sheet_name])
    finally:
        workbook.close()
    number_col, price_col = layout.COLUMNS["number"], layout.COLUMNS["unit_price"]
    expected = {item.number: item for item in items}
    seen: dict[str, int] = {}
    for row, (number_value, price_value) in rows:
        number = _number_text(number_value)
        if number not in expected:
            reading.errors.append(f"{sheet_name}!{number_col}{row} : prix n° « {number} » inconnu du bordereau")
            continue
        if number in seen:
            reading.errors.append(f"{sheet_name}!{number_col}{row} : prix n° {number} en double "
                                  f"(déjà en ligne {seen[number]})")
            continue
        seen[number] = row
        amount, error = _unit_price(price_value, f"{sheet_name}!{price_col}{row}")
        if error:
            reading.errors.append(error)
        else:
            reading.prices[expected[number].id] = amount
    for item in items:
        if item.number not in seen:
            reading.errors.append(f"{sheet_name} : ligne du prix n° {item.number} absente "
                                  f"(colonne {number_col} à partir de la ligne {layout.FIRST_ITEM_ROW})")
    if not reading.errors:
        reading.total_ht = round_money(sum((item.quantity * reading.prices[item.id] for item in items),
                                           Decimal("0")))
    return reading


def _rows(sheet) -> list[tuple[int, tuple]]:
    """(row number, (price number, unit price)) of the item rows: from the first item row until the
    total line or a run of empty rows."""
    number_index = ord(layout.COLUMNS["number"]) - ord("A")
    price_index = ord(layout.COLUMNS["unit_price"]) - ord("A")
    found, empty = [], 0
    for row_number, values in enumerate(sheet.iter_rows(min_row=layout.FIRST_ITEM_ROW, values_only=True),
                                        start=layout.FIRST_ITEM_ROW):
        values = tuple(values) + (None,) * (max(number_index, price_index) + 1 - len(values))
        number, price = values[number_index], values[price_index]
        if price == layout.TOTAL_LABEL or number == layout.TOTAL_LABEL:
            break
        if number is None or (isinstance(number, str) and not number.strip()):
            empty += 1
            if empty >= MAX_EMPTY_ROWS:
                break
            continue
        empty = 0
        found.append((row_number, (number, price)))
    return found
