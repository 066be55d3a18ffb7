"""The CAO: quorum, the second convocation, decisions per lot, and the award guard of formalised lots."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from freezegun import freeze_time

from procurement.tenders.enums import CaoOutcome, CaoRole, LotState
from procurement.tenders.services.cao import cao_decision_record, cao_meeting_record
from procurement.tenders.services.transitions import TransitionRefused, lot_transition
from tests.factories import UserFactory
from tests.programmes.factories import ProgrammeFactory
from tests.tenders.cao_factories import cao_chooses, cao_members
from tests.tenders.evaluation.factories import final_ranking, worked_example
from tests.tenders.factories import BidFactory, LotFactory, TenderFactory, paris
from tests.vendors.factories import make_compliant

pytestmark = pytest.mark.django_db


def meet(members, *, president=True, full=0, substitutes=0, advisory=True, reconvened_from=None, day=10):
    present = (members[CaoRole.PRESIDENT] if president else []) + members[CaoRole.MEMBER][:full] \
        + members[CaoRole.SUBSTITUTE][:substitutes] + (members[CaoRole.ADVISORY] if advisory else [])
    authority = members[CaoRole.PRESIDENT][0].authority
    return cao_meeting_record(authority=authority, convened_on=date(2026, 11, 2), held_at=paris(2026, 11, day, 14, 0),
                              attendees=present, reconvened_from=reconvened_from,
                              by=UserFactory(buyer=True))


def test_exactly_half_of_the_voting_members_is_not_a_quorum():
    members = cao_members()
    meeting = meet(members, full=2)  # the president and 2 full members: 3 of 6, the accountant does not count
    assert (meeting.voting_present, meeting.voting_seats, meeting.quorum_reached) == (3, 6, False)
    assert not meeting.sits_validly


def test_more_than_half_is_a_quorum_and_a_substitute_sits_for_an_absent_member():
    members = cao_members()
    meeting = meet(members, full=2, substitutes=2)
    assert (meeting.voting_present, meeting.quorum_reached) == (5, True)


def test_substitutes_never_outnumber_the_full_seats():
    members = cao_members()
    meeting = meet(members, president=False, full=3, substitutes=5)
    assert (meeting.voting_present, meeting.voting_seats) == (5, 6)


def test_the_meeting_convened_again_sits_validly_without_quorum():
    members = cao_members()
    first = meet(members, full=1)
    second = meet(members, full=0, reconvened_from=first, day=17)  # the president alone
    assert (second.voting_present, second.quorum_reached, second.sits_validly) == (1, False, True)


def test_a_meeting_with_quorum_is_not_convened_again():
    members = cao_members()
    first = meet(members, full=4)
    with pytest.raises(ValidationError) as error:
        meet(members, reconvened_from=first, day=17)
    assert "avait le quorum" in error.value.messages[0]


def formalised_lot():
    programme = ProgrammeFactory()
    lot = LotFactory(tender=TenderFactory(opened=True, programme=programme), criteria=True)
    return lot, cao_members(programme.authority)


def test_a_meeting_without_quorum_cannot_decide_and_nothing_is_saved(buyer):
    lot, members = formalised_lot()
    bid = BidFactory(lot=lot, compliant=True)
    meeting = meet(members, full=2)
    with pytest.raises(ValidationError) as error:
        cao_decision_record(by=buyer, meeting=meeting, lot=lot, outcome=CaoOutcome.AWARD, bid=bid)
    assert error.value.messages[0].startswith("La CAO du 10/11/2026 n'a pas le quorum (3 présents sur 6")
    assert not lot.cao_decisions.exists()


def test_retaining_another_bid_than_the_ranking_first_needs_the_reason(buyer):
    example = worked_example(tender=TenderFactory(opened=True, programme=ProgrammeFactory()))
    members = cao_members(example.tender.programme.authority)
    meeting = meet(members, full=5)
    with pytest.raises(ValidationError) as error:
        cao_decision_record(by=buyer, meeting=meeting, lot=example.lot, outcome=CaoOutcome.AWARD, bid=example.b)
    assert "alors que le classement place Lectura Numérique en tête" in error.value.messages[0]
    decision = cao_decision_record(by=buyer, meeting=meeting, lot=example.lot, outcome=CaoOutcome.AWARD, bid=example.b,
                                   difference_reason="Erreur matérielle dans la note de Lectura, rectifiée en séance.")
    assert decision.bid == example.b


def award(lot, bid, buyer):
    make_compliant(bid.vendor, issued_on=date(2026, 10, 1))
    with freeze_time("2026-11-25"):
        return lot_transition(lot=lot, name="award", by=buyer, winner=bid, reason="Meilleure offre.")


def test_a_formalised_lot_is_not_awarded_without_a_cao_decision(buyer):
    lot, _members = formalised_lot()
    bid = BidFactory(lot=lot, compliant=True)
    final_ranking(lot)
    with pytest.raises(TransitionRefused) as error:
        award(lot, bid, buyer)
    assert error.value.reasons == [
        "Procédure formalisée : la commission d'appel d'offres doit d'abord choisir l'attributaire de ce lot, en "
        "séance valable (CGCT L.1414-2)."]
    lot.refresh_from_db()
    assert lot.state == LotState.EVALUATING


def test_the_award_follows_the_cao_decision_naming_the_same_bidder(buyer):
    lot, members = formalised_lot()
    chosen = BidFactory(lot=lot, compliant=True, vendor__name="Lectura Numérique", amount_ht="95000.00")
    other = BidFactory(lot=lot, compliant=True, vendor__name="Kiosque Horizon")
    final_ranking(lot)
    cao_decision_record(by=buyer, meeting=meet(members, full=4), lot=lot, outcome=CaoOutcome.AWARD, bid=chosen)
    with pytest.raises(TransitionRefused) as error:
        award(lot, other, buyer)
    assert "La CAO du 10/11/2026 a retenu l'offre de Lectura Numérique, pas celle de Kiosque Horizon." in \
        error.value.reasons
    awarded = award(lot, chosen, buyer)
    assert (awarded.state, awarded.winner) == (LotState.AWARDED, chosen)


def test_a_decision_of_the_meeting_convened_again_without_quorum_is_valid_for_the_award(buyer):
    lot, members = formalised_lot()
    bid = BidFactory(lot=lot, compliant=True)
    final_ranking(lot)
    first = meet(members, full=1)
    second = meet(members, full=0, reconvened_from=first, day=17)
    cao_decision_record(by=buyer, meeting=second, lot=lot, outcome=CaoOutcome.AWARD, bid=bid)
    assert award(lot, bid, buyer).state == LotState.AWARDED


def test_a_cao_decision_taken_after_the_award_day_does_not_count(buyer):
    lot, _members = formalised_lot()
    bid = BidFactory(lot=lot, compliant=True)
    cao_chooses(lot, bid, held_at=paris(2026, 11, 30, 14, 0))
    with pytest.raises(TransitionRefused):
        award(lot, bid, buyer)


def test_below_the_eu_threshold_no_cao_is_needed(buyer):
    lot = LotFactory(tender=TenderFactory(opened=True, mapa=True), criteria=True)
    bid = BidFactory(lot=lot, compliant=True)
    final_ranking(lot)
    assert award(lot, bid, buyer).state == LotState.AWARDED


def test_the_minutes_of_the_meeting_convened_again_say_why_it_sits_validly(client_for, buyer):
    import io

    from docx import Document

    lot, members = formalised_lot()
    bid = BidFactory(lot=lot, compliant=True, vendor__name="Médiaflux Solutions", amount_ht="268400.00")
    first = meet(members, full=1)
    second = meet(members, full=1, reconvened_from=first, day=17)
    cao_decision_record(meeting=second, lot=lot, outcome=CaoOutcome.AWARD, bid=bid, reason="Offre classée première.",
                        by=buyer)
    response = client_for(buyer).get(reverse("tenders:cao-minutes", args=[second.pk]))
    assert response.status_code == 200
    text = "\n".join(paragraph.text for paragraph in Document(io.BytesIO(response.content)).paragraphs)
    assert "réunion du mardi 17 novembre 2026 à 14 h 00" in text
    assert "Réunie sur nouvelle convocation, la commission siège valablement sans condition de quorum (2 membres" \
        in text
    assert "réunie le mardi 10 novembre 2026 sans atteindre le quorum" in text
    assert "Décision : Attribution à Médiaflux Solutions pour un montant de 268\u00a0400,00\u00a0€ HT." in text


def test_a_quorum_needs_more_than_half_of_the_seats():
    from procurement.tenders.services.cao import Quorum

    assert [Quorum(seats=seats, present=0).needed for seats in (5, 6, 7)] == [3, 4, 4]
