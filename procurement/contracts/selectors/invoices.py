"""Reads on invoices: the list with its filters and the rate each late interest uses, the invoices near
their payment deadline and the late interest paid (the finance page and the to-dos watch them)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from procurement.contracts.models import Contract, Invoice
from procurement.core.enums import ReferenceKind
from procurement.core.selectors import Unconfirmed


def invoice_list(*, status: str = "", contract: Contract | None = None) -> QuerySet[Invoice]:
    invoices = Invoice.objects.select_related("contract__holder", "order")
    if contract is not None:
        invoices = invoices.filter(contract=contract)
    if status == "unpaid":
        invoices = invoices.unpaid()
    elif status == "paid":
        invoices = invoices.filter(paid_on__isnull=False)
    elif status == "late":
        invoices = invoices.paid_late()
    elif status == "interrupted":
        invoices = invoices.unpaid().filter(interrupted_on__isnull=False, resumed_on__isnull=True)
    return invoices.order_by("-received_on", "number")


def with_rate_confirmation(invoices: Iterable) -> list:
    """The invoices, each with ``rate_unconfirmed``: its late interest uses an ECB rate entered « à
    confirmer » (one query for the whole list)."""
    unconfirmed = Unconfirmed(ReferenceKind.ECB_MAIN_RATE)
    invoices = list(invoices)
    for invoice in invoices:
        invoice.rate_unconfirmed = bool(invoice.late_days) and unconfirmed.at(invoice.late_interest_rate_date)
    return invoices


def invoices_near_deadline(*, today: date | None = None, days: int = 10) -> QuerySet[Invoice]:
    """Unpaid invoices whose deadline falls within ``days`` days, or has passed."""
    today = today or timezone.localdate()
    return (Invoice.objects.unpaid().filter(payment_deadline__isnull=False,
                                            payment_deadline__lte=today + timedelta(days=days))
            .select_related("contract__holder").order_by("payment_deadline", "pk"))


def late_interest_paid(*, year: int | None = None) -> QuerySet[Invoice]:
    invoices = Invoice.objects.paid_late().select_related("contract__holder").order_by("-paid_on", "pk")
    return invoices.filter(paid_on__year=year) if year else invoices
