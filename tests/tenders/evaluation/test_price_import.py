"""Import of a bidder's filled price schedule: errors by sheet and cell, nothing saved on error,
totals recomputed and compared with the declared amount."""

from decimal import Decimal as D
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from procurement.tenders.evaluation.price_import import ScheduleItem, read_price_schedule
from procurement.tenders.evaluation.services import price_schedule_import
from procurement.tenders.models import BidPriceLine, PriceItem
from tests.tenders.evaluation.factories import LINES, workbook
from tests.tenders.factories import BidFactory, LotFactory, TenderFactory

pytestmark = pytest.mark.django_db

TOTAL = D("5455.00")   # Σ quantity × unit price


def upload(buffer: BytesIO, name: str = "bpu-lectura.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, buffer.getvalue(),
                              content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@pytest.fixture
def bid():
    tender = TenderFactory(opened=True)
    LotFactory(tender=tender, number=1)
    lot = LotFactory(tender=tender, number=2, title="Presse en ligne")
    for position, (number, quantity, _price) in enumerate(LINES, start=1):
        PriceItem.objects.create(lot=lot, number=number, label=f"Prestation {number}", unit="unité",
                                 quantity=D(quantity), position=position)
    return BidFactory(lot=lot, compliant=True, amount_ht=TOTAL)


def items(bid):
    return [ScheduleItem(i.pk, i.number, i.quantity) for i in bid.lot.price_items.all()]


def test_a_complete_schedule_is_read_and_its_total_recomputed(bid):
    reading = read_price_schedule(workbook(), lot_number=2, items=items(bid))
    assert reading.errors == []
    assert reading.total_ht == TOTAL
    assert sorted(reading.prices.values())[:2] == [D("1.2"), D("9.9")]


def test_every_error_names_its_sheet_and_cell(bid):
    reading = read_price_schedule(workbook({"4": "abc", "9": None, "6": -3}), lot_number=2, items=items(bid))
    assert reading.errors == [
        "Lot 2!E9 : « abc » n'est pas un montant",
        "Lot 2!E11 : le prix unitaire -3,00 est négatif ; un prix est strictement positif",
        "Lot 2!E14 : prix unitaire manquant",
    ]


def test_a_price_with_more_than_two_decimals_is_refused(bid):
    reading = read_price_schedule(workbook({"8": 1.205}), lot_number=2, items=items(bid))
    assert reading.errors == ["Lot 2!E13 : le prix unitaire 1.205 a plus de deux décimales"]


def test_the_sheet_of_the_lot_must_be_there(bid):
    reading = read_price_schedule(workbook(sheet="Lot 1"), lot_number=2, items=items(bid))
    assert reading.errors == ["Lot 2 : feuille absente du classeur (feuilles : Lot 1)."]


def test_nothing_is_saved_when_a_cell_is_wrong(bid, buyer):
    with pytest.raises(ValidationError) as error:
        price_schedule_import(bid=bid, file=upload(workbook({"9": None})), by=buyer)
    assert error.value.messages == ["Lot 2!E14 : prix unitaire manquant"]
    assert not BidPriceLine.objects.exists()


def test_an_import_replaces_the_lines_and_flags_a_mismatch_with_the_declared_amount(bid, buyer):
    result = price_schedule_import(bid=bid, file=upload(workbook()), by=buyer)
    assert (result.lines, result.total_ht, result.mismatch) == (9, TOTAL, False)
    result = price_schedule_import(bid=bid, file=upload(workbook({"4": 1400.0})), by=buyer)
    assert (result.total_ht, result.declared_ht, result.mismatch) == (D("5355.00"), TOTAL, True)
    assert BidPriceLine.objects.count() == 9


def test_schedules_are_imported_only_after_the_opening(buyer):
    bid = BidFactory(lot=LotFactory(tender=TenderFactory(closed=True)))
    with pytest.raises(ValidationError, match="après l'ouverture des plis"):
        price_schedule_import(bid=bid, file=upload(workbook()), by=buyer)


def test_a_file_that_is_not_a_workbook_is_refused_by_name(bid, buyer):
    with pytest.raises(ValidationError) as error:
        price_schedule_import(bid=bid, file=SimpleUploadedFile("bpu.xlsx", b"pas un classeur"), by=buyer)
    assert "Bordereau des prix" in error.value.messages[0]
