"""The pure rendering functions: .docx from template bytes and a context, .xlsx from data."""

from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings
from docx import Document
from openpyxl import load_workbook

from procurement.documents import catalog
from procurement.documents.enums import TemplateKind
from procurement.documents.rendering.docx import find_variables, leftover_tags, render_docx
from procurement.documents.rendering.errors import RenderError
from procurement.documents.xlsx import PriceLine, PriceSheet, price_schedule_xlsx
from procurement.tenders.rules import price_schedule_layout as layout
from tests.documents.utils import docx_text

SHIPPED = Path(settings.BASE_DIR) / "templates" / "docx"


def template(*paragraphs: str) -> bytes:
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("kind", TemplateKind.values)
def test_each_shipped_template_uses_only_its_documented_variables(kind):
    used = find_variables((SHIPPED / f"{kind}.docx").read_bytes())
    assert used <= catalog.names(kind)
    # Every document is about a consultation, except the CAO's minutes, about a meeting.
    assert {"authority", "meeting" if kind == TemplateKind.CAO_MINUTES else "tender"} <= used


@pytest.mark.parametrize("kind", TemplateKind.values)
def test_each_shipped_template_renders_the_catalog_examples_without_leftover_tags(kind):
    data = render_docx((SHIPPED / f"{kind}.docx").read_bytes(), catalog.example_context(kind))
    text = docx_text(data)
    assert "{{" not in text and "{%" not in text
    assert leftover_tags(data) == []
    assert "Métropole de Rivemont" in text


def test_values_are_escaped_so_an_ampersand_stays_text():
    data = render_docx(template("Candidat : {{ name }}"), {"name": "Médiathèque & Co <SARL>"})
    assert "Candidat : Médiathèque & Co <SARL>" in docx_text(data)


def test_an_undefined_variable_is_an_error_naming_it():
    with pytest.raises(RenderError) as refused:
        render_docx(template("Objet : {{ tender.objet }}"), {"tender": {"object": "Presse en ligne"}})
    assert refused.value.variable == "objet"
    assert "« objet »" in str(refused.value)


def test_a_malformed_tag_is_a_french_error():
    with pytest.raises(RenderError, match="mal écrite"):
        render_docx(template("{% for lot in lots %}{{ lot.title }}"), {"lots": []})


def test_a_literal_tag_left_in_the_output_is_refused():
    with pytest.raises(RenderError, match="restent dans le document"):
        render_docx(template("Note : {{ note }}"), {"note": "{{ oubli }}"})


def test_find_variables_ignores_loop_variables():
    data = template("{%p for lot in lots %}", "Lot {{ lot.number }} — {{ tender.reference }}", "{%p endfor %}")
    assert find_variables(data) == {"lots", "tender"}


def test_a_file_that_is_not_a_docx_is_a_french_error():
    with pytest.raises(RenderError, match="pas un document Word"):
        render_docx(b"%PDF-1.4 not a docx", {})


def test_mismatches_name_the_keys_a_context_misses_or_adds():
    example = {"lot": {"number": 1, "criteria": [{"name": "Prix", "points": "40"}]}}
    context = {"lot": {"number": 2, "criteria": [{"name": "Délai", "poids": "10"}], "extra": 1}}
    assert sorted(catalog.mismatches(context, example)) == [
        "lot.criteria[].poids (en trop)", "lot.criteria[].points (manquant)", "lot.extra (en trop)"]


def test_no_documented_field_hides_a_dict_method():
    # ``lot.items`` would read dict.items in Jinja, not the value.
    reserved = set(dir(dict))

    def names(variables):
        for variable in variables:
            yield variable.name
            yield from names(variable.fields)

    assert not {name for kind in TemplateKind.values for name in names(catalog.variables(kind))} & reserved


def workbook(lines=2):
    sheets = [
        PriceSheet(1, "Livres numériques", [PriceLine("1.1", "Abonnement annuel", "an", 1),
                                            PriceLine("1.2", "Licence de prêt", "licence", 1200)][:lines]),
        PriceSheet(2, "Presse en ligne", []),
    ]
    return load_workbook(BytesIO(price_schedule_xlsx(reference="BNM-2024-02", sheets=sheets, layout=layout)))


def test_price_schedule_has_one_sheet_per_lot_laid_out_as_the_importer_reads_it():
    book = workbook()
    assert book.sheetnames == ["Lot 1", "Lot 2"]
    sheet = book["Lot 1"]
    assert sheet[layout.TITLE_CELL].value == "BPU / DQE — BNM-2024-02"
    assert sheet[layout.LOT_CELL].value == "Lot 1 — Livres numériques"
    assert sheet[layout.BIDDER_LABEL_CELL].value == "Candidat :"
    assert [cell.value for cell in sheet[layout.HEADER_ROW]] == layout.HEADERS
    assert [sheet[f"{c}7"].value for c in "ABCD"] == ["1.2", "Licence de prêt", "licence", 1200]


def test_price_schedule_totals_are_formulas():
    sheet = workbook()["Lot 1"]
    assert sheet["F6"].value == "=D6*E6"
    assert sheet["F7"].value == "=D7*E7"
    assert sheet["E8"].value == layout.TOTAL_LABEL
    assert sheet["F8"].value == "=SUM(F6:F7)"


def test_only_the_bidder_cells_are_unlocked_and_the_sheets_are_protected():
    sheet = workbook()["Lot 1"]
    assert sheet.protection.sheet is True
    unlocked = {cell.coordinate for row in sheet.iter_rows() for cell in row if not cell.protection.locked}
    assert unlocked == {layout.BIDDER_CELL, "E6", "E7"}


def test_a_lot_without_price_lines_still_has_its_total_row():
    sheet = workbook()["Lot 2"]
    assert sheet["E6"].value == layout.TOTAL_LABEL
    assert sheet["F6"].value == 0
