from datetime import date
from decimal import Decimal

import pytest
from freezegun import freeze_time

from procurement.tenders.enums import BidStatus, CriterionKind, LotState, PriceFormula, TenderState
from procurement.tenders.models import Tender, TransitionLog
from procurement.tenders.services.need import criteria_replace, tender_relaunch
from procurement.tenders.services.transitions import (
    NotAllowed,
    TransitionRefused,
    close_due_tenders,
    lot_transition,
    tender_transition,
)
from tests.tenders.cao_factories import cao_chooses
from tests.tenders.evaluation.factories import final_ranking
from tests.tenders.factories import (
    BidFactory,
    CriterionFactory,
    LotFactory,
    OpeningRecordFactory,
    TenderFactory,
    paris,
)
from tests.vendors.factories import make_compliant

pytestmark = pytest.mark.django_db


def refusal(tender, name, user, reason=""):
    with pytest.raises(TransitionRefused) as error:
        tender_transition(tender=tender, name=name, by=user, reason=reason)
    return error.value.reasons


# draft → ready ------------------------------------------------------------------------------


def test_a_complete_draft_becomes_ready_and_the_move_is_logged(buyer):
    lot = LotFactory(criteria=True, prices=True)
    tender = tender_transition(tender=lot.tender, name="mark_ready", by=buyer)
    assert tender.state == TenderState.READY
    log = TransitionLog.objects.get(tender=tender)
    assert (log.transition, log.source, log.target, log.by) == ("mark_ready", "draft", "ready", buyer)


def test_ready_is_refused_without_lots(buyer):
    assert "La consultation n'a aucun lot." in refusal(TenderFactory(), "mark_ready", buyer)


def test_ready_is_refused_when_the_criteria_do_not_add_up_to_100(buyer):
    lot = LotFactory()
    CriterionFactory(lot=lot, name="Prix", kind=CriterionKind.PRICE, points=40, price_formula="proportional")
    CriterionFactory(lot=lot, name="Environnement", kind=CriterionKind.ENVIRONMENTAL, points=50)
    reasons = refusal(lot.tender, "mark_ready", buyer)
    assert "Lot 1 : Les critères totalisent 90 points au lieu de 100." in reasons
    assert Tender.objects.get(pk=lot.tender.pk).state == TenderState.DRAFT


def test_sub_criteria_must_share_their_parents_points(buyer):
    lot = LotFactory(criteria=True, prices=True)
    lot.criteria.filter(name="Accompagnement").update(points=10)
    reasons = refusal(lot.tender, "mark_ready", buyer)
    assert "Lot 1 : Les sous-critères de « Valeur technique » totalisent 40 points au lieu de 45." in reasons


def test_an_environmental_criterion_is_required_from_21_august_2026(buyer):
    lot = LotFactory(tender__consultation_start=date(2026, 8, 21))
    CriterionFactory(lot=lot, name="Prix", kind=CriterionKind.PRICE, points=40, price_formula="proportional")
    CriterionFactory(lot=lot, name="Valeur technique", kind=CriterionKind.TECHNICAL, points=60)
    assert any("caractéristiques environnementales" in r for r in refusal(lot.tender, "mark_ready", buyer))


def test_no_environmental_criterion_needed_for_a_consultation_started_on_20_august_2026(buyer):
    lot = LotFactory(prices=True, tender__consultation_start=date(2026, 8, 20))
    CriterionFactory(lot=lot, name="Prix", kind=CriterionKind.PRICE, points=40, price_formula="proportional")
    CriterionFactory(lot=lot, name="Valeur technique", kind=CriterionKind.TECHNICAL, points=60)
    assert tender_transition(tender=lot.tender, name="mark_ready", by=buyer).state == TenderState.READY


def test_ready_is_refused_when_the_bid_deadline_is_shorter_than_30_days(buyer):
    # Notice on 1 December 2026: the first legal day is 31 December.
    lot = LotFactory(criteria=True, prices=True, tender__bid_deadline=paris(2026, 12, 30, 12, 0))
    reasons = refusal(lot.tender, "mark_ready", buyer)
    assert ("La date limite du 30/12/2026 est trop proche : avec un avis envoyé le 01/12/2026, elle ne peut pas "
            "tomber avant le 31/12/2026 (CCP R.2161-3).") in reasons
    ok = LotFactory(criteria=True, prices=True, tender__bid_deadline=paris(2026, 12, 31, 12, 0))
    assert tender_transition(tender=ok.tender, name="mark_ready", by=buyer).state == TenderState.READY


def test_ready_is_refused_until_the_documents_are_ready(buyer):
    lot = LotFactory(criteria=True, prices=True, tender__dce=False)
    assert any("dossier de consultation" in r for r in refusal(lot.tender, "mark_ready", buyer))


@pytest.mark.parametrize("role", ["finance_user", "evaluator"])
def test_only_buyers_drive_transitions(request, role):
    lot = LotFactory(criteria=True, prices=True)
    with pytest.raises(NotAllowed):
        tender_transition(tender=lot.tender, name="mark_ready", by=request.getfixturevalue(role))
    assert Tender.objects.get(pk=lot.tender.pk).state == TenderState.DRAFT
    assert not TransitionLog.objects.exists()


