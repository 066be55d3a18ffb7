"""The contract list's « Titulaire » and « Programme » filters: searched with suggestions from small JSON
endpoints (the holders and programmes of the contracts the user reads), and applied to the list through
the chosen id or, without JavaScript, the text typed."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.contracts.factories import ContractFactory, awarded_lot
from tests.programmes.factories import ProgrammeFactory
from tests.vendors.factories import VendorFactory

pytestmark = pytest.mark.django_db

HOLDERS = reverse("contracts:holder-suggestions")
PROGRAMMES = reverse("contracts:programme-suggestions")


def contract_of(name: str, siret: str = "", **kwargs):
    vendor = VendorFactory(name=name, **({"siret": siret} if siret else {}))
    return ContractFactory(holder=vendor, lot=awarded_lot(vendor=vendor, **kwargs))


def answer(client, url: str, query: str) -> list[dict]:
    response = client.get(url, {"q": query})
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    return response.json()["results"]


def labels(client, url: str, query: str) -> list[str]:
    return [row["label"] for row in answer(client, url, query)]


def listed(client, **params) -> set[str]:
    response = client.get(reverse("contracts:list"), params)
    assert response.status_code == 200
    return {contract.reference for contract in response.context["page_obj"].object_list}


def filter_form_html(client, **params) -> str:
    html = client.get(reverse("contracts:list"), params).content.decode()
    return re.search(r'<form method="get" class="filters".*?</form>', html, re.S).group(0)


# The endpoints -----------------------------------------------------------------------------------


def test_holders_are_suggested_by_name_siret_or_siren_with_id_label_and_siret(client_for, buyer):
    lectura = contract_of("Lectura Prêt Numérique SAS", "85783086300034").holder
    contract_of("Kiosque Horizon", "91497094200019")
    VendorFactory(name="Lectura Sans Marché")  # holds no contract: never suggested
    client = client_for(buyer)
    assert answer(client, HOLDERS, "lect") == [
        {"id": lectura.pk, "label": "Lectura Prêt Numérique SAS", "hint": "857 830 863 00034"}]
    assert labels(client, HOLDERS, "857 830 863") == ["Lectura Prêt Numérique SAS"]  # the SIREN, spaced
    assert labels(client, HOLDERS, "91497094200019") == ["Kiosque Horizon"]
    assert labels(client, HOLDERS, "") == ["Kiosque Horizon", "Lectura Prêt Numérique SAS"]


def test_a_foreign_holder_without_siret_is_told_by_its_vat_number(client_for, buyer):
    vendor = VendorFactory(foreign=True, name="Bücherwelt GmbH")
    ContractFactory(holder=vendor, lot=awarded_lot(vendor=vendor))
    assert answer(client_for(buyer), HOLDERS, "welt") == [
        {"id": vendor.pk, "label": "Bücherwelt GmbH", "hint": "DE136695976"}]
    assert labels(client_for(buyer), HOLDERS, "DE 136 695") == ["Bücherwelt GmbH"]


def test_names_starting_with_the_text_come_first_then_by_name(client_for, buyer):
    for name in ("Archives et Bibliothèques", "Bibliothèque Services", "Au Bibliophile"):
        contract_of(name)
    assert labels(client_for(buyer), HOLDERS, "bibli") == [
        "Bibliothèque Services", "Archives et Bibliothèques", "Au Bibliophile"]


def test_at_most_20_holders_come_back_in_the_same_number_of_queries(client_for, buyer, django_assert_num_queries):
    client = client_for(buyer)
    for _ in range(2):
        ContractFactory()
    with CaptureQueriesContext(connection) as with_two:
        assert len(answer(client, HOLDERS, "numériques")) == 2
    for _ in range(21):
        ContractFactory()
    with django_assert_num_queries(len(with_two.captured_queries)):
        rows = answer(client, HOLDERS, "numériques")
    assert len(rows) == 20
    assert [row["label"] for row in rows] == sorted(row["label"] for row in rows)


@pytest.mark.parametrize("query, expected", [
    ("%", ["100% Numérique"]),
    ("_", ["Lire_Ensemble"]),
    ("x" * 5000, []),
    ("' OR 1=1 --", []),
    ("💾", []),
    ("Médiathèque « Ô »", ["Médiathèque « Ô » SCOP"]),
])
def test_hostile_text_gets_an_answer_never_an_error(client_for, buyer, query, expected):
    for name in ("100% Numérique", "Lire_Ensemble", "Médiathèque « Ô » SCOP"):
        contract_of(name)
    assert labels(client_for(buyer), HOLDERS, query) == expected


def test_a_nul_character_is_refused_before_the_endpoint_like_everywhere(client_for, buyer):
    response = client_for(buyer).get(HOLDERS, {"q": "Lire\x00"})
    assert response.status_code == 400
    assert "La requête contient un caractère nul" in response.content.decode()


def test_the_suggestions_need_a_login_and_a_role_that_reads_contracts(client, client_for, evaluator, finance_user):
    contract_of("Kiosque Horizon")
    assert client.get(HOLDERS, {"q": "kio"}).status_code == 302
    assert client_for(evaluator).get(HOLDERS, {"q": "kio"}).status_code == 403
    assert client_for(evaluator).get(PROGRAMMES, {"q": ""}).status_code == 403
    assert labels(client_for(finance_user), HOLDERS, "kio") == ["Kiosque Horizon"]


def test_programmes_are_those_of_contracts_by_reference_or_name(client_for, buyer):
    bnm = ProgrammeFactory(reference="BNM", name="Bibliothèque numérique métropolitaine")
    ProgrammeFactory(reference="BNM2", name="Bibliothèque sans marché")  # no contract: never suggested
    contract_of("Kiosque Horizon", programme=bnm)
    client = client_for(buyer)
    assert answer(client, PROGRAMMES, "numérique") == [
        {"id": bnm.pk, "label": "BNM — Bibliothèque numérique métropolitaine", "hint": ""}]
    assert labels(client, PROGRAMMES, "bnm") == ["BNM — Bibliothèque numérique métropolitaine"]


# The list through the new parameters ------------------------------------------------------------


def test_the_list_keeps_the_chosen_holder_and_shows_its_name(client_for, buyer):
    lectura = contract_of("Lectura Prêt Numérique SAS", "85783086300034")
    contract_of("Lectura Conseil", "91497094200019")
    client = client_for(buyer)
    params = {"holder": lectura.holder_id, "holder_search": "Lectura Prêt Numérique SAS"}
    assert listed(client, **params) == {lectura.reference}
    form = filter_form_html(client, **params)
    assert 'value="Lectura Prêt Numérique SAS"' in form
    assert f'<input type="hidden" name="holder" value="{lectura.holder_id}" data-suggest-choice>' in form
    # A link carrying the id alone (a bookmark) shows the name too.
    assert 'value="Lectura Prêt Numérique SAS"' in filter_form_html(client, holder=lectura.holder_id)


def test_without_javascript_the_text_searches_holders_by_name_siret_or_siren(client_for, buyer):
    lectura = contract_of("Lectura Prêt Numérique SAS", "85783086300034")
    conseil = contract_of("Lectura Conseil", "91497094200019")
    client = client_for(buyer)
    assert listed(client, holder_search="lectura") == {lectura.reference, conseil.reference}
    assert listed(client, holder_search="857 830 863") == {lectura.reference}
    assert listed(client, holder_search="91497094200019") == {conseil.reference}
    # Text typed over a choice wins: the id is forgotten.
    assert listed(client, holder=lectura.holder_id, holder_search="conseil") == {conseil.reference}


def test_the_programme_filter_takes_the_chosen_id_or_the_text(client_for, buyer):
    bnm = ProgrammeFactory(reference="BNM", name="Bibliothèque numérique métropolitaine")
    in_bnm = contract_of("Kiosque Horizon", programme=bnm)
    contract_of("Lectura Conseil")
    client = client_for(buyer)
    assert listed(client, programme=bnm.pk, programme_search=str(bnm)) == {in_bnm.reference}
    assert listed(client, programme_search="métropolitaine") == {in_bnm.reference}


def test_a_hand_made_id_is_a_french_error_and_the_list_shows_everything(client_for, buyer):
    contracts = {contract_of("Kiosque Horizon").reference, contract_of("Lectura Conseil").reference}
    client = client_for(buyer)
    response = client.get(reverse("contracts:list"), {"holder": "999999"})
    assert "Choisissez parmi les suggestions : ce choix n&#x27;existe pas ou ne vous est pas accessible." in (
        response.content.decode())
    assert listed(client, holder="999999") == contracts
    assert client.get(reverse("contracts:list"), {"holder_search": "x" * 300}).status_code == 200


def test_pagination_keeps_the_holders_filter(client_for, buyer):
    vendor = VendorFactory(name="Kiosque Horizon")
    for _ in range(26):
        ContractFactory(holder=vendor)
    html = client_for(buyer).get(reverse("contracts:list"), {"holder": vendor.pk, "holder_search": vendor.name}
                                 ).content.decode()
    assert f'href="?holder={vendor.pk}&amp;holder_search=Kiosque+Horizon&amp;page=2" rel="next"' in html


def test_the_filters_weigh_the_same_whatever_the_number_of_holders(client_for, buyer):
    client = client_for(buyer)
    for _ in range(2):
        ContractFactory()
    with_two = filter_form_html(client)
    for _ in range(30):
        ContractFactory()
    assert filter_form_html(client) == with_two
    assert "Éditions Numériques" not in with_two


def test_the_filtered_list_runs_the_same_number_of_queries_for_2_and_12_contracts(
        client_for, buyer, django_assert_num_queries):
    bnm = ProgrammeFactory(reference="BNM", name="Bibliothèque numérique métropolitaine")
    vendor = VendorFactory(name="Kiosque Horizon")
    client = client_for(buyer)
    params = {"holder": vendor.pk, "holder_search": vendor.name, "programme_search": "bnm"}
    for _ in range(2):
        ContractFactory(holder=vendor, lot=awarded_lot(vendor=vendor, programme=bnm))
    with CaptureQueriesContext(connection) as with_two:
        assert len(listed(client, **params)) == 2
    for _ in range(10):
        ContractFactory(holder=vendor, lot=awarded_lot(vendor=vendor, programme=bnm))
    with django_assert_num_queries(len(with_two.captured_queries)):
        assert len(listed(client, **params)) == 12
