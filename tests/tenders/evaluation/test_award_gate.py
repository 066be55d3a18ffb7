"""The award starts from the ranking and waits for the decisions on abnormally low bids."""

import html
from datetime import date
from decimal import Decimal as D

import pytest
from django.urls import reverse
from freezegun import freeze_time

from procurement.tenders.enums import AbnormallyLowDecision, LotState
from procurement.tenders.evaluation.services import oab_decide, oab_request_justification
from procurement.tenders.services.transitions import TransitionRefused, lot_transition
from tests.tenders.cao_factories import cao_chooses
from tests.tenders.evaluation.factories import final_ranking, worked_example
from tests.tenders.factories import BidFactory, LotFactory, TenderFactory
from tests.vendors.factories import make_compliant

pytestmark = pytest.mark.django_db


def award(lot, winner, buyer, reason=""):
    make_compliant(winner.vendor, issued_on=date(2026, 10, 1))
    cao_chooses(lot, winner, difference_reason="Motif consigné au procès-verbal de la CAO.")
    with freeze_time("2026-11-25"):
        return lot_transition(lot=lot, name="award", by=buyer, winner=winner, reason=reason)


def refusals(lot, winner, buyer, reason=""):
    with pytest.raises(TransitionRefused) as error:
        award(lot, winner, buyer, reason)
    return error.value.reasons


def test_the_first_of_the_ranking_is_awarded_without_further_reason(buyer):
    example = worked_example()
    assert award(example.lot, example.a, buyer).state == LotState.AWARDED


def test_awarding_another_bid_than_the_first_requires_a_reason(buyer):
    example = worked_example()
    assert refusals(example.lot, example.b, buyer) == [
        "L'offre retenue n'est pas la première du classement (Lectura Numérique, 87,50 points sur 100) : "
        "motivez ce choix."]
    awarded = award(example.lot, example.b, buyer, reason="Erreur matérielle reconnue dans la note de Lectura.")
    assert awarded.winner == example.b


def test_no_award_while_the_round_is_blind(buyer):
    example = worked_example(submitted=2)
    assert any("encore à l'aveugle" in reason for reason in refusals(example.lot, example.a, buyer))


@pytest.fixture
def low_bid_lot():
    """Moyenne réduite: 45 933,33 € on average, 41 340 € threshold: Kiosque's 38 000 € is flagged."""
    lot = LotFactory(tender=TenderFactory(opened=True), criteria=True)
    savoirs = BidFactory(lot=lot, compliant=True, vendor__name="Savoirs en Ligne", amount_ht=D("47800"))
    BidFactory(lot=lot, compliant=True, vendor__name="Cinévasion", amount_ht=D("52000"))
    kiosque = BidFactory(lot=lot, compliant=True, vendor__name="Kiosque Horizon", amount_ht=D("38000"))
    final_ranking(lot)
    return lot, savoirs, kiosque


def test_a_detected_abnormally_low_bid_blocks_the_award_until_the_buyer_decides(buyer, low_bid_lot):
    lot, savoirs, kiosque = low_bid_lot
    assert any(r.startswith("L'offre de Kiosque Horizon est détectée comme anormalement basse")
               for r in refusals(lot, savoirs, buyer))
    review = oab_request_justification(bid=kiosque, by=buyer, requested_on=date(2026, 11, 2))
    assert review.detected_by_method == "reduced_mean"
    assert any("enregistrez la décision" in r for r in refusals(lot, savoirs, buyer))
    oab_decide(review=review, decision=AbnormallyLowDecision.ACCEPTED, received_on=date(2026, 11, 9), by=buyer,
               reason="Prix justifié par un catalogue mutualisé avec d'autres réseaux (R.2152-4).")
    # Accepted, Kiosque Horizon's bid stays first of the final ranking.
    assert award(lot, kiosque, buyer).state == LotState.AWARDED


def test_a_bid_rejected_as_abnormally_low_cannot_win(buyer, low_bid_lot):
    lot, _savoirs, kiosque = low_bid_lot
    review = oab_request_justification(bid=kiosque, by=buyer, requested_on=date(2026, 11, 2))
    oab_decide(review=review, decision=AbnormallyLowDecision.REJECTED, by=buyer,
               reason="Aucune justification reçue dans le délai de huit jours.")
    assert "a été rejetée comme anormalement basse" in " ".join(refusals(lot, kiosque, buyer))


def test_accepting_an_abnormally_low_bid_needs_the_justification_date(buyer, low_bid_lot):
    from django.core.exceptions import ValidationError

    review = oab_request_justification(bid=low_bid_lot[2], by=buyer, requested_on=date(2026, 11, 2))
    with pytest.raises(ValidationError) as error:
        oab_decide(review=review, decision=AbnormallyLowDecision.ACCEPTED, by=buyer, reason="Convaincant.")
    assert "received_on" in error.value.message_dict


def test_the_award_form_preselects_the_first_of_the_ranking(client_for, buyer):
    example = worked_example()
    url = reverse("tenders:evaluation-results", args=[example.tender.reference, example.lot.number])
    content = html.unescape(client_for(buyer).get(url).content.decode())
    assert f'<option value="{example.a.pk}" selected>' in content