# ready → published → closed -----------------------------------------------------------------


def ready_tender(buyer, **kwargs):
    lot = LotFactory(criteria=True, prices=True, **kwargs)
    return tender_transition(tender=lot.tender, name="mark_ready", by=buyer)


def test_publishing_sets_the_notice_date_to_the_day_of_publication(buyer):
    tender = ready_tender(buyer)
    with freeze_time("2026-12-01 09:00"):
        tender = tender_transition(tender=tender, name="publish", by=buyer)
    assert (tender.state, tender.notice_sent_on) == (TenderState.PUBLISHED, date(2026, 12, 1))


def test_publishing_late_is_refused_when_the_deadline_becomes_too_short(buyer):
    tender = ready_tender(buyer, tender__bid_deadline=paris(2026, 12, 31, 12, 0))
    with freeze_time("2026-12-05 09:00"):
        reasons = refusal(tender, "publish", buyer)
    # Sent on 5 December, 30 days end on Monday 4 January 2027.
    assert any("ne peut pas tomber avant le 04/01/2027" in r for r in reasons)


def published_tender(buyer, **kwargs):
    tender = ready_tender(buyer, **kwargs)
    with freeze_time("2026-12-01 09:00"):
        return tender_transition(tender=tender, name="publish", by=buyer)


def test_closing_before_the_deadline_is_refused_with_the_deadline(buyer):
    tender = published_tender(buyer)
    with freeze_time("2027-01-08 11:59:00+01:00"):
        reasons = refusal(tender, "close", buyer)
    assert reasons == ["La date limite de réception des offres (08/01/2027 à 12:00) n'est pas encore passée."]


def test_the_clock_closes_due_tenders_only(buyer):
    due = published_tender(buyer)
    later = published_tender(buyer, tender__bid_deadline=paris(2027, 1, 15, 12, 0))
    with freeze_time("2027-01-08 12:00:00+01:00"):
        closed = close_due_tenders()
    assert [t.reference for t in closed] == [due.reference]
    assert Tender.objects.get(pk=later.pk).state == TenderState.PUBLISHED
    log = TransitionLog.objects.get(tender=due, transition="close")
    assert log.by is None and log.reason == "Clôture automatique à la date limite."


# closed → opened → completed ----------------------------------------------------------------


def test_opening_needs_the_opening_record(buyer):
    tender = TenderFactory(closed=True)
    assert refusal(tender, "open_bids", buyer) == ["Le procès-verbal d'ouverture des plis n'est pas enregistré."]
    OpeningRecordFactory(tender=tender)
    assert tender_transition(tender=tender, name="open_bids", by=buyer).state == TenderState.OPENED


def test_completion_needs_every_lot_decided(buyer):
    tender = TenderFactory(opened=True)
    LotFactory(tender=tender, number=1)
    LotFactory(tender=tender, number=2)
    assert refusal(tender, "complete", buyer) == ["Lot(s) encore en analyse : 1, 2."]


# abandon and relaunch -----------------------------------------------------------------------


def test_abandon_needs_a_reason_and_is_possible_until_completion(buyer):
    tender = TenderFactory(published=True)
    assert refusal(tender, "abandon", buyer) == ["Le motif est obligatoire."]
    tender = tender_transition(tender=tender, name="abandon", by=buyer, reason="Besoin redéfini avec les communes.")
    assert (tender.state, tender.abandon_reason) == (TenderState.ABANDONED, "Besoin redéfini avec les communes.")
    completed = TenderFactory(state=TenderState.COMPLETED)
    assert "n'est pas possible" in refusal(completed, "abandon", buyer, reason="trop tard")[0]


def test_an_abandoned_tender_is_relaunched_as_a_prefilled_draft(buyer):
    lot = LotFactory(criteria=True, prices=True, tender__reference="BNM-2026-05")
    tender = tender_transition(tender=lot.tender, name="abandon", by=buyer, reason="Offres trop chères.")
    copy = tender_relaunch(tender=tender, by=buyer, consultation_start=date(2026, 12, 10))
    assert (copy.reference, copy.state, copy.relaunched_from) == ("BNM-2026-05-R1", TenderState.DRAFT, tender)
    assert copy.lots.get().estimated_amount_ht == Decimal("120000.00")
    assert sorted(copy.lots.get().criteria.values_list("points", flat=True)) == [15, 15, 30, 40, 45]


def test_a_stale_page_cannot_apply_a_transition_twice(buyer):
    lot = LotFactory(criteria=True, prices=True)
    stale = Tender.objects.get(pk=lot.tender.pk)
    tender_transition(tender=lot.tender, name="mark_ready", by=buyer)
    reasons = refusal(stale, "mark_ready", buyer)
    assert "a changé d'état entre-temps" in reasons[0]
    assert TransitionLog.objects.count() == 1


