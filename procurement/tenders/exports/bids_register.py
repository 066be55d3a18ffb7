"""The bids register (registre des dépôts) as a spreadsheet.

It holds what the tender's page shows the same user: the bidder, the time of receipt, the status
and the SHA-256 of each file; the amounts, the VAT and the candidature's admissibility only with
the tender's « read_bids » ability (a buyer, once the tender is opened), as on the page and in the API.
"""

from __future__ import annotations

from io import BytesIO

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from procurement.core.exports import xlsx_append
from procurement.tenders.models import Bid, Tender
from procurement.tenders.models.bids import UNSEALED_STATES

SEALED_COLUMNS = ["Lot", "Candidat", "SIRET", "Reçue le", "Statut", "Fichiers (SHA-256)"]
OPENED_COLUMNS = [*SEALED_COLUMNS, "Montant HT", "TVA (%)", "Montant TTC", "Candidature recevable", "Motif"]


def bids_register_rows(*, tender: Tender, user) -> tuple[list[str], list[list]]:
    unsealed = tender.state in UNSEALED_STATES
    readable = tender.get_abilities(user)["read_bids"]
    bids = (
        Bid.objects.visible_to(user).filter(lot__tender=tender)
        .select_related("lot", "vendor")
        .prefetch_related("files")
        .order_by("lot__number", "received_at")
    )
    rows = []
    for bid in bids:
        row = [
            bid.lot.number, bid.vendor.name, bid.vendor.siret,
            timezone.localtime(bid.received_at).strftime("%d/%m/%Y %H:%M"),
            str(bid.get_status_display()) if unsealed or bid.status == "late" else "Reçue, scellée",
            " ".join(f.sha256 for f in bid.files.all()),
        ]
        if readable:
            row += [bid.final_amount_ht, bid.vat_rate, bid.final_amount_ttc,
                    {True: "oui", False: "non", None: ""}[bid.admissible], bid.status_reason]
        rows.append(row)
    return (OPENED_COLUMNS if readable else SEALED_COLUMNS), rows


def bids_register_xlsx(*, tender: Tender, user) -> bytes:
    columns, rows = bids_register_rows(tender=tender, user=user)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Registre des dépôts"
    xlsx_append(sheet, [f"{tender.reference} — {tender.object[:200]}"])
    sheet.append(columns)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in rows:
        xlsx_append(sheet, row)
    for column, width in zip("ABCDEFGHIJK", (6, 36, 16, 18, 22, 70, 14, 8, 14, 12, 40), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
