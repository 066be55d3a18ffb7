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


def test_the_demo_imports_its_chorus_pro_files_with_their_source(demo):
    from procurement.contracts.models import InvoiceFile

    sources = {item.invoice.number: item for item in InvoiceFile.objects.select_related("invoice__contract")}
    assert {number: (item.syntax, item.invoice.contract.reference, item.invoice.order.number)
            for number, item in sources.items()} == {
        "KIO-2026-001": ("factur-x", "BNM-2024-02-L2", 2),
        "EBK-2026-0004": ("ubl", "BNM-2024-02-L1", 4),
        "EBK-2026-0019": ("cii", "BNM-2024-02-L1", 5)}
    kiosk = sources["KIO-2026-001"].invoice
    assert (kiosk.total_ht, kiosk.received_on, kiosk.is_electronic) == (Decimal("58200.00"), date(2026, 11, 16), True)
    assert sources["KIO-2026-001"].file.read()[:5] == b"%PDF-"
