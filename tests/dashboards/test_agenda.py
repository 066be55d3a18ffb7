"""« Mon agenda »: a user creates the secret link of their calendar feed on their page (shown once); the
feed, opened by the link alone, holds the deadlines of their roles in the demo; a revoked or replaced
link is a 404; the API lists the same events; the number of queries does not grow with the events."""

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from freezegun import freeze_time
from icalendar import Calendar
from rest_framework.test import APIClient

from procurement.core.legal_calendar import next_working_day
from procurement.core.models import AgendaToken
from procurement.tenders.models import LetterDocument, Tender
from procurement.tenders.models.documents import LetterKind
from tests.clock import DEMO_NOW
from tests.contracts.factories import ContractFactory
from tests.tenders.factories import TenderFactory

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def demo_user(username: str):
    return get_user_model().objects.get(username=username)


def create_link(client) -> str:
    """Creates the logged-in user's link on their page; returns the URL shown."""
    with freeze_time(DEMO_NOW):
        response = client.post(reverse("agenda:page"), {"action": "create"})
    assert response.status_code == 200
    assert set(response["Cache-Control"].split(", ")) == {"private", "no-store"}
    return re.search(r'id="feed-url" value="([^"]+)"', response.content.decode()).group(1)


def read_feed(url: str):
    """The feed as a calendar application reads it: no session, no cookie."""
    with freeze_time(DEMO_NOW):
        return Client().get(url)


def events_of(response) -> dict[str, object]:
    calendar = Calendar.from_ical(response.content)
    return {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}


