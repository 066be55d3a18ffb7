import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from procurement.tenders.enums import BidStatus, TenderState
from procurement.tenders.models import Bid, BidFile
from procurement.tenders.services.bids import (
    bid_negotiate,
    bid_receive,
    bid_record_opening,
    bid_regularise,
    opening_record_create,
)
from tests.tenders.factories import BidFactory, LotFactory, TenderFactory, paris
from tests.vendors.factories import VendorFactory

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="offre-technique.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def published_lot():
    return LotFactory(tender=TenderFactory(published=True))


def test_a_bid_on_time_is_registered_sealed_with_the_hash_of_its_files(buyer, published_lot, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    bid = bid_receive(lot=published_lot, vendor=VendorFactory(), now=paris(2027, 1, 8, 11, 59),
                      files=[pdf()], by=buyer, exclusion_declaration=True)
    assert bid.status == BidStatus.RECEIVED
    assert bid.amount_ht is None
    stored = bid.files.get()
    # sha256 of PDF_BYTES, computed once by hand with sha256sum
    import hashlib

    assert stored.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    assert stored.size == len(PDF_BYTES)
    assert "offre" not in stored.file.name  # the stored path says nothing about the content


def test_a_late_bid_is_refused_and_logged_with_its_time(buyer, published_lot):
    bid = bid_receive(lot=published_lot, vendor=VendorFactory(), now=paris(2027, 1, 8, 12, 1),
                      files=[pdf()], by=buyer)
    assert bid.status == BidStatus.LATE
    assert bid.status_reason == (
        "Reçue le 08/01/2027 à 12:01, après la date limite du 08/01/2027 à 12:00 : offre refusée, non ouverte."
    )
    assert not BidFile.objects.exists()


def test_a_fake_pdf_is_refused_and_nothing_is_saved(buyer, published_lot):
    with pytest.raises(ValidationError) as error:
        bid_receive(lot=published_lot, vendor=VendorFactory(), now=paris(2027, 1, 7, 9, 0),
                    files=[pdf(content=b"MZ\x90\x00 not a pdf")], by=buyer)
    assert "n'est pas celui d'un fichier PDF" in error.value.messages[0]
    assert not Bid.objects.exists()


def test_an_executable_is_refused_by_its_type(buyer, published_lot):
    upload = SimpleUploadedFile("offre.exe", b"MZ\x90\x00")
    with pytest.raises(ValidationError, match="formats acceptés : PDF, DOCX, XLSX, ODT, ZIP"):
        bid_receive(lot=published_lot, vendor=VendorFactory(), now=paris(2027, 1, 7, 9, 0),
                    files=[upload], by=buyer)


def test_an_oversized_file_is_refused(buyer, published_lot, settings):
    settings.MAX_UPLOAD_BYTES = 1024
    with pytest.raises(ValidationError, match="au-delà du maximum de 1,0"):
        bid_receive(lot=published_lot, vendor=VendorFactory(), now=paris(2027, 1, 7, 9, 0),
                    files=[pdf(content=PDF_BYTES + b"0" * 2000)], by=buyer)


def test_a_docx_must_really_be_a_word_document(buyer, published_lot):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a docx")
    with pytest.raises(ValidationError, match="n'est pas celui d'un fichier DOCX"):
        bid_receive(lot=published_lot, vendor=VendorFactory(), now=paris(2027, 1, 7, 9, 0),
                    files=[SimpleUploadedFile("memoire.docx", buffer.getvalue())], by=buyer)


def test_amounts_cannot_be_recorded_before_the_opening(buyer):
    bid = BidFactory(lot=LotFactory(tender=TenderFactory(closed=True)))
    with pytest.raises(ValidationError, match="qu'après l'ouverture des plis"):
        bid_record_opening(bid=bid, by=buyer, amount_ht=Decimal("98000"), vat_rate=Decimal("5.5"), admissible=True)
    bid.refresh_from_db()
    assert bid.amount_ht is None


def test_the_opening_records_amounts_and_statuses(buyer):
    bid = BidFactory(lot=LotFactory(tender=TenderFactory(opened=True)))
    bid = bid_record_opening(bid=bid, by=buyer, amount_ht=Decimal("98000.00"), vat_rate=Decimal("5.5"),
                             admissible=True)
    assert (bid.status, bid.final_amount_ttc) == (BidStatus.COMPLIANT, Decimal("103390.00"))


def test_an_irregular_status_needs_a_reason_and_can_be_regularised(buyer):
    bid = BidFactory(lot=LotFactory(tender=TenderFactory(opened=True)))
    with pytest.raises(ValidationError) as error:
        bid_record_opening(bid=bid, by=buyer, amount_ht=Decimal("1"), vat_rate=Decimal("20"), admissible=True,
                           status=BidStatus.IRREGULAR)
    assert "status_reason" in error.value.message_dict
    bid = bid_record_opening(bid=bid, by=buyer, amount_ht=Decimal("91000"), vat_rate=Decimal("20"),
                             admissible=True, status=BidStatus.IRREGULAR, status_reason="DPGF non signée")
    bid = bid_regularise(bid=bid, note="DPGF signée reçue le 12/01/2026", by=buyer)
    assert (bid.status, bid.regularised) == (BidStatus.COMPLIANT, True)


def test_negotiation_only_in_a_mapa_that_provides_for_it(buyer):
    open_bid = BidFactory(lot=LotFactory(tender=TenderFactory(opened=True)), compliant=True)
    with pytest.raises(ValidationError, match="procédure adaptée"):
        bid_negotiate(bid=open_bid, amount_ht=Decimal("90000"), reason="Remise sur volume", by=buyer)
    mapa_bid = BidFactory(lot=LotFactory(tender=TenderFactory(opened=True, mapa=True, mapa_negotiation=True)),
                          compliant=True)
    negotiated = bid_negotiate(bid=mapa_bid, amount_ht=Decimal("76000"), reason="Remise sur volume", by=buyer)
    assert negotiated.final_amount_ht == Decimal("76000")


def test_the_opening_record_cannot_precede_the_deadline(buyer):
    tender = TenderFactory(closed=True)
    with pytest.raises(ValidationError) as error:
        opening_record_create(tender=tender, opened_at=paris(2026, 1, 8, 11, 0), attendees="Claire Morel", by=buyer)
    assert "opened_at" in error.value.message_dict
    assert tender.state == TenderState.CLOSED


def test_the_history_of_a_bid_file_keeps_the_hash_but_never_the_name(buyer, published_lot, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    bid = bid_receive(lot=published_lot, vendor=VendorFactory(), now=paris(2027, 1, 7, 9, 0),
                      files=[pdf("prix-98000-euros.pdf")], by=buyer)
    record = bid.files.get().history.get()
    assert record.sha256 == bid.files.get().sha256
    assert not hasattr(record, "original_name") and not hasattr(record, "file")
