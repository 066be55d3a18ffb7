"""Every list of the API runs the same number of queries whatever the number of rows, each row
carrying every relation its serializer reads (a tender's buyer, an invoice's contract, author and
lines…); invoices come newest first, as on their page."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from procurement.contracts.models import Invoice, InvoiceLine, PurchaseOrder
from procurement.tenders.enums import CriterionKind
from procurement.tenders.models import Criterion
from tests.contracts.factories import ContractFactory, awarded_lot
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LISTS = ["/api/tenders/", "/api/lots/", "/api/criteria/", "/api/bids/", "/api/contracts/", "/api/orders/",
         "/api/invoices/", "/api/vendors/"]


def add_rows(number: int, *, by) -> None:
    """A tender with its buyer, its awarded lot and criteria, two bids opened, a framework contract
    with a co-holder, an order and an invoice of two VAT rates recorded by ``by``."""
    lot = awarded_lot(is_framework=True, renewals=3)
    lot.tender.buyer = by
    lot.tender.save(update_fields=["buyer"])
    Criterion.objects.create(lot=lot, name="Prix", kind=CriterionKind.PRICE, points=Decimal("60"),
                             price_formula="proportional")
    contract = ContractFactory(reference=f"MAR-LIST-{number}", lot=lot, framework=True, notified=True)
    contract.co_holders.add(lot.bids.exclude(pk=lot.winner_id).first().vendor)
    order = PurchaseOrder.objects.create(contract=contract, number=1, ordered_on=date(2026, 3, 10), by=by,
                                         description="Commande", amount_ht=Decimal("100.00"), vat_rate=Decimal("20"))
    invoice = Invoice.objects.create(contract=contract, order=order, number=f"F-{number}", by=by,
                                     issued_on=date(2026, 4, 1), received_on=date(2026, 4, 2))
    InvoiceLine.objects.create(invoice=invoice, vat_rate=Decimal("20"), amount_ht=Decimal("50.00"))
    InvoiceLine.objects.create(invoice=invoice, vat_rate=Decimal("5.5"), amount_ht=Decimal("50.00"))


def queries_of(api, url: str) -> int:
    api.get(url)  # the user's roles are cached from here on
    with CaptureQueriesContext(connection) as captured:
        response = api.get(url)
    assert response.status_code == 200, response.content
    assert response.json()["count"] > 0
    return len(captured)


def test_every_list_of_the_api_runs_the_same_queries_for_one_row_and_for_four(api_for, buyer):
    api = api_for(buyer)
    author = UserFactory(buyer=True)
    add_rows(0, by=author)
    with_one = {url: queries_of(api, url) for url in LISTS}
    for number in (1, 2, 3):
        add_rows(number, by=UserFactory(buyer=True))  # each row its own buyer and author
    with_four = {url: queries_of(api, url) for url in LISTS}
    assert with_four == with_one
    assert with_one["/api/tenders/"] == 3  # the count, the page with its buyers, the lots (estimated value)


def test_the_invoices_come_newest_received_first_as_on_their_page(api_for, finance_user):
    contract = ContractFactory(reference="MAR-ORDRE", notified=True, start_date=date(2025, 1, 6))
    for number, received in [("F-2", date(2025, 3, 3)), ("F-3", date(2025, 5, 5)), ("F-1", date(2025, 3, 3))]:
        Invoice.objects.create(contract=contract, number=number, issued_on=date(2025, 3, 1), received_on=received)
    rows = api_for(finance_user).get("/api/invoices/").json()["results"]
    assert [(row["number"], row["received_on"]) for row in rows] == [
        ("F-3", "2025-05-05"), ("F-1", "2025-03-03"), ("F-2", "2025-03-03")]
