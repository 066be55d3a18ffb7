"""The suggestions of the forms that name a vendor: every vendor by name, SIRET, SIREN or VAT number,
in one query whatever their number, for the profiles who fill those forms (buyers, administrators)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.vendors.factories import VendorFactory

pytestmark = pytest.mark.django_db

SUGGESTIONS = reverse("vendors:suggestions")


def answer(client, query: str) -> list[dict]:
    response = client.get(SUGGESTIONS, {"q": query})
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    return response.json()["results"]


def labels(client, query: str) -> list[str]:
    return [row["label"] for row in answer(client, query)]


def test_the_address_is_under_the_vendors():
    assert SUGGESTIONS == "/fournisseurs/suggestions/"


def test_every_vendor_is_suggested_by_name_siret_siren_or_vat_number_with_its_identifier(client_for, buyer):
    lectura = VendorFactory(name="Lectura Prêt Numérique SAS", siret="85783086300034", vat_number="FR12857830863")
    berlin = VendorFactory(foreign=True, name="Bücherwelt GmbH")
    VendorFactory(name="Kiosque Horizon", siret="91497094200019")
    client = client_for(buyer)
    assert answer(client, "lect") == [
        {"id": lectura.pk, "label": "Lectura Prêt Numérique SAS", "hint": "857 830 863 00034"}]
    assert labels(client, "857 830 863") == ["Lectura Prêt Numérique SAS"]
    assert labels(client, "85783086300034") == ["Lectura Prêt Numérique SAS"]
    assert answer(client, "DE 136 695") == [{"id": berlin.pk, "label": "Bücherwelt GmbH", "hint": "DE136695976"}]
    assert labels(client, "") == ["Bücherwelt GmbH", "Kiosque Horizon", "Lectura Prêt Numérique SAS"]


def test_the_suggestions_are_for_those_who_fill_the_forms(client, client_for, buyer, finance_user, evaluator,
                                                          staff_user):
    VendorFactory(name="Kiosque Horizon")
    assert client.get(SUGGESTIONS, {"q": "kio"}).status_code == 302
    # Finance reads the vendors' list but fills none of these forms; evaluators neither.
    assert client_for(finance_user).get(SUGGESTIONS, {"q": "kio"}).status_code == 403
    assert client_for(evaluator).get(SUGGESTIONS, {"q": "kio"}).status_code == 403
    assert labels(client_for(buyer), "kio") == ["Kiosque Horizon"]
    assert labels(client_for(staff_user), "kio") == ["Kiosque Horizon"]


@pytest.mark.parametrize("query, expected", [
    ("%", ["100% Numérique"]),
    ("_", ["Lire_Ensemble"]),
    ("x" * 5000, []),
    ("' OR 1=1 --", []),
    ("💾", []),
])
def test_hostile_text_gets_an_answer_never_an_error(client_for, buyer, query, expected):
    for name in ("100% Numérique", "Lire_Ensemble"):
        VendorFactory(name=name)
    assert labels(client_for(buyer), query) == expected


def test_at_most_20_vendors_come_back_in_the_same_number_of_queries(client_for, buyer, django_assert_num_queries):
    client = client_for(buyer)
    VendorFactory.create_batch(2)
    with CaptureQueriesContext(connection) as with_two:
        assert len(answer(client, "numériques")) == 2
    VendorFactory.create_batch(30)
    with django_assert_num_queries(len(with_two.captured_queries)):
        rows = answer(client, "numériques")
    assert len(rows) == 20
    assert [row["label"] for row in rows] == sorted(row["label"] for row in rows)
