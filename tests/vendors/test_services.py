from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from procurement.vendors import services
from procurement.vendors.enums import ComplianceKind
from procurement.vendors.models import ComplianceDocument, Contact, Vendor
from tests.factories import UserFactory
from tests.vendors.factories import (
    PDF_BYTES,
    ComplianceDocumentFactory,
    ContactFactory,
    VendorFactory,
)

pytestmark = pytest.mark.django_db


def create(**overrides) -> Vendor:
    values = {"name": "Kiosque Horizon", "siret": "732 829 320 00074", "vat_number": "fr44732829320",
              "street": "52 rue du Faubourg-Poissonnière", "postal_code": "75010", "city": "Paris"}
    return services.vendor_create(by=UserFactory(buyer=True), **(values | overrides))


def test_a_vendor_is_created_with_normalised_numbers_and_its_siren():
    vendor = create(is_sme=True)
    vendor.refresh_from_db()
    assert (vendor.siret, vendor.vat_number, vendor.country) == ("73282932000074", "FR44732829320", "FR")
    assert vendor.siren == "732829320"
    assert vendor.siren_display == "732 829 320"
    assert vendor.siret_display == "732 829 320 00074"
    assert vendor.is_sme


def test_a_second_vendor_with_the_same_siret_is_refused_naming_the_first():
    first = create()
    with pytest.raises(ValidationError) as caught:
        create(name="Homonyme SARL")
    assert caught.value.message_dict == {"siret": [
        f"Ce SIRET est déjà enregistré pour le fournisseur « Kiosque Horizon » (fiche n° {first.pk})."
    ]}
    assert Vendor.objects.count() == 1


def test_the_database_refuses_a_duplicate_siret_even_without_the_service():
    VendorFactory(siret="73282932000074")
    with pytest.raises(IntegrityError), transaction.atomic():
        VendorFactory(siret="73282932000074")


def test_the_database_refuses_a_french_company_without_siret():
    with pytest.raises(IntegrityError), transaction.atomic():
        VendorFactory(siret="", vat_number="")


def test_a_foreign_company_without_siret_is_created_with_its_vat_number():
    vendor = create(name="Lesewelt GmbH", siret="", vat_number="DE 136 695 976", country="DE",
                    postal_code="10115", city="Berlin")
    assert (vendor.siret, vendor.siren, vendor.vat_number) == ("", "", "DE136695976")


def test_a_refused_update_changes_nothing(buyer):
    vendor = create()
    with pytest.raises(ValidationError) as caught:
        services.vendor_update(by=buyer, vendor=vendor, data={"name": "Nouveau nom", "siret": "73282932000079"})
    assert "clé de contrôle incorrecte" in caught.value.message_dict["siret"][0]
    assert vendor.name == "Kiosque Horizon"
    vendor.refresh_from_db()
    assert (vendor.name, vendor.siret) == ("Kiosque Horizon", "73282932000074")


def test_an_update_records_who_made_it():
    buyer = UserFactory(buyer=True, username="claire")
    vendor = create()
    services.vendor_update(vendor=vendor, data={"city": "Lyon", "postal_code": "69002"}, by=buyer)
    latest = vendor.history.first()
    assert latest.history_user == buyer
    assert latest.history_type == "~"
    assert sorted(latest.diff_against(latest.prev_record).changed_fields) == ["city", "postal_code"]


def test_unknown_fields_are_a_programming_error(buyer):
    with pytest.raises(TypeError):
        services.vendor_update(by=buyer, vendor=create(), data={"siren": "732829320"})


def test_a_new_primary_contact_takes_over_from_the_previous_one(buyer):
    vendor = VendorFactory()
    previous = ContactFactory(vendor=vendor, primary=True)
    contact = services.contact_create(by=buyer,
        vendor=vendor, first_name="Inès", last_name="Carvalho", email="ines@kiosque.example", is_primary=True,
        phone="01 48 24 63 90",
    )
    previous.refresh_from_db()
    assert contact.is_primary and not previous.is_primary
    assert list(vendor.contacts.filter(is_primary=True)) == [contact]


