from datetime import date, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from stdnum.fr import siret as fr_siret
from stdnum.fr import tva as fr_tva

from procurement.demo.loaders.vendors import load_demo_vendors
from procurement.vendors import selectors
from procurement.vendors.enums import ComplianceKind
from procurement.vendors.models import ComplianceDocument, Contact, Vendor

pytestmark = pytest.mark.django_db

PATH = Path(settings.BASE_DIR) / "fixtures" / "bnm" / "vendors.json"
TODAY = date(2026, 11, 25)


def test_the_demo_vendors_are_valid_and_loaded_once(buyer):
    vendors = load_demo_vendors(by=buyer, path=PATH, today=TODAY)
    assert len(vendors) == 8
    counts = (Vendor.objects.count(), Contact.objects.count(), ComplianceDocument.objects.count())
    again = load_demo_vendors(by=buyer, path=PATH, today=TODAY + timedelta(days=3))
    assert [v.pk for v in again] == [v.pk for v in vendors]
    assert (Vendor.objects.count(), Contact.objects.count(), ComplianceDocument.objects.count()) == counts
    for vendor in Vendor.objects.all():
        assert fr_siret.is_valid(vendor.siret)
        assert fr_tva.is_valid(vendor.vat_number) and fr_tva.to_siren(vendor.vat_number) == vendor.siren
        assert 1 <= vendor.contacts.count() <= 2 and vendor.contacts.filter(is_primary=True).count() == 1
    assert {True, False} == set(Vendor.objects.values_list("is_sme", flat=True))


@pytest.mark.parametrize("today", [date(2026, 11, 25), date(2027, 3, 1), date(2028, 2, 29)])
def test_the_demo_always_shows_an_expiring_and_an_expired_certificate(today, buyer):
    load_demo_vendors(by=buyer, path=PATH, today=today)
    expiring = selectors.documents_expiring(within_days=20, today=today)
    assert [(d.vendor.name, d.kind) for d in expiring] == [
        ("Cinévasion Médiathèques SARL", ComplianceKind.URSSAF_VIGILANCE),
    ]
    missing = {
        vendor.name: selectors.vendor_missing_certificates(vendor=vendor, at=today)
        for vendor in Vendor.objects.all()
    }
    assert {name: kinds for name, kinds in missing.items() if kinds} == {
        "Cap Lecture Publique Conseil": [ComplianceKind.TAX_CERTIFICATE],
    }
    vigilance = ComplianceDocument.objects.get(vendor__name="Lectura Prêt Numérique SAS",
                                               kind=ComplianceKind.URSSAF_VIGILANCE)
    assert vigilance.issued_on == today - timedelta(days=40)
