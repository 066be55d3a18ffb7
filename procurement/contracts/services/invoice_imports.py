"""Importing electronic invoices (Factur-X, UBL 2.1, CII) received through Chorus Pro: each file is read,
mapped to the vendor by its SIRET and to the contract or purchase order by the references it
carries, then recorded whole by ``invoice_receive`` with its source file, or refused with every
problem named; a refused file writes nothing."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from procurement.contracts.abilities import can_handle_invoices
from procurement.contracts.imports.einvoices import ReadInvoice, read_einvoice, split_order_reference
from procurement.contracts.models import Contract, Invoice, InvoiceFile, PurchaseOrder
from procurement.contracts.services.invoices import HANDLING_REFUSED, invoice_receive
from procurement.core.permissions import require
from procurement.core.uploads import ELECTRONIC_INVOICES, validate_upload
from procurement.vendors.models import Vendor
from procurement.vendors.validators import format_siret

UPLOAD_LABEL = _("Factures")
MAX_UPLOADED_FILES = 20


@dataclass
class ImportOutcome:
    file: str
    invoice: str = ""
    contract: str = ""
    amount_ht: Decimal | None = None
    problems: list[str] = field(default_factory=list)
    recorded: Invoice | None = None

    @property
    def status(self) -> str:
        return "recorded" if self.recorded is not None else "refused"

    def as_dict(self) -> dict:
        return {"file": self.file, "status": self.status, "invoice": self.invoice, "contract": self.contract,
                "amount_ht": f"{self.amount_ht:.2f}" if self.amount_ht is not None else None,
                "problems": self.problems}


def _vendor(read: ReadInvoice, problems: list[str]) -> Vendor | None:
    if not read.seller_sirets:
        problems.append("Le SIRET du fournisseur est absent de la facture.")
        return None
    vendor = Vendor.objects.filter(siret__in=read.seller_sirets).first()
    if vendor is None:
        problems.append(f"SIRET inconnu : {format_siret(read.seller_siret)} n'est celui d'aucun fournisseur "
                        "enregistré.")
    return vendor


def _target(read: ReadInvoice, problems: list[str]) -> tuple[Contract | None, PurchaseOrder | None]:
    """The contract, and the purchase order for a framework, named by the order (engagement) or contract
    reference of the invoice."""
    references = [ref for ref in (read.order_reference, read.contract_reference) if ref]
    if not references:
        problems.append("La facture ne porte ni numéro d'engagement (bon de commande) ni référence de marché.")
        return None, None
    for reference in references:
        contract_reference, order_number = split_order_reference(reference)
        contract = Contract.objects.filter(reference__iexact=contract_reference).select_related("holder").first()
        if contract is None:
            continue
        if order_number is None:
            if contract.is_framework:
                problems.append(f"Le marché {contract.reference} est un accord-cadre à bons de commande : la facture "
                                "doit citer le bon de commande (par exemple "
                                f"« {contract.reference}/BC1 »).")
            return contract, None
        order = contract.orders.filter(number=order_number).first()
        if order is None:
            problems.append(f"Aucun bon de commande n° {order_number} sur le marché {contract.reference}.")
        return contract, order
    problems.append("Aucun marché ni bon de commande ne correspond à la référence « "
                    f"{' » ni « '.join(references)} ».")
    return None, None


def _beyond_order(order: PurchaseOrder, amount_ht: Decimal) -> str | None:
    invoiced = order.invoices.aggregate(total=Sum("total_ht"))["total"] or Decimal("0")
    if invoiced + amount_ht > order.amount_ht:
        return (f"Montant au-delà du bon de commande n° {order.number} : {amount_ht:.2f} € HT facturés en plus de "
                f"{invoiced:.2f} € déjà facturés, pour {order.amount_ht:.2f} € HT commandés.")
    return None


def _problems_of(error: ValidationError) -> list[str]:
    return [str(message) for message in error.messages]


def invoice_import(*, name: str, data: bytes, by, received_on: date | None = None,
                   today: date | None = None) -> ImportOutcome:
    """Reads one file and records its invoice, received (deposited on Chorus Pro) on ``received_on``
    (today by default), or refuses it with every problem named."""
    require(can_handle_invoices(by), HANDLING_REFUSED)
    today = today or timezone.localdate()
    outcome = ImportOutcome(file=name)
    digest = hashlib.sha256(data).hexdigest()
    previous = InvoiceFile.objects.filter(sha256=digest).select_related("invoice__contract").first()
    if previous is not None:
        outcome.problems.append(f"Fichier déjà importé : facture {previous.invoice.number} du marché "
                                f"{previous.invoice.contract.reference}.")
    reading = read_einvoice(data)
    outcome.problems += reading.problems
    read = reading.invoice
    if read is None:
        return outcome
    outcome.invoice, outcome.amount_ht = read.number, read.amount_ht
    vendor = _vendor(read, outcome.problems)
    contract, order = _target(read, outcome.problems)
    if contract is not None:
        outcome.contract = contract.reference
        if vendor is not None and vendor.pk != contract.holder_id:
            outcome.problems.append(f"Le marché {contract.reference} est attribué à {contract.holder.name}, pas à "
                                    f"{vendor.name}.")
        if Invoice.objects.filter(contract=contract, number=read.number).exists():
            outcome.problems.append(f"Le marché {contract.reference} a déjà une facture n° {read.number}.")
    if order is not None and read.breakdown:
        beyond = _beyond_order(order, read.amount_ht)
        if beyond:
            outcome.problems.append(beyond)
    if outcome.problems:
        return outcome
    try:
        with transaction.atomic():
            invoice = invoice_receive(contract=contract, order=order, number=read.number, issued_on=read.issued_on,
                                      received_on=received_on or today, lines=read.lines, is_electronic=True,
                                      by=by, today=today)
            source = InvoiceFile(invoice=invoice, name=name[:255], syntax=read.syntax, sha256=digest, by=by)
            source.file.save(digest, ContentFile(data), save=False)
            source.full_clean()
            source.save()
    except ValidationError as error:
        outcome.problems += _problems_of(error)
        return outcome
    outcome.recorded = invoice
    return outcome


def invoices_import(*, files: list[tuple[str, bytes]], by, received_on: date | None = None,
                    today: date | None = None) -> list[ImportOutcome]:
    """Each file on its own: one refused does not stop the others."""
    require(can_handle_invoices(by), HANDLING_REFUSED)
    return [invoice_import(name=name, data=data, by=by, received_on=received_on, today=today) for name, data in files]


def uploaded_invoices_import(*, uploads: list, by, received_on: date | None = None,
                             today: date | None = None) -> list[ImportOutcome]:
    """Files sent through the page or the API: each is checked (type by its content, size) before it is
    read, and one refused there is a row like any other, so a hostile file never stops the others."""
    require(can_handle_invoices(by), HANDLING_REFUSED)
    outcomes = []
    for upload in uploads:
        name = upload.name.rsplit("/", 1)[-1]
        try:
            validate_upload(upload, label=str(UPLOAD_LABEL), allowed=ELECTRONIC_INVOICES)
        except ValidationError as error:
            outcomes.append(ImportOutcome(file=name, problems=_problems_of(error)))
            continue
        upload.seek(0)
        outcomes.append(invoice_import(name=name, data=upload.read(), by=by, received_on=received_on, today=today))
    return outcomes
