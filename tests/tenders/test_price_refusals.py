"""Zero and negative prices, and VAT rates out of range, are refused in French wherever they can be
entered (pages, API, services, models, price schedule import), and nothing is stored."""

import html
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from procurement.tenders.evaluation.price_import import ScheduleItem, read_price_schedule
from procurement.tenders.models import Bid, BidPriceLine, PriceItem
from procurement.tenders.services.bids import bid_negotiate, bid_record_opening
from tests.tenders.evaluation.factories import LINES, workbook
from tests.tenders.factories import BidFactory, LotFactory, OpeningRecordFactory, TenderFactory

pytestmark = pytest.mark.django_db

VAT_RANGE = "Le taux de TVA est compris entre 0 et 100 % (exclu)."
POSITIVE = "Un prix est strictement positif : un montant nul ou négatif est refusé."


@pytest.fixture
def opened_bid():
    tender = TenderFactory(opened=True)
    OpeningRecordFactory(tender=tender)
    return BidFactory(lot=LotFactory(tender=tender, number=1), vendor__name="Lectura Numérique")


def record(client, bid, **fields):
    data = {"action": "record", "record-amount_ht": "87500.00", "record-vat_rate": "5.5",
            "record-admissible": "oui", "record-status": "compliant"}
    data.update({f"record-{key}": value for key, value in fields.items()})
    return client.post(reverse("tenders:bid-record", args=[bid.lot.tender.reference, bid.pk]), data)


@pytest.mark.parametrize("rate", ["100", "150", "-1"])
def test_the_bid_page_refuses_a_vat_rate_out_of_range_in_french(client_for, buyer, opened_bid, rate):
    response = record(client_for(buyer), opened_bid, vat_rate=rate)
    assert response.status_code == 200
    assert response.context["record_form"].errors["vat_rate"] == [VAT_RANGE]
    assert VAT_RANGE in html.unescape(response.content.decode())
    assert Bid.objects.get(pk=opened_bid.pk).vat_rate is None


def test_the_service_refuses_a_vat_rate_of_100_percent_with_the_constraint_message(buyer, opened_bid):
    # Was « ValueError: incomplete format » from the literal % in the constraint's message.
    with pytest.raises(ValidationError) as error:
        bid_record_opening(bid=opened_bid, by=buyer, amount_ht=Decimal("1000"), vat_rate=Decimal("100"),
                           admissible=True)
    assert error.value.messages == ["Le taux de TVA est compris entre 0 et 100 % (exclu)."]
    assert Bid.objects.get(pk=opened_bid.pk).amount_ht is None


@pytest.mark.parametrize("amount", ["0", "0.00", "-5"])
def test_the_bid_page_refuses_a_zero_or_negative_amount(client_for, buyer, opened_bid, amount):
    response = record(client_for(buyer), opened_bid, amount_ht=amount)
    assert response.status_code == 200
    assert response.context["record_form"].errors["amount_ht"] == [POSITIVE]
    assert Bid.objects.get(pk=opened_bid.pk).amount_ht is None


def test_the_service_and_the_model_refuse_a_zero_amount(buyer, opened_bid):
    with pytest.raises(ValidationError) as error:
        bid_record_opening(bid=opened_bid, by=buyer, amount_ht=Decimal("0"), vat_rate=Decimal("20"), admissible=True)
    assert error.value.message_dict["amount_ht"] == [
        "Le montant d'une offre est strictement positif : un prix nul ou négatif est refusé."]
    opened_bid.amount_ht = Decimal("0")
    with pytest.raises(ValidationError, match="Le montant d'une offre est strictement positif"):
        opened_bid.full_clean()


def test_the_api_refuses_a_zero_amount_and_a_vat_rate_of_100_percent(api_for, buyer, opened_bid):
    response = api_for(buyer).post(f"/api/bids/{opened_bid.pk}/opening/", {
        "amount_ht": "0.00", "vat_rate": "100", "admissible": True}, format="json")
    assert response.status_code == 400
    body = str(response.json())
    assert POSITIVE in body and VAT_RANGE in body
    assert Bid.objects.get(pk=opened_bid.pk).amount_ht is None


@pytest.fixture
def negotiable_bid():
    tender = TenderFactory(opened=True, mapa=True, mapa_negotiation=True)
    OpeningRecordFactory(tender=tender)
    return BidFactory(lot=LotFactory(tender=tender, number=1), compliant=True, amount_ht=Decimal("100000.00"),
                      vat_rate=Decimal("20"))


def test_a_negotiated_amount_of_zero_is_refused_by_the_page_and_the_service(client_for, buyer, negotiable_bid):
    url = reverse("tenders:bid-record", args=[negotiable_bid.lot.tender.reference, negotiable_bid.pk])
    response = client_for(buyer).post(url, {"action": "negotiate", "negotiate-amount_ht": "0",
                                            "negotiate-reason": "Remise totale."})
    assert response.context["negotiate_form"].errors["amount_ht"] == [POSITIVE]
    with pytest.raises(ValidationError) as error:
        bid_negotiate(bid=negotiable_bid, amount_ht=Decimal("-1"), reason="Remise.", by=buyer)
    assert error.value.message_dict["amount_ht"] == [
        "Le montant négocié est strictement positif : un prix nul ou négatif est refusé."]
    assert Bid.objects.get(pk=negotiable_bid.pk).negotiated_amount_ht is None


def test_the_price_schedule_import_refuses_a_zero_unit_price_by_its_cell():
    lot = LotFactory(tender=TenderFactory(opened=True), number=2)
    items = [PriceItem.objects.create(lot=lot, number=number, label=f"Prestation {number}", unit="unité",
                                      quantity=Decimal(quantity), position=position)
             for position, (number, quantity, _price) in enumerate(LINES, start=1)]
    reading = read_price_schedule(workbook({"6": 0}), lot_number=2,
                                  items=[ScheduleItem(i.pk, i.number, i.quantity) for i in items])
    assert reading.errors == ["Lot 2!E11 : le prix unitaire 0,00 est nul ; un prix est strictement positif"]
    bid = BidFactory(lot=lot, compliant=True, amount_ht=Decimal("1000"))
    line = BidPriceLine(bid=bid, item=items[0], unit_price_ht=Decimal("0"))
    with pytest.raises(ValidationError, match="Un prix unitaire est strictement positif"):
        line.full_clean()
