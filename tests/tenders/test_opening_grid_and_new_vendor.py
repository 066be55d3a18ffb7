"""Two frictions of the bids pages: the opening of a lot's bids in one grid, and a bid from a company not
yet in the vendor list registered without leaving the bid page."""

import html
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from freezegun import freeze_time

from procurement.tenders.enums import BidStatus
from procurement.tenders.models import Bid
from procurement.vendors.models import Vendor
from tests.tenders.factories import BidFactory, LotFactory, OpeningRecordFactory, TenderFactory
from tests.vendors.factories import VendorFactory

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def text(response) -> str:
    return html.unescape(response.content.decode())


# The opening grid ---------------------------------------------------------------------------


@pytest.fixture
def opened_lot():
    tender = TenderFactory(opened=True)
    OpeningRecordFactory(tender=tender)
    lot = LotFactory(tender=tender, number=1)
    lectura = BidFactory(lot=lot, vendor=VendorFactory(name="Lectura Numérique"))
    kiosque = BidFactory(lot=lot, vendor=VendorFactory(name="Kiosque Horizon"))
    return lot, lectura, kiosque


def grid_url(lot) -> str:
    return reverse("tenders:lot-opening", args=[lot.tender.reference, lot.number])


def row(bid, **cells) -> dict:
    values = {
        "amount_ht": "98000.00",
        "vat_rate": "20",
        "admissible": "oui",
        "admissibility_reason": "",
        "status": "compliant",
        "status_reason": "",
        **cells,
    }
    return {f"offre-{bid.pk}-{name}": value for name, value in values.items()}


def test_the_lot_page_links_to_the_opening_grid(client_for, buyer, opened_lot):
    lot, _, _ = opened_lot
    page = text(client_for(buyer).get(reverse("tenders:lot-detail", args=[lot.tender.reference, 1])))
    assert grid_url(lot) in page
    grid = text(client_for(buyer).get(grid_url(lot)))
    assert "Lectura Numérique" in grid and "Kiosque Horizon" in grid


def test_the_grid_records_every_bid_of_the_lot_in_one_submission(client_for, buyer, opened_lot):
    lot, lectura, kiosque = opened_lot
    response = client_for(buyer).post(
        grid_url(lot),
        {
            **row(lectura, amount_ht="87500.00", vat_rate="5.5"),
            **row(
                kiosque,
                amount_ht="91200.50",
                admissible="non",
                admissibility_reason="Kbis absent.",
                status="irregular",
                status_reason="Bordereau de prix incomplet.",
            ),
        },
        follow=True,
    )
    assert "L'ouverture des 2 offre(s) du lot 1 est enregistrée." in text(response)
    lectura.refresh_from_db()
    kiosque.refresh_from_db()
    assert (lectura.amount_ht, lectura.vat_rate, lectura.admissible, lectura.status) == (
        Decimal("87500.00"),
        Decimal("5.50"),
        True,
        BidStatus.COMPLIANT,
    )
    assert (
        kiosque.amount_ht,
        kiosque.admissible,
        kiosque.admissibility_reason,
        kiosque.status,
        kiosque.status_reason,
    ) == (Decimal("91200.50"), False, "Kbis absent.", BidStatus.IRREGULAR, "Bordereau de prix incomplet.")


def test_a_cell_that_is_not_a_number_names_the_bid_and_stores_nothing(client_for, buyer, opened_lot):
    lot, lectura, kiosque = opened_lot
    response = client_for(buyer).post(grid_url(lot), {**row(lectura), **row(kiosque, amount_ht="quatre-vingt")})
    assert response.status_code == 200
    page = text(response)
    assert "La grille contient des erreurs ; rien n'a été enregistré." in page
    assert "Offre de Kiosque Horizon — Montant HT (€) : Saisissez un nombre." in page
    assert not Bid.objects.filter(amount_ht__isnull=False).exists()


def test_an_admissibility_left_unread_is_refused_on_its_cell(client_for, buyer, opened_lot):
    lot, lectura, kiosque = opened_lot
    grid = client_for(buyer).get(grid_url(lot)).content.decode()
    assert '<option value="" selected>—</option>' in grid
    response = client_for(buyer).post(grid_url(lot), {**row(lectura), **row(kiosque, admissible="")})
    assert "Offre de Kiosque Horizon — Candidature recevable : Ce champ est obligatoire." in text(response)
    assert not Bid.objects.filter(amount_ht__isnull=False).exists()


def test_a_row_the_service_refuses_rolls_back_the_rows_before_it(client_for, buyer, opened_lot):
    lot, lectura, kiosque = opened_lot
    response = client_for(buyer).post(
        grid_url(lot),
        {
            **row(lectura, amount_ht="87500.00"),
            **row(kiosque, status="unacceptable", status_reason=""),
        },
    )
    page = text(response)
    assert (
        "Offre de Kiosque Horizon — Motif du statut : Motivez le statut d'une offre irrégulière, inacceptable "
        "ou inappropriée."
    ) in page
    lectura.refresh_from_db()
    assert (lectura.amount_ht, lectura.status) == (None, BidStatus.RECEIVED)  # recorded first, then undone


