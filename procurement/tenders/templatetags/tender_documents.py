"""The documents sections of the tender page (DCE versions) and of the lot page (letters): inclusion
tags, so the pages only insert ``{% dce_section %}`` and ``{% letters_section %}``."""

from __future__ import annotations

from django import template
from django.utils import timezone

from procurement.core.permissions import may
from procurement.tenders import selectors
from procurement.tenders.abilities import can_drive
from procurement.tenders.enums import BidStatus, LotState, TenderState
from procurement.tenders.models.documents import LetterKind
from procurement.tenders.services.dce import GENERATION_STATES, dce_is_current

register = template.Library()
LETTER_STATES = (TenderState.OPENED, TenderState.COMPLETED, TenderState.ABANDONED)


@register.inclusion_tag("tenders/includes/dce.html", takes_context=True)
def dce_section(context):
    tender, user = context["tender"], context["request"].user
    if not may(user, "tenders.documents"):
        return {"visible": False}
    generations = selectors.dce_generations(tender=tender)
    latest = generations[0] if generations else None
    return {
        "visible": True, "tender": tender, "generations": generations, "latest": latest,
        "current": dce_is_current(tender, latest),
        "can_generate": can_drive(user) and tender.state in GENERATION_STATES,
        "csrf_token": context.get("csrf_token"),
    }


def letters_decided(lot) -> bool:
    tender = lot.tender
    if tender.state not in LETTER_STATES:
        return False
    return lot.state != LotState.EVALUATING or tender.state == TenderState.ABANDONED


@register.inclusion_tag("tenders/includes/letters.html", takes_context=True)
def letters_section(context):
    lot, user = context["lot"], context["request"].user
    if not may(user, "tenders.documents"):
        return {"visible": False}
    groups: dict[tuple, dict] = {}
    for letter in selectors.lot_letters(lot=lot):
        key = (letter.kind == LetterKind.RAPPORT, letter.version)
        group = groups.setdefault(key, {"version": letter.version, "rapport": key[0], "letter": letter,
                                        "documents": []})
        group["documents"].append(letter)
    decided = letters_decided(lot)
    return {
        "visible": True, "tender": lot.tender, "lot": lot,
        "letters": [group for key, group in groups.items() if not key[0]],
        "rapports": [group for key, group in groups.items() if key[0]],
        "can_generate": can_drive(user) and decided,
        "rejected_bids": ([bid for bid in selectors.lot_bids_by_receipt(lot=lot)
                           if bid.pk != lot.winner_id and bid.status != BidStatus.LATE]
                          if lot.state == LotState.AWARDED else []),
        "can_report": can_drive(user) and decided and lot.state == LotState.AWARDED,
        "today": timezone.localdate(),
        "csrf_token": context.get("csrf_token"),
    }
