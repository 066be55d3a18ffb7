from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from procurement.contracts.models import PurchaseOrder
from procurement.contracts.selectors.contracts import consumption
from procurement.contracts.services.amendments import amendment_create
from procurement.contracts.services.orders import order_create
from procurement.contracts.services.transitions import renew_due_contracts
from tests.contracts.factories import ContractFactory

pytestmark = pytest.mark.django_db


def order(contract, day, amount, by):
    return order_create(contract=contract, ordered_on=day, amount_ht=Decimal(amount), description="Crédits de prêt",
                        by=by)


def refused(contract, day, amount, by) -> str:
    with pytest.raises(ValidationError) as error:
        order(contract, day, amount, by)
    return " ".join(message for messages in error.value.message_dict.values() for message in messages)


@pytest.fixture
def framework():
    """120 000 € HT per yearly period from 02/03/2026, 480 000 € HT over four years."""
    return ContractFactory(framework=True, notified=True)


def test_orders_are_numbered_and_consumed_per_period_and_in_total(framework, buyer):
    first = order(framework, date(2026, 3, 10), "45000.00", buyer)
    second = order(framework, date(2026, 9, 1), "30000.00", buyer)
    assert (first.number, second.number, second.vat_rate) == (1, 2, Decimal("20.00"))
    assert second.amount_ttc == Decimal("36000.00")
    usage = consumption(framework)
    [period] = usage.periods
    assert (period.consumed_ht, period.maximum_ht, period.remaining_ht, period.order_count) == (
        Decimal("75000.00"), Decimal("120000.00"), Decimal("45000.00"), 2)
    assert (usage.consumed_ht, usage.maximum_ht, usage.remaining_ht) == (
        Decimal("75000.00"), Decimal("480000.00"), Decimal("405000.00"))


def test_an_order_beyond_the_period_maximum_is_refused_and_not_saved(framework, buyer):
    order(framework, date(2026, 3, 10), "100000.00", buyer)
    assert refused(framework, date(2026, 4, 10), "20000.01", buyer) == (
        "Ce bon de commande de 20\u00a0000,01\u00a0€ HT porterait les commandes de la période du 02/03/2026 au "
        "01/03/2027 à 120\u00a0000,01\u00a0€ HT, au-delà de son maximum (120\u00a0000,00\u00a0€ HT) : il reste "
        "20\u00a0000,00\u00a0€ HT sur cette période.")
    assert PurchaseOrder.objects.filter(contract=framework).count() == 1
    assert order(framework, date(2026, 4, 10), "20000.00", buyer).number == 2  # exactly the maximum


def test_an_order_beyond_the_total_maximum_is_refused(buyer):
    contract = ContractFactory(framework=True, notified=True, yearly_maximum_ht=None, maximum_ht=Decimal("50000.00"))
    order(contract, date(2026, 3, 10), "45000.00", buyer)
    message = refused(contract, date(2026, 3, 11), "5000.01", buyer)
    assert message.startswith("Ce bon de commande de 5\u00a0000,01\u00a0€ HT porterait les commandes à "
                              "50\u00a0000,01\u00a0€ HT, au-delà du maximum de l'accord-cadre")
    assert message.endswith("il reste 5\u00a0000,00\u00a0€ HT.")


def test_each_renewal_opens_a_new_yearly_maximum(framework, buyer):
    order(framework, date(2026, 3, 10), "120000.00", buyer)
    assert "hors de l'exécution en cours" in refused(framework, date(2027, 3, 2), "1000.00", buyer)
    renew_due_contracts(today=date(2027, 3, 2))
    framework.refresh_from_db()
    order(framework, date(2027, 3, 2), "110000.00", buyer)
    assert [(row.consumed_ht, row.remaining_ht) for row in consumption(framework).periods] == [
        (Decimal("120000.00"), Decimal("0.00")), (Decimal("110000.00"), Decimal("10000.00"))]


def test_an_amendment_raises_the_maximums(framework, buyer):
    order(framework, date(2026, 3, 10), "120000.00", buyer)
    amendment_create(contract=framework, basis="R2194-8", object="Bouquet jeunesse", signed_on=date(2026, 5, 1),
                     amount_change_ht=Decimal("18000.00"), yearly_maximum_change_ht=Decimal("6000.00"), by=buyer)
    assert order(framework, date(2026, 5, 2), "6000.00", buyer).number == 2
    assert consumption(framework).maximum_ht == Decimal("498000.00")


def test_only_an_executing_framework_takes_orders(buyer):
    with pytest.raises(ValidationError, match="Seul un accord-cadre"):
        order(ContractFactory(notified=True), date(2026, 3, 10), "1000", buyer)
    with pytest.raises(ValidationError, match="notifié ou reconduit"):
        order(ContractFactory(framework=True), date(2026, 3, 10), "1000", buyer)