def test_the_per_bid_page_still_records_one_bid(client_for, buyer, opened_lot):
    lot, lectura, _ = opened_lot
    url = reverse("tenders:bid-record", args=[lot.tender.reference, lectura.pk])
    response = client_for(buyer).post(
        url,
        {
            "action": "record",
            "record-amount_ht": "87500.00",
            "record-vat_rate": "5.5",
            "record-admissible": "oui",
            "record-status": "compliant",
        },
    )
    assert response.status_code == 302
    lectura.refresh_from_db()
    assert lectura.amount_ht == Decimal("87500.00")


def test_the_grid_is_refused_before_the_opening(client_for, buyer):
    lot = LotFactory(tender=TenderFactory(closed=True), number=1)
    assert client_for(buyer).get(grid_url(lot)).status_code == 403


# A new company with its bid ------------------------------------------------------------------


def receive(client_for, buyer, tender, lot, **fields):
    with freeze_time("2027-01-07 15:45:00"):  # logged in under the frozen clock: the session is valid then
        return client_for(buyer).post(
            reverse("tenders:bid-receive", args=[tender.reference]),
            {
                "lot": lot.pk,
                "vendor": "",
                "channel": "electronic",
                "candidature_form": "dume",
                "files": [SimpleUploadedFile("offre.pdf", PDF_BYTES)],
                **fields,
            },
            follow=True,
        )


def test_a_bid_from_a_new_company_creates_the_vendor_and_the_bid(client_for, buyer):
    tender = TenderFactory(published=True)
    lot = LotFactory(tender=tender, number=1)
    response = receive(
        client_for,
        buyer,
        tender,
        lot,
        new_vendor_name="Bibliolib SAS",
        new_vendor_siret="732 829 320 00074",
        new_vendor_postal_code="75011",
        new_vendor_city="Paris",
        new_vendor_is_sme="on",
    )
    assert "L'offre de Bibliolib SAS est enregistrée, scellée jusqu'à l'ouverture." in text(response)
    vendor = Vendor.objects.get(name="Bibliolib SAS")
    assert (vendor.siret, vendor.is_sme, vendor.city) == ("73282932000074", True, "Paris")
    assert Bid.objects.get().vendor == vendor


def test_a_new_company_with_a_wrong_siret_creates_nothing(client_for, buyer):
    tender = TenderFactory(published=True)
    lot = LotFactory(tender=tender, number=1)
    response = receive(
        client_for,
        buyer,
        tender,
        lot,
        new_vendor_name="Bibliolib SAS",
        new_vendor_siret="73282932000075",
        new_vendor_postal_code="75011",
        new_vendor_city="Paris",
    )
    assert response.status_code == 200
    assert response.context["form"].errors["new_vendor_siret"] == [
        "Le SIRET « 73282932000075 » n'est pas valide (clé de contrôle incorrecte)."
    ]
    assert not Vendor.objects.exists()
    assert not Bid.objects.exists()


def test_a_new_company_whose_siret_is_taken_names_the_other_vendor(client_for, buyer):
    tender = TenderFactory(published=True)
    lot = LotFactory(tender=tender, number=1)
    other = VendorFactory(name="Numilog SA", siret="73282932000074")
    response = receive(
        client_for,
        buyer,
        tender,
        lot,
        new_vendor_name="Bibliolib SAS",
        new_vendor_siret="73282932000074",
        new_vendor_postal_code="75011",
        new_vendor_city="Paris",
    )
    assert response.context["form"].errors["new_vendor_siret"] == [
        f"Ce SIRET est déjà enregistré pour le fournisseur « Numilog SA » (fiche n° {other.pk})."
    ]
    assert list(Vendor.objects.all()) == [other]
    assert not Bid.objects.exists()


def test_a_bid_refused_after_its_new_company_was_checked_creates_no_company(client_for, buyer):
    tender = TenderFactory(published=True)
    lot = LotFactory(tender=tender, number=1)
    response = receive(
        client_for,
        buyer,
        tender,
        lot,
        new_vendor_name="Bibliolib SAS",
        new_vendor_siret="73282932000074",
        new_vendor_postal_code="75011",
        new_vendor_city="Paris",
        files=[],
    )
    assert response.context["form"].errors["files"] == ["Une offre comporte au moins un fichier."]
    assert not Vendor.objects.exists()


def test_neither_a_listed_vendor_nor_a_new_company_is_refused_on_the_field(client_for, buyer):
    tender = TenderFactory(published=True)
    lot = LotFactory(tender=tender, number=1)
    response = receive(client_for, buyer, tender, lot)
    assert response.context["form"].errors["vendor"] == [
        "Indiquez le candidat par son nom ou son SIRET, ou renseignez la nouvelle entreprise ci-dessous."
    ]
    assert not Bid.objects.exists()
