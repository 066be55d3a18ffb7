"""The evaluator's scoring grid: bids × criteria in the tree's order, with the scale of each
criterion, the bids' files and the price computed by the formula."""

import hashlib
import html
import re
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from lxml import html as lxml_html

from procurement.tenders.enums import CriterionKind, PriceFormula
from procurement.tenders.models import BidFile, Score
from tests.tenders.evaluation.factories import CommitteeMemberFactory, DeclarationFactory
from tests.tenders.factories import BidFactory, CriterionFactory, LotFactory, TenderFactory

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.7\n%%EOF\n"
GRID = ".//table[contains(@class, 'scoring-grid')]"


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def build_lot():
    """Criteria created out of order: the environmental criterion (position 2) before the technical
    one (position 1), whose sub-criteria are positioned 2 then 1; the price last (position 3)."""
    lot = LotFactory(tender=TenderFactory(opened=True))
    environment = CriterionFactory(
        lot=lot, name="Performance environnementale", kind=CriterionKind.ENVIRONMENTAL, points=10, position=2
    )
    technical = CriterionFactory(lot=lot, name="Valeur technique", points=60, position=1)
    method = CriterionFactory(lot=lot, parent=technical, name="Méthodologie", points=40, position=2)
    staff = CriterionFactory(lot=lot, parent=technical, name="Moyens humains", points=20, position=1)
    price = CriterionFactory(
        lot=lot, name="Prix", kind=CriterionKind.PRICE, points=30, price_formula=PriceFormula.PROPORTIONAL, position=3
    )
    return lot, {"environment": environment, "technical": technical, "method": method, "staff": staff, "price": price}


def add_bid(lot, name, amount="100000.00"):
    bid = BidFactory(lot=lot, compliant=True, vendor__name=name, amount_ht=Decimal(amount))
    file_name = f"offre-{name.split()[0].lower()}.pdf"
    BidFile.objects.create(
        bid=bid,
        file=ContentFile(PDF_BYTES, name=file_name),
        original_name=file_name,
        size=len(PDF_BYTES),
        sha256=hashlib.sha256(PDF_BYTES).hexdigest(),
    )
    return bid


def cleared(lot):
    member = CommitteeMemberFactory(tender=lot.tender)
    DeclarationFactory(member=member, lot=lot)
    return member.user


def grid_url(lot):
    return reverse("tenders:evaluation-scores", args=[lot.tender.reference, lot.number])


def tree(response):
    return lxml_html.fromstring(response.content.decode())


def texts(elements):
    return [" ".join(element.text_content().split()) for element in elements]


def test_the_grid_lists_the_criteria_in_the_tree_s_order_with_sub_criteria_under_their_parent(client_for):
    lot, criteria = build_lot()
    lectura = add_bid(lot, "Lectura Numérique")
    page = tree(client_for(cleared(lot)).get(grid_url(lot)))
    top, subs = page.xpath(GRID + "/thead/tr")
    assert [name.split(" ")[0] for name in texts(top.xpath(".//th//span[contains(@class, 'grid-criterion')]"))] == [
        "Valeur",
        "Performance",
        "Prix",
    ]
    assert texts(subs.xpath(".//th//span[contains(@class, 'grid-criterion')]")) == ["Moyens humains", "Méthodologie"]
    assert top.xpath(".//th[contains(@class, 'grid-group')]")[0].get("colspan") == "2"
    # The columns as they sit on the screen: the inputs of a row follow the same order.
    row = page.xpath(GRID + "/tbody/tr")[0]
    names = [field.get("name") for field in row.xpath(".//input[@type='number']")]
    assert names == [f"{lectura.pk}-{criteria[key].pk}-value" for key in ("staff", "method", "environment")]


