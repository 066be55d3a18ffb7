"""Importing Chorus Pro invoices from the invoice list: a Factur-X PDF recorded and a UBL refused,
one row each, on a desktop (1366×900) and a phone (390×844): no sideways page scroll, axe clean.
Screenshots: docs/screenshots/import-factures-<width>.png."""

import pytest
from django.urls import reverse

from procurement.contracts.imports.einvoice_writer import facturx_pdf
from procurement.contracts.models import Invoice
from tests.browser.test_layout_sweep import DESKTOP, MEASURE, PHONE
from tests.contracts.factories import ContractFactory
from tests.contracts.test_invoice_imports import PEPPOL_EXAMPLE, spec
from tests.factories import UserFactory

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_buyer_imports_two_files_and_reads_one_row_each(journey, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    UserFactory(username="acheteur", first_name="Claire", last_name="Morel", buyer=True)
    contract = ContractFactory(notified=True, reference="MAR-2026-301")
    good, refused = tmp_path / "F-2026-001.pdf", tmp_path / "exemple-peppol.xml"
    good.write_bytes(facturx_pdf(spec(contract)))
    refused.write_bytes(PEPPOL_EXAMPLE.read_bytes())
    page = journey.page
    page.set_viewport_size(DESKTOP)
    journey.login("acheteur")
    journey.goto(reverse("contracts:invoices"))
    journey.check()
    journey.submit(page.get_by_role("link", name="Importer des factures (Chorus Pro)"),
                   to=reverse("contracts:invoice-import"))
    journey.check()
    page.get_by_label("Fichiers des factures").set_input_files([str(good), str(refused)])
    journey.submit(page.get_by_role("button", name="Importer", exact=True))
    defects = []
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        journey.check(f"import-factures-{size['width']}", at="#import-results")
        seen = page.evaluate(MEASURE)
        if seen["scrollWidth"] > seen["innerWidth"]:
            defects.append(f"{size['width']} px : la page défile de côté ({seen['scrollWidth']} px)")
    rows = page.locator("section[aria-labelledby=import-results] tbody tr").all_inner_texts()
    assert "Enregistrée" in rows[0] and "1\u00a0200,00\u00a0€" in rows[0]
    assert "Refusée" in rows[1] and "Le SIRET du fournisseur est absent de la facture." in rows[1]
    assert Invoice.objects.get().source_file.syntax == "factur-x"
    journey.finish()
    assert not defects, "\n".join(defects)
