"""Validation written once, called by the services and by the forms.

Each function either returns the normalised value(s) or raises a ``ValidationError`` whose
messages are French and, where a field is concerned, keyed by that field's name.
"""

from __future__ import annotations

import re
from datetime import date

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_errors
from stdnum.eu import vat as eu_vat
from stdnum.fr import siren as fr_siren
from stdnum.fr import siret as fr_siret
from stdnum.fr import tva as fr_tva

from procurement.core.enums import ReferenceKind
from procurement.core.selectors import ReferenceValueMissing, reference_days
from procurement.core.uploads import DOCUMENTS, suffix_of, validate_upload
from procurement.vendors.enums import ComplianceKind

FRANCE = "FR"
_SEPARATORS = re.compile(r"[\s.\-/]+")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_FRENCH_POSTAL_CODE = re.compile(r"^\d{5}$")
_PHONE = re.compile(r"^\+?[0-9 .()\-]{6,25}$")


def _short(day: date) -> str:
    return day.strftime("%d/%m/%Y")


# --- Company numbers ---------------------------------------------------------------------------

def compact_number(value: str | None) -> str:
    """Removes spaces (including no-break ones), dots, dashes and slashes; upper-cases letters."""
    return _SEPARATORS.sub("", value or "").upper()


def _validate_digits(value: str, *, label: str, length: int, module) -> str:
    number = compact_number(value)
    shown = (value or "").strip()
    if not number.isdigit():
        raise ValidationError(
            _("Le %(label)s « %(value)s » ne doit contenir que des chiffres.")
            % {"label": label, "value": shown},
            code="format",
        )
    if len(number) != length:
        raise ValidationError(
            _("Le %(label)s « %(value)s » doit comporter %(length)d chiffres, et non %(count)d.")
            % {"label": label, "value": shown, "length": length, "count": len(number)},
            code="length",
        )
    try:
        return module.validate(number)
    except stdnum_errors.ValidationError:
        raise ValidationError(
            _("Le %(label)s « %(value)s » n'est pas valide (clé de contrôle incorrecte).")
            % {"label": label, "value": shown},
            code="checksum",
        ) from None


def validate_siret(value: str) -> str:
    """The 14-digit SIRET, compacted. Luhn key, except La Poste's establishments (digit sum rule)."""
    return _validate_digits(value, label="SIRET", length=14, module=fr_siret)


def validate_siren(value: str) -> str:
    return _validate_digits(value, label="SIREN", length=9, module=fr_siren)


def format_siret(value: str) -> str:
    """``73282932000074`` → ``732 829 320 00074``; other values are returned unchanged."""
    number = compact_number(value)
    if len(number) == 14 and number.isdigit():
        return fr_siret.format(number)
    return value or ""


def format_siren(value: str) -> str:
    number = compact_number(value)
    if len(number) == 9 and number.isdigit():
        return fr_siren.format(number)
    return value or ""


def validate_vat_number(value: str) -> str:
    """An intra-EU VAT number with its country prefix (``FR44732829320``, ``DE136695976``)."""
    shown = (value or "").strip()
    try:
        return eu_vat.validate(compact_number(value))
    except stdnum_errors.InvalidComponent:
        raise ValidationError(
            _("Le numéro de TVA « %(value)s » doit commencer par le code d'un État membre de l'Union "
              "européenne (FR, BE, DE…).") % {"value": shown},
            code="country",
        ) from None
    except stdnum_errors.InvalidChecksum:
        raise ValidationError(
            _("Le numéro de TVA « %(value)s » n'est pas valide (clé de contrôle incorrecte).")
            % {"value": shown},
            code="checksum",
        ) from None
    except stdnum_errors.ValidationError:
        raise ValidationError(
            _("Le numéro de TVA « %(value)s » n'a pas le format d'un numéro de TVA intracommunautaire "
              "de ce pays.") % {"value": shown},
            code="format",
        ) from None


def french_vat_for_siren(siren: str) -> str:
    """The French VAT number of a SIREN: ``FR`` + key + SIREN (stdnum.fr.siren.to_tva)."""
    return "FR" + fr_siren.to_tva(siren)


def check_vat_matches_siren(*, vat_number: str, siret: str) -> None:
    """A French VAT number holds the SIREN: it must be the vendor's."""
    if not (vat_number.startswith("FR") and siret):
        return
    siren = siret[:9]
    try:
        vat_siren = fr_tva.to_siren(vat_number)
    except stdnum_errors.ValidationError:  # a Monaco number (FRxx000…) holds no SIREN
        vat_siren = ""
    if vat_siren != siren:
        raise ValidationError(
            {"vat_number": _(
                "Le numéro de TVA « %(vat)s » ne correspond pas au SIREN du fournisseur (%(siren)s) : "
                "le numéro attendu est %(expected)s."
            ) % {"vat": vat_number, "siren": fr_siren.format(siren), "expected": french_vat_for_siren(siren)}}
        )


