"""A workbook of plain tables written straight as SpreadsheetML reads back in openpyxl with its values,
types, styles and widths; a formula-like text stays a quoted text, never a formula."""

import zipfile
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from procurement.core.xlsx_tables import MONEY_FORMAT, Table, column_letter, tables_xlsx

D = Decimal


def test_tables_read_back_with_their_values_types_styles_and_widths():
    content = tables_xlsx([
        Table(title="Par ligne", headers=["Année", "Libellé", "Montant"], widths=[14, 30, 16.5], money_from=3,
              rows=[[2026, "Médiathèque & <réseau>", D("1234.50")], [2027, "  espaces\tet\rretours ", D("-5550.00")],
                    [2028, None, D("0.00")]]),
        Table(title="R&D <essai>", headers=["Nombre"], widths=[10], rows=[[7]]),
    ])
    book = load_workbook(BytesIO(content))
    assert book.sheetnames == ["Par ligne", "R&D <essai>"]
    sheet = book["Par ligne"]
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [
        ["Année", "Libellé", "Montant"], [2026, "Médiathèque & <réseau>", 1234.5],
        [2027, "  espaces\tet\rretours ", -5550], [2028, None, 0]]
    assert all(cell.font.b for cell in sheet[1]) and not sheet["A2"].font.b
    assert sheet["C3"].number_format == MONEY_FORMAT and sheet["C3"].data_type == "n"
    assert sheet["A2"].number_format == "General" and sheet["B2"].data_type == "s" and not sheet["B2"].quotePrefix
    assert [sheet.column_dimensions[letter].width for letter in "ABC"] == [14, 30, 16.5]
    assert book["R&D <essai>"]["A2"].value == 7


@pytest.mark.parametrize("text", ['=HYPERLINK("https://exemple.invalid","x")', "+cmd|' /C calc'!A0", "@SUM(1)",
                                  "-2+3"])
def test_a_formula_like_text_is_a_quoted_text_and_no_formula_is_written(text):
    content = tables_xlsx([Table(title="T", headers=["Texte"], widths=[20], rows=[[text], ["-12,50"]])])
    with zipfile.ZipFile(BytesIO(content)) as archive:
        assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode()
    sheet = load_workbook(BytesIO(content))["T"]
    assert (sheet["A2"].value, sheet["A2"].data_type, sheet["A2"].quotePrefix) == (text, "s", True)
    assert (sheet["A3"].value, sheet["A3"].quotePrefix) == ("-12,50", False)   # a plain number as text runs nothing


def test_control_characters_are_left_out_and_a_value_of_another_kind_is_refused():
    content = tables_xlsx([Table(title="T", headers=["Texte"], widths=[20], rows=[["Bib\x01lio\x1fthèque"]])])
    assert load_workbook(BytesIO(content))["T"]["A2"].value == "Bibliothèque"
    with pytest.raises(TypeError, match="B2: float"):
        tables_xlsx([Table(title="T", headers=["A", "B"], widths=[9, 9], rows=[[1, 2.5]])])


def test_column_letters():
    assert [column_letter(n) for n in (1, 26, 27, 52, 703)] == ["A", "Z", "AA", "AZ", "AAA"]