def test_the_award_page_says_why_another_bid_needs_a_reason(client_for, buyer):
    example = worked_example()
    make_compliant(example.b.vendor, issued_on=date(2026, 10, 1))
    url = reverse("tenders:lot-transition", args=[example.tender.reference, example.lot.number, "award"])
    with freeze_time("2026-11-25"):
        response = client_for(buyer).post(url, {"award-winner": example.b.pk, "award-reason": ""}, follow=True)
    assert "motivez ce choix" in html.unescape(response.content.decode())
    example.lot.refresh_from_db()
    assert example.lot.state == LotState.EVALUATING


# The committee's final ranking, for every procedure ----------------------------------------------


@pytest.mark.parametrize("procedure", ["mapa", "appel_offres_ouvert"])
def test_a_lot_nobody_scored_is_not_awarded_whatever_the_procedure(client_for, buyer, procedure):
    lot = LotFactory(tender=TenderFactory(opened=True, procedure=procedure), criteria=True, number=1)
    winner = BidFactory(lot=lot, compliant=True, vendor__name="Traverse Conseil")
    BidFactory(lot=lot, compliant=True, vendor__name="Cap Lecture", amount_ht=D("99000"))
    make_compliant(winner.vendor, issued_on=date(2026, 10, 1))
    cao_chooses(lot, winner)
    url = reverse("tenders:lot-transition", args=[lot.tender.reference, 1, "award"])
    with freeze_time("2026-11-25"):
        page = client_for(buyer).post(url, {"award-winner": winner.pk, "award-reason": "Meilleure offre."},
                                      follow=True)
    assert ("Aucune note n'a été soumise pour ce lot : la commission d'évaluation signe ses déclarations, note "
            "les offres et soumet ses notes avant l'attribution.") in html.unescape(page.content.decode())
    lot.refresh_from_db()
    assert lot.state == LotState.EVALUATING
    final_ranking(lot)
    with freeze_time("2026-11-25"):
        client_for(buyer).post(url, {"award-winner": winner.pk, "award-reason": "Meilleure offre."})
    lot.refresh_from_db()
    assert (lot.state, lot.winner) == (LotState.AWARDED, winner)


def test_a_lot_without_criteria_has_no_ranking_and_is_not_awarded(buyer):
    lot = LotFactory(tender=TenderFactory(opened=True, mapa=True))
    bid = BidFactory(lot=lot, compliant=True)
    assert "Le lot n'a aucun critère d'attribution : il n'a pas de classement." in refusals(lot, bid, buyer)


def test_a_closed_round_without_any_note_is_not_a_ranking(buyer):
    from procurement.tenders.models import RoundClosure
    from tests.tenders.evaluation.factories import CommitteeMemberFactory

    lot = LotFactory(tender=TenderFactory(opened=True, mapa=True), criteria=True)
    bid = BidFactory(lot=lot, compliant=True)
    chair = CommitteeMemberFactory(tender=lot.tender, is_chair=True)
    RoundClosure.objects.create(lot=lot, closed_by=chair.user, reason="Clôture immédiate.")
    assert any(r.startswith("Aucune note n'a été soumise pour ce lot") for r in refusals(lot, bid, buyer))


def test_a_winner_left_out_of_the_ranking_is_refused(buyer):
    lot = LotFactory(tender=TenderFactory(opened=True, mapa=True), criteria=True)
    kept = BidFactory(lot=lot, compliant=True, amount_ht=D("99000"))
    unpriced = BidFactory(lot=lot, status="compliant", admissible=True, amount_ht=None, vat_rate=None,
                          vendor__name="Sans Prix SARL")
    final_ranking(lot)
    assert kept.pk != unpriced.pk
    assert ("L'offre de Sans Prix SARL ne figure pas au classement final de la commission."
            in refusals(lot, unpriced, buyer))


def test_a_price_formula_that_neutralises_the_price_gaps_is_refused_on_the_page_and_at_the_award(client_for,
                                                                                                  buyer):
    example = worked_example()
    example.lot.criteria.filter(kind="price").update(price_formula="mean")
    BidFactory(lot=example.lot, compliant=True, vendor__name="Biblio Services", amount_ht=D("104000.00"))
    # Mean 105 333,33: 100 000 and 104 000 are both below it and both get 40 / 40.
    url = reverse("tenders:evaluation-results", args=[example.tender.reference, example.lot.number])
    content = html.unescape(client_for(buyer).get(url).content.decode())
    assert ("Formule refusée pour ces offres : les prix de 100\u202f000,00 € et de 104\u202f000,00 € (Lectura "
            "Numérique et Biblio Services) obtiennent 40,00 et 40,00 points") in content
    reasons = refusals(example.lot, example.a, buyer)
    assert any("CE, 3 novembre 2014, n° 373362" in reason for reason in reasons)
    example.lot.refresh_from_db()
    assert example.lot.state == LotState.EVALUATING
