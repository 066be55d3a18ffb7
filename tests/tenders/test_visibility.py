"""Who sees which tender, lot and bid: one rule (``visible_to`` on each model, the ``view`` ability on
each object) read by the list page, the API lists, the tender page, the bids register and its .xlsx.

Evaluators see the opened or completed tenders whose committee they sit on, and no other; buyers,
finance and administrators see every tender. Amounts, VAT and admissibility leave the register
only with the ``read_bids`` ability, on the page, in the API and in the .xlsx alike."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from procurement.tenders.enums import TenderState
from procurement.tenders.models import Bid, BidFile, Lot, Tender
from tests.factories import UserFactory
from tests.tenders.evaluation.factories import CommitteeMemberFactory
from tests.tenders.factories import BidFactory, LotFactory, TenderFactory

pytestmark = pytest.mark.django_db

# One tender per state, and a second opened one whose committee the evaluator does not sit on.
TENDERS = {
    "VIS-BROUILLON": TenderState.DRAFT, "VIS-PRETE": TenderState.READY, "VIS-PUBLIEE": TenderState.PUBLISHED,
    "VIS-CLOSE": TenderState.CLOSED, "VIS-OUVERTE-A": TenderState.OPENED, "VIS-OUVERTE-B": TenderState.OPENED,
    "VIS-TERMINEE": TenderState.COMPLETED, "VIS-SANS-SUITE": TenderState.ABANDONED,
}
SEATS = ("VIS-OUVERTE-A", "VIS-TERMINEE", "VIS-CLOSE")  # where the evaluator sits
ROLES = ("buyer", "finance", "admin", "evaluator", "evaluator_without_seat")
AMOUNT = Decimal("76543.21")
AMOUNT_TEXTS = ("76543.21", "76543,21", "76 543,21", "76\u202f543,21", "76\u00a0543,21")


@pytest.fixture
def world(db):
    users = {
        "buyer": UserFactory(username="vis-acheteur", buyer=True),
        "finance": UserFactory(username="vis-finances", finance=True),
        "admin": UserFactory(username="vis-admin", admin=True),
        "evaluator": UserFactory(username="vis-evaluatrice", evaluator=True),
        "evaluator_without_seat": UserFactory(username="vis-evaluateur-sans-siege", evaluator=True),
    }
    other = UserFactory(username="vis-autre-membre", evaluator=True)
    tenders = {}
    for index, (reference, state) in enumerate(TENDERS.items()):
        tender = TenderFactory(reference=reference, state=state, abandon_reason="Besoin disparu."
                               if state == TenderState.ABANDONED else "")
        lot = LotFactory(tender=tender)
        bid = BidFactory(lot=lot, vendor__name=f"Candidat {reference}", compliant=True, amount_ht=AMOUNT)
        BidFile.objects.create(bid=bid, original_name="offre.pdf", size=3, sha256=f"{index:x}" * 64)
        CommitteeMemberFactory(tender=tender, user=users["evaluator"] if reference in SEATS else other)
        tenders[reference] = tender
    return {"users": users, "tenders": tenders}


def seen_on_the_list_page(client, user) -> set[str]:
    client.force_login(user)
    html = client.get(reverse("tenders:list")).content.decode()
    return {reference for reference in TENDERS if reference in html}


@pytest.mark.parametrize("role", ROLES)
def test_the_lists_the_pages_and_the_abilities_agree_for_every_role(client, api_for, world, role):
    user = world["users"][role]
    tenders = world["tenders"]
    viewable = {reference for reference, tender in tenders.items() if tender.get_abilities(user)["view"]}
    expected = set(TENDERS) if role in ("buyer", "finance", "admin") else (
        {"VIS-OUVERTE-A", "VIS-TERMINEE"} if role == "evaluator" else set())
    assert viewable == expected
    assert set(Tender.objects.visible_to(user).values_list("reference", flat=True)) == viewable
    assert seen_on_the_list_page(client, user) == viewable
    api = api_for(user)
    assert {t["reference"] for t in api.get("/api/tenders/").json()["results"]} == viewable
    lots = Lot.objects.select_related("tender")
    assert {lot["id"] for lot in api.get("/api/lots/").json()["results"]} == {
        lot.pk for lot in lots if lot.get_abilities(user)["view"]}
    assert set(Lot.objects.visible_to(user).values_list("pk", flat=True)) == {
        lot.pk for lot in lots if lot.tender.reference in viewable}
    bids = Bid.objects.select_related("lot__tender")
    assert {bid["id"] for bid in api.get("/api/bids/").json()["results"]} == {
        bid.pk for bid in bids if bid.lot.tender.get_abilities(user)["view"]}
    assert set(Bid.objects.visible_to(user).values_list("pk", flat=True)) == {
        bid.pk for bid in bids if bid.lot.tender.reference in viewable}
    assert set(BidFile.objects.visible_to(user).values_list("bid__lot__tender__reference", flat=True)) == viewable
    for reference, tender in tenders.items():
        shown = reference in viewable
        assert client.get(reverse("tenders:detail", args=[reference])).status_code == (200 if shown else 404)
        assert client.get(reverse("tenders:bids-register", args=[reference])).status_code == (200 if shown else 404)
        assert api.get(f"/api/tenders/{reference}/").status_code == (200 if shown else 404)
        bid = Bid.objects.get(lot__tender=tender)
        assert api.get(f"/api/bids/{bid.pk}/").status_code == (200 if shown else 404)


def test_an_evaluator_without_a_seat_reads_no_bidder_and_no_file_hash_of_an_opened_tender(client, api_for, world):
    user = world["users"]["evaluator_without_seat"]
    client.force_login(user)
    opened = world["tenders"]["VIS-OUVERTE-B"]
    bid_file = BidFile.objects.get(bid__lot__tender=opened)
    answers = [client.get(reverse("tenders:list")), client.get(reverse("tenders:detail", args=[opened.reference])),
               api_for(user).get("/api/bids/"), api_for(user).get(f"/api/bids/?tender={opened.reference}"),
               api_for(user).get("/api/lots/"), api_for(user).get("/api/tenders/")]
    for response in answers:
        content = response.content.decode()
        assert "Candidat VIS-OUVERTE-B" not in content and bid_file.sha256 not in content, response.request["PATH_INFO"]


def register_cells(response) -> list[str]:
    assert response.status_code == 200, response.status_code
    sheet = load_workbook(BytesIO(response.content)).active
    return [str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value is not None]


@pytest.mark.parametrize("role", ["finance", "evaluator"])
def test_the_register_export_gives_no_amount_vat_or_admissibility_to_those_the_page_refuses(client, api_for, world,
                                                                                              role):
    user = world["users"][role]
    tender = world["tenders"]["VIS-OUVERTE-A"]
    assert tender.get_abilities(user)["read_bids"] is False
    client.force_login(user)
    cells = register_cells(client.get(reverse("tenders:bids-register", args=[tender.reference])))
    assert "Candidat VIS-OUVERTE-A" in cells and "Conforme" in cells  # who, when and the status, as on the page
    assert not {"Montant HT", "TVA (%)", "Montant TTC", "Candidature recevable", "Motif"} & set(cells), cells
    assert not [cell for cell in cells for amount in AMOUNT_TEXTS if amount in cell], cells
    # The page and the API refuse the same figures.
    page = client.get(reverse("tenders:detail", args=[tender.reference])).content.decode()
    assert not [amount for amount in AMOUNT_TEXTS if amount in page]
    bid = api_for(user).get(f"/api/bids/?tender={tender.reference}").json()["results"][0]
    assert (bid["amount_ht"], bid["vat_rate"], bid["admissible"], bid["sealed"]) == (None, None, None, True)


def test_the_register_export_gives_the_buyer_the_opened_amounts(client, world):
    tender = world["tenders"]["VIS-OUVERTE-A"]
    client.force_login(world["users"]["buyer"])
    cells = register_cells(client.get(reverse("tenders:bids-register", args=[tender.reference])))
    assert {"Montant HT", "TVA (%)", "Montant TTC", "Candidature recevable"} <= set(cells)
    assert "76543.21" in cells and "5.5" in cells and "80753.09" in cells and "oui" in cells
