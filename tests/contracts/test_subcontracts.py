from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from procurement.contracts.enums import SubcontractStatus
from procurement.contracts.selectors.contracts import decp_fields
from procurement.contracts.services.subcontracts import subcontract_accept, subcontract_declare, subcontract_refuse
from tests.contracts.factories import ContractFactory
from tests.vendors.factories import VendorFactory

pytestmark = pytest.mark.django_db


def declare(contract, amount_ttc, by, *, on=date(2026, 2, 20), vendor=None):
    return subcontract_declare(contract=contract, vendor=vendor or VendorFactory(), services="Hébergement du portail",
                               amount_ttc=Decimal(amount_ttc), declared_on=on, by=by)


def accept(sub, by):
    return subcontract_accept(subcontract=sub, decided_on=date(2026, 3, 5), by=by,
                              payment_terms="Paiement direct sur facture visée par le titulaire, sous 30 jours.")


@pytest.mark.parametrize(("amount_ttc", "direct"), [("600.00", True), ("599.99", False), ("18000.00", True)])
def test_a_subcontractor_from_600_euros_ttc_is_paid_directly(buyer, amount_ttc, direct):
    sub = accept(declare(ContractFactory(notified=True), amount_ttc, buyer), buyer)
    assert (sub.status, sub.direct_payment, sub.decided_on) == (SubcontractStatus.ACCEPTED, direct, date(2026, 3, 5))


def test_acceptance_approves_payment_terms_and_happens_once(buyer):
    sub = declare(ContractFactory(notified=True), "5000.00", buyer)
    with pytest.raises(ValidationError, match="conditions de paiement"):
        subcontract_accept(subcontract=sub, decided_on=date(2026, 3, 5), payment_terms=" ", by=buyer)
    accept(sub, buyer)
    with pytest.raises(ValidationError, match="déjà « Acceptée »"):
        accept(sub, buyer)


def test_a_refusal_is_reasoned(buyer):
    sub = declare(ContractFactory(notified=True), "5000.00", buyer)
    with pytest.raises(ValidationError, match="Motivez"):
        subcontract_refuse(subcontract=sub, decided_on=date(2026, 3, 5), reason="", by=buyer)
    refused = subcontract_refuse(subcontract=sub, decided_on=date(2026, 3, 5), reason="Capacités insuffisantes.",
                                 by=buyer)
    assert (refused.status, refused.direct_payment) == (SubcontractStatus.REFUSED, False)


def test_the_holder_is_not_its_own_subcontractor(buyer):
    contract = ContractFactory(notified=True)
    with pytest.raises(ValidationError) as refused:
        declare(contract, "5000.00", buyer, vendor=contract.holder)
    assert "propre sous-traitant" in refused.value.message_dict["vendor"][0]


def test_the_decp_says_whether_subcontracting_was_declared_at_notification(buyer):
    contract = ContractFactory(notified=True)  # notified on 25/02/2026
    declare(contract, "5000.00", buyer, on=date(2026, 4, 1))
    assert decp_fields(contract)["sousTraitanceDeclaree"] is False
    declare(contract, "5000.00", buyer, on=date(2026, 2, 20))
    fields = decp_fields(contract)
    assert fields["sousTraitanceDeclaree"] is True
    assert (fields["id"], fields["dureeMois"], fields["attributionAvance"], fields["tauxAvance"]) == (
        contract.reference, 12, True, 0.05)
