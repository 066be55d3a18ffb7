"""Loads the BNM procurements through the services, each step at its real date."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from decimal import Decimal
from io import BytesIO
from pathlib import Path

from dateutil.relativedelta import relativedelta
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from reportlab.pdfgen import canvas

from procurement.tenders.cao_demo import demo_cao_data, load_demo_cao
from procurement.tenders.models import Tender
from procurement.tenders.services import bids as bid_services
from procurement.tenders.services import qa
from procurement.tenders.services.need import criteria_replace, lot_save, tender_create
from procurement.tenders.services.price_lines import LineRow, price_lines_replace
from procurement.tenders.services.transitions import lot_transition, tender_transition
from procurement.vendors.enums import ComplianceKind
from procurement.vendors.models import Vendor
from procurement.vendors.services import document_create

TENDER_KEYS = ("reference", "object", "nature", "cpv_code", "place_code", "duration_months", "renewals",
               "renewal_months", "is_framework", "price_form", "price_types", "techniques", "execution_modes", "ccag",
               "social_considerations", "environmental_considerations", "mapa_negotiation")


def _at(text: str) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(text))


def _pdf(title: str) -> SimpleUploadedFile:
    buffer = BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 760, title)
    page.drawString(72, 740, "Document de démonstration.")
    page.save()
    return SimpleUploadedFile(f"{title}.pdf", buffer.getvalue(), content_type="application/pdf")


def _certify(vendor: Vendor, *, day: date, by) -> None:
    """The certificates a winner hands in before the award, dated as they were then."""
    issued = day - timedelta(days=20)
    document_create(vendor=vendor, kind=ComplianceKind.URSSAF_VIGILANCE, issued_on=issued,
                    reference=f"VIG-{issued:%Y%m}", by=by)
    document_create(vendor=vendor, kind=ComplianceKind.TAX_CERTIFICATE, issued_on=issued,
                    expires_on=issued + relativedelta(years=1), reference=f"FISC-{issued:%Y}", by=by)
    document_create(vendor=vendor, kind=ComplianceKind.KBIS, issued_on=issued,
                    expires_on=issued + relativedelta(months=3), reference=f"KBIS-{issued:%Y%m}", by=by)


def _send_letters(tender: Tender, lots: list, *, buyer) -> None:
    """After each award: the letters, sent electronically on the day of the award, and the rapport de
    présentation of a formalised procedure."""
    from procurement.tenders.enums import Procedure
    from procurement.tenders.evaluation.selectors import lot_ranking
    from procurement.tenders.services.letters import letters_generate, rapport_presentation_generate

    for lot, lot_entry in lots:
        if not lot_entry.get("award"):
            continue
        lot.refresh_from_db()
        sent_on = _at(lot_entry["award"]["at"]).date()
        ranking = lot_ranking(lot)
        letters_generate(lot=lot, ranking=ranking, sent_on=sent_on, by=buyer)
        if tender.procedure == Procedure.OPEN:
            rapport_presentation_generate(lot=lot, ranking=ranking, by=buyer, on=sent_on)


def _load(entry: dict, *, buyer, today: date, programme, cao: dict | None = None) -> Tender:
    fields = {key: entry[key] for key in TENDER_KEYS if key in entry}
    fields["programme"] = programme
    relative = entry.get("relative")
    if relative:
        fields["consultation_start"] = today + timedelta(days=relative["consultation_start"])
        fields["notice_sent_on"] = today + timedelta(days=relative["notice_sent_on"])
        deadline_day = today + timedelta(days=relative["bid_deadline"])
        fields["bid_deadline"] = timezone.make_aware(datetime.combine(deadline_day, datetime.min.time())
                                                     .replace(hour=12))
    else:
        fields["consultation_start"] = date.fromisoformat(entry["consultation_start"])
        fields["notice_sent_on"] = date.fromisoformat(entry["notice_sent_on"])
        fields["bid_deadline"] = _at(entry["bid_deadline"])
    start = timezone.make_aware(datetime.combine(fields["consultation_start"], datetime.min.time()).replace(hour=9))
    tender = tender_create(by=buyer, buyer=buyer, **fields)
    lots = []
    for lot_entry in entry["lots"]:
        lot = lot_save(tender=tender, by=buyer, title=lot_entry["title"],
                       description=lot_entry.get("description", ""),
                       estimated_amount_ht=Decimal(lot_entry["estimated_amount_ht"]),
                       options_amount_ht=Decimal(lot_entry.get("options_amount_ht", "0")))
        criteria_replace(lot=lot, by=buyer, rows=lot_entry["criteria"])
        price_lines_replace(lot=lot, by=buyer, rows=[
            LineRow(line["number"], line["label"], line["unit"], Decimal(line["quantity"]))
            for line in lot_entry.get("prices", [])
        ])
        lots.append((lot, lot_entry))
    notice = timezone.make_aware(datetime.combine(fields["notice_sent_on"], datetime.min.time()).replace(hour=9))
    from procurement.tenders.services.dce import dce_generate

    dce_generate(tender=tender, by=buyer, on=fields["consultation_start"])
    tender = tender_transition(tender=tender, name="mark_ready", by=buyer, now=start)
    tender = tender_transition(tender=tender, name="publish", by=buyer, now=notice)

    # The current consultation's questions and sealed bids are dated from the demo's day, 10:00.
    demo_now = timezone.make_aware(datetime.combine(today, datetime.min.time()).replace(hour=10))
    for question in entry.get("questions", []):
        asked = demo_now + timedelta(days=question["asked_days"])
        recorded = qa.question_record(tender=tender, text=question["text"], asked_at=asked, by=buyer)
        qa.question_answer(question=recorded, answer=question["answer"], by=buyer,
                           today=timezone.localdate(asked) + timedelta(days=1))

    for lot, lot_entry in lots:
        for sealed in lot_entry.get("sealed_bids", []):
            vendor = Vendor.objects.get(name=sealed["vendor"])
            received = demo_now + timedelta(days=sealed["received_days"])
            bid_services.bid_receive(lot=lot, vendor=vendor, now=received, by=buyer,
                                     files=[_pdf(f"offre-{vendor.pk}")], exclusion_declaration=True)
        for bid in lot_entry.get("bids", []):
            vendor = Vendor.objects.get(name=bid["vendor"])
            # Deposited electronically at their real time.
            bid_services.bid_receive(lot=lot, vendor=vendor, now=_at(bid["received_at"]), by=buyer,
                                     files=[_pdf(f"offre-{vendor.pk}")], exclusion_declaration=True)
    if "opening" not in entry:
        return tender

    tender = tender_transition(tender=tender, name="close", by=None, now=tender.bid_deadline,
                               reason="Clôture automatique à la date limite.")
    opened_at = _at(entry["opening"]["at"])
    bid_services.opening_record_create(tender=tender, opened_at=opened_at, attendees=entry["opening"]["attendees"],
                                       by=buyer)
    tender = tender_transition(tender=tender, name="open_bids", by=buyer, now=opened_at)
    for lot, lot_entry in lots:
        amounts = {bid["vendor"]: bid for bid in lot_entry.get("bids", [])}
        for bid in lot.bids.select_related("vendor"):
            data = amounts[bid.vendor.name]
            bid_services.bid_record_opening(bid=bid, by=buyer, amount_ht=Decimal(data["amount_ht"]),
                                            vat_rate=Decimal(data["vat_rate"]), admissible=True)
        if lot_entry.get("evaluation"):  # issue #6: committee, declarations, notes, abnormally low bids
            from procurement.tenders.evaluation.demo import evaluate_demo_lot

            evaluate_demo_lot(lot=lot, data=lot_entry["evaluation"], buyer=buyer)
    load_demo_cao(tender=tender, data=cao or {}, by=buyer)  # issue #12: the CAO chooses before the award
    for lot, lot_entry in lots:
        award = lot_entry.get("award")
        if award:
            awarded_at = _at(award["at"])
            winner = lot.bids.get(vendor__name=award["vendor"])
            if not winner.vendor.documents.filter(issued_on__lte=awarded_at.date(),
                                                  expires_on__gte=awarded_at.date()).exists():
                _certify(winner.vendor, day=awarded_at.date(), by=buyer)
            lot_transition(lot=lot, name="award", by=buyer, winner=winner, reason=award["reason"], now=awarded_at)
    if entry.get("completed_at"):
        tender = tender_transition(tender=tender, name="complete", by=buyer, now=_at(entry["completed_at"]))
    _send_letters(tender, lots, buyer=buyer)
    return tender


@transaction.atomic
def load_demo_tenders(*, path: Path, buyer, today: date, programme=None, cao: dict | None = None) -> list[Tender]:
    """Idempotent: a consultation already there (by reference) is left as it is. ``cao``: the CAO's
    members and meetings (fixtures/bnm/governance.json), by default read from that file."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    cao = demo_cao_data() if cao is None else cao
    tenders = []
    for entry in data["tenders"]:
        existing = Tender.objects.filter(reference=entry["reference"]).first()
        tenders.append(existing or _load(entry, buyer=buyer, today=today, programme=programme, cao=cao))
    return tenders