def test_each_column_header_shows_the_points_and_the_scale(client_for):
    lot, _criteria = build_lot()
    add_bid(lot, "Lectura Numérique")
    page = tree(client_for(cleared(lot)).get(grid_url(lot)))
    headers = dict(
        zip(
            texts(page.xpath(".//th[contains(@class, 'grid-column')]//span[contains(@class, 'grid-criterion')]")),
            texts(page.xpath(".//th[contains(@class, 'grid-column')]")),
            strict=True,
        )
    )
    assert "40 points — note sur 40" in headers["Méthodologie"]
    assert "de 0 à 40, au pas de 0,01" in headers["Méthodologie"]
    assert "10 points — note sur 10" in headers["Performance environnementale"]
    assert "calculée par la formule du lot" in headers["Prix"]
    assert "E+" not in page.text_content()
    method_input = page.xpath(".//input[@type='number']")[1]
    assert (method_input.get("min"), method_input.get("max"), method_input.get("step")) == ("0", "40", "0.01")


def test_each_row_links_to_its_bid_s_files_and_the_price_is_computed_not_typed(client_for):
    lot, criteria = build_lot()
    lectura = add_bid(lot, "Lectura Numérique", "100000.00")
    kiosque = add_bid(lot, "Kiosque Horizon", "120000.00")
    page = tree(client_for(cleared(lot)).get(grid_url(lot)))
    rows = page.xpath(GRID + "/tbody/tr")
    for row, bid in zip(rows, (lectura, kiosque), strict=True):
        file = bid.files.get()
        link = row.xpath(".//th//ul[contains(@class, 'grid-files')]//a")[0]
        assert link.get("href") == reverse("tenders:bid-file", args=[lot.tender.reference, file.pk])
        assert link.text_content() == file.original_name
        assert not row.xpath(f".//input[@name='{bid.pk}-{criteria['price'].pk}-value']")
    # 30 × 100 000 / 120 000 = 25.
    assert texts(rows[0].xpath(".//td[contains(@class, 'grid-price')]")) == ["30,00 calculée"]
    assert texts(rows[1].xpath(".//td[contains(@class, 'grid-price')]")) == ["25,00 calculée"]


def test_a_note_out_of_the_scale_is_refused_in_french_naming_the_bid_and_the_criterion(client_for):
    lot, criteria = build_lot()
    lectura = add_bid(lot, "Lectura Numérique")
    evaluator = cleared(lot)
    method, staff = criteria["method"], criteria["staff"]
    response = client_for(evaluator).post(
        grid_url(lot),
        {
            "action": "save",
            f"{lectura.pk}-{staff.pk}-value": "15",
            f"{lectura.pk}-{staff.pk}-comment": "Équipe dédiée.",
            f"{lectura.pk}-{method.pk}-value": "42",
            f"{lectura.pk}-{method.pk}-comment": "Très détaillée.",
        },
    )
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "rien n'a été enregistré" in page
    summary = re.sub(r"\s+", " ", page.split('role="alert"')[1].split("</div>")[0])
    assert (
        "Note de Lectura Numérique sur « Méthodologie » (sur 40)</a> : La note est comprise entre 0 et 40,00" in summary
    )
    assert not Score.objects.exists()


def test_the_grid_runs_the_same_number_of_queries_for_2_and_5_bids(client_for):
    counts = []
    for number in (2, 5):
        lot, _criteria = build_lot()
        for index in range(number):
            add_bid(lot, f"Candidat {index}", f"{100000 + index * 1000}.00")
        client = client_for(cleared(lot))
        client.get(grid_url(lot))  # warm the session and the caches
        with CaptureQueriesContext(connection) as queries:
            response = client.get(grid_url(lot))
        assert response.status_code == 200
        assert len(tree(response).xpath(GRID + "/tbody/tr")) == number
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_evaluator_s_to_do_leads_to_the_grid(client_for):
    lot, _criteria = build_lot()
    add_bid(lot, "Lectura Numérique")
    evaluator = cleared(lot)
    home = client_for(evaluator).get(reverse("home"))
    assert grid_url(lot) in home.content.decode()
