"""Bids in the pages and the admin: sealed until the opening, for everyone, staff included."""

import hashlib
import html
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from procurement.tenders.enums import BidStatus, TenderState
from procurement.tenders.models import Bid, BidFile, OpeningRecord, Tender
from tests.tenders.evaluation.factories import CommitteeMemberFactory
from tests.tenders.factories import BidFactory, LotFactory, OpeningRecordFactory, TenderFactory, paris
from tests.vendors.factories import VendorFactory

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SECRET_NAME = "prix-unitaires-confidentiels.pdf"


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def text(response) -> str:
    return html.unescape(response.content.decode())


def bid_with_file(tender, **bid_fields):
    lot = LotFactory(tender=tender, number=1)
    bid = BidFactory(lot=lot, vendor=VendorFactory(name="Cyberlibris SAS"), **bid_fields)
    bid_file = BidFile.objects.create(bid=bid, file=ContentFile(PDF_BYTES, name=SECRET_NAME),
                                      original_name=SECRET_NAME, size=len(PDF_BYTES),
                                      sha256=hashlib.sha256(PDF_BYTES).hexdigest())
    return bid, bid_file


def file_url(tender, bid_file) -> str:
    return reverse("tenders:bid-file", args=[tender.reference, bid_file.pk])


# Sealed -------------------------------------------------------------------------------------


def test_a_closed_tender_shows_the_hash_but_neither_the_file_name_nor_a_link(client_for, buyer):
    tender = TenderFactory(closed=True)
    _, bid_file = bid_with_file(tender, amount_ht=Decimal("98000.00"), vat_rate=Decimal("5.5"))
    page = text(client_for(buyer).get(reverse("tenders:detail", args=[tender.reference])))
    assert "Cyberlibris SAS" in page
    assert "07/01/2026 10:30" in page
    assert bid_file.sha256 in page
    assert SECRET_NAME not in page
    assert file_url(tender, bid_file) not in page
    register = page.split("Registre des offres")[1].split("Chronologie")[0]
    assert "98 000" not in register and "98000" not in register


def test_the_lot_page_of_a_closed_tender_keeps_the_bid_sealed(client_for, buyer):
    tender = TenderFactory(closed=True)
    _, bid_file = bid_with_file(tender, amount_ht=Decimal("98000.00"), vat_rate=Decimal("5.5"))
    page = text(client_for(buyer).get(reverse("tenders:lot-detail", args=[tender.reference, 1])))
    assert bid_file.sha256 in page
    assert SECRET_NAME not in page
    assert "98 000" not in page.replace("\u00a0", " ")


@pytest.mark.parametrize("who", ["buyer", "staff_user", "finance_user"])
def test_a_bid_file_cannot_be_downloaded_before_the_opening(client_for, who, request):
    tender = TenderFactory(closed=True)
    _, bid_file = bid_with_file(tender)
    response = client_for(request.getfixturevalue(who)).get(file_url(tender, bid_file))
    assert response.status_code == 403


def test_the_admin_never_shows_the_amount_of_a_sealed_bid(client_for, staff_user):
    tender = TenderFactory(closed=True)
    bid, bid_file = bid_with_file(tender, amount_ht=Decimal("98765.43"), vat_rate=Decimal("5.5"))
    client = client_for(staff_user)
    change = client.get(reverse("admin:tenders_bid_change", args=[bid.pk]))
    assert change.status_code == 200
    page = text(change)
    assert 'name="amount_ht"' not in page
    assert "98765" not in page and "98 765" not in page.replace("\u00a0", " ")
    assert "negotiated_amount_ht" not in page
    assert bid_file.sha256 not in page and SECRET_NAME not in page
    changelist = text(client.get(reverse("admin:tenders_bid_changelist")))
    assert "Cyberlibris SAS" in changelist
    assert "98765" not in changelist and "98 765" not in changelist.replace("\u00a0", " ")


def test_a_posted_amount_is_refused_by_the_admin(client_for, staff_user):
    tender = TenderFactory(closed=True)
    bid, _ = bid_with_file(tender)
    response = client_for(staff_user).post(reverse("admin:tenders_bid_change", args=[bid.pk]), {
        "status": BidStatus.RECEIVED, "candidature_form": "dume", "admissible": "unknown", "capacities": "CA 3 M€",
        "amount_ht": "1.00", "vat_rate": "20",
    })
    assert response.status_code == 403
    saved = Bid.objects.get(pk=bid.pk)
    assert saved.capacities == ""
    assert (saved.amount_ht, saved.vat_rate) == (None, None)


