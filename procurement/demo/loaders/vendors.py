"""The BNM's suppliers (fixtures/bnm/vendors.json), loaded through the vendors services.

Document dates in the file are offsets from ``today`` so that the demo always shows valid
certificates, one expiring soon and one expired.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from django.db import transaction

from procurement.demo.loaders.fixtures import FIXTURES, read_fixture
from procurement.vendors import services
from procurement.vendors.models import Vendor
from procurement.vendors.validators import compact_number

VENDOR_KEYS = ("name", "vat_number", "street", "postal_code", "city", "country", "is_sme", "website", "notes")
CONTACT_KEYS = ("first_name", "last_name", "role", "email", "phone", "is_primary")


def _document_values(entry: dict, *, today: date) -> dict:
    expires_in = entry.get("expires_in_days")
    return {
        "kind": entry["kind"],
        "issued_on": today - timedelta(days=entry["issued_days_ago"]),
        "expires_on": None if expires_in is None else today + timedelta(days=expires_in),
        "reference": entry.get("reference", ""),
        "notes": entry.get("notes", ""),
    }


@transaction.atomic
def load_demo_vendors(*, path: Path = FIXTURES / "vendors.json", today: date, by) -> list[Vendor]:
    """Creates or updates each vendor by SIRET and replaces its contacts and documents (idempotent)."""
    vendors = []
    for entry in read_fixture(path)["vendors"]:
        values = {key: entry[key] for key in VENDOR_KEYS if key in entry}
        siret = compact_number(entry["siret"])
        vendor = Vendor.objects.filter(siret=siret).first()
        if vendor is None:
            vendor = services.vendor_create(siret=siret, by=by, **values)
        else:
            vendor = services.vendor_update(vendor=vendor, data=values, by=by)
        for contact in list(vendor.contacts.all()):
            services.contact_delete(contact=contact, by=by)
        for document in list(vendor.documents.all()):
            services.document_delete(document=document, by=by)
        for contact in entry.get("contacts", []):
            fields = {key: contact[key] for key in CONTACT_KEYS if key in contact}
            services.contact_create(vendor=vendor, by=by, **fields)
        for document in entry.get("documents", []):
            services.document_create(vendor=vendor, by=by, **_document_values(document, today=today))
        vendors.append(vendor)
    return vendors