def test_the_buyers_feed_holds_the_demos_deadlines(demo, client_for):
    url = create_link(client_for(demo_user("claire.morel")))
    assert url.startswith("http://testserver/agenda/") and url.endswith(".ics")

    response = read_feed(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "private, no-cache"
    calendar = Calendar.from_ical(response.content)
    assert [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
    events = events_of(response)
    bids = events["Remise des offres — BNM-2026-01"]
    assert bids.decoded("DTSTART") == datetime(2026, 12, 11, 12, 0, tzinfo=PARIS)
    assert bids["DTSTART"].params["TZID"] == "Europe/Paris"
    assert str(bids["URL"]) == "http://testserver/consultations/BNM-2026-01/"
    tender = Tender.objects.get(reference="BNM-2026-01")
    assert str(bids["UID"]) == f"tender-{tender.pk}-bid-deadline@testserver"  # stable: replaced, not doubled
    assert [alarm.decoded("TRIGGER") for alarm in bids.walk("VALARM")] == [timedelta(days=-1)]
    questions = events["Dernier jour pour répondre aux questions — BNM-2026-01"]
    assert questions.decoded("DTSTART") == date(2026, 12, 5)
    renewal = events["Décider de la reconduction — BNM-2024-02-L1"]
    assert renewal.decoded("DTSTART") == date(2027, 7, 31)
    certificate = events["Attestation de vigilance URSSAF expire — Cinévasion Médiathèques SARL"]
    assert certificate.decoded("DTSTART") == date(2026, 12, 8)
    # The invoices are the finance's to pay.
    assert not [summary for summary in events if summary.startswith("Payer la facture")]


def contract_after_rejection_letters(*, sent_on: date, electronic: bool = True):
    """A contract to sign (two bids, open procedure) whose lot's rejection letter was sent on ``sent_on``:
    the demo's contracts are all signed."""
    contract = ContractFactory(rejection_letters_sent_on=None)
    LetterDocument.objects.create(lot=contract.lot, kind=LetterKind.REJECTION, version=1, name="rejet.pdf",
                                  file="rejet.pdf", size=1, sha256="0" * 64, template_version=1, sent_on=sent_on,
                                  sent_electronically=electronic)
    return contract


def test_the_buyers_feed_holds_the_end_of_the_standstill_of_a_contract_to_sign(demo, client_for):
    sent_on = date(2026, 11, 18)  # a Wednesday: + 11 days is Sunday 29/11, moved to Monday 30/11
    electronic = ContractFactory(rejection_letters_sent_on=sent_on)
    by_post = contract_after_rejection_letters(sent_on=sent_on, electronic=False)
    ContractFactory(notified=True, rejection_letters_sent_on=sent_on)  # signed: nothing to wait for
    url = create_link(client_for(demo_user("claire.morel")))

    events = events_of(read_feed(url))

    event = events[f"Fin du délai de suspension — {electronic.reference}"]
    end = next_working_day(sent_on + timedelta(days=11))
    assert end == date(2026, 11, 30)
    assert event.decoded("DTSTART") == end + timedelta(days=1)  # the day it may be signed
    assert str(event["URL"]) == f"http://testserver/marches/{electronic.reference}/"
    assert "court jusqu'au 30/11/2026" in str(event["DESCRIPTION"])
    later = events[f"Fin du délai de suspension — {by_post.reference}"]
    assert later.decoded("DTSTART") == next_working_day(sent_on + timedelta(days=16)) + timedelta(days=1)
    assert len([summary for summary in events if summary.startswith("Fin du délai de suspension")]) == 2


def test_the_finance_feed_holds_the_invoice_to_pay_and_no_tender(demo, client_for):
    url = create_link(client_for(demo_user("marc.delorme")))

    events = events_of(read_feed(url))

    invoice = events["Payer la facture VOD-2026-0118 — Cinévasion Médiathèques SARL"]
    assert invoice.decoded("DTSTART") == date(2026, 12, 5)
    assert str(invoice["URL"]).startswith("http://testserver/marches/factures/")
    assert "Décider de la reconduction — BNM-2024-02-L4" in events
    assert not [summary for summary in events if "BNM-2026-01" in summary]


def test_an_evaluators_feed_holds_none_of_the_buyers_deadlines(demo, client_for):
    url = create_link(client_for(demo_user("sophie.lambert")))

    assert events_of(read_feed(url)) == {}


def test_the_link_is_shown_once_and_only_its_digest_is_kept(demo, client_for):
    client = client_for(demo_user("claire.morel"))
    url = create_link(client)
    key = url.rsplit("/", 1)[1].removesuffix(".ics")

    page = client.get(reverse("agenda:page")).content.decode()

    assert key not in page and "Votre lien d'agenda actif a été créé le" in page
    assert AgendaToken.objects.get().digest == AgendaToken.digest_of(key) != key


def test_a_revoked_link_is_a_404(demo, client_for):
    client = client_for(demo_user("claire.morel"))
    url = create_link(client)

    response = client.post(reverse("agenda:page"), {"action": "revoke"}, follow=True)

    assert "est révoqué : les agendas abonnés ne reçoivent plus vos échéances" in response.content.decode()
    assert read_feed(url).status_code == 404


def test_a_replaced_link_is_a_404_and_the_new_one_works(demo, client_for):
    client = client_for(demo_user("claire.morel"))
    old, new = create_link(client), create_link(client)

    assert read_feed(old).status_code == 404
    assert read_feed(new).status_code == 200


def test_an_unknown_link_is_a_404(db):
    assert read_feed("/agenda/inconnu.ics").status_code == 404


def test_the_feeds_queries_do_not_grow_with_its_events(demo, client_for, django_assert_max_num_queries):
    url = create_link(client_for(demo_user("helene.vasseur")))  # an administrator: every role's events
    ContractFactory(rejection_letters_sent_on=date(2026, 11, 20))  # one of each kind, as the demo's tender
    with CaptureQueriesContext(connection) as before:
        read_feed(url)
    TenderFactory.create_batch(4, published=True)
    ContractFactory(rejection_letters_sent_on=date(2026, 11, 20))
    contract_after_rejection_letters(sent_on=date(2026, 11, 19))

    with django_assert_max_num_queries(len(before.captured_queries)):
        response = read_feed(url)

    summaries = list(events_of(response))
    assert len([summary for summary in summaries if summary.startswith("Remise des offres")]) == 5
    assert len([summary for summary in summaries if summary.startswith("Fin du délai de suspension")]) == 3


def test_the_api_lists_the_same_events_as_the_feed(demo, client_for):
    user = demo_user("marc.delorme")
    feed = events_of(read_feed(create_link(client_for(user))))
    api = APIClient()
    api.force_authenticate(user)

    with freeze_time(DEMO_NOW):
        response = api.get("/api/agenda/")

    assert response.status_code == 200
    assert {event["summary"] for event in response.json()} == set(feed)
    invoice = next(event for event in response.json() if event["kind"] == "invoice_payment")
    assert (invoice["start"], invoice["all_day"]) == ("2026-12-05", True)
    assert invoice["url"].startswith("http://testserver/marches/factures/")


def test_the_api_refuses_an_anonymous_caller(db):
    assert APIClient().get("/api/agenda/").status_code == 401
