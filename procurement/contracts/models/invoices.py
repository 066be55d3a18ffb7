"""Invoices (factures) received on a contract, their payment deadline and any late-payment
interest; the log of reminders sent, which makes ``send_reminders`` idempotent."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from procurement.contracts.enums import InvoiceFileSyntax, InvoiceStatus, ReminderKind
from procurement.core.models import TimeStampedModel
from procurement.core.money import MoneyField, VatRateField, ttc, vat_amount


class InvoiceQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The invoices of the contracts ``user`` may read (``ContractQuerySet.visible_to``: all or none),
        without asking the database to join them."""
        from procurement.contracts.abilities import can_read

        return self if can_read(user) else self.none()

    def unpaid(self):
        return self.filter(paid_on__isnull=True)

    def paid_late(self):
        return self.filter(paid_on__isnull=False, late_days__gt=0)


class Invoice(TimeStampedModel):
    contract = models.ForeignKey("contracts.Contract", on_delete=models.PROTECT, related_name="invoices",
                                 verbose_name=_("marché"))
    order = models.ForeignKey("contracts.PurchaseOrder", on_delete=models.PROTECT, null=True, blank=True,
                              related_name="invoices", verbose_name=_("bon de commande"))
    number = models.CharField(_("numéro de la facture"), max_length=60)
    issued_on = models.DateField(_("émise le"))
    is_electronic = models.BooleanField(_("facture électronique (Chorus Pro)"), default=True)
    received_on = models.DateField(_("reçue le"), help_text=_("Pour une facture électronique, la date de dépôt sur "
                                                              "Chorus Pro."))
    service_done_on = models.DateField(_("service fait constaté le"), null=True, blank=True)
    interrupted_on = models.DateField(_("délai suspendu le"), null=True, blank=True)
    interruption_reason = models.TextField(_("pièces ou mentions manquantes"), blank=True)
    resumed_on = models.DateField(_("pièces complètes reçues le"), null=True, blank=True)
    paid_on = models.DateField(_("payée le"), null=True, blank=True)
    # Kept by the services
    total_ht = MoneyField(_("total HT"), default=Decimal("0.00"), editable=False)
    total_ttc = MoneyField(_("total TTC"), default=Decimal("0.00"), editable=False)
    payment_deadline = models.DateField(_("date limite de paiement"), null=True, blank=True, editable=False)
    late_days = models.PositiveIntegerField(_("jours de retard"), default=0, editable=False)
    late_interest_rate = models.DecimalField(_("taux des intérêts moratoires (%)"), max_digits=6, decimal_places=2,
                                             null=True, blank=True, editable=False)
    late_interest_rate_date = models.DateField(_("taux en vigueur au"), null=True, blank=True, editable=False)
    late_interest = MoneyField(_("intérêts moratoires"), default=Decimal("0.00"), editable=False)
    late_compensation = MoneyField(_("indemnité forfaitaire"), default=Decimal("0.00"), editable=False)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                           related_name="+", verbose_name=_("enregistrée par"))

    history = HistoricalRecords()
    objects = InvoiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("facture")
        verbose_name_plural = _("factures")
        ordering = ["-received_on", "number"]
        indexes = [
            # The order of the list page and of the API (newest received first, the id breaking the ties).
            models.Index(fields=["-received_on", "number", "id"], name="invoice_newest_first"),
            # The finance overview's two lists: the unpaid invoices by deadline, the latest paid late.
            models.Index(fields=["payment_deadline", "id"], condition=Q(paid_on__isnull=True),
                         name="invoice_unpaid_by_deadline"),
            models.Index(fields=["-paid_on", "id"], condition=Q(paid_on__isnull=False, late_days__gt=0),
                         name="invoice_paid_late_latest"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="invoice_number_unique_per_contract",
                                    violation_error_message=_("Ce marché a déjà une facture de ce numéro.")),
            models.CheckConstraint(condition=Q(received_on__gte=F("issued_on")), name="invoice_received_after_issue",
                                   violation_error_message=_("Une facture est reçue après son émission.")),
            models.CheckConstraint(condition=Q(resumed_on__isnull=True) | Q(interrupted_on__isnull=False),
                                   name="invoice_resume_needs_interruption",
                                   violation_error_message=_("Le délai ne reprend qu'après une suspension.")),
            models.CheckConstraint(condition=Q(resumed_on__isnull=True) | Q(resumed_on__gte=F("interrupted_on")),
                                   name="invoice_resume_after_interruption",
                                   violation_error_message=_("La reprise suit la suspension.")),
            models.CheckConstraint(condition=Q(paid_on__isnull=True) | Q(paid_on__gte=F("received_on")),
                                   name="invoice_paid_after_receipt",
                                   violation_error_message=_("Le paiement suit la réception de la facture.")),
            models.CheckConstraint(condition=Q(total_ht__gte=0) & Q(total_ttc__gte=F("total_ht")),
                                   name="invoice_totals_consistent",
                                   violation_error_message=_("Les montants d'une facture sont positifs, TTC au "
                                                             "moins égal au HT.")),
        ]

    def __str__(self) -> str:
        return f"{self.contract.reference} — facture {self.number}"

    @property
    def status(self) -> str:
        if self.paid_on:
            return InvoiceStatus.PAID
        if self.interrupted_on and not self.resumed_on:
            return InvoiceStatus.INTERRUPTED
        if not self.service_done_on:
            return InvoiceStatus.AWAITING_SERVICE
        return InvoiceStatus.TO_PAY

    def get_status_display(self) -> str:
        return str(InvoiceStatus(self.status).label)

    @property
    def was_interrupted(self) -> bool:
        return self.interrupted_on is not None

    @property
    def total_late_amount(self) -> Decimal:
        return self.late_interest + self.late_compensation

    def days_left(self, today) -> int | None:
        if self.payment_deadline is None or self.paid_on:
            return None
        return (self.payment_deadline - today).days

    def get_abilities(self, user) -> dict[str, bool]:
        from procurement.contracts.abilities import invoice_abilities

        return invoice_abilities(self, user)