def check_siret_not_taken(*, siret: str, vendor_pk: int | None) -> None:
    from procurement.vendors.models import Vendor

    if not siret:
        return
    other = Vendor.objects.filter(siret=siret).exclude(pk=vendor_pk).only("pk", "name").first()
    if other is not None:
        raise ValidationError(
            {"siret": _("Ce SIRET est déjà enregistré pour le fournisseur « %(name)s » (fiche n° %(pk)s).")
             % {"name": other.name, "pk": other.pk}},
            code="duplicate",
        )


def validate_vendor_identity(
    *, siret: str, vat_number: str, country: str, postal_code: str, vendor_pk: int | None = None
) -> dict[str, str]:
    """Checks and normalises the identification of a vendor; every error is keyed by its field.

    Returns ``{"siret", "vat_number", "country", "postal_code"}`` compacted.
    """
    errors: dict[str, list[ValidationError]] = {}

    def fail(field: str, error: ValidationError) -> None:
        if hasattr(error, "error_dict"):
            for name, items in error.error_dict.items():
                errors.setdefault(name, []).extend(items)
        else:
            errors.setdefault(field, []).append(error)

    country = (country or "").strip().upper()
    postal_code = (postal_code or "").strip()
    if not _COUNTRY.match(country):
        fail("country", ValidationError(_("Le pays doit être un code ISO à deux lettres (FR, BE, DE…).")))
    siret = compact_number(siret)
    if siret:
        try:
            siret = validate_siret(siret)
        except ValidationError as error:
            fail("siret", error)
    elif country == FRANCE:
        fail("siret", ValidationError(_("Le SIRET est obligatoire pour une entreprise française.")))
    vat_number = compact_number(vat_number)
    if vat_number:
        try:
            vat_number = validate_vat_number(vat_number)
        except ValidationError as error:
            fail("vat_number", error)
    elif not siret and country and country != FRANCE:
        fail("vat_number", ValidationError(
            _("Sans SIRET, le numéro de TVA intracommunautaire est obligatoire pour une entreprise "
              "étrangère.")
        ))
    if country == FRANCE and not _FRENCH_POSTAL_CODE.match(postal_code):
        fail("postal_code", ValidationError(
            _("Le code postal « %(value)s » doit comporter 5 chiffres.") % {"value": postal_code}
            if postal_code else _("Le code postal est obligatoire pour une adresse en France.")
        ))
    if "siret" not in errors and "vat_number" not in errors:
        for check in (
            lambda: check_vat_matches_siren(vat_number=vat_number, siret=siret),
            lambda: check_siret_not_taken(siret=siret, vendor_pk=vendor_pk),
        ):
            try:
                check()
            except ValidationError as error:
                fail("", error)
    if errors:
        raise ValidationError(errors)
    return {"siret": siret, "vat_number": vat_number, "country": country, "postal_code": postal_code}


def validate_phone(value: str) -> str:
    value = (value or "").strip()
    if value and not _PHONE.match(value):
        raise ValidationError(
            _("Le numéro de téléphone « %(value)s » ne doit contenir que des chiffres, des espaces, "
              "des points, des tirets et un « + » initial.") % {"value": value},
            code="phone",
        )
    return value


# --- Compliance documents ----------------------------------------------------------------------

def vigilance_validity_months(issued_on: date) -> int:
    try:
        return reference_days(ReferenceKind.VIGILANCE_VALIDITY_MONTHS, at=issued_on)
    except ReferenceValueMissing as error:
        raise ValidationError({"issued_on": str(error)}) from None


def vigilance_expiry(issued_on: date) -> date:
    """Issue date + N months (dated reference data, 6 in 2026); 31 May + 6 months = 30 November."""
    return issued_on + relativedelta(months=vigilance_validity_months(issued_on))


def validate_document_dates(*, kind: str, issued_on: date, expires_on: date | None) -> date:
    """Returns the expiry to store: computed for a vigilance attestation, required for the others."""
    if expires_on is not None and expires_on < issued_on:
        raise ValidationError(
            {"expires_on": _("La date d'expiration (%(end)s) précède la date de délivrance (%(start)s).")
             % {"end": _short(expires_on), "start": _short(issued_on)}}
        )
    if kind == ComplianceKind.URSSAF_VIGILANCE:
        latest = vigilance_expiry(issued_on)
        if expires_on is None:
            return latest
        if expires_on > latest:
            raise ValidationError(
                {"expires_on": _(
                    "Une attestation de vigilance est valable %(months)d mois : délivrée le %(start)s, "
                    "elle expire au plus tard le %(latest)s."
                ) % {"months": vigilance_validity_months(issued_on), "start": _short(issued_on),
                     "latest": _short(latest)}}
            )
        return expires_on
    if expires_on is None:
        raise ValidationError({"expires_on": _("Indiquez la date d'expiration de ce document.")})
    return expires_on


# --- Uploaded files ----------------------------------------------------------------------------

CONTENT_TYPES = {".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}


def validate_compliance_file(file, *, label: str) -> None:
    """PDF, PNG or JPEG recognised by their first bytes, at most MAX_UPLOAD_BYTES (core.uploads)."""
    validate_upload(file, label=label, allowed=DOCUMENTS)


def content_type_for(name: str) -> str | None:
    return CONTENT_TYPES.get(suffix_of(name))
