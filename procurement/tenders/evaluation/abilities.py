"""Who may do what in a lot's evaluation, written once for the pages, the templates and the services.

Evaluators reach only the opened or completed tenders whose committee they sit on; before declaring
that they have no conflict of interest they see the bidders' names only; while the round is blind
they see their own notes only. Buyers manage the committee, the abnormally low bids and the price
schedules, but do not score. Finance reads the consolidation once it is final."""

from __future__ import annotations

from procurement.core.permissions import may
from procurement.tenders.abilities import buyer_reads_bids
from procurement.tenders.enums import LotState, TenderState
from procurement.tenders.evaluation.rounds import RoundState, load_round
from procurement.tenders.models.bids import UNSEALED_STATES


def evaluation_abilities(lot, user, round_state: RoundState | None = None) -> dict[str, bool]:
    state = round_state if round_state is not None else load_round(lot)
    tender = lot.tender
    unsealed = tender.state in UNSEALED_STATES
    opened = tender.state == TenderState.OPENED
    evaluating = lot.state == LotState.EVALUATING
    buyer = may(user, "tenders.drive")
    reader = may(user, "evaluation.read")
    member = state.member_for(user) if may(user, "evaluation.sit") else None
    is_member = member is not None and unsealed
    cleared = is_member and state.is_cleared(member)
    final = state.final
    scoring_open = opened and evaluating and not final
    submitted = is_member and member.user_id in state.submissions
    chair = cleared and member.is_chair
    return {
        "view": is_member or reader,
        "member": is_member,
        "chair": bool(chair),
        "declare": is_member and opened and evaluating and state.declaration_of(member) is None,
        "conflicted": is_member and state.is_conflicted(member),
        "cleared": cleared,
        # Download the lot's bid files: its cleared committee members and the buyers, after the opening.
        "read_bids": cleared or buyer_reads_bids(tender, user),
        "score": cleared and scoring_open and not submitted,
        "submitted": submitted,
        "read_consolidation": final and unsealed and (reader or cleared),
        "close_round": chair and scoring_open,
        "set_committee_score": chair and opened and evaluating and final,
        "manage_committee": buyer and tender.state not in (TenderState.COMPLETED, TenderState.ABANDONED),
        "manage_oab": buyer and opened and evaluating,
        "import_prices": buyer and opened and evaluating,
        "award": buyer and opened and evaluating,
    }
