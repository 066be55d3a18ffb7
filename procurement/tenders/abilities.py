"""Who may do what on tenders, written once for pages, API and templates."""

from procurement.core.permissions import may
from procurement.tenders.enums import LotState, TenderState
from procurement.tenders.models.bids import UNSEALED_STATES

# The services' refusal when the acting user is not a buyer (transitions, need, bids, Q&A, DCE, CAO…).
DRIVE_REFUSED = "Seuls les acheteurs conduisent les consultations."


def can_drive(user) -> bool:
    return may(user, "tenders.drive")


def sits_on_committee(tender, user) -> bool:
    """Whether ``user`` is a member of the tender's evaluation committee (a prefetched committee is
    read without a query)."""
    if not user or not user.is_authenticated:
        return False
    prefetched = getattr(tender, "_prefetched_objects_cache", {}).get("committee")
    if prefetched is not None:
        return any(member.user_id == user.pk for member in prefetched)
    return tender.committee.filter(user_id=user.pk).exists()


def can_view_tender(tender, user) -> bool:
    """The rule of ``Tender.objects.visible_to`` (models/tender.py, ``visible_tenders``) for one tender:
    every tender for buyers, finance and administrators; for evaluators, the opened or completed
    tenders whose committee they sit on."""
    if may(user, "tenders.read_sealed"):
        return True
    return may(user, "tenders.read") and tender.state in UNSEALED_STATES and sits_on_committee(tender, user)


def buyer_reads_bids(tender, user) -> bool:
    """A buyer reads the bids (amounts, files) once they are opened; before the opening nobody does.
    The evaluators' share of the rule (a cleared member of the lot's committee) is the lot's
    ``read_bids`` in ``evaluation_abilities``."""
    return can_drive(user) and tender.state in UNSEALED_STATES


def tender_abilities(tender, user) -> dict[str, bool]:
    buyer = can_drive(user)
    state = tender.state
    return {
        "view": can_view_tender(tender, user),
        "edit": buyer and state == TenderState.DRAFT,
        "drive": buyer,
        "ask_answer": buyer and state == TenderState.PUBLISHED,
        # A bid arriving after the deadline is still registered, as late, once the tender is closed.
        "receive_bids": buyer and state in (TenderState.PUBLISHED, TenderState.CLOSED),
        "record_opening": buyer and state == TenderState.CLOSED,
        "record_bids": buyer and state == TenderState.OPENED,
        "read_bids": buyer_reads_bids(tender, user),
        "relaunch": buyer and state in (TenderState.ABANDONED, TenderState.COMPLETED),
    }


def lot_abilities(lot, user) -> dict[str, bool]:
    tender_ab = tender_abilities(lot.tender, user)
    deciding = lot.tender.state == TenderState.OPENED and lot.state == LotState.EVALUATING
    return {**tender_ab, "decide": tender_ab["drive"] and deciding}
