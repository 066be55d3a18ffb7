"""The blind rule on every surface an evaluator can reach: while the round is open, nobody reads
another evaluator's notes (page, API list, API detail) nor a consolidated ranking."""

import pytest
from django.urls import reverse

from procurement.tenders.models import Score
from tests.tenders.evaluation.factories import worked_example

pytestmark = pytest.mark.django_db


def test_other_evaluators_notes_stay_hidden_while_the_round_is_blind(client, api_for):
    """A round still open: the first evaluator has scored, the second sees only their own (empty) grid,
    in the page and in the API; nobody reads a consolidation."""
    example = worked_example(submitted=1)
    scorer, other = example.evaluators[0], example.evaluators[1]
    lot = example.lot
    mine = set(Score.objects.filter(evaluator=scorer, bid__lot=lot).values_list("pk", flat=True))
    assert mine
    answer = api_for(other).get(f"/api/scores/?lot={lot.pk}")
    assert answer.status_code == 200 and not {row["id"] for row in answer.json()["results"]} & mine
    for pk in mine:
        assert api_for(other).get(f"/api/scores/{pk}/").status_code == 404
    client.force_login(other)
    evaluation = {"reference": lot.tender.reference, "number": lot.number}
    page = client.get(reverse("tenders:evaluation-scores", kwargs=evaluation)).content.decode()
    for comment in Score.objects.filter(evaluator=scorer, bid__lot=lot).exclude(comment="").values_list("comment",
                                                                                                       flat=True):
        assert comment not in page
    assert client.get(reverse("tenders:evaluation-results", kwargs=evaluation)).status_code == 403
