"""The BNM's consultations (fixtures/bnm/tenders.json), loaded through the tenders services, each
step at its real date: need, DCE, publication, questions, bids, opening, evaluation, CAO, award and
letters. The current consultation's questions and sealed bids are dated from ``today``."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO
from pathlib import Path

from dateutil.relativedelta import relativedelta
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from reportlab.pdfgen import canvas

from procurement.demo.loaders.cao import demo_cao_data, load_demo_cao
from procurement.demo.loaders.evaluation import evaluate_demo_lot
from procurement.demo.loaders.fixtures import FIXTURES, at_hour, read_fixture
from procurement.tenders.enums import Procedure
from procurement.tenders.evaluation.selectors import lot_ranking
from procurement.tenders.models import Tender
from procurement.tenders.services import bids as bid_services
from procurement.tenders.services import qa
from procurement.tenders.services.dce import dce_generate
from procurement.tenders.services.letters import letters_generate, rapport_presentation_generate
from procurement.tenders.services.need import criteria_replace, lot_save, tender_create
from procurement.tenders.services.price_lines import LineRow, price_lines_replace
from procurement.tenders.services.transitions import lot_transition, tender_transition
from procurement.vendors.enums import ComplianceKind
from procurement.vendors.models import Vendor
from procurement.vendors.services import document_create

TENDER_KEYS = ("reference", "object", "nature", "cpv_code", "place_code", "duration_months", "renewals",
               "renewal_months", "is_framework", "price_form", "price_types", "techniques", "execution_modes", "ccag",
               "social_considerations", "environmental_considerations", "mapa_negotiation",
               "buyer_profile_url")


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
    for lot, lot_entry in lots:
        if not lot_entry.get("award"):
            continue
        lot.refresh_from_db()
        sent_on = lot_entry["award"]["at"].date()
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
        fields["bid_deadline"] = at_hour(today + timedelta(days=relative["bid_deadline"]), 12)
    else:
        for key in ("consultation_start", "notice_sent_on", "bid_deadline"):
            fields[key] = entry[key]
    start = at_hour(fields["consultation_start"], 9)
    tender = tender_create(by=buyer, buyer=buyer, **fields)
    lots = []
    for lot_entry in entry["lots"]:
        lot = lot_save(tender=tender, by=buyer, title=lot_entry["title"],
                       description=lot_entry.get("description", ""),
                       estimated_amount_ht=lot_entry["estimated_amount_ht"],
                       options_amount_ht=lot_entry.get("options_amount_ht", Decimal("0")))
        criteria_replace(lot=lot, by=buyer, rows=lot_entry["criteria"])
        price_lines_replace(lot=lot, by=buyer, rows=[
            LineRow(line["number"], line["label"], line["unit"], line["quantity"])
            for line in lot_entry.get("prices", [])
        ])
        lots.append((lot, lot_entry))
    notice = at_hour(fields["notice_sent_on"], 9)
    dce_generate(tender=tender, by=buyer, on=fields["consultation_start"])
    tender = tender_transition(tender=tender, name="mark_ready", by=buyer, now=start)
    tender = tender_transition(tender=tender, name="publish", by=buyer, now=notice)

    # The current consultation's questions and sealed bids are dated from the demo's day, 10:00.
    demo_now = at_hour(today, 10)
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
            bid_services.bid_receive(lot=lot, vendor=vendor, now=bid["received_at"], by=buyer,
                                     files=[_pdf(f"offre-{vendor.pk}")], exclusion_declaration=True)
    if "opening" not in entry:
        return tender

    tender = tender_transition(tender=tender, name="close", by=None, now=tender.bid_deadline,
                               reason="Clôture automatique à la date limite.")
    opened_at = entry["opening"]["at"]
    bid_services.opening_record_create(tender=tender, opened_at=opened_at, attendees=entry["opening"]["attendees"],
                                       by=buyer)
    tender = tender_transition(tender=tender, name="open_bids", by=buyer, now=opened_at)
    for lot, lot_entry in lots:
        amounts = {bid["vendor"]: bid for bid in lot_entry.get("bids", [])}
        for bid in lot.bids.select_related("vendor"):
            data = amounts[bid.vendor.name]
            bid_services.bid_record_opening(bid=bid, by=buyer, amount_ht=data["amount_ht"],
                                            vat_rate=data["vat_rate"], admissible=True)
        if lot_entry.get("evaluation"):  # committee, declarations, notes, abnormally low bids
            evaluate_demo_lot(lot=lot, data=lot_entry["evaluation"], buyer=buyer)
    load_demo_cao(tender=tender, data=cao or {}, by=buyer)  # the CAO chooses before the award
    for lot, lot_entry in lots:
        award = lot_entry.get("award")
        if award:
            awarded_at = award["at"]
            winner = lot.bids.get(vendor__name=award["vendor"])
            if not winner.vendor.documents.filter(issued_on__lte=awarded_at.date(),
                                                  expires_on__gte=awarded_at.date()).exists():
                _certify(winner.vendor, day=awarded_at.date(), by=buyer)
            lot_transition(lot=lot, name="award", by=buyer, winner=winner, reason=award["reason"], now=awarded_at)
    if entry.get("completed_at"):
        tender = tender_transition(tender=tender, name="complete", by=buyer, now=entry["completed_at"])
    _send_letters(tender, lots, buyer=buyer)
    return tender


@transaction.atomic
def load_demo_tenders(*, path: Path = FIXTURES / "tenders.json", buyer, today: date, programme=None,
                      cao: dict | None = None) -> list[Tender]:
    """Idempotent: a consultation already there (by reference) is left as it is. ``cao``: the CAO's
    members and meetings (fixtures/bnm/governance.json), by default read from that file."""
    cao = demo_cao_data() if cao is None else cao
    tenders = []
    for entry in read_fixture(path)["tenders"]:
        existing = Tender.objects.filter(reference=entry["reference"]).first()
        tenders.append(existing or _load(entry, buyer=buyer, today=today, programme=programme, cao=cao))
    return tenders
