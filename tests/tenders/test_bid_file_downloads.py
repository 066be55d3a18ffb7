"""The bids' files after the opening: read by the buyers and by the lot's committee members who
declared no conflict, never before the opening, and every download logged."""

import hashlib
import html
from datetime import datetime

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from procurement.tenders.models import BidFile, BidFileDownload
from tests.clock import DEMO_NOW
from tests.factories import UserFactory
from tests.tenders.evaluation.factories import CommitteeMemberFactory, DeclarationFactory
from tests.tenders.factories import BidFactory, LotFactory, TenderFactory

pytestmark = [pytest.mark.django_db, pytest.mark.freeze_time(DEMO_NOW)]

PDF_BYTES = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
FILE_NAME = "memoire-technique-lectura.pdf"


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def text(response) -> str:
    return html.unescape(response.content.decode())


def file_of(lot, name=FILE_NAME) -> BidFile:
    bid = BidFactory(lot=lot, compliant=True, vendor__name="Lectura Numérique")
    return BidFile.objects.create(
        bid=bid,
        file=ContentFile(PDF_BYTES, name=name),
        original_name=name,
        size=len(PDF_BYTES),
        sha256=hashlib.sha256(PDF_BYTES).hexdigest(),
    )


def url(bid_file) -> str:
    return reverse("tenders:bid-file", args=[bid_file.bid.lot.tender.reference, bid_file.pk])


def member_of(lot, *, declared=True, conflict=False, **user):
    member = CommitteeMemberFactory(tender=lot.tender, user=UserFactory(evaluator=True, **user))
    if declared:
        DeclarationFactory(
            member=member, lot=lot, has_conflict=conflict, comment="Ancienne salariée du candidat." if conflict else ""
        )
    return member.user


def test_a_cleared_committee_member_downloads_a_bid_file_and_the_download_is_logged(client_for):
    lot = LotFactory(tender=TenderFactory(opened=True))
    bid_file = file_of(lot)
    nadia = member_of(lot, first_name="Nadia", last_name="Benali")
    response = client_for(nadia).get(url(bid_file))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{FILE_NAME}"'
    assert b"".join(response.streaming_content) == PDF_BYTES
    log = BidFileDownload.objects.get()
    assert (log.bid_file, log.user) == (bid_file, nadia)
    assert log.downloaded_at == datetime.fromisoformat(DEMO_NOW)


def test_before_the_opening_nobody_downloads_and_nothing_is_logged(client_for, buyer):
    lot = LotFactory(tender=TenderFactory(closed=True))
    bid_file = file_of(lot)
    member = CommitteeMemberFactory(tender=lot.tender).user
    response = client_for(buyer).get(url(bid_file))
    assert response.status_code == 403
    assert "restent scellés jusqu'à l'ouverture" in text(response)
    # A member does not even see a tender before its opening (the tenders' 404 convention).
    assert client_for(member).get(url(bid_file)).status_code == 404
    assert not BidFileDownload.objects.exists()


def test_an_evaluator_of_another_committee_cannot_download(client_for):
    lot = LotFactory(tender=TenderFactory(opened=True))
    bid_file = file_of(lot)
    other_lot = LotFactory(tender=TenderFactory(opened=True))
    stranger = member_of(other_lot)
    assert client_for(stranger).get(url(bid_file)).status_code == 404
    assert not BidFileDownload.objects.exists()


def test_a_member_cleared_on_another_lot_of_the_tender_cannot_download_this_lot_s_files(client_for):
    tender = TenderFactory(opened=True)
    lot_1, lot_2 = LotFactory(tender=tender), LotFactory(tender=tender)
    bid_file = file_of(lot_2)
    cleared_on_lot_1 = member_of(lot_1)
    response = client_for(cleared_on_lot_1).get(url(bid_file))
    assert response.status_code == 403
    assert "Signez votre déclaration d'intérêts sur ce lot" in text(response)
    assert not BidFileDownload.objects.exists()


def test_a_member_who_declared_a_conflict_cannot_download(client_for):
    lot = LotFactory(tender=TenderFactory(opened=True))
    bid_file = file_of(lot)
    conflicted = member_of(lot, conflict=True)
    response = client_for(conflicted).get(url(bid_file))
    assert response.status_code == 403
    assert "conflit d'intérêts sur ce lot" in text(response)
    assert not BidFileDownload.objects.exists()


def test_the_buyer_s_downloads_are_logged_and_listed_on_the_bid_page(client_for, buyer):
    lot = LotFactory(tender=TenderFactory(opened=True))
    bid_file = file_of(lot)
    nadia = member_of(lot, first_name="Nadia", last_name="Benali")
    client_for(nadia).get(url(bid_file))
    client = client_for(buyer)
    assert client.get(url(bid_file)).status_code == 200
    assert [log.user for log in BidFileDownload.objects.order_by("pk")] == [nadia, buyer]
    page = text(client.get(reverse("tenders:bid-record", args=[lot.tender.reference, bid_file.bid.pk])))
    downloads = page.split('id="telechargements"')[1]
    assert "Nadia Benali" in downloads and FILE_NAME in downloads and "25/11/2026 10:00" in downloads


def test_the_admin_lists_the_downloads_read_only(client_for, staff_user, buyer):
    lot = LotFactory(tender=TenderFactory(opened=True))
    bid_file = file_of(lot)
    client = client_for(buyer)
    client.get(url(bid_file))
    admin = client_for(staff_user)
    changelist = admin.get(reverse("admin:tenders_bidfiledownload_changelist"))
    assert changelist.status_code == 200 and FILE_NAME in text(changelist)
    assert admin.get(reverse("admin:tenders_bidfiledownload_add")).status_code == 403
    log = BidFileDownload.objects.get()
    delete = reverse("admin:tenders_bidfiledownload_delete", args=[log.pk])
    assert admin.post(delete, {"post": "yes"}).status_code == 403
    assert BidFileDownload.objects.filter(pk=log.pk).exists()
