from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from procurement.vendors.models import Vendor
from tests.factories import UserFactory
from tests.vendors.factories import (
    ComplianceDocumentFactory,
    ContactFactory,
    VendorFactory,
    make_compliant,
    valid_siret,
)

pytestmark = pytest.mark.django_db

LIST_URL = reverse("vendors:list")
CREATE_URL = reverse("vendors:create")
EXPIRING_URL = reverse("vendors:expiring")


def vendor_form(**overrides) -> dict:
    return {
        "name": "Cinévasion Médiathèques SARL", "siret": "732 829 320 00074", "vat_number": "FR44732829320",
        "street": "8 rue Étienne-Marcel", "postal_code": "93100", "city": "Montreuil", "country": "FR",
        "is_sme": "on", "website": "", "notes": "",
    } | overrides


@pytest.fixture
def vendor(db):
    vendor = VendorFactory(name="Kiosque Horizon")
    ContactFactory(vendor=vendor, first_name="Inès", last_name="Carvalho", primary=True)
    ComplianceDocumentFactory(vendor=vendor, vigilance=True, issued_on=date(2026, 5, 31))
    return vendor


def page_urls(vendor) -> list[str]:
    return [LIST_URL, EXPIRING_URL, reverse("vendors:detail", args=[vendor.pk])]


def edit_urls(vendor) -> list[str]:
    contact, document = vendor.contacts.get(), vendor.documents.get()
    return [
        CREATE_URL,
        reverse("vendors:update", args=[vendor.pk]),
        reverse("vendors:contact-create", args=[vendor.pk]),
        reverse("vendors:contact-update", args=[contact.pk]),
        reverse("vendors:contact-delete", args=[contact.pk]),
        reverse("vendors:document-create", args=[vendor.pk]),
        reverse("vendors:document-update", args=[document.pk]),
        reverse("vendors:document-delete", args=[document.pk]),
    ]


@pytest.mark.parametrize(
    ("traits", "read", "edit"),
    [({"buyer": True}, 200, 200), ({"finance": True}, 200, 403), ({"evaluator": True}, 403, 403),
     ({"admin": True}, 200, 200), ({}, 403, 403)],
)
def test_who_may_read_and_edit(client, vendor, traits, read, edit):
    client.force_login(UserFactory(**traits))
    pages, edits = page_urls(vendor), edit_urls(vendor)
    assert {url: client.get(url).status_code for url in pages} == dict.fromkeys(pages, read)
    assert {url: client.get(url).status_code for url in edits} == dict.fromkeys(edits, edit)


def test_anonymous_users_are_sent_to_the_login_page(client, vendor):
    for url in page_urls(vendor) + edit_urls(vendor):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_finance_cannot_post_changes(client, vendor):
    client.force_login(UserFactory(finance=True))
    response = client.post(reverse("vendors:update", args=[vendor.pk]), vendor_form(name="Piraté"))
    assert response.status_code == 403
    vendor.refresh_from_db()
    assert vendor.name == "Kiosque Horizon"


def test_buyers_see_the_edit_buttons_finance_does_not(client, vendor):
    detail = reverse("vendors:detail", args=[vendor.pk])
    client.force_login(UserFactory(buyer=True))
    assert "Nouveau fournisseur" in client.get(LIST_URL).content.decode()
    html = client.get(detail).content.decode()
    assert reverse("vendors:update", args=[vendor.pk]) in html
    assert reverse("vendors:document-create", args=[vendor.pk]) in html
    client.force_login(UserFactory(finance=True))
    assert "Nouveau fournisseur" not in client.get(LIST_URL).content.decode()
    html = client.get(detail).content.decode()
    assert "Kiosque Horizon" in html and "Inès Carvalho" in html
    assert "Modifier" not in html and "Supprimer" not in html and "Ajouter" not in html


