"""Where the evaluation of a lot stands: whether it has started (from then on the opened bids are
facts, changed only by a logged regularisation or negotiation), and what it requires before the lot
is awarded (called by the ``award`` guard): every abnormally low bid decided, never a rejected one as
winner, the committee's final ranking with the winner in it, and a reason when the winner is not the
ranking's first."""

from __future__ import annotations

from procurement.tenders.enums import AbnormallyLowDecision, LotState
from procurement.tenders.evaluation.scoring import fmt
from procurement.tenders.evaluation.selectors import lot_evaluation


def evaluation_started(lot) -> bool:
    """The lot's evaluation has started at its first recorded act: a member's declaration of interest
    (signed with the bidders in front of them, after which a cleared member reads the bids), a note
    (an evaluator's or the committee's), the closure of the round, the review of an abnormally low
    bid, or a decision on the lot. What the opening recorded is then what was evaluated."""
    from procurement.tenders.models import (
        AbnormallyLowReview,
        CommitteeScore,
        ConflictDeclaration,
        Lot,
        RoundClosure,
        Score,
    )

    if Lot.objects.filter(pk=lot.pk).exclude(state=LotState.EVALUATING).exists():
        return True
    return (ConflictDeclaration.objects.filter(lot=lot).exists()
            or Score.objects.filter(lot=lot).exists()
            or CommitteeScore.objects.filter(bid__lot=lot).exists()
            or RoundClosure.objects.filter(lot=lot).exists()
            or AbnormallyLowReview.objects.filter(bid__lot=lot).exists())


def award_blockers(lot, *, evaluation=None) -> list[str]:
    """What refuses the award of the lot whatever bid is chosen (French sentences): an abnormally low
    bid not decided, or no final ranking. The lot page shows them before the form; the ``award``
    guard runs them with the chosen bid's own checks (``award_refusals``)."""
    evaluation = evaluation or lot_evaluation(lot)
    refusals, _final = _evaluation_refusals(evaluation)
    return refusals


def _evaluation_refusals(evaluation) -> tuple[list[str], bool]:
    """The refusals that do not depend on the chosen bid, and whether the ranking is final."""
    names = evaluation.names
    refusals = []
    flagged = {flag.key for flag in evaluation.oab_flags}
    for flag in evaluation.oab_flags:
        if flag.key not in evaluation.oab_reviews:
            refusals.append(
                f"L'offre de {names[flag.key]} est détectée comme anormalement basse : demandez au candidat de "
                "justifier son prix et enregistrez votre décision avant d'attribuer (CCP R.2152-3)."
            )
    for bid_id, review in evaluation.oab_reviews.items():
        if not review.is_decided and (bid_id in flagged or review.justification_requested_on):
            refusals.append(
                f"L'offre de {names[bid_id]} est examinée comme anormalement basse : enregistrez la décision "
                "(acceptée ou rejetée, motivée) avant d'attribuer."
            )
    # Every procedure, MAPA included: the award follows the committee's final ranking, never a lot
    # nobody evaluated (a lot priced only is ranked by its prices, without evaluators).
    refusals += list(evaluation.consolidation.price_refusals.values())
    if not evaluation.tree.roots:
        refusals.append("Le lot n'a aucun critère d'attribution : il n'a pas de classement.")
        return refusals, False
    if evaluation.round.has_qualitative and not evaluation.round.counted_user_ids and not evaluation.committee_notes:
        refusals.append("Aucune note n'a été soumise pour ce lot : la commission d'évaluation signe ses "
                        "déclarations, note les offres et soumet ses notes avant l'attribution.")
        return refusals, False
    if not evaluation.final:
        refusals.append("Le tour de notation est encore à l'aveugle : attendez que chaque évaluateur ait soumis "
                        "ses notes, ou que le président clôture le tour.")
        return refusals, False
    return refusals, True


def award_refusals(lot, *, winner, reason: str | None = None) -> list[str]:
    """French sentences; ``reason`` None means "not known here" (the reason is then not checked)."""
    evaluation = lot_evaluation(lot)
    names = evaluation.names
    refusals, final = _evaluation_refusals(evaluation)
    review = evaluation.oab_reviews.get(winner.pk)
    if review is not None and review.decision == AbnormallyLowDecision.REJECTED:
        refusals.append(f"L'offre de {names[winner.pk]} a été rejetée comme anormalement basse : "
                        "elle ne peut pas être retenue.")
    if not final:
        return refusals
    if winner.pk not in {ranked.bid_id for ranked in evaluation.ranking.ranked}:
        refusals.append(f"L'offre de {names.get(winner.pk, winner.vendor.name)} ne figure pas au classement "
                        "final de la commission.")
        return refusals
    first = evaluation.ranking.winner
    if first and first.bid_id != winner.pk and reason is not None and not reason.strip():
        refusals.append(f"L'offre retenue n'est pas la première du classement ({first.bidder}, "
                        f"{fmt(first.total)} points sur 100) : motivez ce choix.")
    return refusals
