from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from procurement.tenders.exports.bids_register import bids_register_xlsx
from procurement.tenders.models import BidFile
from tests.tenders.factories import BidFactory, LotFactory, TenderFactory

pytestmark = pytest.mark.django_db


def cells(tender, user) -> list[list]:
    sheet = load_workbook(BytesIO(bids_register_xlsx(tender=tender, user=user))).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_the_register_of_a_closed_tender_shows_no_amount(settings, buyer):
    lot = LotFactory(tender=TenderFactory(closed=True))
    bid = BidFactory(lot=lot, vendor__name="Kiosque Horizon")
    # An amount typed too early by a bug elsewhere must still not leak through the export.
    type(bid).objects.filter(pk=bid.pk).update(amount_ht=Decimal("57000.00"))
    BidFile.objects.create(bid=bid, file="tenders/bids/x", original_name="prix.pdf", size=10, sha256="ab" * 32)
    rows = cells(lot.tender, buyer)
    assert rows[1] == ["Lot", "Candidat", "SIRET", "Reçue le", "Statut", "Fichiers (SHA-256)"]
    assert rows[2][1] == "Kiosque Horizon" and rows[2][4] == "Reçue, scellée" and rows[2][5] == "ab" * 32
    flat = " ".join(str(value) for row in rows for value in row)
    assert "57000" not in flat and "prix.pdf" not in flat


def test_the_register_of_an_opened_tender_shows_the_amounts_to_a_buyer(buyer):
    lot = LotFactory(tender=TenderFactory(opened=True))
    BidFactory(lot=lot, compliant=True, vendor__name="Lectura Prêt Numérique SAS")
    rows = cells(lot.tender, buyer)
    assert rows[2][6:9] == [98000, 5.5, 103390]
    assert rows[2][4] == "Conforme"


def test_the_register_is_downloaded_from_the_tender_page(client_for, finance_user):
    lot = LotFactory(tender=TenderFactory(closed=True))
    BidFactory(lot=lot, vendor__name="Kiosque Horizon")
    client = client_for(finance_user)
    assert "registre-des-depots.xlsx" in client.get(f"/consultations/{lot.tender.reference}/").content.decode()
    response = client.get(f"/consultations/{lot.tender.reference}/registre-des-depots.xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="registre-depots-{lot.tender.reference}.xlsx"'
    sheet = load_workbook(BytesIO(response.content)).active
    assert sheet["B3"].value == "Kiosque Horizon"


def test_anonymous_users_cannot_download_the_register(client):
    tender = TenderFactory(closed=True)
    assert client.get(f"/consultations/{tender.reference}/registre-des-depots.xlsx").status_code == 302
