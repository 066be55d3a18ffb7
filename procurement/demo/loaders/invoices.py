"""Loads the BNM demo invoices (fixtures/bnm/invoices.json) through the services, each step at its
date and only up to ``today``; re-running it applies the steps that have come due since, and
nothing twice. It also imputes the portal's maintenance on its operating budget line, and imports the
electronic invoices of fixtures/bnm/einvoices as Chorus Pro hands them over."""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from procurement.contracts.models import Contract, Invoice, InvoiceFile
from procurement.contracts.services import invoices as services
from procurement.contracts.services.commitments import maintenance_line_set
from procurement.contracts.services.invoice_imports import invoices_import
from procurement.demo.loaders.fixtures import FIXTURES, read_fixture
from procurement.demo.loaders.users import DEMO_FINANCE
from procurement.programmes.models import BudgetLine


def _lines(entry: dict, contract: Contract) -> list[tuple[Decimal, Decimal]]:
    if entry.get("lines"):
        return [(line["vat_rate"], line["amount_ht"]) for line in entry["lines"]]
    order = contract.orders.get(number=entry["order"])
    return [(order.vat_rate, order.amount_ht)]


def _load(entry: dict, *, by, today: date) -> Invoice | None:
    contract = Contract.objects.get(reference=entry["contract"])
    received = entry["received_on"]
    if received > today:
        return None
    invoice = Invoice.objects.filter(contract=contract, number=entry["number"]).first()
    done = entry.get("service_done_on")
    if invoice is None:
        order = contract.orders.get(number=entry["order"]) if entry.get("order") else None
        invoice = services.invoice_receive(
            contract=contract, number=entry["number"], issued_on=entry["issued_on"], received_on=received,
            lines=_lines(entry, contract), order=order, by=by, today=today,
            service_done_on=done if done and done <= received else None)
    steps = [("service_done_on", done, services.invoice_accept_service, {}),
             ("interrupted_on", entry.get("interrupted_on"), services.invoice_interrupt,
              {"reason": entry.get("interruption_reason", "")}),
             ("resumed_on", entry.get("resumed_on"), services.invoice_resume, {}),
             ("paid_on", entry.get("paid_on"), services.invoice_pay, {})]
    for name, day, service, extra in sorted((s for s in steps if s[1]), key=lambda s: s[1]):
        if day <= today and getattr(invoice, name) is None:
            # The finance officer pays; the buyer records the rest.
            acting = get_user_model().objects.get(username=DEMO_FINANCE) if service is services.invoice_pay else by
            invoice = service(invoice=invoice, on=day, by=acting, today=today, **extra)
    return invoice


@transaction.atomic
def load_demo_invoices(*, path: Path = FIXTURES / "invoices.json", by, today: date) -> list[Invoice]:
    data = read_fixture(path)
    for item in data.get("imputations", []):
        contract = Contract.objects.select_related("budget_line").get(reference=item["contract"])
        line = BudgetLine.objects.get(programme=contract.budget_line.programme, label=item["maintenance_budget_line"])
        if contract.maintenance_budget_line_id != line.pk:
            maintenance_line_set(contract=contract, budget_line=line, by=by)
    loaded = [_load(entry, by=by, today=today) for entry in data["invoices"]]
    return [invoice for invoice in loaded if invoice is not None] + load_demo_einvoices(by=by, today=today)


def load_demo_einvoices(*, path: Path = FIXTURES / "einvoices" / "einvoices.json", by, today: date) -> list[Invoice]:
    """The files deposited by ``today``, through the import service; one already imported is taken as
    it is, and a refusal stops the demo with the file's problems (the fixtures are wrong)."""
    files = []
    for entry in read_fixture(path)["files"]:
        data = (path.parent / entry["file"]).read_bytes()
        if entry["received_on"] <= today:
            files.append((entry, data))
    imported = {item.sha256: item.invoice for item in InvoiceFile.objects.filter(
        sha256__in=[hashlib.sha256(data).hexdigest() for _, data in files]).select_related("invoice")}
    invoices = []
    for entry, data in files:
        previous = imported.get(hashlib.sha256(data).hexdigest())
        if previous is not None:
            invoices.append(previous)
            continue
        [outcome] = invoices_import(files=[(entry["file"], data)], by=by, received_on=entry["received_on"], today=today)
        if outcome.recorded is None:
            raise ValidationError(f"{entry['file']} : " + " ; ".join(outcome.problems))
        invoices.append(outcome.recorded)
    return invoices
