"""Every cell of the permission matrix (procurement/core/permissions.py) through the pages: an
allowed role gets the page (200, or a redirect after a POST), a refused one a 403, an anonymous
visitor the login page. Where an ability guards the action, the object's ability agrees with the
cell. Sealed and blind surfaces also get content checks: no amount, no file, no other note."""

from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from procurement.core import permissions as matrix
from procurement.tenders.evaluation.abilities import evaluation_abilities
from procurement.tenders.models import BidFile
from tests.contracts.factories import ContractFactory
from tests.factories import UserFactory
from tests.programmes.factories import ProgrammeFactory
from tests.tenders.evaluation.factories import CommitteeMemberFactory, DeclarationFactory, worked_example
from tests.tenders.factories import BidFactory, LotFactory, TenderFactory
from tests.vendors.factories import PDF_BYTES, VendorFactory

pytestmark = pytest.mark.django_db
SEALED_AMOUNT = Decimal("87654.32")


@pytest.fixture
def world(settings, tmp_path, buyer, finance_user, staff_user):
    settings.MEDIA_ROOT = tmp_path
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
        "tenders.bids_register.sealed": (reverse("tenders:bids-register", args=[sealed.reference]), sealed),
        "tenders.bids_register.opened": (reverse("tenders:bids-register", args=[opened.reference]), opened),
        "tenders.bid_file.sealed": (reverse("tenders:bid-file", args=[sealed.reference, world["sealed_file"].pk]),
                                    sealed),
        "tenders.bid_file.opened": (reverse("tenders:bid-file", args=[opened.reference, world["opened_file"].pk]),
                                    opened),
        "tenders.opening.sealed": (reverse("tenders:opening", args=[sealed.reference]), sealed),
        "tenders.transition.close": (reverse("tenders:transition", args=[world["published"].reference, "close"]),
                                     world["published"]),
        "evaluation.scores": (reverse("tenders:evaluation-scores", kwargs=evaluation), lot),
        "evaluation.results": (reverse("tenders:evaluation-results", kwargs=evaluation), lot),
        "contracts.list": (reverse("contracts:list"), None),
        "contracts.detail": (reverse("contracts:detail", args=[contract.reference]), contract),
        "contracts.order_create": (reverse("contracts:order-create", args=[contract.reference]), contract),
        "vendors.list": (reverse("vendors:list"), None),
        "vendors.create": (reverse("vendors:create"), None),
        "programmes.list": (reverse("programmes:list"), None),
        "admin.index": (reverse("admin:index"), None),
        "admin.bids": (reverse("admin:tenders_bid_changelist"), None),
    }[action]


def abilities_of(obj, user) -> dict[str, bool]:
    if obj.__class__.__name__ == "Lot":
        return evaluation_abilities(obj, user)
    return obj.get_abilities(user)


CELLS = [(action.name, role) for action in matrix.MATRIX for role in matrix.ROLES]


def test_the_matrix_covers_every_role_for_every_action():
    assert len(CELLS) == len(matrix.MATRIX) * 6 == 132
    assert all(action.allowed <= set(matrix.ROLES) - {matrix.ANONYMOUS} for action in matrix.MATRIX)


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
    if action.allows(role):
        assert response.status_code in ({200} if action.method == "GET" else {200, 302}), response.status_code
    elif name.startswith("admin."):
        assert response.status_code == 302 and reverse("admin:login") in response.url
    else:
        assert response.status_code in {403, 404}, response.status_code
    if action.ability and obj is not None:
        assert abilities_of(obj, user)[action.ability] is action.allows(role)


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
            secrets_ = ("87 654,32", "87\u202f654,32", "87654.32", "87654,32", file_url, world["sealed_file"].file.name)
            for shown in secrets_:
                assert shown not in html, (role, url, shown)
        assert client.get(file_url).status_code in {403, 404}
