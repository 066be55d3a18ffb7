"""Workbooks of plain tables (a bold header row, then texts, whole numbers and amounts in euros)
written straight as SpreadsheetML, for the exports that hold tens of thousands of rows.

openpyxl builds an object per cell and writes it through lxml: about 15 µs a cell on this machine
(XlsxWriter is no quicker), some seconds for the finance workbook of a large authority; formatting the
rows as text is about fifty times quicker. Everything else (styles, protected sheets, formulas) stays
with openpyxl. What this writes opens in Excel, LibreOffice and openpyxl alike: inline strings, one
style per kind of cell, no formula ever. A text that starts like a formula (``formula_like``) keeps
Excel's quote prefix, as ``xlsx_cell`` does, so that editing it keeps it a text; characters XML
cannot hold (control characters) are left out.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from io import BytesIO
from xml.sax.saxutils import quoteattr

from procurement.core.exports import formula_like

MONEY_FORMAT = '#,##0.00 "€"'
# Cell styles, by their index in cellXfs below.
PLAIN, BOLD, MONEY, QUOTED = 0, 1, 2, 3
NOT_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# XML's markup characters escaped, and the carriage returns and tabs a parser would otherwise fold.
XML_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;", "\t": "&#9;"})

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
<Default Extension="xml" ContentType="application/xml"/>\
<Override PartName="/xl/workbook.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
<Override PartName="/xl/styles.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
{sheets}</Types>"""
SHEET_TYPE = ('<Override PartName="/xl/worksheets/sheet{number}.xml" '
              'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>')
ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" \
Target="xl/workbook.xml"/></Relationships>"""
WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>{sheets}</sheets></workbook>"""
WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{sheets}\
<Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" \
Target="styles.xml"/></Relationships>"""
SHEET_REL = ('<Relationship Id="rId{number}" '
             'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
             'Target="worksheets/sheet{number}.xml"/>')
STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
<numFmts count="1"><numFmt numFmtId="164" formatCode={quoteattr(MONEY_FORMAT)}/></numFmts>\
<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>\
<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>\
<fills count="2"><fill><patternFill patternType="none"/></fill>\
<fill><patternFill patternType="gray125"/></fill></fills>\
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>\
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/></cellXfs>\
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>"""
SHEET_START = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cols>{cols}</cols><sheetData>"""
SHEET_END = "</sheetData></worksheet>"


@dataclass(frozen=True)
class Table:
    """One sheet: ``title`` (31 characters at most), the header row, column widths (characters) and
    the rows; a value is a text, a whole number, a ``Decimal`` (an amount in euros from column
    ``money_from`` on, 1-based) or None (an empty cell)."""

    title: str
    headers: Sequence[str]
    widths: Sequence[float]
    rows: Iterable[Sequence]
    money_from: int | None = None


def column_letter(number: int) -> str:
    """1 → A, 27 → AA."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@lru_cache(maxsize=4096)
def _escaped(value: str) -> tuple[str, bool]:
    """The text as XML and whether it reads as a formula: a table repeats its labels, names and
    sections on thousands of rows."""
    value = NOT_IN_XML.sub("", value)
    return value.translate(XML_TEXT), formula_like(value)


def _text(value: str, reference: str, style: int) -> str:
    escaped, formula = _escaped(value)
    style = QUOTED if style == PLAIN and formula else style
    styled = f' s="{style}"' if style else ""
    return f'<c r="{reference}" t="inlineStr"{styled}><is><t xml:space="preserve">{escaped}</t></is></c>'


def _row(number: int, values: Sequence, letters: list[str], money_from: int) -> str:
    cells = []
    for index, value in enumerate(values):
        reference = f"{letters[index]}{number}"
        if value is None:
            continue
        if isinstance(value, str):
            cells.append(_text(value, reference, PLAIN))
        elif isinstance(value, bool) or not isinstance(value, int | Decimal):
            raise TypeError(f"{reference}: {type(value).__name__} is neither a text nor a number")
        else:
            written = f"{value:f}" if isinstance(value, Decimal) else str(value)
            styled = f' s="{MONEY}"' if index >= money_from else ""
            cells.append(f'<c r="{reference}"{styled}><v>{written}</v></c>')
    return f'<row r="{number}">{"".join(cells)}</row>'


def _sheet(table: Table) -> str:
    width = max(len(table.headers), len(table.widths))
    letters = [column_letter(number) for number in range(1, width + 1)]
    money_from = width if table.money_from is None else table.money_from - 1
    cols = "".join(f'<col min="{n}" max="{n}" width="{w}" customWidth="1"/>' for n, w in enumerate(table.widths, 1))
    header = "".join(_text(text, f"{letters[index]}1", BOLD) for index, text in enumerate(table.headers))
    rows = "".join(_row(number, values, letters, money_from) for number, values in enumerate(table.rows, start=2))
    return f'{SHEET_START.format(cols=cols)}<row r="1">{header}</row>{rows}{SHEET_END}'


def tables_xlsx(tables: Sequence[Table]) -> bytes:
    """The workbook (.xlsx) of ``tables``, one sheet each, in their order."""
    numbers = range(1, len(tables) + 1)
    output = BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES.format(
            sheets="".join(SHEET_TYPE.format(number=n) for n in numbers)))
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK.format(sheets="".join(
            f'<sheet name={quoteattr(NOT_IN_XML.sub("", table.title)[:31])} sheetId="{n}" r:id="rId{n}"/>'
            for n, table in zip(numbers, tables, strict=True))))
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.format(
            sheets="".join(SHEET_REL.format(number=n) for n in numbers)))
        archive.writestr("xl/styles.xml", STYLES)
        for number, table in zip(numbers, tables, strict=True):
            archive.writestr(f"xl/worksheets/sheet{number}.xml", _sheet(table))
    return output.getvalue()
