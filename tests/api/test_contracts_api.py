from datetime import date
from decimal import Decimal

import pytest

from procurement.contracts.enums import ContractState
from procurement.contracts.models import Contract, PurchaseOrder
from tests.clock import DEMO_NOW
from tests.contracts.factories import ContractFactory

pytestmark = pytest.mark.django_db


def test_finance_reads_a_contract_with_its_amounts(api_for, finance_user):
    contract = ContractFactory(reference="MAR-API-1")
    data = api_for(finance_user).get("/api/contracts/MAR-API-1/").json()
    assert (data["initial_amount_ht"], data["state"], data["abilities"]["drive"]) == ("98000.00", "to_sign", False)
    assert data["tender"] == contract.lot.tender.reference


def test_finance_cannot_move_a_contract(api_for, finance_user):
    ContractFactory(reference="MAR-API-2")
    response = api_for(finance_user).post("/api/contracts/MAR-API-2/transition/", {"transition": "sign"},
                                          format="json")
    assert response.status_code == 403
    assert Contract.objects.get(reference="MAR-API-2").state == ContractState.TO_SIGN


def test_an_evaluator_sees_no_contract(api_for, evaluator):
    ContractFactory(reference="MAR-API-3")
    api = api_for(evaluator)
    assert api.get("/api/contracts/").status_code == 403
    assert api.get("/api/contracts/MAR-API-3/").status_code == 403


@pytest.mark.freeze_time(DEMO_NOW)
def test_a_refused_contract_transition_is_a_409_with_the_reason(api_for, buyer):
    ContractFactory(reference="MAR-API-4")
    response = api_for(buyer).post("/api/contracts/MAR-API-4/transition/", {"transition": "end"}, format="json")
    assert response.status_code == 409
    assert response.json()["reasons"] == [
        "Le marché court jusqu'au 01/03/2027 : il ne peut pas être déclaré échu avant (ou résiliez-le)."]


def test_a_buyer_signs_a_contract_on_a_given_day(api_for, buyer):
    ContractFactory(reference="MAR-API-5")
    response = api_for(buyer).post("/api/contracts/MAR-API-5/transition/",
                                   {"transition": "sign", "on": "2026-02-20"}, format="json")
    assert response.status_code == 200, response.json()
    assert (response.json()["state"], response.json()["signed_on"]) == ("signed", "2026-02-20")


def test_an_order_is_numbered_by_the_service(api_for, buyer):
    ContractFactory(reference="MAR-API-6", framework=True, notified=True)
    response = api_for(buyer).post("/api/orders/", {
        "contract": "MAR-API-6", "ordered_on": "2026-04-01", "amount_ht": "12000.00",
        "description": "Bouquet presse"}, format="json")
    assert response.status_code == 201, response.json()
    assert (response.json()["number"], response.json()["amount_ttc"]) == (1, "14400.00")


def test_an_order_beyond_the_maximum_is_refused_on_its_amount_and_not_saved(api_for, buyer):
    ContractFactory(reference="MAR-API-7", framework=True, notified=True)
    response = api_for(buyer).post("/api/orders/", {
        "contract": "MAR-API-7", "ordered_on": "2026-04-01", "amount_ht": "130000.00",
        "description": "Trop"}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["amount_ht"]
    assert "au-delà de son maximum" in response.json()["amount_ht"][0]
    assert not PurchaseOrder.objects.exists()


def test_an_order_on_a_contract_that_is_not_a_framework_is_refused(api_for, buyer):
    ContractFactory(reference="MAR-API-8", notified=True)
    response = api_for(buyer).post("/api/orders/", {
        "contract": "MAR-API-8", "ordered_on": "2026-04-01", "amount_ht": "10.00", "description": "Non"},
        format="json")
    assert response.status_code == 403


@pytest.mark.parametrize("size", [1, 4])
def test_the_contract_list_runs_a_constant_number_of_queries(api_for, finance_user, django_assert_num_queries,
                                                             size):
    for _ in range(size):
        ContractFactory(amount_ht=Decimal("50000.00"), start_date=date(2026, 3, 2))
    api = api_for(finance_user)
    api.get("/api/contracts/")
    with django_assert_num_queries(3):  # the count, the page, the co-holders
        response = api.get("/api/contracts/")
    assert response.json()["count"] == size
