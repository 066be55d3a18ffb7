"""Invoices: receipt, acceptance of the service (service fait), one interruption of the payment
deadline and its resumption, payment with the late interest computed from the dated reference data.
Each service re-reads the row locked, checks, cleans and saves; the deadline is recomputed from the
invoice's dates every time, never typed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from procurement.contracts.abilities import can_handle_invoices
from procurement.contracts.enums import ContractState
from procurement.contracts.models import Contract, Invoice, InvoiceLine, PurchaseOrder
from procurement.contracts.rules import payments
from procurement.core.enums import ReferenceKind
from procurement.core.legal_calendar import short_date
from procurement.core.models import ReferenceValue
from procurement.core.money import MONEY_LIMIT, round_money, ttc
from procurement.core.permissions import may, require
from procurement.core.selectors import ReferenceValueMissing, reference_days, reference_row

HANDLING_REFUSED = "Seuls les acheteurs et les services financiers traitent les factures."


def _lock(invoice: Invoice) -> Invoice:
    return Invoice.objects.select_for_update(of=("self",)).select_related("contract").get(pk=invoice.pk)


def _not_future(day: date, field: str, today: date) -> None:
    if day > today:
        raise ValidationError({field: f"La date du {short_date(day)} est dans le futur."})


def _reference_error(error: ReferenceValueMissing) -> ValidationError:
    return ValidationError(str(error))


def deadline_for(*, received_on: date, service_done_on: date | None = None, interrupted_on: date | None = None,
                 resumed_on: date | None = None) -> date | None:
    """The payment deadline of an invoice with these dates, by the deadline in force at receipt."""
    try:
        days = reference_days(ReferenceKind.PAYMENT_DEADLINE_DAYS, at=received_on)
    except ReferenceValueMissing as error:
        raise _reference_error(error) from error
    return payments.payment_deadline(received_on=received_on, service_done_on=service_done_on, days=days,
                                     interrupted_on=interrupted_on, resumed_on=resumed_on)


def apply_deadline(invoice: Invoice) -> None:
    """Sets ``payment_deadline`` from the invoice's dates and the deadline in force at receipt."""
    invoice.payment_deadline = deadline_for(received_on=invoice.received_on, service_done_on=invoice.service_done_on,
                                            interrupted_on=invoice.interrupted_on, resumed_on=invoice.resumed_on)


def late_interest_references(*, deadline: date) -> dict[str, ReferenceValue]:
    """The reference rows late interest reads for a payment due on ``deadline``: the ECB rate and the
    margin in force on the first day of the half-year in which interest starts to run, the
    compensation in force the day it starts."""
    runs_from = deadline + timedelta(days=1)
    rate_date = payments.half_year_start(runs_from)
    try:
        return {"ecb": reference_row(ReferenceKind.ECB_MAIN_RATE, at=rate_date),
                "margin": reference_row(ReferenceKind.LATE_INTEREST_MARGIN, at=rate_date),
                "compensation": reference_row(ReferenceKind.LATE_PAYMENT_COMPENSATION, at=runs_from)}
    except ReferenceValueMissing as error:
        raise _reference_error(error) from error


def late_interest_for(*, amount_ttc: Decimal, deadline: date, paid_on: date) -> payments.LateInterest | None:
    """The late interest with the rates in force (see ``late_interest_references``)."""
    rows = late_interest_references(deadline=deadline)
    return payments.late_interest(amount_ttc=amount_ttc, deadline=deadline, paid_on=paid_on,
                                  ecb_rate=rows["ecb"].value, margin=rows["margin"].value,
                                  compensation=rows["compensation"].value)


@dataclass(frozen=True)
class LateInterestSimulation:
    """What the late-interest calculator shows: the invoices' own deadline and interest, and the
    reference rows they used."""

    deadline: date
    paid_on: date
    days_late: int
    rate: Decimal
    rate_date: date
    ecb_rate: Decimal
    margin: Decimal
    interest: Decimal
    indemnity: Decimal
    rate_confirmed: bool
    sources: list[str]

    @property
    def total(self) -> Decimal:
        return round_money(self.interest + self.indemnity)

    def as_dict(self) -> dict:
        return {"deadline": self.deadline.isoformat(), "days_late": self.days_late, "rate": f"{self.rate:.2f}",
                "interest": f"{self.interest:.2f}", "indemnity": f"{self.indemnity:.2f}", "total": f"{self.total:.2f}",
                "rate_confirmed": self.rate_confirmed, "sources": self.sources}


