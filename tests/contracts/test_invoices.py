from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from procurement.contracts.models import Invoice
from procurement.contracts.rules import payments
from procurement.contracts.services.invoices import (
    invoice_accept_service,
    invoice_interrupt,
    invoice_pay,
    invoice_receive,
    invoice_resume,
)
from tests.contracts.factories import ContractFactory

TODAY = date(2026, 11, 25)


@pytest.fixture
def contract(db):
    return ContractFactory(notified=True, start_date=date(2025, 1, 6))


def receive(contract, buyer, *, received_on, service_done_on=None, lines=((Decimal("20"), Decimal("10000.00")),),
            number="F-001"):
    return invoice_receive(contract=contract, number=number, issued_on=received_on, received_on=received_on,
                           lines=lines, service_done_on=service_done_on, by=buyer, today=TODAY)


def test_deadline_is_thirty_calendar_days_from_receipt_when_service_done_before():
    assert payments.payment_deadline(received_on=date(2026, 3, 10), service_done_on=date(2026, 3, 5),
                                     days=30) == date(2026, 4, 9)


def test_deadline_runs_from_service_done_when_it_comes_later():
    assert payments.payment_deadline(received_on=date(2026, 3, 10), service_done_on=date(2026, 3, 25),
                                     days=30) == date(2026, 4, 24)


def test_deadline_does_not_move_to_a_working_day():
    # 30 days after 02/11/2025 is Tuesday 02/12/2025; after 25/11/2026 it is Christmas Day, kept as is.
    assert payments.payment_deadline(received_on=date(2026, 11, 25), service_done_on=None,
                                     days=30) == date(2026, 12, 25)


def test_invoice_totals_per_vat_rate(contract, buyer):
    invoice = receive(contract, buyer, received_on=date(2026, 3, 10),
                      lines=[(Decimal("5.5"), Decimal("1000.00")), (Decimal("20"), Decimal("250.50"))])
    assert invoice.total_ht == Decimal("1250.50")
    assert invoice.total_ttc == Decimal("1055.00") + Decimal("300.60")
    assert [line.amount_ttc for line in invoice.lines.order_by("vat_rate")] == [Decimal("1055.00"), Decimal("300.60")]


def test_service_done_recorded_later_moves_the_deadline(contract, buyer):
    invoice = receive(contract, buyer, received_on=date(2026, 3, 10))
    assert invoice.payment_deadline == date(2026, 4, 9)
    invoice = invoice_accept_service(invoice=invoice, on=date(2026, 3, 25), by=buyer, today=TODAY)
    assert invoice.payment_deadline == date(2026, 4, 24)


def test_interruption_stops_the_deadline_and_resumption_opens_thirty_new_days(contract, buyer):
    invoice = receive(contract, buyer, received_on=date(2026, 3, 10), service_done_on=date(2026, 3, 5))
    invoice = invoice_interrupt(invoice=invoice, on=date(2026, 3, 20), reason="Numéro d'engagement absent",
                                by=buyer, today=TODAY)
    assert invoice.payment_deadline is None
    assert invoice.get_status_display() == "Délai suspendu (pièce manquante)"
    invoice = invoice_resume(invoice=invoice, on=date(2026, 3, 31), by=buyer, today=TODAY)
    # 20 days were left on 20/03: a new 30-day deadline opens on 31/03 (R.2192-29).
    assert invoice.payment_deadline == date(2026, 4, 30)


def test_resumption_keeps_a_balance_longer_than_thirty_days():
    assert payments.payment_deadline(received_on=date(2026, 3, 10), service_done_on=date(2026, 4, 20), days=30,
                                     interrupted_on=date(2026, 3, 20), resumed_on=date(2026, 3, 31)) \
        == date(2026, 5, 31)


def test_the_deadline_is_interrupted_only_once(contract, buyer):
    invoice = receive(contract, buyer, received_on=date(2026, 3, 10), service_done_on=date(2026, 3, 5))
    invoice = invoice_interrupt(invoice=invoice, on=date(2026, 3, 20), reason="RIB manquant", by=buyer, today=TODAY)
    invoice = invoice_resume(invoice=invoice, on=date(2026, 3, 31), by=buyer, today=TODAY)
    with pytest.raises(ValidationError, match="qu'une fois"):
        invoice_interrupt(invoice=invoice, on=date(2026, 4, 2), reason="Autre", by=buyer, today=TODAY)
    assert Invoice.objects.get(pk=invoice.pk).interrupted_on == date(2026, 3, 20)


