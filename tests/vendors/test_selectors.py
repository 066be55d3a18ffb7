from datetime import date

import pytest

from procurement.vendors import selectors, services
from procurement.vendors.enums import ComplianceKind, ComplianceStatus
from tests.factories import UserFactory
from tests.vendors.factories import ComplianceDocumentFactory, VendorFactory, make_compliant

pytestmark = pytest.mark.django_db

VIGILANCE, TAX, KBIS = ComplianceKind.URSSAF_VIGILANCE, ComplianceKind.TAX_CERTIFICATE, ComplianceKind.KBIS


def test_documents_expiring_within_a_window():
    soon = ComplianceDocumentFactory(kbis=True, issued_on=date(2026, 3, 22))  # until 20/06/2026
    ComplianceDocumentFactory(issued_on=date(2026, 1, 15))  # until 15/01/2027
    assert soon.expires_on == date(2026, 6, 20)
    assert list(selectors.documents_expiring(within_days=30, today=date(2026, 6, 1))) == [soon]
    assert list(selectors.documents_expiring(within_days=19, today=date(2026, 6, 1))) == [soon]
    assert list(selectors.documents_expiring(within_days=18, today=date(2026, 6, 1))) == []
    assert list(selectors.documents_expiring(within_days=30, today=date(2026, 6, 20))) == [soon]  # last day
    assert list(selectors.documents_expiring(within_days=30, today=date(2026, 6, 21))) == []  # expired


def test_documents_expiring_leaves_out_renewed_ones_and_loads_the_vendor(django_assert_num_queries):
    vendor = VendorFactory(name="Kiosque Horizon")
    old = ComplianceDocumentFactory(vendor=vendor, vigilance=True, issued_on=date(2026, 1, 10))  # → 10/07
    other = ComplianceDocumentFactory(vigilance=True, issued_on=date(2026, 1, 20))  # → 20/07
    with django_assert_num_queries(1):
        expiring = selectors.documents_expiring(within_days=30, today=date(2026, 7, 1))
        rows = [(doc, doc.vendor.name) for doc in expiring]
    assert rows == [(old, "Kiosque Horizon"), (other, other.vendor.name)]
    ComplianceDocumentFactory(vendor=vendor, vigilance=True, issued_on=date(2026, 6, 25))  # the renewal
    assert list(selectors.documents_expiring(within_days=30, today=date(2026, 7, 1))) == [other]


def test_vendor_missing_certificates_on_a_date():
    vendor = VendorFactory()
    ComplianceDocumentFactory(vendor=vendor, vigilance=True, issued_on=date(2026, 1, 15))  # → 15/07/2026
    ComplianceDocumentFactory(vendor=vendor, issued_on=date(2026, 1, 15))  # tax → 15/01/2027
    ComplianceDocumentFactory(vendor=vendor, kbis=True, issued_on=date(2026, 1, 15))  # → 15/04/2026
    assert selectors.vendor_missing_certificates(vendor=vendor, at=date(2026, 3, 1)) == []
    assert selectors.vendor_missing_certificates(vendor=vendor, at=date(2026, 5, 1)) == [KBIS]
    assert selectors.vendor_missing_certificates(vendor=vendor, at=date(2026, 8, 1)) == [VIGILANCE, KBIS]
    assert selectors.vendor_missing_certificates(vendor=vendor, at=date(2026, 1, 14)) == [
        VIGILANCE, TAX, KBIS,
    ]
    assert selectors.vendor_missing_certificates(
        vendor=vendor, at=date(2026, 3, 1), kinds=[ComplianceKind.INSURANCE, TAX],
    ) == [ComplianceKind.INSURANCE]


def test_another_vendors_documents_do_not_count():
    make_compliant(VendorFactory(), issued_on=date(2026, 1, 15))
    assert selectors.vendor_missing_certificates(vendor=VendorFactory(), at=date(2026, 3, 1)) == [
        VIGILANCE, TAX, KBIS,
    ]


def test_vendor_list_searches_by_name_siret_or_siren_and_filters_smes():
    lectura = VendorFactory(name="Lectura Prêt Numérique", siret="73282932000074", vat_number="", sme=True)
    kiosque = VendorFactory(name="Kiosque Horizon")
    assert list(selectors.vendor_list()) == [kiosque, lectura]
    assert list(selectors.vendor_list(search="lectura")) == [lectura]
    assert list(selectors.vendor_list(search="732 829 320 00074")) == [lectura]
    assert list(selectors.vendor_list(search="732829320")) == [lectura]
    assert list(selectors.vendor_list(sme=True)) == [lectura]
    assert list(selectors.vendor_list(sme=False)) == [kiosque]


def test_the_compliance_summary_of_the_list():
    today = date(2026, 6, 1)
    valid, expiring, expired, missing = (VendorFactory(name=name) for name in "ABCD")
    make_compliant(valid, issued_on=date(2026, 4, 1))  # Kbis → 30/06: expiring (29 days)
    ComplianceDocumentFactory(vendor=valid, kbis=True, issued_on=date(2026, 5, 20))  # renewed → 18/08
    make_compliant(expiring, issued_on=date(2026, 4, 1))
    make_compliant(expired, issued_on=date(2025, 12, 1))  # vigilance → 01/06 (last day), Kbis → 01/03
    ComplianceDocumentFactory(vendor=missing, issued_on=date(2026, 1, 15))
    listed = selectors.vendor_list(today=today)
    rows = {v.name: selectors.compliance_from_annotations(v, today=today) for v in listed}
    assert rows["A"].status == ComplianceStatus.VALID and rows["A"].problems == []
    assert rows["B"].status == ComplianceStatus.EXPIRING
    assert [(p.kind, p.valid_until) for p in rows["B"].problems] == [(KBIS, date(2026, 6, 30))]
    assert rows["C"].status == ComplianceStatus.EXPIRED
    assert [(p.kind, p.status) for p in rows["C"].problems] == [
        (VIGILANCE, ComplianceStatus.EXPIRING), (KBIS, ComplianceStatus.EXPIRED),
    ]
    assert rows["D"].status == ComplianceStatus.MISSING
    assert [p.kind for p in rows["D"].problems] == [VIGILANCE, KBIS]
    # The detail page computes the same from the prefetched documents.
    for vendor in (valid, expiring, expired, missing):
        detail = selectors.vendor_detail(pk=vendor.pk)
        assert selectors.vendor_compliance(vendor=detail, today=today) == rows[vendor.name]


def test_vendor_history_says_who_changed_which_fields():
    buyer = UserFactory(buyer=True, first_name="Claire", last_name="Morel")
    vendor = services.vendor_create(name="Kiosque Horizon", siret="73282932000074", city="Paris",
                                    postal_code="75010", by=buyer)
    services.vendor_update(vendor=vendor, data={"is_sme": True, "city": "Lyon", "postal_code": "69002"},
                           by=buyer)
    services.vendor_update(vendor=vendor, data={}, by=buyer)  # saved, but nothing changed: not listed
    services.document_create(vendor=vendor, kind=VIGILANCE, issued_on=date(2026, 5, 31), by=buyer)
    history = selectors.vendor_history(vendor=vendor)
    assert [(entry.action, entry.subject) for entry in history] == [
        ("création", "justificatif : attestation de vigilance URSSAF"),
        ("modification", "fiche du fournisseur"),
        ("création", "fiche du fournisseur"),
    ]
    assert {entry.who for entry in history} == {"Claire Morel"}
    assert [(c.label, c.old, c.new) for c in history[1].changes] == [
        ("Ville", "Paris", "Lyon"), ("PME", "non", "oui"), ("Code postal", "75010", "69002"),
    ]
