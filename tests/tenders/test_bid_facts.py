"""What the opening read in a bid (amount, VAT, admissibility, status) is a fact once the lot's
evaluation has started: only a regularisation or a MAPA negotiation, each logged with its reason,
changes it, and nothing does once the lot is decided. Through the API and the bid's page."""

import html
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from procurement.tenders.enums import BidStatus, LotState
from procurement.tenders.evaluation.gate import evaluation_started
from procurement.tenders.models import (
    AbnormallyLowReview,
    Bid,
    CommitteeScore,
    Lot,
    RoundClosure,
    Score,
    TransitionLog,
)
from tests.tenders.evaluation.factories import CommitteeMemberFactory, DeclarationFactory
from tests.tenders.factories import BidFactory, LotFactory, TenderFactory

pytestmark = pytest.mark.django_db

STARTED = ("L'analyse des offres de ce lot a commencé : le montant, la TVA, la recevabilité et le statut relevés "
           "à l'ouverture ne se modifient plus, sauf par une régularisation ou une négociation motivées.")


@pytest.fixture
def lot():
    tender = TenderFactory(opened=True, mapa=True, mapa_negotiation=True)
    return LotFactory(tender=tender, criteria=True, number=1)


@pytest.fixture
def bid(lot):
    return BidFactory(lot=lot, compliant=True, vendor__name="Lectura Numérique", amount_ht=Decimal("100000.00"),
                      vat_rate=Decimal("5.5"))


def technical(lot):
    return lot.criteria.get(name="Catalogue")


def declaration(lot, bid, user):
    DeclarationFactory(member=CommitteeMemberFactory(tender=lot.tender, user=user), lot=lot)


def note(lot, bid, user):
    Score.objects.create(lot=lot, bid=bid, criterion=technical(lot), evaluator=user, value=20, comment="Complet.")


def committee_note(lot, bid, user):
    CommitteeScore.objects.create(bid=bid, criterion=technical(lot), value=20, justification="Arrêtée.", by=user)


def closure(lot, bid, user):
    RoundClosure.objects.create(lot=lot, closed_by=user, reason="Un évaluateur est absent durablement.")


def review(lot, bid, user):
    AbnormallyLowReview.objects.create(bid=bid, justification_requested_on=date(2026, 11, 2), requested_by=user)


def award(lot, bid, user):
    Lot.objects.filter(pk=lot.pk).update(state=LotState.AWARDED, winner=bid)


EVALUATION_ACTS = [declaration, note, committee_note, closure, review, award]


def opening(api, bid, **body):
    return api.post(f"/api/bids/{bid.pk}/opening/", {"amount_ht": "1.00", "vat_rate": "20", "admissible": True,
                                                     **body}, format="json")


def test_before_the_evaluation_the_opening_entry_can_be_corrected(api_for, buyer, lot, bid):
    assert not evaluation_started(lot)
    response = opening(api_for(buyer), bid, amount_ht="99000.00")
    assert response.status_code == 200, response.json()
    assert Bid.objects.get(pk=bid.pk).amount_ht == Decimal("99000.00")


@pytest.mark.parametrize("act", EVALUATION_ACTS, ids=lambda act: act.__name__)
def test_once_the_evaluation_has_started_the_api_cannot_rewrite_the_opened_bid(api_for, buyer, evaluator, lot, bid,
                                                                               act):
    act(lot, bid, evaluator)
    assert evaluation_started(lot)
    response = opening(api_for(buyer), bid, admissible=False, admissibility_reason="Pièce manquante",
                       status=BidStatus.IRREGULAR, status_reason="Prix non signé")
    assert response.status_code == 400
    assert STARTED in str(response.json()) or "Le lot est décidé (Attribué)" in str(response.json())
    saved = Bid.objects.get(pk=bid.pk)
    assert (saved.amount_ht, saved.vat_rate, saved.admissible, saved.status) == (
        Decimal("100000.00"), Decimal("5.50"), True, BidStatus.COMPLIANT)


