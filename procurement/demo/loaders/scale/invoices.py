"""The invoices of a grown contract: a lump sum's monthly ones, or those of an order; each received, done,
sometimes interrupted, paid on a drawn day, with its late interest when paid after the deadline."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from procurement.contracts.models import Contract, Invoice, InvoiceLine, PurchaseOrder
from procurement.contracts.rules import payments
from procurement.core.money import round_money, ttc


class InvoicesPart:
    """The invoices of a ``TenderMaker`` (its ``rng``, ``today``, ``key``, ``context``, ``batch``, ``index`` and
    ``grower``'s late interest rates)."""

    def lump_sum_invoices(self, contract: Contract, until: date) -> None:
        every = 2 if self.rng.random() < 0.05 else 1  # monthly, a few every two months
        months = max(1, contract.duration_months)
        amount = round_money(contract.amount_ht * every / months)
        if amount <= 0:
            return
        day = contract.start_date + relativedelta(months=every)
        while day <= until:
            self.invoice(contract, day, amount)
            day += relativedelta(months=every)

    def invoice(self, contract: Contract, issued: date, amount: Decimal, *, order: PurchaseOrder | None = None) -> None:
        rng, today = self.rng, self.today
        if amount <= 0 or issued > today:
            return
        received = min(issued + timedelta(days=rng.randrange(0, 5)), today)
        done = received + timedelta(days=rng.randrange(0, 10))
        done = done if done <= today else None
        interrupted = resumed = None
        if rng.random() < 0.03 and received + timedelta(days=3) <= today:
            interrupted = received + timedelta(days=3)
            resumed = interrupted + timedelta(days=rng.randrange(5, 15))
            resumed = resumed if resumed <= today else None
        deadline = payments.payment_deadline(received_on=received, service_done_on=done, days=30,
                                             interrupted_on=interrupted, resumed_on=resumed)
        paid = None
        if done and deadline and (interrupted is None or resumed):
            paid = max(done, resumed or done) + timedelta(days=rng.choice([5, 10, 15, 20, 25, 28, 35, 45]))
            paid = paid if paid <= today else None
        number = len(self.batch.rows.get(Invoice, ())) + 1
        invoice = self.batch.add(Invoice(
            pk=self.key(Invoice), contract_id=contract.pk, order=order, number=f"F{issued:%Y}-{self.index}-{number}",
            issued_on=issued, is_electronic=rng.random() < 0.95, received_on=received, service_done_on=done,
            interrupted_on=interrupted, resumed_on=resumed,
            interruption_reason="Bon de commande manquant." if interrupted else "", paid_on=paid,
            total_ht=amount, total_ttc=ttc(amount, contract.vat_rate), payment_deadline=deadline,
            by_id=self.context.finance))
        if paid and deadline and paid > deadline:
            rates = self.grower.late_rates(deadline)
            if rates is None:
                invoice.paid_on = deadline
            else:
                late = payments.late_interest(amount_ttc=invoice.total_ttc, deadline=deadline, paid_on=paid,
                                              ecb_rate=rates[0], margin=rates[1], compensation=rates[2])
                invoice.late_days, invoice.late_interest_rate = late.days, late.rate
                invoice.late_interest_rate_date, invoice.late_interest = late.rate_date, late.interest
                invoice.late_compensation = late.compensation
        self.batch.add(InvoiceLine(pk=self.key(InvoiceLine), invoice_id=invoice.pk, vat_rate=contract.vat_rate,
                                   amount_ht=amount))
