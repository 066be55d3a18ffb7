"""Every cell of the permission matrix (procurement/core/permissions.py) through the pages and the
API: an allowed role gets the page (200, or a redirect after a POST) or the API's answer, a refused
one a 403 (or a 404 that reveals nothing), an anonymous visitor the login page or a 401/403. Where an
ability guards the action, the object's ability agrees with the cell. Sealed and blind surfaces also
get content checks: no amount, no file, no other note."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from openpyxl import load_workbook

from procurement.core import permissions as matrix
from procurement.tenders.evaluation.abilities import evaluation_abilities
from procurement.tenders.models import BidFile
from tests.contracts.factories import ContractFactory
from tests.factories import UserFactory
from tests.programmes.factories import ProgrammeFactory
from tests.shared_rows import module_rows
from tests.tenders.evaluation.factories import CommitteeMemberFactory, DeclarationFactory, worked_example
from tests.tenders.factories import BidFactory, LotFactory, TenderFactory
from tests.vendors.factories import PDF_BYTES, VendorFactory

pytestmark = pytest.mark.django_db
SEALED_AMOUNT = Decimal("87654.32")


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """One situation for every cell (built once: each test's changes roll back)."""
    with module_rows(django_db_blocker, tmp_path_factory):
        yield build_world()


def build_world():
    buyer = UserFactory(username="acheteur", buyer=True)
    finance_user = UserFactory(username="finances", finance=True)
    staff_user = UserFactory(username="administrateur", admin=True)
    sealed = TenderFactory(closed=True, reference="SCELLE-2026")
    sealed_lot = LotFactory(tender=sealed)
    sealed_bid = BidFactory(lot=sealed_lot, vendor__name="Offre Scellée SAS")
    sealed_file = BidFile(bid=sealed_bid, original_name="offre-scellee.pdf", size=len(PDF_BYTES), sha256="0" * 64)
    sealed_file.file.save("offre.pdf", ContentFile(PDF_BYTES), save=False)
    sealed_file.save()
    published = TenderFactory(published=True, reference="PUBLIE-2026", bid_deadline=sealed.bid_deadline,
                              consultation_start=sealed.consultation_start, notice_sent_on=sealed.notice_sent_on)
    LotFactory(tender=published)
    example = worked_example(submitted=3)
    elsewhere = TenderFactory(opened=True, reference="AUTRE-2026")  # no matrix evaluator sits on its committee
    BidFactory(lot=LotFactory(tender=elsewhere), compliant=True, vendor__name="Candidat d'une autre commission")
    conflicted = UserFactory(username="evaluateur.conflit", evaluator=True)
    DeclarationFactory(member=CommitteeMemberFactory(tender=example.lot.tender, user=conflicted), lot=example.lot,
                       has_conflict=True, comment="Ancien salarié d'un candidat.")
    opened_file = BidFile(bid=example.a, original_name="offre-ouverte.pdf", size=len(PDF_BYTES), sha256="1" * 64)
    opened_file.file.save("ouverte.pdf", ContentFile(PDF_BYTES), save=False)
    opened_file.save()
    contract = ContractFactory(framework=True, notified=True)
    users = {matrix.ANONYMOUS: None, matrix.BUYER: buyer, matrix.EVALUATOR: example.evaluators[0],
             matrix.EVALUATOR_CONFLICT: conflicted, matrix.FINANCE: finance_user, matrix.ADMIN: staff_user}
    return {"sealed": sealed, "sealed_file": sealed_file, "published": published, "example": example,
            "elsewhere": elsewhere,
            "opened_file": opened_file, "contract": contract, "vendor": VendorFactory(),
            "programme": ProgrammeFactory(), "users": users}


def target(action: str, world) -> tuple[str, object]:
    """The URL of the action in the fixture's situation, and the object whose abilities guard it."""
    sealed, opened = world["sealed"], world["example"].lot.tender
    lot = world["example"].lot
    contract = world["contract"]
    evaluation = {"reference": opened.reference, "number": lot.number}
    return {
        "home": (reverse("home"), None),
        "reference.list": (reverse("core:reference-values"), None),
        "tenders.list": (reverse("tenders:list"), None),
        "tenders.create": (reverse("tenders:create"), None),
        "tenders.detail.sealed": (reverse("tenders:detail", args=[sealed.reference]), sealed),
        "tenders.detail.opened": (reverse("tenders:detail", args=[opened.reference]), opened),
        "tenders.detail.opened_elsewhere": (reverse("tenders:detail", args=[world["elsewhere"].reference]),
                                            world["elsewhere"]),
        "tenders.bids_register.sealed": (reverse("tenders:bids-register", args=[sealed.reference]), sealed),
        "tenders.bids_register.opened": (reverse("tenders:bids-register", args=[opened.reference]), opened),
        "tenders.bids_register.amounts": (reverse("tenders:bids-register", args=[opened.reference]), opened),
        # A bid file is read under its lot's « read_bids » (evaluation_abilities).
        "tenders.bid_file.sealed": (reverse("tenders:bid-file", args=[sealed.reference, world["sealed_file"].pk]),
                                    world["sealed_file"].bid.lot),
        "tenders.bid_file.opened": (reverse("tenders:bid-file", args=[opened.reference, world["opened_file"].pk]),
                                    lot),
        "tenders.opening.sealed": (reverse("tenders:opening", args=[sealed.reference]), sealed),
        "tenders.transition.close": (reverse("tenders:transition", args=[world["published"].reference, "close"]),
                                     world["published"]),
        "evaluation.scores": (reverse("tenders:evaluation-scores", kwargs=evaluation), lot),
        "evaluation.results": (reverse("tenders:evaluation-results", kwargs=evaluation), lot),
        "contracts.list": (reverse("contracts:list"), None),
        "contracts.detail": (reverse("contracts:detail", args=[contract.reference]), contract),
        "contracts.order_create": (reverse("contracts:order-create", args=[contract.reference]), contract),
        "finance.commitments": (reverse("dashboards:finance-overview"), None),
        "vendors.list": (reverse("vendors:list"), None),
        "vendors.create": (reverse("vendors:create"), None),
        "vendors.suggestions": (reverse("vendors:suggestions"), None),
        "programmes.list": (reverse("programmes:list"), None),
        "sharing.shares": (reverse("sharing:shares", args=[world["programme"].reference]), None),
        "sharing.agreement_create": (reverse("sharing:agreement-create", args=[world["programme"].reference]), None),
        "admin.index": (reverse("admin:index"), None),
        "admin.bids": (reverse("admin:tenders_bid_changelist"), None),
    }[action]


def api_target(action: str, world) -> tuple[str, dict]:
    """The API endpoint of the action in the same situation, and the body of a POST."""
    sealed, opened, contract = world["sealed"], world["example"].lot.tender, world["contract"]
    sealed_bid, opened_bid = world["sealed_file"].bid, world["opened_file"].bid
    return {
        "tenders.list": ("/api/tenders/", {}),
        "tenders.create": ("/api/tenders/", {"title": "Consultation de la matrice", "procedure": "mapa"}),
        "tenders.detail.sealed": (f"/api/tenders/{sealed.reference}/", {}),
        "tenders.detail.opened": (f"/api/tenders/{opened.reference}/", {}),
        "tenders.detail.opened_elsewhere": (f"/api/tenders/{world['elsewhere'].reference}/", {}),
        "tenders.bids_register.sealed": (f"/api/bids/{sealed_bid.pk}/", {}),
        "tenders.bids_register.opened": (f"/api/bids/{opened_bid.pk}/", {}),
        "tenders.bids_register.amounts": (f"/api/bids/{opened_bid.pk}/", {}),
        "tenders.transition.close": (f"/api/tenders/{world['published'].reference}/transition/",
                                     {"transition": "close"}),
        "contracts.list": ("/api/contracts/", {}),
        "contracts.detail": (f"/api/contracts/{contract.reference}/", {}),
        "contracts.order_create": ("/api/orders/", {"contract": contract.pk, "ordered_on": "2026-11-02",
                                                    "description": "Commande de la matrice", "amount_ht": "1000.00",
                                                    "vat_rate": "20.00"}),
        "finance.commitments": ("/api/commitments/?year_from=2026&year_to=2027", {}),
        "vendors.list": ("/api/vendors/", {}),
        "vendors.create": ("/api/vendors/", {"name": "Fournisseur de la matrice", "country": "FR"}),
    }[action]


def abilities_of(obj, user) -> dict[str, bool]:
    if obj.__class__.__name__ == "Lot":
        return evaluation_abilities(obj, user)
    return obj.get_abilities(user)


def register_shows_amounts(response) -> bool:
    header = [cell.value for cell in load_workbook(BytesIO(response.content)).active[2]]
    return "Montant HT" in header and "Candidature recevable" in header


# Actions whose refusal is a narrower answer rather than a refused request: the cell is allowed when
# the answer holds what the action names.
SHOWN = {"tenders.bids_register.amounts": register_shows_amounts}
API_SHOWN = {"tenders.bids_register.amounts": lambda response: response.json()["amount_ht"] is not None}

CELLS = [(action.name, role) for action in matrix.MATRIX for role in matrix.ROLES]


def test_the_matrix_covers_every_role_for_every_action():
    assert len(CELLS) == len(matrix.MATRIX) * 6 == 168
    assert all(action.allowed <= set(matrix.ROLES) - {matrix.ANONYMOUS} for action in matrix.MATRIX)


def test_the_code_reads_the_grants_by_role(world):
    users = world["users"]
    buyer, finance_user, staff_user, evaluator = (users[matrix.BUYER], users[matrix.FINANCE], users[matrix.ADMIN],
                                                  users[matrix.EVALUATOR])
    assert matrix.may(buyer, "contracts.act") and not matrix.may(finance_user, "contracts.act")
    assert matrix.may(finance_user, "invoices.pay") and not matrix.may(buyer, "invoices.pay")
    assert not matrix.may(evaluator, "tenders.read_sealed") and matrix.may(evaluator, "tenders.read")
    assert all(matrix.may(staff_user, grant) for grant in matrix.GRANTS)
    with pytest.raises(KeyError):  # a misspelt grant fails loudly instead of refusing everyone
        matrix.may(buyer, "contract.act")


@pytest.mark.parametrize(("name", "role"), CELLS)
def test_every_cell_of_the_matrix_through_the_pages(client, world, name, role):
    action = matrix.BY_NAME[name]
    url, obj = target(name, world)
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    response = client.post(url, {"reason": ""}) if action.method == "POST" else client.get(url)
    if role == matrix.ANONYMOUS:
        assert response.status_code == 302 and ("connexion" in response.url or "login" in response.url)
        return
    if name in SHOWN:
        assert response.status_code in {200, 403, 404}, response.status_code
        assert (response.status_code == 200 and SHOWN[name](response)) is action.allows(role)
    elif action.allows(role):
        assert response.status_code in ({200} if action.method == "GET" else {200, 302}), response.status_code
    elif name.startswith("admin."):
        assert response.status_code == 302 and reverse("admin:login") in response.url
    else:
        assert response.status_code in {403, 404}, response.status_code
    if action.ability and obj is not None:
        assert abilities_of(obj, user)[action.ability] is action.allows(role)


API_CELLS = [(action.name, role) for action in matrix.MATRIX if action.api for role in matrix.ROLES]


def test_the_api_cells_name_an_endpoint_for_the_actions_the_api_offers():
    assert {name for name, _ in API_CELLS} == {
        "tenders.list", "tenders.create", "tenders.detail.sealed", "tenders.detail.opened",
        "tenders.detail.opened_elsewhere", "tenders.bids_register.sealed", "tenders.bids_register.opened",
        "tenders.bids_register.amounts", "tenders.transition.close",
        "contracts.list", "contracts.detail", "contracts.order_create", "finance.commitments", "vendors.list",
        "vendors.create"}


@pytest.mark.parametrize(("name", "role"), API_CELLS)
def test_every_cell_of_the_matrix_through_the_api(api_for, world, name, role):
    action = matrix.BY_NAME[name]
    url, body = api_target(name, world)
    api = api_for(world["users"][role])
    response = api.post(url, body, format="json") if action.api == "POST" else api.get(url)
    if role == matrix.ANONYMOUS:
        assert response.status_code in {401, 403}
    elif name in API_SHOWN:
        assert response.status_code in {200, 403, 404}, response.status_code
        assert (response.status_code == 200 and API_SHOWN[name](response)) is action.allows(role)
    elif action.allows(role):
        # A POST the role may make is answered on its merits: done, or refused on its fields (400), never a 403.
        expected = {200} if action.api == "GET" else {200, 201, 400}
        assert response.status_code in expected, (response.status_code, response.content[:300])
        if response.status_code == 400:
            assert "detail" not in response.json(), response.json()
    else:
        assert response.status_code in {403, 404}, (response.status_code, response.content[:300])


def test_a_sealed_bid_shows_no_amount_and_no_file_anywhere_before_the_opening(client, world):
    from procurement.tenders.models import Bid

    bid_id = world["sealed_file"].bid_id
    Bid.objects.filter(pk=bid_id).update(amount_ht=SEALED_AMOUNT)  # typed too early, by mistake
    sealed = world["sealed"]
    file_url = reverse("tenders:bid-file", args=[sealed.reference, world["sealed_file"].pk])
    urls = [reverse("tenders:detail", args=[sealed.reference]), reverse("tenders:opening", args=[sealed.reference]),
            reverse("admin:tenders_bid_changelist"), reverse("admin:tenders_bid_change", args=[bid_id]),
            reverse("admin:tenders_bid_history", args=[bid_id])]
    for role in (matrix.BUYER, matrix.FINANCE, matrix.ADMIN):
        client.force_login(world["users"][role])
        for url in urls:
            response = client.get(url)
            html = response.content.decode() if response.status_code == 200 else ""
            for shown in sealed_secrets(world):
                assert shown not in html, (role, url, shown)
        assert client.get(file_url).status_code in {403, 404}


def sealed_secrets(world) -> tuple[str, ...]:
    return ("87 654,32", "87\u202f654,32", "87654.32", "87654,32", "87654", world["sealed_file"].file.name,
            reverse("tenders:bid-file", args=[world["sealed"].reference, world["sealed_file"].pk]))


def test_the_sealed_amount_is_not_in_the_register_export_nor_in_the_api(client, api_for, world):
    from procurement.tenders.models import Bid

    bid = world["sealed_file"].bid
    Bid.objects.filter(pk=bid.pk).update(amount_ht=SEALED_AMOUNT)
    for role in (matrix.BUYER, matrix.FINANCE, matrix.ADMIN):
        user = world["users"][role]
        client.force_login(user)
        response = client.get(reverse("tenders:bids-register", args=[world["sealed"].reference]))
        assert response.status_code == 200
        cells = [str(cell.value) for sheet in load_workbook(BytesIO(response.content)) for row in sheet.iter_rows()
                 for cell in row if cell.value is not None]
        assert "Offre Scellée SAS" in cells  # who and when are in the register…
        assert not [cell for cell in cells for secret in sealed_secrets(world) if secret in cell], role  # …not what
        for url in (f"/api/bids/{bid.pk}/", f"/api/bids/?tender={world['sealed'].reference}"):
            answer = api_for(user).get(url)
            assert answer.status_code == 200 and "Offre Scellée SAS" in answer.content.decode()
            assert not [s for s in sealed_secrets(world) if s in answer.content.decode()], (role, url)


def test_the_admin_refuses_to_filter_bids_by_amount_so_a_sealed_amount_cannot_be_bisected(client, world):
    from procurement.tenders.models import Bid

    Bid.objects.filter(pk=world["sealed_file"].bid_id).update(amount_ht=SEALED_AMOUNT)
    client.force_login(world["users"][matrix.ADMIN])
    changelist = reverse("admin:tenders_bid_changelist")
    assert client.get(changelist, {"q": "Offre Scellée"}).status_code == 200
    for lookup in ("amount_ht__gt", "amount_ht__lt", "negotiated_amount_ht__isnull", "vat_rate"):
        response = client.get(changelist, {lookup: "80000"})
        assert response.status_code == 400 or "Offre Scellée SAS" not in response.content.decode(), lookup
    assert client.get(changelist, {"q": "87654"}).content.decode().count("Offre Scellée SAS") == 0