def test_the_admin_keeps_the_state_fields_read_only(client_for, staff_user):
    tender = TenderFactory(published=True)
    page = text(client_for(staff_user).get(reverse("admin:tenders_tender_change", args=[tender.pk])))
    assert 'name="state"' not in page
    assert "Publiée" in page


# Opened -------------------------------------------------------------------------------------


def test_after_the_opening_the_buyer_sees_the_amounts_and_downloads_the_files(client_for, buyer):
    tender = TenderFactory(opened=True)
    _, bid_file = bid_with_file(tender, compliant=True)
    client = client_for(buyer)
    page = text(client.get(reverse("tenders:detail", args=[tender.reference]))).replace("\u00a0", " ")
    assert "98 000,00 €" in page  # HT
    assert "5 390,00 €" in page  # VAT at 5,5 %
    assert "103 390,00 €" in page  # TTC
    assert SECRET_NAME in page
    assert file_url(tender, bid_file) in page
    response = client.get(file_url(tender, bid_file))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{SECRET_NAME}"'
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_after_the_opening_an_evaluator_who_has_not_declared_cannot_download_a_bid_file(client_for, evaluator):
    tender = TenderFactory(opened=True)
    # Sits on the committee but has not signed the declaration of interest: sees the tender, not the files.
    CommitteeMemberFactory(tender=tender, user=evaluator)
    _, bid_file = bid_with_file(tender, compliant=True)
    assert client_for(evaluator).get(file_url(tender, bid_file)).status_code == 403


def test_after_the_opening_the_admin_shows_the_amounts(client_for, staff_user):
    tender = TenderFactory(opened=True)
    bid, _ = bid_with_file(tender, compliant=True)
    page = text(client_for(staff_user).get(reverse("admin:tenders_bid_change", args=[bid.pk])))
    assert "Montant HT" in page and "98000,00" in page.replace("\u00a0", "").replace(" ", "")
    assert 'name="amount_ht"' not in page  # shown, never editable
    assert SECRET_NAME in page


# Receipt, opening, recording ----------------------------------------------------------------


def test_buyer_registers_a_bid_with_its_files_sealed(client_for, buyer):
    tender = TenderFactory(published=True)
    lot = LotFactory(tender=tender, number=1)
    vendor = VendorFactory(name="Numilog SA")
    with freeze_time("2027-01-07 15:45:00"):  # 16:45 in Paris
        client = client_for(buyer)
        assert client.get(reverse("tenders:bid-receive", args=[tender.reference])).status_code == 200
        response = client.post(reverse("tenders:bid-receive", args=[tender.reference]), {
            "lot": lot.pk, "vendor": vendor.pk, "channel": "electronic", "candidature_form": "dume",
            "exclusion_declaration": "on", "capacities": "CA 2025 : 4,2 M€",
            "files": [SimpleUploadedFile("offre.pdf", PDF_BYTES),
                      SimpleUploadedFile("annexe.pdf", PDF_BYTES + b" ")],
        }, follow=True)
    bid = Bid.objects.get()
    assert (bid.status, bid.received_at) == (BidStatus.RECEIVED, paris(2027, 1, 7, 16, 45))
    assert bid.files.count() == 2
    assert "Numilog SA est enregistrée" in text(response)
    assert hashlib.sha256(PDF_BYTES).hexdigest() in text(response)
    assert "offre.pdf" not in text(response)


def test_a_bad_file_is_refused_on_the_field_and_nothing_is_saved(client_for, buyer):
    tender = TenderFactory(published=True)
    lot = LotFactory(tender=tender, number=1)
    response = client_for(buyer).post(reverse("tenders:bid-receive", args=[tender.reference]), {
        "lot": lot.pk, "vendor": VendorFactory().pk, "channel": "electronic",
        "candidature_form": "dume", "files": [SimpleUploadedFile("offre.pdf", b"MZ not a pdf")],
    })
    assert response.status_code == 200
    error = response.context["form"].errors["files"][0]
    assert "« Fichiers de l'offre » : le contenu du fichier « offre.pdf »" in error
    assert not Bid.objects.exists()


