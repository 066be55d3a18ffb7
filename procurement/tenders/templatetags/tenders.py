"""Small display helpers of the tenders pages."""

from django import template

from procurement.core.templatetags.procurement import badge_filter
from procurement.tenders.enums import BidStatus, LotState, TenderState

register = template.Library()

BADGES = {
    TenderState.DRAFT: "",
    TenderState.READY: "badge--warn",
    TenderState.PUBLISHED: "badge--ok",
    TenderState.CLOSED: "badge--warn",
    TenderState.OPENED: "badge--ok",
    TenderState.COMPLETED: "badge--ok",
    TenderState.ABANDONED: "badge--err",
    LotState.EVALUATING: "badge--warn",
    LotState.AWARDED: "badge--ok",
    LotState.UNSUCCESSFUL: "badge--err",
    BidStatus.RECEIVED: "",
    BidStatus.LATE: "badge--err",
    BidStatus.COMPLIANT: "badge--ok",
    BidStatus.IRREGULAR: "badge--warn",
    BidStatus.UNACCEPTABLE: "badge--err",
    BidStatus.INAPPROPRIATE: "badge--err",
}


# ``{{ tender.state|badge }}`` → the badge's modifier class for a tender, lot or bid state.
register.filter("badge", badge_filter(BADGES))


@register.inclusion_tag("tenders/includes/bid_downloads.html")
def bid_downloads(bid) -> dict:
    """The « Téléchargements » of a bid's page: who downloaded which file, and when."""
    from procurement.tenders.selectors import bid_file_downloads

    return {"downloads": list(bid_file_downloads(bid=bid))}
