"""The grower behind ``bench/scale.py``, at a tiny fraction: it keeps every constraint and rule, adds only
what a larger fraction lacks, and draws the same rows from the same seed."""

from decimal import Decimal

import pytest
from django.db import transaction
from stdnum.fr import siret

from procurement.contracts.models import Contract, Invoice, InvoiceLine, PurchaseOrder
from procurement.demo.loaders.scale import grow
from procurement.programmes.models import BudgetLine, Programme
from procurement.tenders.models import Bid, Lot, Tender
from procurement.vendors.models import Vendor
from tests.clock import DEMO_TODAY

pytestmark = pytest.mark.django_db


def grown(model, **filters):
    return model.objects.filter(**filters).order_by("pk")


def digest() -> list[tuple]:
    return list(Invoice.objects.filter(contract__reference__startswith="MG").order_by("pk").values_list(
        "contract__reference", "number", "issued_on", "total_ttc", "paid_on"))


def test_a_tiny_fraction_respects_every_rule_of_the_models(demo):
    growth = grow(fraction=0.004, today=DEMO_TODAY, seed=23)

    tenders = grown(Tender, reference__startswith="MG")
    assert tenders.count() == 12 == growth.added["tenders"]
    assert all(2 <= tender.lots.count() <= 6 for tender in tenders)
    assert Contract.objects.filter(reference__startswith="MG").exists()
    assert PurchaseOrder.objects.filter(contract__reference__startswith="MG").exists()
    assert growth.added["invoices"] == growth.added["invoice_lines"] > 0
    contracts = Contract.objects.filter(reference__startswith="MG").select_related("lot__tender__programme")
    samples = [*tenders[:5], *grown(Lot, tender__reference__startswith="MG")[:10], *contracts[:10],
               *grown(Bid, lot__tender__reference__startswith="MG")[:10],
               *grown(Invoice, contract__reference__startswith="MG")[:20], *grown(Vendor, notes__contains="bench")[:5],
               *grown(Programme, reference__startswith="PRG-")[:5], *grown(BudgetLine, label__contains="ligne")[:5]]
    for row in samples:
        row.full_clean()  # the models' own checks, beyond what the database enforces
    assert all(siret.is_valid(vendor.siret) for vendor in Vendor.objects.exclude(siret=""))
    for invoice in grown(Invoice, contract__reference__startswith="MG").prefetch_related("lines"):
        assert invoice.received_on <= DEMO_TODAY and invoice.total_ht == sum(
            (line.amount_ht for line in invoice.lines.all()), Decimal("0"))
    for contract in contracts:
        assert contract.lot.winner.vendor_id == contract.holder_id
        assert contract.budget_line is None or contract.budget_line.programme_id == contract.lot.tender.programme_id


def test_growing_again_adds_only_what_the_larger_fraction_lacks(demo):
    grow(fraction=0.002, today=DEMO_TODAY, seed=23)
    first = digest()

    assert grow(fraction=0.002, today=DEMO_TODAY, seed=23).added == {}
    more = grow(fraction=0.004, today=DEMO_TODAY, seed=23)

    assert more.added["tenders"] == 6
    assert digest()[:len(first)] == first
    assert InvoiceLine.objects.filter(invoice__contract__reference__startswith="MG").count() == len(digest())


def test_the_same_seed_grows_the_same_rows(demo):
    with transaction.atomic():
        grow(fraction=0.002, today=DEMO_TODAY, seed=23)
        first = digest()
        transaction.set_rollback(True)
    grow(fraction=0.002, today=DEMO_TODAY, seed=23)

    assert digest() == first != []