def late_interest_simulation(*, amount_ttc: Decimal, received_on: date, paid_on: date,
                             service_done_on: date | None = None, suspended_from: date | None = None,
                             resumed_on: date | None = None) -> LateInterestSimulation:
    """The deadline, days late, rate, interest and compensation an invoice with these dates and this
    amount would get, by the same functions as a recorded invoice. Bad input: ValidationError naming
    the field."""
    if amount_ttc is None or amount_ttc <= 0:
        raise ValidationError({"amount_ttc": "Le montant TTC doit être strictement positif."})
    if amount_ttc >= MONEY_LIMIT or amount_ttc.as_tuple().exponent < -2:
        raise ValidationError({"amount_ttc": "Le montant TTC doit avoir au plus deux décimales et rester "
                                             "sous le montant maximal géré."})
    if paid_on < received_on:
        raise ValidationError({"paid_on": f"Le paiement du {short_date(paid_on)} précède la réception de la "
                                          f"facture ({short_date(received_on)})."})
    if (suspended_from is None) != (resumed_on is None):
        field = "resumed_on" if suspended_from else "suspended_from"
        raise ValidationError({field: "Une suspension du délai se donne avec sa date de début et sa date de reprise."})
    if suspended_from is not None:
        if suspended_from < received_on:
            raise ValidationError({"suspended_from": f"La suspension du {short_date(suspended_from)} précède la "
                                                     f"réception de la facture ({short_date(received_on)})."})
        if resumed_on < suspended_from:
            raise ValidationError({"resumed_on": f"La reprise du {short_date(resumed_on)} précède la suspension "
                                                 f"({short_date(suspended_from)})."})
    deadline = deadline_for(received_on=received_on, service_done_on=service_done_on, interrupted_on=suspended_from,
                            resumed_on=resumed_on)
    rows = late_interest_references(deadline=deadline)
    late = late_interest_for(amount_ttc=amount_ttc, deadline=deadline, paid_on=paid_on)
    try:
        days_row = reference_row(ReferenceKind.PAYMENT_DEADLINE_DAYS, at=received_on)
    except ReferenceValueMissing as error:
        raise _reference_error(error) from error
    sources = []
    for row in (days_row, rows["ecb"], rows["margin"], rows["compensation"]):
        text = f"{row.get_kind_display()} : {row.value_display} — {row.source}"
        if text not in sources:
            sources.append(text)
    return LateInterestSimulation(
        deadline=deadline, paid_on=paid_on, days_late=late.days if late else 0,
        rate=rows["ecb"].value + rows["margin"].value,
        rate_date=payments.half_year_start(deadline + timedelta(days=1)),
        ecb_rate=rows["ecb"].value, margin=rows["margin"].value,
        interest=late.interest if late else round_money(0), indemnity=late.compensation if late else round_money(0),
        rate_confirmed=rows["ecb"].confirmed and rows["margin"].confirmed, sources=sources)


def _lines(lines: Iterable[tuple[Decimal, Decimal]]) -> list[tuple[Decimal, Decimal]]:
    result, seen = [], set()
    for number, (vat_rate, amount_ht) in enumerate(lines, start=1):
        if amount_ht is None or amount_ht <= 0:
            raise ValidationError({"lines": f"Ligne {number} : le montant HT doit être strictement positif."})
        if vat_rate is None or not (Decimal("0") <= vat_rate <= Decimal("100")):
            raise ValidationError({"lines": f"Ligne {number} : le taux de TVA doit être compris entre 0 et 100 %."})
        if vat_rate in seen:
            raise ValidationError({"lines": f"Ligne {number} : le taux de {vat_rate} % apparaît deux fois ; "
                                            "additionnez les montants."})
        seen.add(vat_rate)
        result.append((Decimal(vat_rate), round_money(amount_ht)))
    if not result:
        raise ValidationError({"lines": "Une facture a au moins un montant HT avec son taux de TVA."})
    return result


@transaction.atomic
def invoice_receive(*, contract: Contract, number: str, issued_on: date, received_on: date,
                    lines: Iterable[tuple[Decimal, Decimal]], by, is_electronic: bool = True,
                    order: PurchaseOrder | None = None, service_done_on: date | None = None,
                    today: date | None = None) -> Invoice:
    """Records an invoice received on a signed contract, with its amounts HT per VAT rate."""
    require(can_handle_invoices(by), HANDLING_REFUSED)
    today = today or timezone.localdate()
    if contract.state == ContractState.TO_SIGN:
        raise ValidationError({"contract": "Un marché non signé ne reçoit pas de facture."})
    if order is not None and order.contract_id != contract.pk:
        raise ValidationError({"order": f"Le bon de commande n° {order.number} relève d'un autre marché."})
    _not_future(received_on, "received_on", today)
    if service_done_on is not None:
        _not_future(service_done_on, "service_done_on", today)
    rows = _lines(lines)
    invoice = Invoice(contract=contract, order=order, number=number.strip(), issued_on=issued_on,
                      received_on=received_on, is_electronic=is_electronic, service_done_on=service_done_on, by=by)
    invoice.total_ht = round_money(sum((amount for _, amount in rows), Decimal("0")))
    invoice.total_ttc = round_money(sum((ttc(amount, rate) for rate, amount in rows), Decimal("0")))
    apply_deadline(invoice)
    invoice.full_clean()
    invoice.save()
    InvoiceLine.objects.bulk_create([InvoiceLine(invoice=invoice, vat_rate=rate, amount_ht=amount)
                                     for rate, amount in rows])
    return invoice


