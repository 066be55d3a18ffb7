from datetime import date

import pytest
from django.urls import reverse

from procurement.vendors.models import Vendor
from tests.factories import UserFactory
from tests.vendors.factories import ComplianceDocumentFactory, ContactFactory, VendorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(client):
    client.force_login(UserFactory(admin=True))
    return client


def test_the_admin_lists_and_opens_vendors_with_their_inlines(admin_client_):
    vendor = VendorFactory(name="Kiosque Horizon")
    ContactFactory(vendor=vendor)
    document = ComplianceDocumentFactory(vendor=vendor, vigilance=True, issued_on=date(2026, 5, 31))
    changelist = admin_client_.get(reverse("admin:vendors_vendor_changelist"), {"q": vendor.siret[:9]})
    assert changelist.status_code == 200 and "Kiosque Horizon" in changelist.content.decode()
    assert admin_client_.get(reverse("admin:vendors_vendor_change", args=[vendor.pk])).status_code == 200
    assert admin_client_.get(reverse("admin:vendors_vendor_history", args=[vendor.pk])).status_code == 200
    assert admin_client_.get(reverse("admin:vendors_vendor_add")).status_code == 200
    document_url = reverse("admin:vendors_compliancedocument_change", args=[document.pk])
    assert admin_client_.get(document_url).status_code == 200
    assert admin_client_.get(reverse("admin:vendors_contact_changelist")).status_code == 200


def test_the_admin_applies_the_same_validation(admin_client_):
    response = admin_client_.post(reverse("admin:vendors_vendor_add"), {
        "name": "Doublon", "siret": "73282932000079", "vat_number": "", "street": "", "postal_code": "37100",
        "city": "Tours", "country": "FR", "website": "", "notes": "",
        "contacts-TOTAL_FORMS": "0", "contacts-INITIAL_FORMS": "0",
        "documents-TOTAL_FORMS": "0", "documents-INITIAL_FORMS": "0",
    })
    assert response.status_code == 200
    assert "clé de contrôle incorrecte" in response.content.decode()
    assert not Vendor.objects.exists()
