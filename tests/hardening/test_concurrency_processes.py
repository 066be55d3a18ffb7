"""Real concurrency between separate processes (as several gunicorn workers would run), on
PostgreSQL: orders that together exceed a framework's yearly maximum, and one contract transition
tried by every process at once. Exactly the allowed ones succeed, the others get a French refusal,
nothing is lost or doubled."""

import multiprocessing
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from procurement.contracts.models import ContractTransitionLog, PurchaseOrder
from procurement.contracts.selectors.contracts import consumption
from procurement.contracts.services.orders import order_create
from procurement.contracts.services.transitions import TransitionRefused, contract_transition
from tests.contracts.factories import ContractFactory
from tests.factories import UserFactory

PROCESSES = 10
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(scope="module", autouse=True)
def restore_migrated_data(django_db_blocker):
    """A transactional test empties the database: put the migrated data back for the tests after."""
    yield
    contents = getattr(connection, "_test_serialized_contents", None)
    if contents:
        with django_db_blocker.unblock():
            connection.creation.deserialize_db_from_string(contents)


def _child(attempt, index, barrier, results):
    try:
        barrier.wait(timeout=60)
        results.put((index, attempt(index)))
    except Exception as error:  # reported to the parent, which fails the test with it
        results.put((index, f"exception {type(error).__name__}: {error}"))
    finally:
        connections.close_all()


def run_in_processes(attempt) -> list[str]:
    """Runs ``attempt(index)`` in PROCESSES forked processes released together; returns the outcomes."""
    connections.close_all()  # each child opens its own connection
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(PROCESSES), context.Queue()
    processes = [context.Process(target=_child, args=(attempt, index, barrier, results))
                 for index in range(PROCESSES)]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=120) for _ in processes]
    for process in processes:
        process.join(timeout=60)
    assert all(process.exitcode == 0 for process in processes)
    return [outcome for _index, outcome in sorted(outcomes)]


def test_orders_from_ten_processes_stop_exactly_at_the_yearly_maximum():
    buyer = UserFactory(username="acheteur-processus", buyer=True)
    contract = ContractFactory(framework=True, notified=True)  # 120 000 € HT for the yearly period

    def attempt(index):
        try:
            order = order_create(contract=contract, ordered_on=date(2026, 4, 1), amount_ht=Decimal("15000.00"),
                                 description=f"Commande du processus {index}", by=buyer)
            return f"ok {order.number}"
        except ValidationError as refused:
            return refused.messages[0]

    outcomes = run_in_processes(attempt)  # 10 × 15 000 = 150 000 € HT asked, 120 000 allowed
    accepted = [outcome for outcome in outcomes if outcome.startswith("ok")]
    assert len(accepted) == 8, outcomes
    assert all("au-delà de son maximum" in outcome for outcome in outcomes if not outcome.startswith("ok"))
    orders = PurchaseOrder.objects.filter(contract=contract)
    assert sorted(orders.values_list("number", flat=True)) == list(range(1, 9))  # none lost, none doubled
    assert sorted(int(outcome.split()[1]) for outcome in accepted) == list(range(1, 9))
    assert consumption(contract).consumed_ht == Decimal("120000.00")


def test_one_contract_transition_from_ten_processes_happens_once():
    buyer = UserFactory(username="acheteur-signature-processus", buyer=True)
    contract = ContractFactory()

    def attempt(index):
        try:
            contract_transition(contract=contract, name="sign", by=buyer, on=date(2026, 2, 2))
            return "ok"
        except TransitionRefused as refused:
            return refused.reasons[0]

    outcomes = run_in_processes(attempt)
    assert outcomes.count("ok") == 1, outcomes
    assert all("a changé d'état entre-temps" in outcome for outcome in outcomes if outcome != "ok")
    assert ContractTransitionLog.objects.filter(contract=contract).count() == 1
    contract.refresh_from_db()
    assert contract.state == "signed" and contract.signed_on == date(2026, 2, 2)
