"""A committee member refused the consolidated ranking reads why, in French, on the 403 page."""

import html

import pytest
from django.urls import reverse

from tests.tenders.evaluation.factories import worked_example

pytestmark = pytest.mark.django_db


def results_url(lot) -> str:
    return reverse("tenders:evaluation-results", args=[lot.tender.reference, lot.number])


def test_a_member_is_told_whose_notes_keep_the_ranking_closed(client_for):
    example = worked_example(submitted=1)  # Sophie submitted; Nadia and Thomas have not
    response = client_for(example.evaluators[0]).get(results_url(example.lot))
    assert response.status_code == 403
    page = html.unescape(response.content.decode())
    assert "<h1>Accès refusé</h1>" in page
    assert "Notes attendues de : Nadia Benali, Thomas Girard." in page
    assert "87,50" not in page


def test_a_reader_outside_the_committee_gets_the_generic_refusal(client_for, finance_user):
    example = worked_example(submitted=1)
    response = client_for(finance_user).get(results_url(example.lot))
    assert response.status_code == 403
    page = html.unescape(response.content.decode())
    assert "Accès refusé" in page
    assert "Notes attendues" not in page


def test_an_evaluator_outside_the_committee_does_not_see_the_tender_at_all(client_for, evaluator):
    example = worked_example(submitted=1)
    response = client_for(evaluator).get(results_url(example.lot))
    assert response.status_code == 404
    # The page's content, not the language form, which sends back the address the person typed.
    content = html.unescape(response.content.decode()).split("<main")[1].split("</main>")[0]
    assert "Notes attendues" not in content and example.tender.reference not in content
