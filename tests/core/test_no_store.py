"""What a signed-in user receives is never kept by the browser's or a proxy's cache: pages, file
downloads, exports and API answers all carry ``Cache-Control: no-store``."""

from io import BytesIO

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from openpyxl import load_workbook

from procurement.tenders.models import BidFile
from tests.tenders.factories import BidFactory, LotFactory, TenderFactory
from tests.vendors.factories import PDF_BYTES

pytestmark = pytest.mark.django_db


def no_store(response) -> bool:
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    return response.status_code == 200 and {"no-store", "private"} <= directives


@pytest.fixture
def opened(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    lot = LotFactory(tender=TenderFactory(opened=True, reference="CACHE-2026"))
    bid = BidFactory(lot=lot, compliant=True, vendor__name="Lectura Numérique")
    bid_file = BidFile(bid=bid, original_name="offre.pdf", size=len(PDF_BYTES), sha256="c" * 64)
    bid_file.file.save("offre.pdf", ContentFile(PDF_BYTES), save=False)
    bid_file.save()
    return bid_file


def test_pages_downloads_and_exports_of_a_signed_in_user_are_not_stored(client_for, buyer, finance_user, opened):
    client = client_for(buyer)
    tender = opened.bid.lot.tender
    page = client.get(reverse("tenders:detail", args=[tender.reference]))
    assert no_store(page) and "Lectura Numérique" in page.content.decode()
    register = client.get(reverse("tenders:bids-register", args=[tender.reference]))
    assert no_store(register) and load_workbook(BytesIO(register.content)).active["B3"].value == "Lectura Numérique"
    download = client.get(reverse("tenders:bid-file", args=[tender.reference, opened.pk]))
    assert no_store(download) and b"".join(download.streaming_content) == PDF_BYTES
    client = client_for(finance_user)
    for name in ("dashboards:finance-xlsx", "dashboards:finance-pdf"):
        export = client.get(reverse(name) + "?year_from=2026&year_to=2026")
        assert no_store(export) and export["Content-Disposition"].startswith("attachment"), name


def test_api_answers_are_not_stored_with_a_session_or_with_a_client_authenticated_by_the_api(
        client_for, api_for, buyer, opened):
    session = client_for(buyer).get("/api/tenders/")
    assert no_store(session) and session.json()["results"][0]["reference"] == "CACHE-2026"
    # Authenticated by the API itself (a token, here forced): the user is known only inside the view.
    answer = api_for(buyer).get(f"/api/bids/{opened.bid_id}/")
    assert no_store(answer) and answer.json()["final_amount_ht"] == "98000.00"


def test_anonymous_answers_are_left_to_the_views(client, db):
    refused = client.get("/api/tenders/")
    assert refused.status_code in {401, 403} and "no-store" not in refused.get("Cache-Control", "")
