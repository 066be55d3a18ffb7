"""Every contract service checks the acting user's ability before writing: the roles the pages refuse
are refused by the service too, in French, and nothing is stored."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from procurement.contracts.enums import AmendmentBasis, RenewalDecisionKind
from procurement.contracts.models import (
    Amendment,
    IndexSeries,
    IndexValue,
    Invoice,
    PriceRevisionClause,
    PurchaseOrder,
    RenewalDecision,
    Subcontract,
)
from procurement.contracts.services.amendments import amendment_create
from procurement.contracts.services.indices import index_value_set, revision_clause_save, series_create
from procurement.contracts.services.invoices import invoice_receive
from procurement.contracts.services.orders import order_create
from procurement.contracts.services.renewals import renewal_decide
from procurement.contracts.services.subcontracts import subcontract_declare
from tests.contracts.factories import ContractFactory, IndexSeriesFactory
from tests.factories import UserFactory
from tests.vendors.factories import VendorFactory

pytestmark = pytest.mark.django_db


def _order(contract, by):
    order_create(contract=contract, ordered_on=date(2026, 3, 10), amount_ht=Decimal("1000.00"),
                 description="Crédits de prêt", by=by)


def _amendment(contract, by):
    amendment_create(contract=contract, basis=AmendmentBasis.DE_MINIMIS, object="Ajustement",
                     amount_change_ht=Decimal("1000.00"), signed_on=date(2026, 4, 1), by=by)


def _renewal(contract, by):
    renewal_decide(contract=contract, decision=RenewalDecisionKind.REFUSE, reason="Usage trop faible.",
                   today=date(2026, 6, 1), by=by)


def _subcontract(contract, by):
    subcontract_declare(contract=contract, vendor=VendorFactory(siret="73282932000074"), services="Hébergement",
                        amount_ttc=Decimal("12000.00"), declared_on=date(2026, 3, 20), by=by)


def _series(contract, by):
    series_create(code="TP01", name="Index TP01", by=by)


def _index_value(contract, by):
    index_value_set(series=IndexSeriesFactory(), month=date(2026, 1, 1), value=Decimal("130.2"), by=by)


def _clause(contract, by):
    revision_clause_save(contract=ContractFactory(), series=IndexSeriesFactory(), base_month=date(2025, 6, 1), by=by)


def _invoice(contract, by):
    invoice_receive(contract=contract, number="F-001", issued_on=date(2026, 3, 12), received_on=date(2026, 3, 13),
                    lines=[(Decimal("20"), Decimal("1000.00"))], today=date(2026, 4, 1), by=by)


WRITES = {
    _order: PurchaseOrder, _amendment: Amendment, _renewal: RenewalDecision, _subcontract: Subcontract,
    _series: IndexSeries, _index_value: IndexValue, _clause: PriceRevisionClause, _invoice: Invoice,
}


ROLES = {"finance": {"finance": True}, "evaluator": {"evaluator": True}, "none": {}}
# Finance officers handle invoices: only the other roles are refused there.
CASES = [(write, role) for write in WRITES for role in ROLES if not (write is _invoice and role == "finance")]


@pytest.mark.parametrize(("write", "role"), CASES, ids=[f"{w.__name__.strip('_')}-{r}" for w, r in CASES])
def test_a_role_without_the_ability_is_refused_and_nothing_is_written(write, role):
    contract = ContractFactory(framework=True, notified=True)
    model = WRITES[write]
    before = model.objects.count()
    with pytest.raises(PermissionDenied) as refused:
        write(contract, UserFactory(**ROLES[role]))
    assert str(refused.value).startswith("Seuls les ")
    assert model.objects.count() == before


def test_a_buyer_does_not_pay_an_invoice_the_finance_officer_pays(buyer, finance_user):
    from procurement.contracts.services.invoices import invoice_accept_service, invoice_pay

    contract = ContractFactory(notified=True, start_date=date(2025, 1, 6))
    invoice = invoice_receive(contract=contract, number="F-002", issued_on=date(2025, 3, 1),
                              received_on=date(2025, 3, 3), lines=[(Decimal("20"), Decimal("1000.00"))], by=buyer)
    invoice = invoice_accept_service(invoice=invoice, on=date(2025, 3, 3), by=buyer)
    with pytest.raises(PermissionDenied):
        invoice_pay(invoice=invoice, on=date(2025, 3, 20), by=buyer)
    invoice.refresh_from_db()
    assert invoice.paid_on is None
    paid = invoice_pay(invoice=invoice, on=date(2025, 3, 20), by=finance_user)
    assert paid.paid_on == date(2025, 3, 20)