def test_a_late_bid_is_saved_as_late_with_a_warning_giving_its_time(client_for, buyer):
    tender = TenderFactory(closed=True)  # deadline 08/01/2026 12:00
    lot = LotFactory(tender=tender, number=1)
    with freeze_time("2026-01-09 08:00:00"):
        response = client_for(buyer).post(reverse("tenders:bid-receive", args=[tender.reference]), {
            "lot": lot.pk, "vendor": VendorFactory(name="Retard SARL").pk, "channel": "paper",
            "received_at": "2026-01-08T12:05", "deposit_reason": "Pli remis à l'accueil après l'heure limite.",
            "candidature_form": "dume", "files": [SimpleUploadedFile("offre.pdf", PDF_BYTES)],
        }, follow=True)
    bid = Bid.objects.get()
    assert bid.status == BidStatus.LATE
    assert not bid.files.exists()
    assert ("Offre de Retard SARL hors délai. Reçue le 08/01/2026 à 12:05, après la date limite du 08/01/2026 à "
            "12:00 : offre refusée, non ouverte.") in text(response)
    assert 'class="message message--warning"' in response.content.decode()


def test_the_opening_record_then_the_open_bids_transition(client_for, buyer):
    tender = TenderFactory(closed=True)
    LotFactory(tender=tender, number=1)
    client = client_for(buyer)
    response = client.post(reverse("tenders:opening", args=[tender.reference]), {
        "opened_at": "2026-01-09T09:00", "attendees": "Claire Morel (acheteuse)", "notes": ""})
    assert response.status_code == 302
    assert OpeningRecord.objects.get(tender=tender).attendees == "Claire Morel (acheteuse)"
    client.post(reverse("tenders:transition", args=[tender.reference, "open_bids"]))
    assert Tender.objects.get(pk=tender.pk).state == TenderState.OPENED


def test_the_opening_cannot_precede_the_deadline(client_for, buyer):
    tender = TenderFactory(closed=True)
    response = client_for(buyer).post(reverse("tenders:opening", args=[tender.reference]), {
        "opened_at": "2026-01-08T11:00", "attendees": "Claire Morel"})
    assert response.context["form"].errors["opened_at"] == [
        "L'ouverture ne peut pas précéder la date limite de réception."]
    assert not OpeningRecord.objects.exists()


def test_buyer_records_an_opened_bid(client_for, buyer):
    tender = TenderFactory(opened=True)
    OpeningRecordFactory(tender=tender)
    bid, _ = bid_with_file(tender)
    url = reverse("tenders:bid-record", args=[tender.reference, bid.pk])
    client = client_for(buyer)
    assert client.get(url).status_code == 200
    response = client.post(url, {"action": "record", "record-amount_ht": "87500.00", "record-vat_rate": "5.5",
                                 "record-admissible": "oui", "record-status": "irregular",
                                 "record-status_reason": ""})
    assert response.context["record_form"].errors["status_reason"]
    response = client.post(url, {"action": "record", "record-amount_ht": "87500.00", "record-vat_rate": "5.5",
                                 "record-admissible": "oui", "record-status": "compliant"})
    assert response.status_code == 302
    bid.refresh_from_db()
    assert (bid.amount_ht, bid.vat_rate, bid.admissible, bid.status) == (
        Decimal("87500.00"), Decimal("5.50"), True, BidStatus.COMPLIANT)


def test_bids_cannot_be_recorded_before_the_opening(client_for, buyer):
    tender = TenderFactory(closed=True)
    bid, _ = bid_with_file(tender)
    assert client_for(buyer).get(reverse("tenders:bid-record", args=[tender.reference, bid.pk])).status_code == 403


def test_a_lot_award_refused_by_its_guard_shows_the_reason(client_for, buyer):
    tender = TenderFactory(opened=True)
    bid, _ = bid_with_file(tender, compliant=True)  # no certificates on file for the vendor
    response = client_for(buyer).post(
        reverse("tenders:lot-transition", args=[tender.reference, 1, "award"]), {"award-winner": bid.pk},
        follow=True)
    assert "Pièces manquantes ou expirées pour Cyberlibris SAS" in text(response)
    assert bid.lot.__class__.objects.get(pk=bid.lot_id).state == "evaluating"


def test_published_tender_late_answer_proposes_a_pushed_back_deadline(client_for, buyer):
    deadline = timezone.localtime() + timedelta(days=3)
    tender = TenderFactory(published=True, bid_deadline=deadline)
    question = tender.questions.create(text="Le format EPUB 3 est-il exigé ?", asked_at=paris(2026, 11, 20, 9, 0))
    response = client_for(buyer).post(
        reverse("tenders:question-answer", args=[tender.reference, question.pk]),
        {f"reponse-{question.pk}-answer": "Oui, EPUB 3 avec DRM LCP."})
    assert response.status_code == 200
    page = text(response)
    assert "Trop tard" in page
    assert response.context["proposed_deadline"] > deadline
    assert reverse("tenders:push-back", args=[tender.reference]) in page
    question.refresh_from_db()
    assert question.answer == ""