def test_the_database_allows_one_primary_contact_per_vendor():
    vendor = VendorFactory()
    ContactFactory(vendor=vendor, primary=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        ContactFactory(vendor=vendor, primary=True)


def test_a_contact_with_a_bad_email_is_refused(buyer):
    with pytest.raises(ValidationError) as caught:
        services.contact_create(by=buyer,
            vendor=VendorFactory(), first_name="A", last_name="B", email="pas-une-adresse",
        )
    assert "email" in caught.value.message_dict
    assert not Contact.objects.exists()


def test_a_vigilance_attestation_gets_its_computed_expiry(buyer):
    document = services.document_create(by=buyer,
        vendor=VendorFactory(), kind=ComplianceKind.URSSAF_VIGILANCE, issued_on=date(2026, 5, 31),
    )
    document.refresh_from_db()
    assert document.expires_on == date(2026, 11, 30)


def test_a_vigilance_attestation_cannot_run_longer_than_the_rule(buyer):
    with pytest.raises(ValidationError) as caught:
        services.document_create(by=buyer,
            vendor=VendorFactory(), kind=ComplianceKind.URSSAF_VIGILANCE, issued_on=date(2026, 5, 31),
            expires_on=date(2026, 12, 31),
        )
    assert "au plus tard le 30/11/2026" in caught.value.message_dict["expires_on"][0]
    assert not ComplianceDocument.objects.exists()


def test_the_database_refuses_an_expiry_before_the_issue():
    with pytest.raises(IntegrityError), transaction.atomic():
        ComplianceDocumentFactory(issued_on=date(2026, 3, 1), expires_on=date(2026, 2, 1))


def test_a_document_update_recomputes_the_vigilance_expiry(buyer):
    document = ComplianceDocumentFactory(vigilance=True, issued_on=date(2026, 1, 15))
    services.document_update(by=buyer, document=document, data={"issued_on": date(2026, 3, 31), "expires_on": None})
    document.refresh_from_db()
    assert document.expires_on == date(2026, 9, 30)


def test_an_uploaded_file_is_stored_under_a_random_name(vendors_private_media, buyer):
    vendor = VendorFactory()
    document = services.document_create(by=buyer,
        vendor=vendor, kind=ComplianceKind.KBIS, issued_on=date(2026, 3, 1), expires_on=date(2026, 6, 1),
        file=SimpleUploadedFile("kbis mars.pdf", PDF_BYTES, content_type="application/pdf"),
    )
    assert document.file.name.startswith(f"vendors/compliance/{vendor.pk}/")
    assert document.file.name.endswith(".pdf") and "kbis" not in document.file.name
    assert (vendors_private_media / document.file.name).read_bytes() == PDF_BYTES


def test_a_fake_pdf_is_refused_by_the_service(buyer):
    with pytest.raises(ValidationError) as caught:
        services.document_create(by=buyer,
            vendor=VendorFactory(), kind=ComplianceKind.KBIS, issued_on=date(2026, 3, 1),
            expires_on=date(2026, 6, 1), file=SimpleUploadedFile("kbis.pdf", b"MZ\x90\x00 not a pdf"),
        )
    assert caught.value.messages == [
        "« Fichier » : le contenu du fichier « kbis.pdf » n'est pas celui d'un fichier PDF."
    ]
    assert not ComplianceDocument.objects.exists()


def test_deleting_a_document_removes_its_file_once_committed(
    vendors_private_media, django_capture_on_commit_callbacks
, buyer):
    document = services.document_create(by=buyer,
        vendor=VendorFactory(), kind=ComplianceKind.KBIS, issued_on=date(2026, 3, 1),
        expires_on=date(2026, 6, 1),
        file=SimpleUploadedFile("kbis.pdf", PDF_BYTES),
    )
    path = vendors_private_media / document.file.name
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.document_delete(by=buyer, document=document)
    assert not path.exists()
    assert not ComplianceDocument.objects.exists()


def test_a_duplicate_slipping_past_the_checks_is_still_refused_with_the_friendly_message(monkeypatch):
    first = create()
    # Two buyers save the same SIRET at the same moment: both pass the checks, the database decides.
    monkeypatch.setattr(services, "validate_vendor_identity", lambda **values: {
        "siret": "73282932000074", "vat_number": "", "country": "FR", "postal_code": "75010"})
    monkeypatch.setattr(Vendor, "validate_constraints", lambda self, exclude=None: None)
    with pytest.raises(ValidationError) as caught:
        create(name="Concurrent SAS")
    assert caught.value.message_dict["siret"] == [
        f"Ce SIRET est déjà enregistré pour le fournisseur « Kiosque Horizon » (fiche n° {first.pk})."
    ]
    assert Vendor.objects.count() == 1
