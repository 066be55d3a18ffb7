"""The time of receipt is a fact: an electronic deposit takes the server's time; a paper or media
deposit recorded after the fact needs a plausible time (not in the future, not before the
publication) and a reason, and is logged. Exercised through the page where bids are registered."""

import html
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from freezegun import freeze_time

from procurement.tenders.enums import BidStatus, DepositChannel
from procurement.tenders.models import Bid, TransitionLog
from tests.tenders.factories import LotFactory, TenderFactory, paris
from tests.vendors.factories import VendorFactory

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# The buyer types on 05/12/2026 at 10:00 (Paris), ten days after the deadline.
TYPING = "2026-12-05 09:00:00"  # UTC


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def closed_lot():
    """Notice sent on 05/10/2026, deadline 25/11/2026 at 12:00, closed since."""
    tender = TenderFactory(closed=True, consultation_start=date(2026, 10, 1), notice_sent_on=date(2026, 10, 5),
                           bid_deadline=paris(2026, 11, 25, 12, 0))
    return LotFactory(tender=tender, number=1)


def post(client, lot, **fields):
    data = {"lot": lot.pk, "vendor": VendorFactory(name="Numilog SA").pk, "candidature_form": "dume",
            "files": [SimpleUploadedFile("offre.pdf", PDF_BYTES)], "received_at": "", "deposit_reason": "",
            **fields}
    return client.post(reverse("tenders:bid-receive", args=[lot.tender.reference]), data, follow=True)


def test_the_page_offers_both_deposit_channels(client_for, buyer, closed_lot):
    page = client_for(buyer).get(reverse("tenders:bid-receive", args=[closed_lot.tender.reference]))
    content = html.unescape(page.content.decode())
    assert 'value="electronic"' in content and 'value="paper"' in content
    assert "Pli papier ou support physique (enregistré après coup)" in content
    assert 'name="deposit_reason"' in content


def test_an_electronic_deposit_cannot_be_backdated_by_typing_a_time(client_for, buyer, closed_lot):
    with freeze_time(TYPING):
        response = post(client_for(buyer), closed_lot, channel="electronic", received_at="2026-11-01T10:00")
    assert response.context["form"].errors["received_at"] == [
        "Un dépôt électronique est horodaté par le serveur à son enregistrement : laissez l'heure vide, ou "
        "choisissez un pli papier ou un support physique."]
    assert not Bid.objects.exists()


def test_an_electronic_deposit_takes_the_servers_time_and_after_the_deadline_is_late(client_for, buyer, closed_lot):
    with freeze_time(TYPING):
        post(client_for(buyer), closed_lot, channel="electronic")
    bid = Bid.objects.get()
    assert bid.received_at == paris(2026, 12, 5, 10, 0)
    assert (bid.channel, bid.status) == (DepositChannel.ELECTRONIC, BidStatus.LATE)
    assert not bid.files.exists()  # never opened with the others


HOSTILE = [
    # (received_at typed, reason, field in error, message)
    ("2001-01-01T09:00", "Pli remis à l'accueil", "received_at",
     "L'heure de réception (01/01/2001 à 09:00) ne peut pas précéder la publication de la consultation "
     "(05/10/2026 à 00:00)."),
    ("2026-10-04T23:59", "Pli remis à l'accueil", "received_at",
     "L'heure de réception (04/10/2026 à 23:59) ne peut pas précéder la publication de la consultation "
     "(05/10/2026 à 00:00)."),
    ("2030-06-01T09:00", "Pli remis à l'accueil", "received_at",
     "L'heure de réception (01/06/2030 à 09:00) ne peut pas être dans le futur."),
    ("2026-12-05T10:01", "Pli remis à l'accueil", "received_at",
     "L'heure de réception (05/12/2026 à 10:01) ne peut pas être dans le futur."),
    ("", "Pli remis à l'accueil", "received_at",
     "Indiquez l'heure de réception du pli, telle qu'inscrite à sa remise."),
    ("2026-11-01T10:00", "", "deposit_reason",
     "Motivez l'enregistrement après coup (pli remis à l'accueil, envoi postal…)."),
    ("2026-11-01T10:00", "   ", "deposit_reason",
     "Motivez l'enregistrement après coup (pli remis à l'accueil, envoi postal…)."),
]


@pytest.mark.parametrize(("received_at", "reason", "field", "message"), HOSTILE)
def test_a_paper_deposit_with_an_implausible_time_or_no_reason_is_refused(
        client_for, buyer, closed_lot, received_at, reason, field, message):
    with freeze_time(TYPING):
        response = post(client_for(buyer), closed_lot, channel="paper", received_at=received_at,
                        deposit_reason=reason)
    assert response.context["form"].errors[field] == [message]
    assert not Bid.objects.exists()
    assert not TransitionLog.objects.filter(transition="record_deposit").exists()


def test_an_unknown_channel_is_refused(client_for, buyer, closed_lot):
    with freeze_time(TYPING):
        response = post(client_for(buyer), closed_lot, channel="pigeon", received_at="2026-11-01T10:00")
    assert "channel" in response.context["form"].errors
    assert not Bid.objects.exists()


def test_a_paper_deposit_recorded_after_the_fact_is_logged_with_its_reason_and_recorder(
        client_for, buyer, closed_lot):
    with freeze_time(TYPING):
        response = post(client_for(buyer), closed_lot, channel="paper", received_at="2026-11-01T10:00",
                        deposit_reason="Pli remis à l'accueil de la Métropole, transmis au service le 04/12.")
    bid = Bid.objects.get()
    assert (bid.channel, bid.status, bid.received_at) == (DepositChannel.PAPER, BidStatus.RECEIVED,
                                                          paris(2026, 11, 1, 10, 0))
    assert bid.recorded_by == buyer
    assert bid.history.get().deposit_reason == "Pli remis à l'accueil de la Métropole, transmis au service le 04/12."
    log = TransitionLog.objects.get(transition="record_deposit")
    assert (log.by, log.lot, log.at) == (buyer, closed_lot, paris(2026, 12, 5, 10, 0))
    assert log.reason == ("Pli de Numilog SA reçu le 01/11/2026 à 10:00 (Pli papier ou support physique "
                          "(enregistré après coup)) : Pli remis à l'accueil de la Métropole, transmis au service "
                          "le 04/12.")
    detail = html.unescape(client_for(buyer).get(
        reverse("tenders:detail", args=[closed_lot.tender.reference])).content.decode())
    assert "Pli enregistré après coup" in detail
    assert "Numilog SA est enregistrée" in html.unescape(response.content.decode())


def test_a_paper_deposit_received_after_the_deadline_is_late_and_not_opened(client_for, buyer, closed_lot):
    with freeze_time(TYPING):
        post(client_for(buyer), closed_lot, channel="paper", received_at="2026-11-25T12:01",
             deposit_reason="Pli arrivé par la poste après l'heure limite.")
    bid = Bid.objects.get()
    assert bid.status == BidStatus.LATE
    assert bid.status_reason == ("Reçue le 25/11/2026 à 12:01, après la date limite du 25/11/2026 à 12:00 : "
                                 "offre refusée, non ouverte.")
    assert not bid.files.exists()
