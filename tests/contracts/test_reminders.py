from datetime import date
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command

from procurement.contracts.enums import ReminderKind
from procurement.contracts.models import SentReminder
from procurement.contracts.services.invoices import invoice_receive
from procurement.contracts.services.reminders import send_reminders
from procurement.vendors.enums import ComplianceKind
from procurement.vendors.models import ComplianceDocument
from tests.contracts.factories import ContractFactory

TODAY = date(2026, 4, 1)


@pytest.fixture
def due(db, buyer, finance_user):
    buyer.email, finance_user.email = "acheteur@metropole.example", "finances@metropole.example"
    buyer.save(), finance_user.save()
    # Notified framework from 02/03/2026, tacit renewal: decision before 01/12/2026 (end 01/03/2027 - 3 months).
    framework = ContractFactory(framework=True, notified=True)
    contract = ContractFactory(notified=True, start_date=date(2026, 1, 5))
    invoice = invoice_receive(contract=contract, number="F-9", issued_on=date(2026, 3, 5), received_on=date(2026, 3, 6),
                              service_done_on=date(2026, 3, 1), lines=[(Decimal("20"), Decimal("1000.00"))], by=buyer,
                              today=TODAY)
    ComplianceDocument.objects.create(vendor=contract.holder, kind=ComplianceKind.URSSAF_VIGILANCE,
                                      issued_on=date(2025, 10, 10), expires_on=date(2026, 4, 10))
    return framework, invoice


def test_reminders_are_sent_once_per_object_and_deadline(due):
    _, invoice = due
    first = send_reminders(today=TODAY, days=10)
    assert invoice.payment_deadline == date(2026, 4, 5)
    assert sorted(r.kind for r in first.sent) == [ReminderKind.ATTESTATION_EXPIRY, ReminderKind.PAYMENT_DEADLINE]
    assert len(mail.outbox) == 2
    assert "05/04/2026" in next(m.subject for m in mail.outbox if "F-9" in m.subject)
    assert next(m for m in mail.outbox if "F-9" in m.subject).to == ["finances@metropole.example"]
    second = send_reminders(today=date(2026, 4, 2), days=10)
    assert (len(second.sent), second.already_sent) == (0, 2)
    assert len(mail.outbox) == 2
    assert SentReminder.objects.count() == 2


def test_renewal_decision_reminder_within_the_horizon(due):
    run = send_reminders(today=date(2026, 11, 20), days=15)
    assert [(r.kind, r.deadline) for r in run.sent] == [(ReminderKind.RENEWAL_DECISION, date(2026, 12, 1))]
    assert "acheteur@metropole.example" in mail.outbox[0].to


def test_command_twice_sends_nothing_the_second_time(due, capsys):
    call_command("send_reminders", "--days", "10", "--date", "2026-04-01", "--format", "json")
    call_command("send_reminders", "--days", "10", "--date", "2026-04-01")
    out = capsys.readouterr().out
    assert "0 rappel(s) envoyé(s), 2 déjà envoyé(s)" in out
    assert len(mail.outbox) == 2
