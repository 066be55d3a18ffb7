"""The contract forms that name vendors — the group's other members, an amendment's new holder, a
subcontractor — search every vendor with suggestions instead of listing them all. Without JavaScript
the text typed names the vendor, or the field says why in French and the stored contract is unchanged;
the pages weigh the same whatever the number of vendors."""

from datetime import date

import pytest
from django.urls import reverse
from freezegun import freeze_time

from procurement.contracts.enums import AmendmentBasis, GroupKind
from procurement.contracts.forms.contracts import ContractTermsForm
from procurement.contracts.models import Amendment, Contract, Subcontract
from tests.contracts.factories import ContractFactory
from tests.pages import weighs_the_same
from tests.vendors.factories import VendorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def vendors():
    return {"lectura": VendorFactory(name="Lectura Prêt Numérique SAS", siret="85783086300034"),
            "conseil": VendorFactory(name="Lectura Conseil", siret="91497094200019"),
            "kiosque": VendorFactory(name="Kiosque Horizon", siret="73282932000074")}


def weighs_the_same_whatever_the_number_of_vendors(client, url: str, assert_num_queries) -> str:
    html = weighs_the_same(client, url, lambda: VendorFactory.create_batch(40), assert_num_queries)
    assert "Éditions Numériques" not in html and 'data-suggest-url="/fournisseurs/suggestions/"' in html
    return html


# The group's other members -------------------------------------------------------------------------------


def terms(contract, **changes) -> dict:
    """The terms page's fields as the form shows them for ``contract``, with ``changes``."""
    form = ContractTermsForm(instance=contract)
    data = {}
    for field in form:
        value = field.value()
        if field.name == "co_holders" or value is None or value is False:
            continue
        if isinstance(value, tuple):  # a search with suggestions: the chosen id and its label, as a browser sends
            data[field.name], data[f"{field.name}_search"] = value
            continue
        data[field.name] = "on" if value is True else value.isoformat() if isinstance(value, date) else value
    return {**data, **changes}


def update(client, contract, **changes):
    return client.post(reverse("contracts:update", args=[contract.reference]), terms(contract, **changes))


def test_the_group_keeps_the_ticked_members_and_adds_the_one_typed(client_for, buyer, vendors):
    contract = ContractFactory()
    contract.co_holders.set([vendors["kiosque"]])
    response = update(client_for(buyer), contract, group_kind=GroupKind.JOINT_AND_SEVERAL,
                      co_holders=[vendors["kiosque"].pk], co_holders_search="914 970 942 00019")
    assert response.status_code == 302
    assert set(Contract.objects.get(pk=contract.pk).co_holders.all()) == {vendors["kiosque"], vendors["conseil"]}


def test_an_unticked_member_leaves_the_group(client_for, buyer, vendors):
    contract = ContractFactory(group_kind=GroupKind.JOINT)
    contract.co_holders.set([vendors["kiosque"], vendors["conseil"]])
    update(client_for(buyer), contract, co_holders=[vendors["conseil"].pk])
    assert list(Contract.objects.get(pk=contract.pk).co_holders.all()) == [vendors["conseil"]]


def test_an_ambiguous_member_is_refused_and_the_contract_is_unchanged(client_for, buyer, vendors):
    contract = ContractFactory(group_kind=GroupKind.JOINT)
    contract.co_holders.set([vendors["kiosque"]])
    response = update(client_for(buyer), contract, co_holders=[vendors["kiosque"].pk], co_holders_search="Lectura",
                      signatory_name="Paul Martin")
    assert response.context["form"].errors["co_holders"] == [
        "Plusieurs fournisseurs correspondent à « Lectura » (Lectura Conseil (914 970 942 00019) ; Lectura Prêt "
        "Numérique SAS (857 830 863 00034)) : choisissez parmi les suggestions ou tapez le nom complet ou le SIRET."]
    contract = Contract.objects.get(pk=contract.pk)
    assert list(contract.co_holders.all()) == [vendors["kiosque"]] and contract.signatory_name == "Anne Roussel"
    # The members kept ticked, the text as typed, for the person to fix it.
    html = response.content.decode()
    assert f'name="co_holders" value="{vendors["kiosque"].pk}" checked> Kiosque Horizon' in html
    assert 'value="Lectura"' in html


