"""The blind round: no page shows an evaluator another's notes, or the consolidation, until every
evaluator without conflict has submitted or the chair has closed the round."""

import html

import pytest
from django.urls import reverse

from procurement.tenders.evaluation.services import round_close, scores_submit
from procurement.tenders.models import Score
from tests.factories import UserFactory
from tests.tenders.evaluation.factories import CommitteeMemberFactory, DeclarationFactory, worked_example

pytestmark = pytest.mark.django_db

SECRET = "Commentaire confidentiel de Nadia."


def text(response) -> str:
    return html.unescape(response.content.decode())


def pages(example) -> dict[str, str]:
    reference, number = example.tender.reference, example.lot.number
    lot_args = [reference, number]
    return {
        "tender": reverse("tenders:detail", args=[reference]),
        "lot": reverse("tenders:lot-detail", args=lot_args),
        "hub": reverse("tenders:evaluation", args=lot_args),
        "own notes": reverse("tenders:evaluation-scores", args=lot_args),
        "results": reverse("tenders:evaluation-results", args=lot_args),
        "report": reverse("tenders:evaluation-report", args=lot_args),
        "my evaluations": reverse("tenders:my-evaluations"),
    }


@pytest.fixture
def blind():
    """Sophie submitted; Nadia and Thomas have not. Nadia's notes carry a recognisable comment."""
    example = worked_example(submitted=1)
    Score.objects.filter(evaluator=example.evaluators[1]).update(comment=SECRET)
    return example


def test_an_evaluator_cannot_read_another_evaluators_notes_through_any_page(client_for, blind):
    client = client_for(blind.evaluators[0])
    for name, url in pages(blind).items():
        response = client.get(url)
        assert response.status_code in (200, 403), name
        assert SECRET not in text(response), name
        assert "87,50" not in text(response) and "87.50" not in text(response), name


def test_the_consolidation_and_the_report_are_refused_while_the_round_is_blind(client_for, blind):
    client = client_for(blind.evaluators[0])
    urls = pages(blind)
    assert client.get(urls["results"]).status_code == 403
    assert client.get(urls["report"]).status_code == 403


def test_an_evaluator_sees_only_their_own_notes(client_for, blind):
    content = text(client_for(blind.evaluators[1]).get(pages(blind)["own notes"]))
    assert SECRET in content
    assert "Note de Sophie" not in content


def test_the_buyer_and_finance_wait_for_the_end_of_the_round_too(client_for, blind, buyer, finance_user):
    assert client_for(buyer).get(pages(blind)["results"]).status_code == 403
    assert client_for(finance_user).get(pages(blind)["results"]).status_code == 403


def test_the_consolidation_opens_when_every_evaluator_has_submitted(client_for, blind, finance_user):
    scores_submit(lot=blind.lot, by=blind.evaluators[1])
    assert client_for(blind.evaluators[0]).get(pages(blind)["results"]).status_code == 403
    scores_submit(lot=blind.lot, by=blind.evaluators[2])
    response = client_for(blind.evaluators[0]).get(pages(blind)["results"])
    assert response.status_code == 200
    assert SECRET in text(response) and "87,50" in text(response)
    assert client_for(finance_user).get(pages(blind)["results"]).status_code == 200


def test_the_chair_may_close_the_round_with_a_reason_that_is_logged(blind):
    chair = blind.evaluators[0]
    closure = round_close(lot=blind.lot, by=chair, reason="Thomas Girard est en congé jusqu'au 15 mars.")
    assert closure.history.get().history_type == "+"
    from procurement.tenders.evaluation.selectors import lot_ranking

    ranking = lot_ranking(blind.lot)
    # Only Sophie's submitted notes count: A 40 + 26 + 12 + 8 = 86.00, B 35.71 + 26 + 13 + 11 = 85.71.
    assert ranking.final
    assert [(r.bidder, str(r.total), r.rank) for r in ranking.ranked] == [
        ("Lectura Numérique", "86.00", 1), ("Kiosque Horizon", "85.71", 2)]


def test_only_the_chair_closes_the_round(blind):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        round_close(lot=blind.lot, by=blind.evaluators[1], reason="Pressé.")


def test_a_conflicted_member_no_longer_holds_the_round_back(blind):
    from procurement.tenders.evaluation.selectors import lot_ranking
    from procurement.tenders.models import ConflictDeclaration

    scores_submit(lot=blind.lot, by=blind.evaluators[1])
    ConflictDeclaration.objects.filter(member=blind.members[2]).update(has_conflict=True, comment="Ancien salarié.")
    assert lot_ranking(blind.lot).final


def test_an_evaluator_outside_the_committee_reaches_no_evaluation_page(client_for, blind):
    outsider = UserFactory(evaluator=True)
    client = client_for(outsider)
    # The tender itself is not theirs to see: as for any object one may not see, a 404.
    assert client.get(pages(blind)["hub"]).status_code == 404
    assert client.get(pages(blind)["own notes"]).status_code == 404


def test_before_declaring_an_evaluator_sees_the_bidders_names_but_not_their_bids(client_for, blind):
    late = CommitteeMemberFactory(tender=blind.tender, user=UserFactory(evaluator=True, username="karim"))
    client = client_for(late.user)
    assert client.get(pages(blind)["own notes"]).status_code == 403
    content = text(client.get(reverse("tenders:evaluation-declare", args=[blind.tender.reference, 1])))
    assert "Lectura Numérique" in content and "Kiosque Horizon" in content
    assert "100 000" not in content and "100\u00a0000" not in content
    DeclarationFactory(member=late, lot=blind.lot)
    assert client.get(pages(blind)["own notes"]).status_code == 200
