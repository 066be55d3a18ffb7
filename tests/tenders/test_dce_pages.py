"""The documents on the pages: the DCE section of the tender page, the letters of the lot page, and
the downloads, served to buyers and finance only."""

import html
from decimal import Decimal

import pytest
from django.urls import reverse

from procurement.tenders.models import DceGeneration, LetterDocument
from procurement.tenders.services import need
from procurement.tenders.services.dce import dce_generate
from tests.documents.utils import awarded_lot, framework_tender

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def detail(tender) -> str:
    return reverse("tenders:detail", args=[tender.reference])


def lot_page(lot) -> str:
    return reverse("tenders:lot-detail", args=[lot.tender.reference, lot.number])


def test_a_buyer_generates_the_dce_from_the_tender_page(client_for, buyer):
    tender = framework_tender(lots=2, dce=False)
    client = client_for(buyer)
    page = text(client.get(detail(tender)))
    assert "Le DCE n'a pas encore été généré" in page
    assert reverse("tenders:dce-generate", args=[tender.reference]) in page
    response = client.post(reverse("tenders:dce-generate", args=[tender.reference]), follow=True)
    page = text(response)
    assert "Le DCE version 1 est généré : 6 pièces et leur archive." in page
    assert "Le DCE version 1 est à jour" in page
    generation = DceGeneration.objects.get(tender=tender)
    assert reverse("tenders:dce-archive", args=[tender.reference, 1]) in page
    for item in generation.files.all():
        assert reverse("tenders:dce-file", args=[tender.reference, item.pk]) in page


def test_the_page_asks_for_a_new_generation_after_a_change(client_for, buyer):
    tender = framework_tender(lots=1, dce=False)
    dce_generate(tender=tender, by=buyer)
    need.lot_save(tender=tender, by=buyer, lot=tender.lots.get(), estimated_amount_ht=Decimal("125000.00"))
    page = text(client_for(buyer).get(detail(tender)))
    assert "ont changé depuis la version 1 : générez le DCE à nouveau." in page


def test_finance_reads_the_versions_without_the_button(client_for, buyer, finance_user):
    tender = framework_tender(lots=1, dce=False)
    generation = dce_generate(tender=tender, by=buyer)
    client = client_for(finance_user)
    page = text(client.get(detail(tender)))
    assert generation.archive_name in page
    assert reverse("tenders:dce-generate", args=[tender.reference]) not in page
    assert client.post(reverse("tenders:dce-generate", args=[tender.reference])).status_code == 403
    response = client.get(reverse("tenders:dce-archive", args=[tender.reference, 1]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="BNM-2024-02_DCE_v1.zip"'
    assert response["Content-Type"] == "application/zip"


def test_a_dce_file_is_downloaded_with_its_name(client_for, buyer):
    tender = framework_tender(lots=1, dce=False)
    item = dce_generate(tender=tender, by=buyer).files.get(kind="bpu_dqe")
    response = client_for(buyer).get(reverse("tenders:dce-file", args=[tender.reference, item.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="BNM-2024-02_BPU-DQE_v1.xlsx"'
    assert response["Cache-Control"] == "private, no-store"


def test_evaluators_and_anonymous_users_get_no_dce_file(client, client_for, buyer, evaluator):
    tender = framework_tender(lots=1, dce=False)
    dce_generate(tender=tender, by=buyer)
    url = reverse("tenders:dce-archive", args=[tender.reference, 1])
    assert client.get(url).status_code == 302
    assert client_for(evaluator).get(url).status_code == 403


def test_a_refused_generation_comes_back_as_a_message(client_for, buyer):
    tender = framework_tender(lots=0, dce=False)
    response = client_for(buyer).post(reverse("tenders:dce-generate", args=[tender.reference]), follow=True)
    assert "La consultation n'a aucun lot : ajoutez-en un avant de générer le DCE." in text(response)
    assert not DceGeneration.objects.filter(tender=tender).exists()


def test_a_buyer_generates_the_letters_and_the_rapport_from_the_lot_page(client_for, buyer):
    lot, bids = awarded_lot()
    client = client_for(buyer)
    assert reverse("tenders:letters-generate", args=[lot.tender.reference, 1]) in text(client.get(lot_page(lot)))
    response = client.post(reverse("tenders:letters-generate", args=[lot.tender.reference, 1]),
                           {"sent_on": "2026-12-15"}, follow=True)
    page = text(response)
    assert "4 courrier(s) généré(s) pour le lot 1." in page
    assert "Courriers version 1, envoyés le 15/12/2026" in page
    assert "Fin du délai de suspension : 28/12/2026 ; signature possible à partir du 29/12/2026." in page
    response = client.post(reverse("tenders:rapport-generate", args=[lot.tender.reference, 1]), follow=True)
    assert "Le rapport de présentation est généré : BNM-2024-02_lot1_RAPPORT-PRESENTATION_v1.docx." in text(response)
    letter = LetterDocument.objects.get(kind="rejection_letter", bid=bids[1])
    download = client.get(reverse("tenders:letter-file", args=[lot.tender.reference, 1, letter.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"] == f'attachment; filename="{letter.name}"'


def test_a_wrong_sending_date_is_refused(client_for, buyer):
    lot, _ = awarded_lot()
    response = client_for(buyer).post(reverse("tenders:letters-generate", args=[lot.tender.reference, 1]),
                                      {"sent_on": "15/12/2026"}, follow=True)
    assert "« Date d'envoi » : « 15/12/2026 » n'est pas une date." in text(response)
    assert not LetterDocument.objects.exists()


def test_finance_downloads_letters_but_does_not_generate_them(client_for, buyer, finance_user):
    lot, _ = awarded_lot()
    client = client_for(finance_user)
    page = text(client.get(lot_page(lot)))
    assert "Aucun courrier généré pour ce lot." in page
    assert reverse("tenders:letters-generate", args=[lot.tender.reference, 1]) not in page
    assert client.post(reverse("tenders:letters-generate", args=[lot.tender.reference, 1])).status_code == 403