def test_interruption_after_the_deadline_is_refused(contract, buyer):
    invoice = receive(contract, buyer, received_on=date(2026, 3, 10), service_done_on=date(2026, 3, 5))
    with pytest.raises(ValidationError, match="09/04/2026"):
        invoice_interrupt(invoice=invoice, on=date(2026, 4, 10), reason="RIB manquant", by=buyer, today=TODAY)


def test_late_interest_uses_the_rate_of_the_half_year_where_it_starts_for_the_whole_delay():
    # Deadline 20/06/2025, paid 20/07/2025: 30 days, 10 in H1 2025 and 20 in H2 2025, all at the H1 rate.
    late = payments.late_interest(amount_ttc=Decimal("12000.00"), deadline=date(2025, 6, 20),
                                  paid_on=date(2025, 7, 20), ecb_rate=Decimal("3.15"), margin=Decimal("8"),
                                  compensation=Decimal("40"))
    assert (late.days, late.rate_date, late.rate) == (30, date(2025, 1, 1), Decimal("11.15"))
    assert late.interest == Decimal("109.97")  # 12 000 × 11,15 % × 30 / 365
    assert late.total == Decimal("149.97")


def test_paying_late_computes_interest_from_the_reference_data(contract, buyer, finance_user):
    invoice = receive(contract, buyer, received_on=date(2025, 5, 21), service_done_on=date(2025, 5, 15))
    assert invoice.payment_deadline == date(2025, 6, 20)
    invoice = invoice_pay(invoice=invoice, on=date(2025, 7, 20), by=finance_user, today=TODAY)
    assert invoice.late_days == 30
    assert invoice.late_interest_rate == Decimal("11.15")  # 3,15 % on 01/01/2025 + 8, not H2's 10,15 %
    assert invoice.late_interest_rate_date == date(2025, 1, 1)
    assert invoice.late_interest == Decimal("109.97")
    assert invoice.late_compensation == Decimal("40.00")


def test_delay_starting_in_the_second_half_year_takes_its_rate(contract, buyer, finance_user):
    invoice = receive(contract, buyer, received_on=date(2025, 6, 1), service_done_on=date(2025, 6, 1))
    assert invoice.payment_deadline == date(2025, 7, 1)
    invoice = invoice_pay(invoice=invoice, on=date(2025, 7, 31), by=finance_user, today=TODAY)
    assert (invoice.late_days, invoice.late_interest_rate) == (30, Decimal("10.15"))
    assert invoice.late_interest == Decimal("100.11")  # 12 000 × 10,15 % × 30 / 365 = 100,109…


def test_paying_on_time_owes_nothing(contract, buyer, finance_user):
    invoice = receive(contract, buyer, received_on=date(2026, 3, 10), service_done_on=date(2026, 3, 5))
    invoice = invoice_pay(invoice=invoice, on=date(2026, 4, 9), by=finance_user, today=TODAY)
    assert (invoice.late_days, invoice.late_interest, invoice.late_compensation) == (0, Decimal("0"), Decimal("0"))


def test_payment_needs_the_service_done(contract, buyer, finance_user):
    invoice = receive(contract, buyer, received_on=date(2026, 3, 10))
    with pytest.raises(ValidationError, match="service fait"):
        invoice_pay(invoice=invoice, on=date(2026, 3, 20), by=finance_user, today=TODAY)
    assert Invoice.objects.get(pk=invoice.pk).paid_on is None


def test_bad_amounts_name_the_line_and_store_nothing(contract, buyer):
    with pytest.raises(ValidationError, match="Ligne 2"):
        receive(contract, buyer, received_on=date(2026, 3, 10),
                lines=[(Decimal("20"), Decimal("100")), (Decimal("20"), Decimal("-5"))])
    assert not Invoice.objects.exists()


def test_an_unsigned_contract_receives_no_invoice(buyer):
    contract = ContractFactory()
    with pytest.raises(ValidationError, match="non signé"):
        receive(contract, buyer, received_on=date(2026, 3, 10))


def test_admin_lists_invoices_read_only(contract, buyer, staff_user, client_for):
    receive(contract, buyer, received_on=date(2026, 3, 10))
    client = client_for(staff_user)
    response = client.get("/admin/contracts/invoice/")
    assert response.status_code == 200 and "F-001" in response.content.decode()
    assert client.get("/admin/contracts/invoice/add/").status_code == 403
