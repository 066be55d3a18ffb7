"""The evaluation as plain JSON-ready values (the ``evaluation_report`` command): totals and notes
as strings with two decimals, ranks from 1."""

from __future__ import annotations

from decimal import Decimal

from procurement.tenders.evaluation.report_pdf import effect_text
from procurement.tenders.evaluation.scoring import FORMULA_TEXT, round_score


def _d(value: Decimal | None) -> str | None:
    return None if value is None else f"{round_score(value):f}"


def _signed(value: Decimal | None) -> str | None:
    return None if value is None else f"{'+' if value >= 0 else ''}{round_score(value):f}"


def evaluation_as_dict(evaluation) -> dict:
    names = evaluation.names
    tree, result = evaluation.tree, evaluation.consolidation
    effects = [effect_text(effect, names) for effect in result.effects]
    criteria = []
    for criterion, depth in tree.ordered:
        parent = tree.by_id.get(criterion.parent_id)
        item = {
            "id": criterion.id, "name": criterion.name, "kind": criterion.kind, "points": _d(criterion.points),
            "parent": parent.name if parent else None, "depth": depth,
            "scores": [{"bidder": bid.bidder, "score": _d(result.node[(bid.id, criterion.id)])}
                       for bid in evaluation.bids],
        }
        if criterion.is_price:
            item |= {"formula": FORMULA_TEXT.get(criterion.price_formula, FORMULA_TEXT["proportional"]),
                     "price_basis": criterion.price_basis,
                     "refused": result.price_refusals.get(criterion.id) or None,
                     "warnings": result.price_warnings.get(criterion.id, []) + effects}
        criteria.append(item)
    reviews = evaluation.oab_reviews
    flagged = {flag.key: flag for flag in evaluation.oab_flags}
    bids = {bid.pk: bid for bid in evaluation.all_bids}
    abnormally_low = []
    for key in dict.fromkeys([*flagged, *reviews]):
        review = reviews.get(key)
        abnormally_low.append({
            "bidder": names[key], "siret": bids[key].vendor.siret, "amount_ht": _d(bids[key].final_amount_ht),
            "method": evaluation.oab_params.method if key in flagged else (review.detected_by_method or None),
            "detail": flagged[key].explanation if key in flagged else review.detection_detail,
            "justification_requested_on": review.justification_requested_on.isoformat() if review else None,
            "justification_received_on": (review.justification_received_on.isoformat()
                                          if review and review.justification_received_on else None),
            "decision": review.decision if review else None,
            "reason": review.reason if review else "",
        })
    sensitivity = evaluation.sensitivity
    sensitive = sensitivity.most_sensitive
    return {
        "ranking": [{"bidder": r.bidder, "siret": r.siret, "total": _d(r.total), "rank": r.rank}
                    for r in evaluation.ranking.ranked],
        "criteria": criteria,
        "dispersion_flags": [
            {"bidder": names[f.bid_id], "criterion": tree.by_id[f.criterion_id].name, "min": _d(f.low),
             "max": _d(f.high), "spread": _d(f.spread), "threshold": _d(f.threshold)}
            for f in result.dispersion
        ],
        "abnormally_low": abnormally_low,
        "sensitivity": {
            "winner": names.get(sensitivity.winner_id) if sensitivity.winner_id else None,
            "criteria": [
                {"criterion": item.name, "points": _d(item.points), "stable": item.stable,
                 "change": _signed(item.change), "new_points": _d(item.new_points),
                 "overtaken_by": names[item.overtaken_by] if item.overtaken_by else None}
                for item in sensitivity.criteria
            ],
            "most_sensitive": {"criterion": sensitive.name, "change": _signed(sensitive.change)} if sensitive else None,
        },
    }
