"""The bid's « Candidat » and the question's « Posée par »: a search field with suggestions among every
vendor instead of a select of thousands. The pages weigh the same whatever the number of vendors; the
text typed without JavaScript names the vendor, or the field says why in French and nothing is stored."""

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from freezegun import freeze_time

from procurement.tenders.models import Bid, Question
from procurement.vendors.models import Vendor
from tests.clock import DEMO_NOW
from tests.pages import weighs_the_same
from tests.tenders.factories import LotFactory, TenderFactory
from tests.vendors.factories import VendorFactory

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def tender():
    tender = TenderFactory(published=True)
    LotFactory(tender=tender, number=1)
    return tender


@pytest.fixture
def vendors():
    return {"lectura": VendorFactory(name="Lectura Prêt Numérique SAS", siret="85783086300034"),
            "conseil": VendorFactory(name="Lectura Conseil", siret="91497094200019")}


def text(response) -> str:
    return html.unescape(response.content.decode())


def page_of_any_number_of_vendors(client, url: str, assert_num_queries) -> str:
    """The page at ``url``, the same with 2 vendors as with 42 (no select of them all)."""
    VendorFactory.create_batch(2)
    html = weighs_the_same(client, url, lambda: VendorFactory.create_batch(40), assert_num_queries)
    assert "Éditions Numériques" not in html
    return html


def receive(client_for, buyer, tender, **fields):
    with freeze_time("2027-01-07 15:45:00"):  # before the deadline of 08/01/2027; logged in then
        return client_for(buyer).post(reverse("tenders:bid-receive", args=[tender.reference]), {
            "lot": tender.lots.get().pk, "channel": "electronic", "candidature_form": "dume",
            "files": [SimpleUploadedFile("offre.pdf", PDF_BYTES)], **fields})


# « Candidat » -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["Lectura Prêt Numérique SAS", "857 830 863 00034", "prêt num"])
def test_a_bid_is_registered_for_the_vendor_typed_by_name_or_siret(client_for, buyer, tender, vendors, typed):
    response = receive(client_for, buyer, tender, vendor_search=typed)
    assert response.status_code == 302
    assert Bid.objects.get().vendor == vendors["lectura"]


def test_a_bid_is_registered_for_the_suggestion_chosen(client_for, buyer, tender, vendors):
    conseil = vendors["conseil"]
    response = receive(client_for, buyer, tender, vendor=conseil.pk, vendor_search="Lectura Conseil")
    assert response.status_code == 302
    assert Bid.objects.get().vendor == conseil


def test_an_unknown_candidate_is_refused_on_the_field_and_nothing_is_stored(client_for, buyer, tender, vendors):
    response = receive(client_for, buyer, tender, vendor_search="Bibliolib")
    assert response.status_code == 200
    assert response.context["form"].errors["vendor"] == [
        "Aucun fournisseur ne correspond à « Bibliolib » : tapez le début de son nom ou son SIRET, puis choisissez "
        "parmi les suggestions."]
    assert not Bid.objects.exists() and Vendor.objects.count() == 2
    assert 'value="Bibliolib"' in response.content.decode()


def test_an_ambiguous_candidate_is_refused_naming_both_and_nothing_is_stored(client_for, buyer, tender, vendors):
    response = receive(client_for, buyer, tender, vendor_search="lectura")
    assert response.context["form"].errors["vendor"] == [
        "Plusieurs fournisseurs correspondent à « lectura » (Lectura Conseil (914 970 942 00019) ; Lectura Prêt "
        "Numérique SAS (857 830 863 00034)) : choisissez parmi les suggestions ou tapez le nom complet ou le SIRET."]
    assert not Bid.objects.exists()


def test_a_known_candidate_and_a_new_company_together_are_refused(client_for, buyer, tender, vendors):
    response = receive(client_for, buyer, tender, vendor_search="Lectura Conseil", new_vendor_name="Bibliolib SAS")
    assert response.context["form"].errors["vendor"] == [
        "Indiquez un fournisseur connu ou renseignez une nouvelle entreprise, pas les deux."]
    assert not Bid.objects.exists() and Vendor.objects.count() == 2


def test_the_candidate_found_stays_chosen_when_another_field_is_refused(client_for, buyer, tender, vendors):
    lectura = vendors["lectura"]
    response = receive(client_for, buyer, tender, vendor_search="857 830 863 00034", files=[])
    assert response.context["form"].errors["files"] == ["Une offre comporte au moins un fichier."]
    page = response.content.decode()
    assert 'name="vendor_search" spellcheck="false" type="text" value="Lectura Prêt Numérique SAS"' in page
    assert f'<input type="hidden" name="vendor" value="{lectura.pk}" data-suggest-choice>' in page


def test_the_bid_form_weighs_the_same_whatever_the_number_of_vendors(client_for, buyer, tender,
                                                                     django_assert_num_queries):
    page = page_of_any_number_of_vendors(client_for(buyer), reverse("tenders:bid-receive", args=[tender.reference]),
                                         django_assert_num_queries)
    assert 'data-suggest-url="/fournisseurs/suggestions/"' in page
    assert '<script src="/static/js/suggest.js" defer></script>' in page


# « Posée par » ------------------------------------------------------------------------------------------


def ask(client, tender, **fields):
    return client.post(reverse("tenders:question-create", args=[tender.reference]), {
        "text": "Les licences sont-elles simultanées ?", "asked_at": "2026-11-24T10:00", **fields})


@pytest.mark.freeze_time(DEMO_NOW)
def test_a_question_is_recorded_with_the_vendor_typed_by_siret(client_for, buyer, tender, vendors):
    response = ask(client_for(buyer), tender, asked_by_search="914 970 942 00019")
    assert response.status_code == 302
    assert Question.objects.get().asked_by == vendors["conseil"]


@pytest.mark.freeze_time(DEMO_NOW)
def test_a_question_left_without_author_is_from_an_unidentified_candidate(client_for, buyer, tender, vendors):
    assert ask(client_for(buyer), tender, asked_by_search="").status_code == 302
    assert Question.objects.get().asked_by is None


@pytest.mark.freeze_time(DEMO_NOW)
def test_an_unknown_author_is_refused_on_the_tender_page_and_no_question_is_stored(client_for, buyer, tender,
                                                                                     vendors):
    response = ask(client_for(buyer), tender, asked_by_search="Zénith Lecture")
    assert response.status_code == 200
    assert response.context["question_form"].errors["asked_by"] == [
        "Aucun fournisseur ne correspond à « Zénith Lecture » : tapez le début de son nom ou son SIRET, puis "
        "choisissez parmi les suggestions."]
    assert not Question.objects.exists()
    assert '<script src="/static/js/suggest.js" defer></script>' in response.content.decode()


@pytest.mark.freeze_time(DEMO_NOW)
def test_the_tender_page_weighs_the_same_whatever_the_number_of_vendors(client_for, buyer, tender,
                                                                        django_assert_num_queries):
    page = page_of_any_number_of_vendors(client_for(buyer), reverse("tenders:detail", args=[tender.reference]),
                                         django_assert_num_queries)
    assert 'name="asked_by_search"' in page
