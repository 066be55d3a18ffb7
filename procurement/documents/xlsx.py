"""Pure generation of the price schedule workbook (BPU / DQE): data in, .xlsx bytes out.

The layout (sheet names, cells, columns) is given by the caller, the same one the importer reads
(``procurement.tenders.price_schedule_layout``): this module imports no domain app. One sheet per
lot; the bidder fills the unlocked cells (name, unit prices), every other cell is locked by the
sheet's protection; amounts and the total are formulas.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO
from types import ModuleType

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side

from procurement.core.exports import xlsx_cell

EUR_FORMAT = '#,##0.00\\ "€"'
QUANTITY_FORMAT = "#,##0.##"
INPUT_FILL = PatternFill("solid", fgColor="FFF7D6")
HEADER_FILL = PatternFill("solid", fgColor="E9EDF2")
THIN = Side(style="thin", color="9AA5B1")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
UNLOCKED = Protection(locked=False)
WIDTHS = {"number": 12, "label": 60, "unit": 14, "quantity": 16, "unit_price": 20, "amount": 20}


@dataclass(frozen=True)
class PriceLine:
    number: str
    label: str
    unit: str
    quantity: Decimal


@dataclass(frozen=True)
class PriceSheet:
    lot_number: int
    lot_title: str
    lines: list[PriceLine]


def _fill_sheet(sheet, *, layout: ModuleType, reference: str, lot: PriceSheet) -> None:
    cols = layout.COLUMNS
    sheet[layout.TITLE_CELL] = f"BPU / DQE — {reference}"
    sheet[layout.TITLE_CELL].font = Font(bold=True, size=14)
    xlsx_cell(sheet[layout.LOT_CELL], f"Lot {lot.lot_number} — {lot.lot_title}")
    sheet[layout.LOT_CELL].font = Font(bold=True)
    sheet[layout.BIDDER_LABEL_CELL] = "Candidat :"
    bidder = sheet[layout.BIDDER_CELL]
    bidder.protection, bidder.fill, bidder.border = UNLOCKED, INPUT_FILL, BOX
    for key, header in zip(cols, layout.HEADERS, strict=True):
        cell = sheet[f"{cols[key]}{layout.HEADER_ROW}"]
        cell.value, cell.font, cell.fill, cell.border = header, Font(bold=True), HEADER_FILL, BOX
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[cols[key]].width = WIDTHS[key]
    row = layout.FIRST_ITEM_ROW
    for line in lot.lines:
        values = {"number": line.number, "label": line.label, "unit": line.unit, "quantity": line.quantity}
        for key, item in values.items():
            cell = xlsx_cell(sheet[f"{cols[key]}{row}"], item)
            cell.border = BOX
        sheet[f"{cols['quantity']}{row}"].number_format = QUANTITY_FORMAT
        sheet[f"{cols['label']}{row}"].alignment = Alignment(wrap_text=True, vertical="top")
        price = sheet[f"{cols['unit_price']}{row}"]
        price.protection, price.fill, price.border, price.number_format = UNLOCKED, INPUT_FILL, BOX, EUR_FORMAT
        amount = sheet[f"{cols['amount']}{row}"]
        amount.value = f"={cols['quantity']}{row}*{cols['unit_price']}{row}"
        amount.number_format, amount.border = EUR_FORMAT, BOX
        row += 1
    label = sheet[f"{cols['unit_price']}{row}"]
    label.value, label.font, label.border = layout.TOTAL_LABEL, Font(bold=True), BOX
    total = sheet[f"{cols['amount']}{row}"]
    first, last = layout.FIRST_ITEM_ROW, row - 1
    total.value = f"=SUM({cols['amount']}{first}:{cols['amount']}{last})" if lot.lines else 0
    total.number_format, total.font, total.border = EUR_FORMAT, Font(bold=True), BOX
    sheet.freeze_panes = f"A{layout.FIRST_ITEM_ROW}"
    sheet.print_title_rows = f"{layout.HEADER_ROW}:{layout.HEADER_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False  # the bidder may widen a column, not change a cell


def price_schedule_xlsx(*, reference: str, sheets: list[PriceSheet], layout: ModuleType) -> bytes:
    """The workbook of a tender's price schedules, one protected sheet per lot."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for lot in sheets:
        sheet = workbook.create_sheet(layout.SHEET_NAME.format(number=lot.lot_number))
        _fill_sheet(sheet, layout=layout, reference=reference, lot=lot)
    if not sheets:
        workbook.create_sheet("Aucun lot")
    workbook.properties.creator = "Achats publics"
    workbook.properties.title = f"BPU / DQE — {reference}"
    output = BytesIO()
    workbook.save(output)
    return output.getvalue()