def test_the_terms_page_weighs_the_same_whatever_the_number_of_vendors(client_for, buyer, vendors,
                                                                       django_assert_num_queries):
    contract = ContractFactory(group_kind=GroupKind.JOINT)
    contract.co_holders.set([vendors["kiosque"]])
    html = weighs_the_same_whatever_the_number_of_vendors(
        client_for(buyer), reverse("contracts:update", args=[contract.reference]), django_assert_num_queries)
    assert f'name="co_holders" value="{vendors["kiosque"].pk}" checked> Kiosque Horizon' in html
    assert "Lectura" not in html


# An amendment's new holder ----------------------------------------------------------------------------


def amend(client, contract, **fields):
    return client.post(reverse("contracts:amendment-create", args=[contract.reference]), {
        "basis": AmendmentBasis.NEW_HOLDER, "object": "Cession du marché après fusion", "amount_change_ht": "0",
        "yearly_maximum_change_ht": "0", "signed_on": "2026-06-01", "justification": "Fusion-absorption",
        **fields})


@freeze_time("2026-06-02 10:00")
def test_the_new_holder_is_typed_by_name(client_for, buyer, vendors):
    contract = ContractFactory(notified=True)
    response = amend(client_for(buyer), contract, new_holder_search="Kiosque")
    assert response.status_code == 302
    assert Amendment.objects.get().new_holder == vendors["kiosque"]
    assert Contract.objects.get(pk=contract.pk).holder == vendors["kiosque"]


@freeze_time("2026-06-02 10:00")
def test_an_unknown_new_holder_is_refused_and_the_holder_is_unchanged(client_for, buyer, vendors):
    contract = ContractFactory(notified=True)
    holder = contract.holder
    response = amend(client_for(buyer), contract, new_holder_search="Médiathèque Zénith")
    assert response.context["form"].errors["new_holder"] == [
        "Aucun fournisseur ne correspond à « Médiathèque Zénith » : tapez le début de son nom ou son SIRET, puis "
        "choisissez parmi les suggestions."]
    assert not Amendment.objects.exists() and Contract.objects.get(pk=contract.pk).holder == holder


@freeze_time("2026-06-02 10:00")
@pytest.mark.parametrize("page", ["contracts:amendment-create", "contracts:subcontract-create"])
def test_the_amendment_and_subcontract_pages_weigh_the_same_whatever_the_number_of_vendors(
        client_for, buyer, django_assert_num_queries, page):
    contract = ContractFactory(notified=True)
    weighs_the_same_whatever_the_number_of_vendors(client_for(buyer), reverse(page, args=[contract.reference]),
                                                   django_assert_num_queries)


# A subcontractor -----------------------------------------------------------------------------------------


def declare(client, contract, **fields):
    return client.post(reverse("contracts:subcontract-create", args=[contract.reference]), {
        "services": "Catalogage des ressources", "amount_ttc": "12000", "declared_on": "2026-04-01", **fields})


def test_the_subcontractor_is_typed_by_siret(client_for, buyer, vendors):
    contract = ContractFactory(notified=True)
    response = declare(client_for(buyer), contract, vendor_search="732 829 320 00074")
    assert response.status_code == 302
    assert Subcontract.objects.get().vendor == vendors["kiosque"]


def test_a_subcontractor_chosen_among_the_suggestions_is_declared(client_for, buyer, vendors):
    contract = ContractFactory(notified=True)
    declare(client_for(buyer), contract, vendor=vendors["conseil"].pk, vendor_search="Lectura Conseil")
    assert Subcontract.objects.get().vendor == vendors["conseil"]


def test_a_missing_or_ambiguous_subcontractor_is_refused_and_nothing_is_declared(client_for, buyer, vendors):
    contract = ContractFactory(notified=True)
    client = client_for(buyer)
    assert declare(client, contract, vendor_search="").context["form"].errors["vendor"] == [
        "Tapez quelques lettres puis choisissez parmi les suggestions."]
    [message] = declare(client, contract, vendor_search="lectura").context["form"].errors["vendor"]
    assert message.startswith("Plusieurs fournisseurs correspondent à « lectura » (Lectura Conseil")
    assert not Subcontract.objects.exists()


def test_the_holder_typed_as_subcontractor_gets_the_services_refusal_on_the_field(client_for, buyer):
    contract = ContractFactory(notified=True)
    response = declare(client_for(buyer), contract, vendor_search=contract.holder.siret)
    assert response.context["form"].errors["vendor"] == ["Un titulaire du marché n'est pas son propre sous-traitant."]
    assert not Subcontract.objects.exists()
