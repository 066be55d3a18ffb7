from datetime import date
from decimal import Decimal
from pathlib import Path

from django.conf import settings

from procurement.contracts.models import Contract, Invoice
from tests.clock import load_demo


def test_demo_invoices_load_twice_with_one_suspended_and_one_paid_late(demo):
    count = Invoice.objects.count()
    load_demo("--format", "json")
    assert Invoice.objects.count() == count >= 6
    late = Invoice.objects.get(number="PORT-2025-014")
    assert (late.payment_deadline, late.late_days, late.late_interest) == (date(2025, 11, 2), 19, Decimal("850.86"))
    assert Invoice.objects.filter(interrupted_on__isnull=False).count() >= 1
    portal = Contract.objects.get(reference="BNM-2024-01-L1")
    assert portal.maintenance_budget_line.label == "Maintenance du portail"
    assert (Path(settings.BASE_DIR) / "fixtures" / "bnm" / "invoices.json").exists()
