"""Factories for the vendors tests. They write straight to the database (no service), for set-up."""

from datetime import date, timedelta

import factory
from dateutil.relativedelta import relativedelta
from stdnum import luhn
from stdnum.fr import siren as fr_siren

from procurement.vendors.enums import ComplianceKind
from procurement.vendors.models import ComplianceDocument, Contact, Vendor

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def valid_siret(n: int, *, nic: str = "0001") -> str:
    """A SIRET with valid Luhn keys (SIREN key, then establishment key), unique per ``n``."""
    base = f"{81000000 + n:08d}"
    siren = base + luhn.calc_check_digit(base)
    head = siren + nic
    return head + luhn.calc_check_digit(head)


def french_vat(siret: str) -> str:
    return "FR" + fr_siren.to_tva(siret[:9])


class VendorFactory(factory.django.DjangoModelFactory):
    """A French company by default; traits ``sme`` and ``foreign`` (a German company without SIRET)."""

    class Meta:
        model = Vendor

    name = factory.Sequence(lambda n: f"Éditions Numériques {n:03d} SAS")
    siret = factory.Sequence(valid_siret)
    vat_number = factory.LazyAttribute(lambda v: french_vat(v.siret) if v.siret else "")
    street = "12 rue des Lilas"
    postal_code = "37100"
    city = "Tours"
    country = "FR"
    is_sme = False

    class Params:
        sme = factory.Trait(is_sme=True)
        foreign = factory.Trait(
            siret="", vat_number="DE136695976", country="DE", postal_code="10115", city="Berlin",
            street="Friedrichstraße 1",
        )


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    vendor = factory.SubFactory(VendorFactory)
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    role = "Responsable commercial"
    email = factory.Sequence(lambda n: f"contact{n}@fournisseur.example")
    phone = "02 47 00 00 00"
    is_primary = False

    class Params:
        primary = factory.Trait(is_primary=True)


class ComplianceDocumentFactory(factory.django.DjangoModelFactory):
    """A tax certificate valid one year by default; traits ``vigilance``, ``kbis``, ``insurance``."""

    class Meta:
        model = ComplianceDocument

    vendor = factory.SubFactory(VendorFactory)
    kind = ComplianceKind.TAX_CERTIFICATE
    issued_on = date(2026, 1, 15)
    expires_on = factory.LazyAttribute(lambda d: d.issued_on + timedelta(days=365))
    reference = factory.Sequence(lambda n: f"REF-{n:04d}")

    class Params:
        vigilance = factory.Trait(
            kind=ComplianceKind.URSSAF_VIGILANCE,
            expires_on=factory.LazyAttribute(lambda d: d.issued_on + relativedelta(months=6)),
        )
        kbis = factory.Trait(
            kind=ComplianceKind.KBIS,
            expires_on=factory.LazyAttribute(lambda d: d.issued_on + timedelta(days=90)),
        )
        insurance = factory.Trait(kind=ComplianceKind.INSURANCE)


def make_compliant(vendor: Vendor, *, issued_on: date) -> list[ComplianceDocument]:
    """The three certificates the award guard requires, all issued on ``issued_on``."""
    return [
        ComplianceDocumentFactory(vendor=vendor, vigilance=True, issued_on=issued_on),
        ComplianceDocumentFactory(vendor=vendor, issued_on=issued_on),
        ComplianceDocumentFactory(vendor=vendor, kbis=True, issued_on=issued_on),
    ]
