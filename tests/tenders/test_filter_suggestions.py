"""The tender list's « Programme » filter: a search with suggestions of the programmes of the tenders the
user sees (an evaluator, only those of the tenders on their committee), applied through the chosen id or,
without JavaScript, the text typed."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import UserFactory
from tests.programmes.factories import ProgrammeFactory
from tests.tenders.evaluation.factories import CommitteeMemberFactory
from tests.tenders.factories import LotFactory, TenderFactory

pytestmark = pytest.mark.django_db

PROGRAMMES = reverse("tenders:programme-suggestions")


@pytest.fixture
def programmes():
    """BNM (a published tender, an opened one), ARCH (an opened one), VIDE (no tender)."""
    bnm = ProgrammeFactory(reference="BNM", name="Bibliothèque numérique métropolitaine")
    archives = ProgrammeFactory(reference="ARCH", name="Archives numériques")
    ProgrammeFactory(reference="VIDE", name="Programme sans consultation numérique")
    TenderFactory(reference="BNM-2026-01", published=True, programme=bnm)
    TenderFactory(reference="BNM-2025-02", opened=True, programme=bnm)
    TenderFactory(reference="ARCH-2025-01", opened=True, programme=archives)
    TenderFactory(reference="SANS-2026-01", published=True)
    return {"bnm": bnm, "archives": archives}


def answer(client, query: str) -> list[dict]:
    response = client.get(PROGRAMMES, {"q": query})
    assert response.status_code == 200
    return response.json()["results"]


def labels(client, query: str) -> list[str]:
    return [row["label"] for row in answer(client, query)]


def listed(client, **params) -> set[str]:
    response = client.get(reverse("tenders:list"), params)
    assert response.status_code == 200
    return {tender.reference for tender in response.context["page_obj"].object_list}


def test_programmes_of_tenders_are_suggested_by_reference_or_name(client_for, buyer, programmes):
    client = client_for(buyer)
    assert answer(client, "bnm") == [
        {"id": programmes["bnm"].pk, "label": "BNM — Bibliothèque numérique métropolitaine", "hint": ""}]
    assert labels(client, "numérique") == ["ARCH — Archives numériques", "BNM — Bibliothèque numérique métropolitaine"]
    assert labels(client, "ar") == ["ARCH — Archives numériques"]  # « VIDE » has no tender


def test_an_evaluator_is_offered_only_the_programmes_of_the_tenders_on_their_committee(client_for, programmes):
    evaluator = UserFactory(evaluator=True)
    CommitteeMemberFactory(tender=programmes["archives"].tenders.get(), user=evaluator)
    client = client_for(evaluator)
    assert labels(client, "") == ["ARCH — Archives numériques"]
    assert labels(client, "bnm") == []
    # Nor can they filter by it through a hand-made id: a French error, and the list stays theirs.
    response = client.get(reverse("tenders:list"), {"programme": programmes["bnm"].pk})
    assert "Choisissez parmi les suggestions" in response.content.decode()
    assert listed(client, programme=programmes["bnm"].pk) == {"ARCH-2025-01"}


def test_the_suggestions_need_a_login_and_a_role_that_reads_tenders(client, client_for, programmes):
    assert client.get(PROGRAMMES, {"q": "bnm"}).status_code == 302
    assert client_for(UserFactory()).get(PROGRAMMES, {"q": "bnm"}).status_code == 403


@pytest.mark.parametrize("query", ["%", "_", "x" * 5000, "' OR 1=1 --", "💾", "Bibliothèque « numérique »"])
def test_hostile_text_gets_an_empty_answer_never_an_error(client_for, buyer, programmes, query):
    assert answer(client_for(buyer), query) == []


def test_the_suggestions_run_the_same_number_of_queries_for_2_and_22_programmes(
        client_for, buyer, django_assert_num_queries):
    client = client_for(buyer)
    for _ in range(2):
        TenderFactory(programme=ProgrammeFactory())
    with CaptureQueriesContext(connection) as with_two:
        assert len(answer(client, "prog")) == 2
    for _ in range(20):
        TenderFactory(programme=ProgrammeFactory())
    with django_assert_num_queries(len(with_two.captured_queries)):
        assert len(answer(client, "prog")) == 20


def test_the_list_filters_by_the_chosen_programme_or_the_text(client_for, buyer, programmes):
    client = client_for(buyer)
    bnm = programmes["bnm"]
    assert listed(client, programme=bnm.pk, programme_search=str(bnm)) == {"BNM-2026-01", "BNM-2025-02"}
    assert listed(client, programme_search="archives") == {"ARCH-2025-01"}
    # The chosen label alone (the id lost) still finds its programme.
    assert listed(client, programme_search=str(bnm)) == {"BNM-2026-01", "BNM-2025-02"}
    assert listed(client, programme_search="numérique") == {"BNM-2026-01", "BNM-2025-02", "ARCH-2025-01"}
    html = client.get(reverse("tenders:list"), {"programme": bnm.pk}).content.decode()
    form = re.search(r'<form method="get" class="filters".*?</form>', html, re.S).group(0)
    assert 'value="BNM — Bibliothèque numérique métropolitaine"' in form
    assert f'<input type="hidden" name="programme" value="{bnm.pk}" data-suggest-choice>' in form
    assert "<option" not in form.split('name="programme_search"')[1]


def test_the_filtered_list_runs_the_same_number_of_queries_for_2_and_12_tenders(
        client_for, buyer, django_assert_num_queries):
    bnm = ProgrammeFactory(reference="BNM", name="Bibliothèque numérique métropolitaine")
    client = client_for(buyer)
    params = {"programme": bnm.pk, "programme_search": str(bnm)}
    for _ in range(2):
        LotFactory(tender=TenderFactory(programme=bnm))
    with CaptureQueriesContext(connection) as with_two:
        assert len(listed(client, **params)) == 2
    for _ in range(10):
        LotFactory(tender=TenderFactory(programme=bnm))
    with django_assert_num_queries(len(with_two.captured_queries)):
        assert len(listed(client, **params)) == 12
