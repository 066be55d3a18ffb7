"""The vendors' services check the acting user's ability before writing: finance officers and
evaluators, who do not edit vendors on the pages, are refused by the services too, and nothing changes."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from procurement.vendors import services
from procurement.vendors.enums import ComplianceKind
from procurement.vendors.models import ComplianceDocument, Contact, Vendor
from tests.factories import UserFactory
from tests.vendors.factories import ComplianceDocumentFactory, ContactFactory

pytestmark = pytest.mark.django_db


def _writes(contact: Contact, document: ComplianceDocument) -> dict:
    """Each write as a function of the acting user, on rows that exist before the call."""
    vendor = contact.vendor
    return {
        "vendor_create": lambda by: services.vendor_create(name="Kiosque Horizon", siret="73282932000074",
                                                           city="Paris", postal_code="75010", by=by),
        "vendor_update": lambda by: services.vendor_update(vendor=vendor, data={"city": "Lyon"}, by=by),
        "contact_create": lambda by: services.contact_create(vendor=vendor, first_name="Léa", last_name="Martin",
                                                             email="lea.martin@example.fr", by=by),
        "contact_update": lambda by: services.contact_update(contact=contact, data={"role": "Gérante"}, by=by),
        "contact_delete": lambda by: services.contact_delete(contact=contact, by=by),
        "document_create": lambda by: services.document_create(vendor=vendor, kind=ComplianceKind.KBIS,
                                                               issued_on=date(2026, 5, 31),
                                                               expires_on=date(2026, 8, 31), by=by),
        "document_update": lambda by: services.document_update(document=document, data={"reference": "X"}, by=by),
        "document_delete": lambda by: services.document_delete(document=document, by=by),
    }


def _snapshot() -> list:
    return [list(model.objects.order_by("pk").values()) for model in (Vendor, Contact, ComplianceDocument)]


@pytest.mark.parametrize("traits", [{"finance": True}, {"evaluator": True}], ids=["finance", "evaluator"])
@pytest.mark.parametrize("write", ["vendor_create", "vendor_update", "contact_create", "contact_update",
                                   "contact_delete", "document_create", "document_update", "document_delete"])
def test_a_role_without_the_ability_is_refused_and_nothing_is_written(write, traits):
    user = UserFactory(**traits)
    contact = ContactFactory()
    writes = _writes(contact, ComplianceDocumentFactory(vendor=contact.vendor))
    before = _snapshot()
    with pytest.raises(PermissionDenied) as refused:
        writes[write](user)
    assert str(refused.value) == ("Seuls les acheteurs modifient les fournisseurs, leurs contacts et leurs "
                                  "attestations.")
    assert _snapshot() == before
