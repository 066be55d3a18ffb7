"""Suppliers, their contacts and their compliance certificates.

Validation lives in ``validators.py`` and is called by the services and the forms; the database
constraints below are the backstop.
"""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import PurePath

from django.db import models
from django.db.models import F, Q
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from procurement.core.models import TimeStampedModel
from procurement.vendors.abilities import vendor_abilities
from procurement.vendors.enums import (
    EXPIRING_SOON_DAYS,
    STATUS_BADGE,
    ComplianceKind,
    ComplianceStatus,
)
from procurement.vendors.validators import format_siren, format_siret


class Vendor(TimeStampedModel):
    name = models.CharField(_("raison sociale"), max_length=200)
    siret = models.CharField(
        _("SIRET"), max_length=14, blank=True,
        help_text=_("14 chiffres ; facultatif seulement pour une entreprise étrangère sans établissement "
                    "en France."),
    )
    vat_number = models.CharField(
        _("numéro de TVA intracommunautaire"), max_length=16, blank=True,
        help_text=_("Avec le code pays (FR44732829320) ; obligatoire pour une entreprise étrangère "
                    "sans SIRET."),
    )
    street = models.CharField(_("adresse"), max_length=200, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=10, blank=True)
    city = models.CharField(_("ville"), max_length=100)
    country = models.CharField(
        _("pays"), max_length=2, default="FR", help_text=_("Code ISO à deux lettres : FR, BE, DE…"),
    )
    is_sme = models.BooleanField(_("PME"), default=False, help_text=_("Petite ou moyenne entreprise."))
    website = models.URLField(_("site internet"), blank=True)
    notes = models.TextField(_("remarques"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("fournisseur")
        verbose_name_plural = _("fournisseurs")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["siret"], condition=~Q(siret=""), name="vendor_unique_siret",
                violation_error_message=_("Ce SIRET est déjà enregistré pour un autre fournisseur."),
            ),
            models.CheckConstraint(
                condition=~Q(siret="") | ~Q(country="FR"), name="vendor_french_has_siret",
                violation_error_message=_("Le SIRET est obligatoire pour une entreprise française."),
            ),
            models.CheckConstraint(
                condition=~Q(siret="") | ~Q(vat_number=""), name="vendor_without_siret_has_vat",
                violation_error_message=_(
                    "Sans SIRET, le numéro de TVA intracommunautaire est obligatoire pour une entreprise "
                    "étrangère."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def siren(self) -> str:
        """The company number: the first nine digits of the establishment's SIRET."""
        return self.siret[:9]

    @property
    def siret_display(self) -> str:
        return format_siret(self.siret)

    @property
    def identifier_display(self) -> str:
        """What tells two companies of the same name apart: the SIRET, spaced, or a foreign company's VAT
        number."""
        return self.siret_display or self.vat_number

    @property
    def siren_display(self) -> str:
        return format_siren(self.siren)

    @property
    def is_french(self) -> bool:
        return self.country == "FR"

    def get_abilities(self, user) -> dict[str, bool]:
        return vendor_abilities(user)


class Contact(models.Model):
    """A person at the supplier (personal data: only what the buyer needs to reach them)."""

    vendor = models.ForeignKey(
        Vendor, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("fournisseur"),
    )
    first_name = models.CharField(_("prénom"), max_length=100)
    last_name = models.CharField(_("nom"), max_length=100)
    role = models.CharField(_("fonction"), max_length=150, blank=True)
    email = models.EmailField(_("adresse électronique"))
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    is_primary = models.BooleanField(_("contact principal"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-is_primary", "last_name", "first_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["vendor"], condition=Q(is_primary=True), name="contact_one_primary_per_vendor",
                violation_error_message=_("Ce fournisseur a déjà un contact principal."),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_abilities(self, user) -> dict[str, bool]:
        return vendor_abilities(user)


def compliance_upload_to(instance: ComplianceDocument, filename: str) -> str:
    """A random name under the vendor's folder: the original name never reaches the disk."""
    suffix = PurePath(filename).suffix.lower()
    return f"vendors/compliance/{instance.vendor_id}/{uuid.uuid4().hex}{suffix}"


class ComplianceDocument(models.Model):
    vendor = models.ForeignKey(
        Vendor, on_delete=models.CASCADE, related_name="documents", verbose_name=_("fournisseur"),
    )
    kind = models.CharField(_("type de document"), max_length=32, choices=ComplianceKind.choices)
    issued_on = models.DateField(_("délivré le"))
    expires_on = models.DateField(
        _("valable jusqu'au (inclus)"),
        help_text=_("Laissez vide pour une attestation de vigilance : l'échéance est calculée depuis la date "
                    "de délivrance."),
    )
    file = models.FileField(
        _("fichier"), upload_to=compliance_upload_to, blank=True, max_length=200,
        help_text=_("PDF, PNG ou JPEG."),
    )
    reference = models.CharField(_("référence"), max_length=100, blank=True)
    notes = models.TextField(_("remarques"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("justificatif")
        verbose_name_plural = _("justificatifs")
        ordering = ["kind", "-expires_on", "pk"]
        indexes = [models.Index(fields=["expires_on"], name="vendor_document_expiry")]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__gte=F("issued_on")), name="compliance_document_dates_ordered",
                violation_error_message=_("La date d'expiration doit suivre la date de délivrance."),
            ),
        ]

    def __str__(self) -> str:
        return f"{capfirst(self.get_kind_display())} du {self.issued_on:%d/%m/%Y} au {self.expires_on:%d/%m/%Y}"

    def is_valid_on(self, day: date) -> bool:
        return self.issued_on <= day <= self.expires_on

    def status_on(self, today: date) -> str:
        if self.expires_on < today:
            return ComplianceStatus.EXPIRED
        if self.issued_on > today:
            return ComplianceStatus.MISSING
        if (self.expires_on - today).days <= EXPIRING_SOON_DAYS:
            return ComplianceStatus.EXPIRING
        return ComplianceStatus.VALID

    def badge_on(self, today: date) -> str:
        return STATUS_BADGE[self.status_on(today)]

    def download_name(self) -> str:
        """``attestation-urssaf_vigilance-732829320-2026-05-31.pdf`` for the attachment header."""
        suffix = PurePath(self.file.name).suffix.lower() if self.file else ""
        siren = self.vendor.siren or self.vendor.vat_number or str(self.vendor_id)
        return f"{self.kind}-{siren}-{self.issued_on.isoformat()}{suffix}"

    def get_abilities(self, user) -> dict[str, bool]:
        abilities = vendor_abilities(user)
        abilities["download"] = abilities["download"] and bool(self.file)
        return abilities