def test_once_the_evaluation_has_started_the_page_shows_the_entry_without_a_form(client_for, buyer, evaluator, lot,
                                                                                 bid):
    declaration(lot, bid, evaluator)
    url = reverse("tenders:bid-record", args=[lot.tender.reference, bid.pk])
    client = client_for(buyer)
    page = html.unescape(client.get(url).content.decode())
    assert 'name="record-amount_ht"' not in page
    assert "L'analyse des offres de ce lot a commencé" in page
    response = client.post(url, {"action": "record", "record-amount_ht": "1.00", "record-vat_rate": "20",
                                 "record-admissible": "oui", "record-status": "compliant"})
    assert response.status_code == 200
    assert STARTED in html.unescape(response.content.decode())
    assert Bid.objects.get(pk=bid.pk).amount_ht == Decimal("100000.00")


def test_a_negotiation_after_the_evaluation_started_is_logged_with_the_amounts_and_its_reason(
        client_for, buyer, evaluator, lot, bid):
    declaration(lot, bid, evaluator)
    url = reverse("tenders:bid-record", args=[lot.tender.reference, bid.pk])
    client = client_for(buyer)
    refused = client.post(url, {"action": "negotiate", "negotiate-amount_ht": "92000.00", "negotiate-reason": ""})
    assert refused.context["negotiate_form"].errors["reason"]
    client.post(url, {"action": "negotiate", "negotiate-amount_ht": "92000.00",
                      "negotiate-reason": "Remise de 8 % obtenue sur le volume de prêts."})
    assert Bid.objects.get(pk=bid.pk).final_amount_ht == Decimal("92000.00")
    log = TransitionLog.objects.get(transition="negotiate")
    assert log.by == buyer
    assert log.reason == ("Négociation avec Lectura Numérique : 100\u00a0000,00\u00a0€ HT → 92\u00a0000,00\u00a0€ HT. "
                          "Remise de 8 % obtenue sur le volume de prêts.")


def test_a_regularisation_is_logged_with_what_was_regularised(client_for, buyer, evaluator, lot):
    irregular = BidFactory(lot=lot, status=BidStatus.IRREGULAR, status_reason="DPGF non signée", admissible=True,
                           amount_ht=Decimal("91000"), vat_rate=Decimal("20"), vendor__name="Kiosque Horizon")
    declaration(lot, irregular, evaluator)
    url = reverse("tenders:bid-record", args=[lot.tender.reference, irregular.pk])
    client_for(buyer).post(url, {"action": "regularise",
                                 "regularise-regularisation_note": "DPGF signée reçue le 12/11/2026."})
    assert Bid.objects.get(pk=irregular.pk).status == BidStatus.COMPLIANT
    log = TransitionLog.objects.get(transition="regularise")
    assert (log.by, log.lot) == (buyer, lot)
    assert log.reason == "Régularisation de l'offre de Kiosque Horizon : DPGF signée reçue le 12/11/2026."


def test_after_the_award_neither_regularisation_nor_negotiation_changes_a_bid(client_for, buyer, evaluator, lot,
                                                                              bid):
    from django.core.exceptions import ValidationError

    from procurement.tenders.services.bids import bid_negotiate, bid_regularise

    irregular = BidFactory(lot=lot, status=BidStatus.IRREGULAR, status_reason="DPGF non signée", admissible=True,
                           amount_ht=Decimal("91000"), vat_rate=Decimal("20"))
    award(lot, bid, evaluator)
    with pytest.raises(ValidationError, match="Le lot est décidé"):
        bid_negotiate(bid=bid, amount_ht=Decimal("1"), reason="Après coup", by=buyer)
    with pytest.raises(ValidationError, match="Le lot est décidé"):
        bid_regularise(bid=irregular, note="Après coup", by=buyer)
    url = reverse("tenders:bid-record", args=[lot.tender.reference, bid.pk])
    page = html.unescape(client_for(buyer).get(url).content.decode())
    assert 'name="negotiate-amount_ht"' not in page and "Le lot est décidé" in page
    assert (Bid.objects.get(pk=bid.pk).final_amount_ht, Bid.objects.get(pk=irregular.pk).status) == (
        Decimal("100000.00"), BidStatus.IRREGULAR)
    assert not TransitionLog.objects.filter(transition__in=["negotiate", "regularise"]).exists()
