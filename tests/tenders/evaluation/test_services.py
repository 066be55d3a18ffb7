"""The committee, the declarations, the notes and their submission, the committee's final notes."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from procurement.tenders.evaluation import services
from procurement.tenders.evaluation.selectors import lot_ranking
from procurement.tenders.models import CommitteeMember, CommitteeScore, ConflictDeclaration, Score
from tests.factories import UserFactory
from tests.tenders.evaluation.factories import CommitteeMemberFactory, criteria_of, worked_example
from tests.tenders.factories import BidFactory, LotFactory, TenderFactory

pytestmark = pytest.mark.django_db


def test_a_committee_has_one_chair(buyer):
    tender = TenderFactory(opened=True)
    sophie, nadia = UserFactory(evaluator=True), UserFactory(evaluator=True)
    services.committee_assign(tender=tender, user=sophie, is_chair=True, by=buyer)
    services.committee_assign(tender=tender, user=nadia, is_chair=True, by=buyer)
    assert list(CommitteeMember.objects.filter(is_chair=True).values_list("user", flat=True)) == [nadia.pk]


def test_only_evaluators_sit_and_only_buyers_appoint(buyer, finance_user, evaluator):
    tender = TenderFactory(opened=True)
    with pytest.raises(ValidationError):
        services.committee_assign(tender=tender, user=finance_user, by=buyer)
    with pytest.raises(PermissionDenied):
        services.committee_assign(tender=tender, user=evaluator, by=finance_user)


def test_the_committee_no_longer_changes_once_notes_are_submitted(buyer):
    example = worked_example(submitted=1)
    with pytest.raises(ValidationError, match="La notation a commencé"):
        services.committee_assign(tender=example.tender, user=UserFactory(evaluator=True), by=buyer)


def test_a_declaration_keeps_the_bidders_shown_and_a_conflict_removes_the_member_from_the_lot():
    lot = LotFactory(tender=TenderFactory(opened=True), criteria=True)
    BidFactory(lot=lot, compliant=True, vendor__name="Lectura Numérique", vendor__siret="85783086300034")
    member = CommitteeMemberFactory(tender=lot.tender)
    declaration = services.conflict_declare(lot=lot, by=member.user, has_conflict=True,
                                            comment="Mon conjoint dirige Lectura Numérique.")
    assert declaration.bidders_shown == ["Lectura Numérique (SIRET 85783086300034)"]
    assert declaration.history.count() == 1
    from procurement.tenders.evaluation.abilities import evaluation_abilities

    abilities = evaluation_abilities(lot, member.user)
    assert (abilities["conflicted"], abilities["score"], abilities["read_bids"]) == (True, False, False)


def test_a_conflict_must_be_explained():
    lot = LotFactory(tender=TenderFactory(opened=True), criteria=True)
    member = CommitteeMemberFactory(tender=lot.tender)
    with pytest.raises(ValidationError):
        services.conflict_declare(lot=lot, by=member.user, has_conflict=True, comment=" ")
    assert not ConflictDeclaration.objects.exists()


def test_a_note_stays_within_the_criterion_points_and_needs_a_comment():
    example = worked_example(submitted=0)
    criteria = criteria_of(example.lot)
    with pytest.raises(ValidationError) as error:
        services.score_record(lot=example.lot, bid=example.a, criterion=criteria["Accompagnement"],
                              by=example.evaluators[0], value=D("16"), comment="")
    assert error.value.message_dict == {"value": ["La note est comprise entre 0 et 15,00 points."],
                                        "comment": ["Un commentaire justifie chaque note."]}


def test_the_price_is_not_scored_by_hand():
    example = worked_example(submitted=0)
    with pytest.raises(ValidationError, match="le prix est calculé"):
        services.score_record(lot=example.lot, bid=example.a, criterion=criteria_of(example.lot)["Prix"],
                              by=example.evaluators[0], value=D("40"), comment="Le moins cher.")


def test_buyers_do_not_score(buyer):
    example = worked_example(submitted=0)
    with pytest.raises(PermissionDenied):
        services.score_record(lot=example.lot, bid=example.a, criterion=criteria_of(example.lot)["Catalogue"],
                              by=buyer, value=D("20"), comment="Bon catalogue.")


def test_submitting_needs_every_note_and_freezes_them():
    example = worked_example(submitted=0)
    sophie = example.evaluators[0]
    Score.objects.filter(evaluator=sophie, bid=example.b, criterion__name="Catalogue").delete()
    with pytest.raises(ValidationError, match="Il manque 1 note"):
        services.scores_submit(lot=example.lot, by=sophie)
    services.score_record(lot=example.lot, bid=example.b, criterion=criteria_of(example.lot)["Catalogue"],
                          by=sophie, value=D("28"), comment="Catalogue le plus riche.")
    services.scores_submit(lot=example.lot, by=sophie)
    with pytest.raises(PermissionDenied):
        services.score_record(lot=example.lot, bid=example.b, criterion=criteria_of(example.lot)["Catalogue"],
                              by=sophie, value=D("30"), comment="Changement d'avis.")


def test_the_committee_final_note_overrides_the_consolidation_and_keeps_its_history():
    example = worked_example()
    chair = example.evaluators[0]
    environment = criteria_of(example.lot)["Performance environnementale"]
    services.committee_score_set(bid=example.a, criterion=environment, value=D("10"), by=chair,
                                 justification="Engagement de compensation carbone vérifié en séance.")
    services.committee_score_set(bid=example.a, criterion=environment, value=D("9.5"), by=chair,
                                 justification="Compensation partielle seulement.")
    assert lot_ranking(example.lot).winner.total == D("88.50")
    assert CommitteeScore.objects.get().history.count() == 2


def test_the_committee_note_waits_for_the_end_of_the_round():
    example = worked_example(submitted=2)
    with pytest.raises(PermissionDenied):
        services.committee_score_set(bid=example.a, criterion=criteria_of(example.lot)["Catalogue"],
                                     value=D("20"), justification="Trop tôt.", by=example.evaluators[0])


def test_the_ranking_fills_the_value_types_the_documents_read():
    ranking = lot_ranking(worked_example().lot)
    first = ranking.winner
    assert (first.bidder, first.total, first.rank, ranking.final) == ("Lectura Numérique", D("87.50"), 1, True)
    assert [(c.name, c.max_points, c.score) for c in first.criteria] == [
        ("Prix", D("40"), D("40.00")), ("Valeur technique", D("45"), D("39.00")),
        ("Performance environnementale", D("15"), D("8.50"))]


def test_the_evaluation_rules_are_frozen_once_an_evaluator_has_submitted(buyer):
    example = worked_example(submitted=0)
    settings = services.evaluation_settings_save(tender=example.tender, by=buyer, consolidation="median",
                                                 dispersion_threshold_percent=D("20"))
    assert (settings.consolidation, settings.history.count()) == ("median", 1)
    services.scores_submit(lot=example.lot, by=example.evaluators[0])
    with pytest.raises(ValidationError, match="La notation a commencé"):
        services.evaluation_settings_save(tender=example.tender, by=buyer, consolidation="mean")
