"""The cells of every spreadsheet the app writes (.xlsx and .csv), written once.

A text that starts like a formula (``=``, ``+``, ``-``, ``@``, a tab or a carriage return) came
from a user (a vendor's name, a label, a title) and must never run when the file is opened: it is
written as text. Numbers stay numbers, a negative amount included; a text that is only a number
(``-12,50``) cannot run anything and is left as it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")


def formula_like(value) -> bool:
    """Whether a spreadsheet could read ``value`` as a formula (or a DDE command)."""
    return (isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)
            and PLAIN_NUMBER.fullmatch(value) is None)


def csv_row(values: Iterable) -> list:
    """A row for ``csv.writer``: a formula-like text gets a leading apostrophe, the mark spreadsheets
    read as « this is text »."""
    return [f"'{value}" if formula_like(value) else value for value in values]


def xlsx_cell(cell: Cell, value) -> Cell:
    """Sets ``cell`` to ``value``; a formula-like text is stored as a text (openpyxl would store a
    leading ``=`` as a formula) and keeps Excel's quote prefix, so editing the cell keeps it text."""
    cell.value = value
    if formula_like(value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def xlsx_append(sheet, values: Iterable) -> None:
    """``sheet.append(values)`` with each formula-like text written as text."""
    from openpyxl.cell.cell import Cell
    sheet.append([xlsx_cell(Cell(sheet), value) if formula_like(value) else value for value in values])
