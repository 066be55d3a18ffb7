"""The « Marché » of what an agreement shares: a search with suggestions among the contracts charged to the
programme (a Métropole's programme holds a hundred over ten years), from an endpoint for who keeps the
agreement. Without JavaScript the reference typed names the contract, or the field says why in French and
nothing is shared; the page weighs the same whatever the number of contracts."""

import pytest

from procurement.sharing.models import SharedItem
from tests.contracts.factories import ContractFactory
from tests.factories import UserFactory
from tests.pages import weighs_the_same
from tests.programmes.factories import BudgetLineFactory, ProgrammeFactory
from tests.sharing.factories import AgreementFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def bnm():
    programme = ProgrammeFactory(reference="BNM")
    agreement = AgreementFactory(programme=programme, name="Partage BNM")
    line = BudgetLineFactory(programme=programme)
    contracts = {
        "portail": ContractFactory(reference="BNM-2026-01", title="Portail et maintenance", budget_line=line),
        "portail_bis": ContractFactory(reference="BNM-2026-011", title="Portail : hébergement", budget_line=line),
        "presse": ContractFactory(reference="BNM-2026-02", title="Presse en ligne", budget_line=line),
    }
    ContractFactory(reference="AUTRE-2026-01", title="Portail d'un autre programme", budget_line=BudgetLineFactory())
    base = f"/programmes/BNM/repartition-des-couts/convention/{agreement.pk}/depenses/"
    return {"agreement": agreement, "line": line, "contracts": contracts, "items": base,
            "suggestions": f"{base}suggestions/marches/"}


def labels(client, url: str, query: str) -> list[str]:
    response = client.get(url, {"q": query})
    assert response.status_code == 200
    return [row["label"] for row in response.json()["results"]]


def share(client, bnm, **fields):
    return client.post(bnm["items"], fields)


# The endpoint ----------------------------------------------------------------------------------------


def test_the_programmes_contracts_are_suggested_by_reference_or_object(client_for, buyer, bnm):
    client = client_for(buyer)
    assert labels(client, bnm["suggestions"], "portail") == ["BNM-2026-01 — Portail et maintenance",
                                                             "BNM-2026-011 — Portail : hébergement"]
    assert labels(client, bnm["suggestions"], "2026-02") == ["BNM-2026-02 — Presse en ligne"]
    assert labels(client, bnm["suggestions"], "AUTRE") == []


def test_the_suggestions_are_for_who_keeps_the_agreement(client, client_for, buyer, finance_user, evaluator, bnm):
    assert client.get(bnm["suggestions"], {"q": "bnm"}).status_code == 302
    assert client_for(evaluator).get(bnm["suggestions"], {"q": "bnm"}).status_code == 403
    assert client_for(UserFactory()).get(bnm["suggestions"], {"q": "bnm"}).status_code == 403
    assert len(labels(client_for(finance_user), bnm["suggestions"], "bnm")) == 3
    assert len(labels(client_for(buyer), bnm["suggestions"], "bnm")) == 3


def test_an_unknown_agreement_has_no_suggestions(client_for, buyer, bnm):
    url = bnm["suggestions"].replace(f"/{bnm['agreement'].pk}/", "/999999/")
    assert client_for(buyer).get(url, {"q": "bnm"}).status_code == 404


# The form --------------------------------------------------------------------------------------------


def test_the_chosen_suggestion_is_shared(client_for, buyer, bnm):
    presse = bnm["contracts"]["presse"]
    response = share(client_for(buyer), bnm, contract=presse.pk, contract_search=str(presse))
    assert response.status_code == 302
    assert SharedItem.objects.get().contract == presse


@pytest.mark.parametrize("typed", ["BNM-2026-01", "bnm-2026-01", "maintenance"])
def test_a_reference_or_a_word_of_the_object_typed_names_the_contract(client_for, buyer, bnm, typed):
    assert share(client_for(buyer), bnm, contract_search=typed).status_code == 302
    assert SharedItem.objects.get().contract == bnm["contracts"]["portail"]


def test_an_unknown_or_foreign_contract_is_refused_and_nothing_is_shared(client_for, buyer, bnm):
    response = share(client_for(buyer), bnm, contract_search="AUTRE-2026-01")
    assert response.context["form"].errors["contract"] == [
        "Aucun marché du programme ne correspond à « AUTRE-2026-01 » : tapez sa référence ou un mot de son objet, "
        "puis choisissez parmi les suggestions."]
    assert not SharedItem.objects.exists()


def test_an_ambiguous_contract_is_refused_naming_the_candidates(client_for, buyer, bnm):
    response = share(client_for(buyer), bnm, contract_search="portail")
    assert response.context["form"].errors["contract"] == [
        "Plusieurs marchés du programme correspondent à « portail » (BNM-2026-01 — Portail et maintenance ; "
        "BNM-2026-011 — Portail : hébergement) : choisissez parmi les suggestions ou tapez la référence complète."]
    assert not SharedItem.objects.exists()


def test_a_budget_line_alone_is_still_shared_with_the_contract_left_empty(client_for, buyer, bnm):
    assert share(client_for(buyer), bnm, contract_search="", budget_line=bnm["line"].pk).status_code == 302
    item = SharedItem.objects.get()
    assert item.contract is None and item.budget_line == bnm["line"]


def test_the_items_page_weighs_the_same_whatever_the_number_of_contracts(client_for, buyer, bnm,
                                                                         django_assert_num_queries):
    def grow():
        for number in range(30):
            ContractFactory(reference=f"BNM-2027-{number:02d}", budget_line=bnm["line"])

    html = weighs_the_same(client_for(buyer), bnm["items"], grow, django_assert_num_queries)
    assert "BNM-2026-01" not in html and f'data-suggest-url="{bnm["suggestions"]}"' in html