class InvoiceLine(models.Model):
    """The amount HT of the invoice at one VAT rate."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines", verbose_name=_("facture"))
    vat_rate = VatRateField(_("taux de TVA (%)"))
    amount_ht = MoneyField(_("montant HT"), validators=[MinValueValidator(Decimal("0.01"))])

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("montant par taux de TVA")
        verbose_name_plural = _("montants par taux de TVA")
        ordering = ["invoice", "-vat_rate"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "vat_rate"], name="invoice_line_one_per_rate",
                                    violation_error_message=_("Un seul montant par taux de TVA.")),
            models.CheckConstraint(condition=Q(amount_ht__gt=0), name="invoice_line_amount_positive",
                                   violation_error_message=_("Le montant HT d'une ligne est positif.")),
        ]

    def __str__(self) -> str:
        return f"{self.amount_ht} € HT à {self.vat_rate} %"

    @property
    def amount_vat(self) -> Decimal:
        return vat_amount(self.amount_ht, self.vat_rate)

    @property
    def amount_ttc(self) -> Decimal:
        return ttc(self.amount_ht, self.vat_rate)


def invoice_file_path(instance, filename: str) -> str:
    return f"contracts/invoices/{uuid.uuid4().hex}"


class InvoiceFile(models.Model):
    """The electronic file an invoice was imported from, kept as received; its SHA-256 refuses a
    second import of the same file."""

    invoice = models.OneToOneField(Invoice, on_delete=models.CASCADE, related_name="source_file",
                                   verbose_name=_("facture"))
    file = models.FileField(_("fichier"), upload_to=invoice_file_path)
    name = models.CharField(_("nom du fichier"), max_length=255)
    syntax = models.CharField(_("format"), max_length=16, choices=InvoiceFileSyntax.choices)
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64, unique=True,
                              error_messages={"unique": _("Ce fichier a déjà été importé.")})
    imported_at = models.DateTimeField(_("importé le"), default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                           related_name="+", verbose_name=_("importé par"))

    class Meta:
        verbose_name = _("fichier de facture électronique")
        verbose_name_plural = _("fichiers de factures électroniques")
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_syntax_display()})"


class SentReminder(models.Model):
    """One reminder sent: the same kind, object and deadline is never sent twice."""

    kind = models.CharField(_("rappel"), max_length=32, choices=ReminderKind.choices)
    object_key = models.CharField(_("objet"), max_length=100)
    deadline = models.DateField(_("échéance"))
    recipients = models.TextField(_("destinataires"))
    subject = models.CharField(_("objet du courriel"), max_length=300)
    sent_at = models.DateTimeField(_("envoyé le"), default=timezone.now)

    class Meta:
        verbose_name = _("rappel envoyé")
        verbose_name_plural = _("rappels envoyés")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_key", "deadline"], name="sent_reminder_once",
                                    violation_error_message=_("Ce rappel a déjà été envoyé.")),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.object_key} ({self.deadline:%d/%m/%Y})"