# lots ---------------------------------------------------------------------------------------


def opened_lot():
    tender = TenderFactory(opened=True)
    return LotFactory(tender=tender)


def test_a_lot_is_awarded_to_a_compliant_bid_whose_certificates_are_valid(buyer):
    lot = LotFactory(tender=TenderFactory(opened=True), criteria=True, prices=True)
    bid = BidFactory(lot=lot, compliant=True)
    final_ranking(lot)
    make_compliant(bid.vendor, issued_on=date(2026, 10, 1))
    cao_chooses(lot, bid)
    with freeze_time("2026-11-25"):
        awarded = lot_transition(lot=lot, name="award", by=buyer, winner=bid, reason="Meilleure offre.")
    assert (awarded.state, awarded.winner) == (LotState.AWARDED, bid)


def test_the_award_is_refused_while_certificates_are_missing_or_expired(buyer):
    lot = opened_lot()
    bid = BidFactory(lot=lot, compliant=True, vendor__name="Lectura Numérique")
    make_compliant(bid.vendor, issued_on=date(2026, 1, 15))  # vigilance expired on 15/07/2026
    with freeze_time("2026-11-25"), pytest.raises(TransitionRefused) as error:
        lot_transition(lot=lot, name="award", by=buyer, winner=bid)
    assert any(r.startswith("Pièces manquantes ou expirées pour Lectura Numérique") for r in error.value.reasons)
    lot.refresh_from_db()
    assert lot.state == LotState.EVALUATING


def test_an_irregular_bid_cannot_win(buyer):
    lot = opened_lot()
    bid = BidFactory(lot=lot, status=BidStatus.IRREGULAR, admissible=True, amount_ht=1000, vat_rate=20)
    with pytest.raises(TransitionRefused) as error:
        lot_transition(lot=lot, name="award", by=buyer, winner=bid)
    assert any("n'est pas conforme (Irrégulière)" in r for r in error.value.reasons)


def test_a_lot_with_a_compliant_bid_cannot_be_declared_unsuccessful(buyer):
    lot = opened_lot()
    BidFactory(lot=lot, compliant=True)
    with pytest.raises(TransitionRefused) as error:
        lot_transition(lot=lot, name="declare_unsuccessful", by=buyer, reason="Offres trop chères")
    assert "au moins une offre conforme" in error.value.reasons[0]


def test_a_lot_with_only_unacceptable_bids_is_unsuccessful(buyer):
    lot = opened_lot()
    BidFactory(lot=lot, status=BidStatus.UNACCEPTABLE, amount_ht=500000, vat_rate=20)
    done = lot_transition(lot=lot, name="declare_unsuccessful", by=buyer,
                          reason="Seule offre au-delà des crédits budgétaires (inacceptable).")
    assert done.state == LotState.UNSUCCESSFUL
    assert TransitionLog.objects.get(lot=lot).target == LotState.UNSUCCESSFUL


def test_lots_are_decided_only_after_the_opening(buyer):
    lot = LotFactory(tender=TenderFactory(closed=True))
    with pytest.raises(TransitionRefused) as error:
        lot_transition(lot=lot, name="abandon", by=buyer, reason="Besoin couvert autrement")
    assert error.value.reasons == ["Un lot ne se décide qu'après l'ouverture des plis."]


def test_criteria_whose_points_do_not_add_up_are_refused_on_the_points_field(buyer):
    from django.core.exceptions import ValidationError

    lot = LotFactory(criteria=True, prices=True)
    rows = [
        {"name": "Prix", "kind": "price", "points": "40", "price_formula": PriceFormula.PROPORTIONAL},
        {"name": "Technique", "kind": "technical", "points": "50"},
    ]
    with pytest.raises(ValidationError) as error:
        criteria_replace(lot=lot, by=buyer, rows=rows)
    assert error.value.message_dict["points"] == ["Les critères totalisent 90 points au lieu de 100."]
    assert lot.criteria.count() == 5  # unchanged


def test_a_ready_tender_goes_back_to_draft_for_changes(buyer):
    tender = ready_tender(buyer)
    assert tender_transition(tender=tender, name="back_to_draft", by=buyer).state == TenderState.DRAFT


def test_a_tender_whose_lots_are_all_decided_is_completed(buyer):
    lot = opened_lot()
    lot_transition(lot=lot, name="abandon", by=buyer, reason="Besoin couvert par le groupement de commandes.")
    assert tender_transition(tender=lot.tender, name="complete", by=buyer).state == TenderState.COMPLETED


@pytest.mark.parametrize("role", ["finance_user", "evaluator"])
def test_only_buyers_decide_lots(request, role):
    lot = opened_lot()
    with pytest.raises(NotAllowed):
        lot_transition(lot=lot, name="abandon", by=request.getfixturevalue(role), reason="essai")
    lot.refresh_from_db()
    assert lot.state == LotState.EVALUATING


def test_an_unknown_transition_is_refused(buyer):
    assert refusal(TenderFactory(), "delete", buyer) == ["Transition inconnue : delete."]