def _require_unpaid(invoice: Invoice) -> None:
    if invoice.paid_on:
        raise ValidationError(f"La facture {invoice.number} est payée depuis le {short_date(invoice.paid_on)}.")


@transaction.atomic
def invoice_accept_service(*, invoice: Invoice, on: date, by, today: date | None = None) -> Invoice:
    """Records the acceptance of the service (service fait): the deadline runs from it when later than
    the receipt."""
    require(can_handle_invoices(by), HANDLING_REFUSED)
    today = today or timezone.localdate()
    locked = _lock(invoice)
    _require_unpaid(locked)
    if locked.service_done_on:
        raise ValidationError(f"Le service fait est déjà constaté au {short_date(locked.service_done_on)}.")
    _not_future(on, "service_done_on", today)
    if on < locked.contract.start_date:
        raise ValidationError({"service_done_on": "Le service fait suit le début d'exécution du marché."})
    locked.service_done_on = on
    apply_deadline(locked)
    locked.full_clean()
    locked.save()
    return locked


@transaction.atomic
def invoice_interrupt(*, invoice: Invoice, on: date, reason: str, by, today: date | None = None) -> Invoice:
    """Interrupts the deadline once, for a missing or wrong mandatory item (R.2192-27), before it ends."""
    require(can_handle_invoices(by), HANDLING_REFUSED)
    today = today or timezone.localdate()
    locked = _lock(invoice)
    _require_unpaid(locked)
    if locked.interrupted_on:
        raise ValidationError("Le délai de paiement ne peut être suspendu qu'une fois (R.2192-27) : il l'a été le "
                              f"{short_date(locked.interrupted_on)}.")
    if not reason.strip():
        raise ValidationError({"interruption_reason": "Indiquez les pièces ou mentions manquantes."})
    _not_future(on, "interrupted_on", today)
    if on < locked.received_on:
        raise ValidationError({"interrupted_on": "La suspension suit la réception de la facture."})
    if locked.payment_deadline and on > locked.payment_deadline:
        raise ValidationError({"interrupted_on": "Le délai de paiement a expiré le "
                                                 f"{short_date(locked.payment_deadline)} : il ne peut plus être "
                                                 "suspendu."})
    locked.interrupted_on, locked.interruption_reason = on, reason.strip()
    apply_deadline(locked)
    locked.full_clean()
    locked.save()
    return locked


@transaction.atomic
def invoice_resume(*, invoice: Invoice, on: date, by, today: date | None = None) -> Invoice:
    """Every missing item received: a new deadline opens (R.2192-29)."""
    require(can_handle_invoices(by), HANDLING_REFUSED)
    today = today or timezone.localdate()
    locked = _lock(invoice)
    _require_unpaid(locked)
    if not locked.interrupted_on:
        raise ValidationError("Le délai de paiement n'est pas suspendu.")
    if locked.resumed_on:
        raise ValidationError(f"Le délai a déjà repris le {short_date(locked.resumed_on)}.")
    _not_future(on, "resumed_on", today)
    if on < locked.interrupted_on:
        raise ValidationError({"resumed_on": "La reprise suit la suspension du "
                                             f"{short_date(locked.interrupted_on)}."})
    locked.resumed_on = on
    apply_deadline(locked)
    locked.full_clean()
    locked.save()
    return locked


@transaction.atomic
def invoice_pay(*, invoice: Invoice, on: date, by, today: date | None = None) -> Invoice:
    """Records the payment; when late, the interest and the fixed compensation with the figures used."""
    require(may(by, "invoices.pay"), "Seuls les services financiers enregistrent les paiements.")
    today = today or timezone.localdate()
    locked = _lock(invoice)
    _require_unpaid(locked)
    if not locked.service_done_on:
        raise ValidationError("Constatez d'abord le service fait : il conditionne le paiement.")
    if locked.interrupted_on and not locked.resumed_on:
        raise ValidationError("Le délai est suspendu : enregistrez d'abord la réception des pièces manquantes.")
    _not_future(on, "paid_on", today)
    if on < locked.received_on:
        raise ValidationError({"paid_on": "Le paiement suit la réception de la facture."})
    locked.paid_on = on
    apply_deadline(locked)
    late = late_interest_for(amount_ttc=locked.total_ttc, deadline=locked.payment_deadline, paid_on=on)
    if late is not None:
        locked.late_days, locked.late_interest_rate = late.days, late.rate.quantize(Decimal("0.01"))
        locked.late_interest_rate_date = late.rate_date
        locked.late_interest, locked.late_compensation = late.interest, late.compensation
    locked.full_clean()
    locked.save()
    return locked
