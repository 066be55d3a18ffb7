"""The Métropole's CAO and its meetings on the BNM's formalised tenders, from the ``cao``
section of fixtures/bnm/governance.json, loaded through the services before the lots are awarded."""

from __future__ import annotations

from pathlib import Path

from procurement.demo.loaders.fixtures import FIXTURES, read_fixture
from procurement.tenders.enums import CaoOutcome
from procurement.tenders.models import CaoMeeting, Lot, Tender
from procurement.tenders.services.cao import cao_decision_record, cao_meeting_record, cao_member_upsert


def demo_cao_data(path: Path = FIXTURES / "governance.json") -> dict:
    if not Path(path).exists():
        return {}
    return read_fixture(path).get("cao") or {}


def load_demo_cao(*, tender: Tender, data: dict, by) -> list[CaoMeeting]:
    """The CAO's members, then every meeting about ``tender`` (and the meeting without quorum it follows),
    with its decisions on the tender's lots. A meeting already recorded (same buyer and moment) is kept."""
    if not data or tender.programme is None:
        return []
    authority = tender.programme.authority
    members = {entry["name"]: cao_member_upsert(authority=authority, name=entry["name"], role=entry["role"],
                                                title=entry.get("title", ""), by=by)
               for entry in data.get("members") or []}
    by_key = {entry["key"]: entry for entry in data.get("meetings") or []}
    recorded: dict[str, CaoMeeting] = {}

    def record(entry: dict) -> CaoMeeting:
        if entry["key"] in recorded:
            return recorded[entry["key"]]
        held_at = entry["held_at"]
        meeting = CaoMeeting.objects.filter(authority=authority, held_at=held_at).first()
        if meeting is None:
            previous = record(by_key[entry["reconvened_from"]]) if entry.get("reconvened_from") else None
            meeting = cao_meeting_record(
                authority=authority, convened_on=entry["convened_on"],
                held_at=held_at, attendees=[members[name] for name in entry.get("attendees") or []],
                tenders=Tender.objects.filter(reference__in=entry.get("tenders") or []),
                reconvened_from=previous, notes=entry.get("notes", ""), by=by)
        recorded[entry["key"]] = meeting
        return meeting

    meetings = []
    for entry in by_key.values():
        if tender.reference not in (entry.get("tenders") or []):
            continue
        meeting = record(entry)
        meetings.append(meeting)
        for decision in entry.get("decisions") or []:
            if decision["tender"] != tender.reference:
                continue
            lot = Lot.objects.get(tender=tender, number=decision["lot"])
            vendor = decision.get("vendor")
            bid = lot.bids.get(vendor__name=vendor) if vendor else None
            cao_decision_record(meeting=meeting, lot=lot, outcome=CaoOutcome.AWARD if bid else CaoOutcome.UNSUCCESSFUL,
                                bid=bid, reason=decision.get("reason", ""),
                                difference_reason=decision.get("difference_reason", ""), by=by)
    return meetings