def test_the_list_shows_siret_sme_and_compliance(client):
    today_vendor = VendorFactory(name="Lectura", siret="73282932000074", vat_number="", sme=True)
    client.force_login(UserFactory(finance=True))
    html = client.get(LIST_URL).content.decode()
    assert "732 829 320 00074" in html
    assert '<span class="badge">PME</span>' in html
    assert '<span class="badge badge--err">manquante</span>' in html
    assert reverse("vendors:detail", args=[today_vendor.pk]) in html
    assert f"{EXPIRING_URL}?days=30" in html
    assert "Attestations expirant sous 30 jours" in html


def test_the_list_search_and_filter(client):
    VendorFactory(name="Lectura", siret="73282932000074", vat_number="", sme=True)
    VendorFactory(name="Kiosque Horizon")
    client.force_login(UserFactory(buyer=True))
    html = client.get(LIST_URL, {"q": "732829320"}).content.decode()
    assert "Lectura" in html and "Kiosque Horizon" not in html
    html = client.get(LIST_URL, {"pme": "non"}).content.decode()
    assert "Lectura" not in html and "Kiosque Horizon" in html


def test_the_list_is_paginated_by_25(client):
    for n in range(27):
        VendorFactory(name=f"Fournisseur {n:02d}")
    client.force_login(UserFactory(buyer=True))
    html = client.get(LIST_URL).content.decode()
    assert "Fournisseur 24" in html and "Fournisseur 25" not in html
    assert "Page 1 sur 2" in html and "?page=2" in html
    assert "Fournisseur 26" in client.get(LIST_URL, {"page": 2}).content.decode()


def test_the_list_runs_a_constant_number_of_queries(client, django_assert_num_queries):
    client.force_login(UserFactory(buyer=True))

    def add_vendors(count: int) -> None:
        for _ in range(count):
            vendor = VendorFactory()
            make_compliant(vendor, issued_on=date(2026, 10, 1))
            ContactFactory(vendor=vendor)

    add_vendors(3)
    with CaptureQueriesContext(connection) as three:
        assert client.get(LIST_URL).status_code == 200
    add_vendors(27)
    with django_assert_num_queries(len(three.captured_queries)):
        assert client.get(LIST_URL).status_code == 200


def test_creating_a_vendor_through_the_form(client):
    buyer = UserFactory(buyer=True)
    client.force_login(buyer)
    response = client.post(CREATE_URL, vendor_form())
    vendor = Vendor.objects.get()
    assert response.status_code == 302 and response.url == reverse("vendors:detail", args=[vendor.pk])
    assert (vendor.siret, vendor.is_sme) == ("73282932000074", True)
    assert vendor.history.get().history_user == buyer


def test_an_invalid_siret_is_shown_on_its_field_and_nothing_is_saved(client):
    client.force_login(UserFactory(buyer=True))
    response = client.post(CREATE_URL, vendor_form(siret="732 829 320 00079"))
    html = response.content.decode()
    assert response.status_code == 200
    assert ('<p class="error" id="id_siret_error">Le SIRET « 73282932000079 » n&#x27;est pas valide '
            "(clé de contrôle incorrecte).</p>") in html
    assert "rien n'a été enregistré" in html
    assert not Vendor.objects.exists()


def test_a_duplicate_siret_names_the_first_vendor_in_the_form(client, vendor):
    client.force_login(UserFactory(buyer=True))
    response = client.post(CREATE_URL, vendor_form(siret=vendor.siret, vat_number=""))
    assert response.context["form"].errors["siret"] == [
        f"Ce SIRET est déjà enregistré pour le fournisseur « Kiosque Horizon » (fiche n° {vendor.pk})."
    ]
    assert Vendor.objects.count() == 1


def test_a_vat_number_of_another_company_is_refused_in_the_form(client):
    client.force_login(UserFactory(buyer=True))
    response = client.post(CREATE_URL, vendor_form(vat_number="FR83404833048"))
    assert "le numéro attendu est FR44732829320" in response.context["form"].errors["vat_number"][0]
    assert not Vendor.objects.exists()


