"""Real concurrency, on PostgreSQL: the contract's row lock serialises simultaneous orders and
transitions; none is lost, none exceeds the maximum."""

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from procurement.contracts.models import ContractTransitionLog, PurchaseOrder
from procurement.contracts.services.orders import order_create
from procurement.contracts.services.transitions import TransitionRefused, contract_transition
from tests.contracts.factories import ContractFactory
from tests.factories import UserFactory

ATTEMPTS = 8


@pytest.fixture(scope="module", autouse=True)
def restore_migrated_data(django_db_blocker):
    """A transactional test ends by emptying the database: put the migrated data (groups, reference
    values) back for the transactional tests that follow."""
    yield
    contents = getattr(connection, "_test_serialized_contents", None)
    if contents:
        with django_db_blocker.unblock():
            connection.creation.deserialize_db_from_string(contents)


def run_at_once(attempt) -> list:
    barrier = threading.Barrier(ATTEMPTS)
    outcomes = []

    def worker(index):
        try:
            barrier.wait()
            outcomes.append(attempt(index))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(index,)) for index in range(ATTEMPTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_orders_never_exceed_the_yearly_maximum():
    buyer = UserFactory(username="acheteur-commandes", buyer=True)
    contract = ContractFactory(framework=True, notified=True)  # 120 000 € HT for the period

    def attempt(index):
        try:
            order_create(contract=contract, ordered_on=date(2026, 4, 1), amount_ht=Decimal("20000.00"),
                         description=f"Commande simultanée {index}", by=buyer)
            return "ok"
        except ValidationError as refused:
            return refused.messages[0]

    outcomes = run_at_once(attempt)  # 8 × 20 000 = 160 000 € HT asked, 120 000 allowed
    assert len(outcomes) == ATTEMPTS
    assert outcomes.count("ok") == 6
    assert all("au-delà de son maximum" in outcome for outcome in outcomes if outcome != "ok")
    orders = PurchaseOrder.objects.filter(contract=contract)
    assert sum(order.amount_ht for order in orders) == Decimal("120000.00")
    assert sorted(orders.values_list("number", flat=True)) == [1, 2, 3, 4, 5, 6]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_signatures_succeed_exactly_once():
    buyer = UserFactory(username="acheteur-signature", buyer=True)
    contract = ContractFactory()

    def attempt(index):
        try:
            contract_transition(contract=contract, name="sign", by=buyer, on=date(2026, 2, 2))
            return "ok"
        except TransitionRefused as refused:
            return refused.reasons[0]

    outcomes = run_at_once(attempt)
    assert outcomes.count("ok") == 1
    assert all("a changé d'état entre-temps" in outcome for outcome in outcomes if outcome != "ok")
    assert ContractTransitionLog.objects.filter(contract=contract).count() == 1
