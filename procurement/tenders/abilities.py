"""Who may do what on tenders, written once for pages, API and templates."""

from procurement.core.permissions import may
from procurement.tenders.enums import LotState, TenderState
from procurement.tenders.models.bids import UNSEALED_STATES


def can_drive(user) -> bool:
    return may(user, "tenders.drive")


def tender_abilities(tender, user) -> dict[str, bool]:
    buyer = can_drive(user)
    state = tender.state
    return {
        "view": may(user, "tenders.read_sealed") or (may(user, "tenders.read") and state in UNSEALED_STATES),
        "edit": buyer and state == TenderState.DRAFT,
        "drive": buyer,
        "ask_answer": buyer and state == TenderState.PUBLISHED,
        # A bid arriving after the deadline is still registered, as late, once the tender is closed.
        "receive_bids": buyer and state in (TenderState.PUBLISHED, TenderState.CLOSED),
        "record_opening": buyer and state == TenderState.CLOSED,
        "record_bids": buyer and state == TenderState.OPENED,
        "read_bids": buyer and state in UNSEALED_STATES,
        "relaunch": buyer and state in (TenderState.ABANDONED, TenderState.COMPLETED),
    }


def lot_abilities(lot, user) -> dict[str, bool]:
    tender_ab = tender_abilities(lot.tender, user)
    deciding = lot.tender.state == TenderState.OPENED and lot.state == LotState.EVALUATING
    return {**tender_ab, "decide": tender_ab["drive"] and deciding}