def test_a_bad_update_leaves_the_vendor_unchanged(client, vendor):
    client.force_login(UserFactory(buyer=True))
    before = Vendor.objects.values().get(pk=vendor.pk)
    url = reverse("vendors:update", args=[vendor.pk])
    response = client.post(url, vendor_form(name="Nouveau nom", siret="123", country="FR"))
    assert response.status_code == 200
    assert response.context["form"].errors["siret"] == [
        "Le SIRET « 123 » doit comporter 14 chiffres, et non 3."
    ]
    assert "Modifier « Kiosque Horizon »" in response.content.decode()
    assert Vendor.objects.values().get(pk=vendor.pk) == before
    assert vendor.history.count() == 1


def test_an_update_is_recorded_in_the_history_with_its_author(client, vendor):
    buyer = UserFactory(buyer=True, first_name="Claire", last_name="Morel")
    client.force_login(buyer)
    data = vendor_form(name="Kiosque Horizon", siret=vendor.siret, vat_number=vendor.vat_number, is_sme="")
    response = client.post(reverse("vendors:update", args=[vendor.pk]), data)
    assert response.status_code == 302
    assert vendor.history.first().history_user == buyer
    html = client.get(reverse("vendors:detail", args=[vendor.pk])).content.decode()
    assert "Claire Morel" in html and "Ville : Tours → Montreuil" in html


def test_the_detail_page_shows_siren_vat_contacts_and_documents(client, vendor):
    client.force_login(UserFactory(finance=True))
    html = client.get(reverse("vendors:detail", args=[vendor.pk])).content.decode()
    assert vendor.siren_display in html and vendor.vat_number in html
    assert "Inès Carvalho" in html
    assert "Attestation de vigilance URSSAF" in html and "30/11/2026" in html


def test_a_vigilance_attestation_added_through_the_form_gets_its_expiry(client, vendor):
    client.force_login(UserFactory(buyer=True))
    url = reverse("vendors:document-create", args=[vendor.pk])
    response = client.post(url, {"kind": "urssaf_vigilance", "issued_on": "2026-08-31", "expires_on": ""})
    assert response.status_code == 302
    assert vendor.documents.order_by("-pk").first().expires_on == date(2027, 2, 28)


def test_a_document_expiring_too_late_is_refused_in_the_form(client, vendor):
    client.force_login(UserFactory(buyer=True))
    url = reverse("vendors:document-create", args=[vendor.pk])
    data = {"kind": "urssaf_vigilance", "issued_on": "2026-05-31", "expires_on": "2026-12-01"}
    response = client.post(url, data)
    assert "au plus tard le 30/11/2026" in response.context["form"].errors["expires_on"][0]
    assert 'id="id_expires_on_error"' in response.content.decode()
    assert vendor.documents.count() == 1


def test_contacts_are_added_and_removed(client, vendor):
    client.force_login(UserFactory(buyer=True))
    response = client.post(reverse("vendors:contact-create", args=[vendor.pk]), {
        "first_name": "Léa", "last_name": "Marchand", "role": "Chargée de relations",
        "email": "lea@exemple.example", "phone": "06 12 48 75 33", "is_primary": "on",
    })
    assert response.status_code == 302
    lea = vendor.contacts.get(last_name="Marchand")
    assert lea.is_primary and vendor.contacts.filter(is_primary=True).count() == 1
    client.post(reverse("vendors:contact-delete", args=[lea.pk]))
    assert not vendor.contacts.filter(pk=lea.pk).exists()


def test_the_expiring_page_lists_documents_within_the_window(client):
    from django.utils import timezone

    today = timezone.localdate()
    ComplianceDocumentFactory(vendor=VendorFactory(name="Bientôt SAS", siret=valid_siret(900)), kbis=True,
                              issued_on=today.replace(day=1) if today.day > 1 else today, expires_on=today)
    client.force_login(UserFactory(finance=True))
    html = client.get(EXPIRING_URL, {"days": 10}).content.decode()
    assert "Bientôt SAS" in html and "Attestations expirant sous 10 jours" in html
    assert client.get(EXPIRING_URL, {"days": "abc"}).status_code == 200
