"""Writes on vendors, contacts and compliance documents: validate, ``full_clean()``, save."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.db.models.fields.files import FieldFile
from django.utils.text import capfirst

from procurement.core.permissions import require
from procurement.vendors.abilities import list_abilities
from procurement.vendors.models import ComplianceDocument, Contact, Vendor
from procurement.vendors.validators import (
    check_siret_not_taken,
    validate_compliance_file,
    validate_document_dates,
    validate_phone,
    validate_vendor_identity,
)

VENDOR_FIELDS = ("name", "siret", "vat_number", "street", "postal_code", "city", "country", "is_sme",
                 "website", "notes")
CONTACT_FIELDS = ("first_name", "last_name", "role", "email", "phone", "is_primary")
DOCUMENT_FIELDS = ("kind", "issued_on", "expires_on", "file", "reference", "notes")
REFUSED = "Seuls les acheteurs modifient les fournisseurs, leurs contacts et leurs attestations."


def _save(instance, *, by) -> None:
    if by is not None and getattr(by, "is_authenticated", False):
        instance._history_user = by  # simple-history: who made the change, outside a request too
    instance.full_clean()
    instance.save()


def _save_vendor(vendor: Vendor, *, by) -> None:
    """The unique constraint is the backstop for two simultaneous creations of the same SIRET."""
    try:
        with transaction.atomic():
            _save(vendor, by=by)
    except IntegrityError:
        check_siret_not_taken(siret=vendor.siret, vendor_pk=vendor.pk)  # names the other vendor
        raise


def _unknown(data: dict[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise TypeError(f"Champs inconnus : {', '.join(sorted(unknown))}")


# --- Vendors ------------------------------------------------------------------------------------

@transaction.atomic
def vendor_create(
    *,
    name: str,
    city: str,
    siret: str = "",
    vat_number: str = "",
    street: str = "",
    postal_code: str = "",
    country: str = "FR",
    is_sme: bool = False,
    website: str = "",
    notes: str = "",
    by,
) -> Vendor:
    require(list_abilities(by)["add"], REFUSED)
    identity = validate_vendor_identity(
        siret=siret, vat_number=vat_number, country=country, postal_code=postal_code,
    )
    vendor = Vendor(
        name=name.strip(), street=street.strip(), city=city.strip(), is_sme=is_sme, website=website,
        notes=notes, **identity,
    )
    _save_vendor(vendor, by=by)
    return vendor


@transaction.atomic
def vendor_update(*, vendor: Vendor, data: dict[str, Any], by) -> Vendor:
    """Applies ``data`` (a subset of the vendor's editable fields); nothing changes when invalid."""
    require(vendor.get_abilities(by)["change"], REFUSED)
    _unknown(data, VENDOR_FIELDS)
    values = {field: getattr(vendor, field) for field in VENDOR_FIELDS} | data
    identity = validate_vendor_identity(
        siret=values["siret"], vat_number=values["vat_number"], country=values["country"],
        postal_code=values["postal_code"], vendor_pk=vendor.pk,
    )
    values |= identity
    original = {field: getattr(vendor, field) for field in VENDOR_FIELDS}
    for field, value in values.items():
        setattr(vendor, field, value.strip() if field in ("name", "street", "city") else value)
    try:
        _save_vendor(vendor, by=by)
    except Exception:
        for field, value in original.items():  # leave the caller's object as it was
            setattr(vendor, field, value)
        raise
    return vendor


# --- Contacts -----------------------------------------------------------------------------------

def _demote_other_primaries(contact: Contact, *, by) -> None:
    if not contact.is_primary:
        return
    for other in Contact.objects.filter(vendor_id=contact.vendor_id, is_primary=True).exclude(pk=contact.pk):
        other.is_primary = False
        _save(other, by=by)


@transaction.atomic
def contact_create(
    *,
    vendor: Vendor,
    first_name: str,
    last_name: str,
    email: str,
    role: str = "",
    phone: str = "",
    is_primary: bool = False,
    by,
) -> Contact:
    require(vendor.get_abilities(by)["change"], REFUSED)
    contact = Contact(
        vendor=vendor, first_name=first_name.strip(), last_name=last_name.strip(), email=email.strip(),
        role=role.strip(), phone=validate_phone(phone), is_primary=is_primary,
    )
    _demote_other_primaries(contact, by=by)
    _save(contact, by=by)
    return contact


@transaction.atomic
def contact_update(*, contact: Contact, data: dict[str, Any], by) -> Contact:
    require(contact.get_abilities(by)["change"], REFUSED)
    _unknown(data, CONTACT_FIELDS)
    if "phone" in data:
        data = {**data, "phone": validate_phone(data["phone"])}
    for field, value in data.items():
        setattr(contact, field, value)
    _demote_other_primaries(contact, by=by)
    _save(contact, by=by)
    return contact


@transaction.atomic
def contact_delete(*, contact: Contact, by) -> None:
    require(contact.get_abilities(by)["delete"], REFUSED)
    if by is not None and getattr(by, "is_authenticated", False):
        contact._history_user = by
    contact.delete()


# --- Compliance documents -----------------------------------------------------------------------

def _is_new_file(file) -> bool:
    """An upload (or any file object) as opposed to the stored file a form hands back unchanged."""
    return isinstance(file, File) and not isinstance(file, FieldFile)


def _check_new_file(file) -> None:
    if _is_new_file(file):
        label = capfirst(str(ComplianceDocument._meta.get_field("file").verbose_name))
        validate_compliance_file(file, label=label)


def _delete_file_after_commit(name: str) -> None:
    if name:
        storage = ComplianceDocument._meta.get_field("file").storage
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def document_create(
    *,
    vendor: Vendor,
    kind: str,
    issued_on: date,
    expires_on: date | None = None,
    file: File | None = None,
    reference: str = "",
    notes: str = "",
    by,
) -> ComplianceDocument:
    """Records a certificate; a vigilance attestation's expiry is computed from its issue date."""
    require(vendor.get_abilities(by)["change"], REFUSED)
    expires_on = validate_document_dates(kind=kind, issued_on=issued_on, expires_on=expires_on)
    _check_new_file(file)
    document = ComplianceDocument(
        vendor=vendor, kind=kind, issued_on=issued_on, expires_on=expires_on, reference=reference.strip(),
        notes=notes,
    )
    if file:
        document.file = file
    _save(document, by=by)
    return document


@transaction.atomic
def document_update(*, document: ComplianceDocument, data: dict[str, Any], by) -> ComplianceDocument:
    """A new ``file`` (an upload) replaces the stored one, which is removed once the change commits."""
    require(document.get_abilities(by)["change"], REFUSED)
    _unknown(data, DOCUMENT_FIELDS)
    kind = data.get("kind", document.kind)
    issued_on = data.get("issued_on", document.issued_on)
    expires_on = validate_document_dates(
        kind=kind, issued_on=issued_on, expires_on=data.get("expires_on", document.expires_on),
    )
    new_file = data.get("file")
    _check_new_file(new_file)
    old_name = document.file.name if _is_new_file(new_file) else ""
    for field, value in data.items():
        if field != "file":
            setattr(document, field, value)
    document.expires_on = expires_on
    if _is_new_file(new_file):
        document.file = new_file
    _save(document, by=by)
    _delete_file_after_commit(old_name)
    return document


@transaction.atomic
def document_delete(*, document: ComplianceDocument, by) -> None:
    require(document.get_abilities(by)["delete"], REFUSED)
    if by is not None and getattr(by, "is_authenticated", False):
        document._history_user = by
    name = document.file.name if document.file else ""
    document.delete()
    _delete_file_after_commit(name)
