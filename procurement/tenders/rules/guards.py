"""Transition guards that say why they refuse.

Each guard returns a list of French sentences (empty when the transition may go). The service
shows them to the user; the model's django-fsm ``conditions`` run the same guards, so no caller
can bypass them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from django.utils import timezone

from procurement.core.enums import ReferenceKind
from procurement.core.legal_calendar import is_working_day, long_date, short_date, why_not_working
from procurement.core.selectors import ReferenceValueMissing, reference_days, reference_flag
from procurement.tenders.enums import BidStatus, CriterionKind, LotState, Procedure
from procurement.tenders.rules import procedure as procedure_rules
from procurement.tenders.rules.criteria import CriterionNode, criteria_errors


def lot_criteria_tree(lot) -> list[CriterionNode]:
    criteria = sorted(lot.criteria.all(), key=lambda c: (c.parent_id or 0, c.position, c.pk))
    nodes = {
        criterion.pk: CriterionNode(name=criterion.name, kind=criterion.kind, points=criterion.points,
                                    price_formula=criterion.price_formula)
        for criterion in criteria
    }
    roots = []
    for criterion in criteria:
        node = nodes[criterion.pk]
        if criterion.parent_id and criterion.parent_id in nodes:
            nodes[criterion.parent_id].children.append(node)
        else:
            roots.append(node)
    return roots


def environmental_criterion_required(tender) -> bool:
    return reference_flag(ReferenceKind.ENVIRONMENTAL_CRITERION_REQUIRED, at=tender.consultation_start)


def lot_criteria_errors(lot, *, environmental_required: bool | None = None) -> list[str]:
    if environmental_required is None:
        environmental_required = environmental_criterion_required(lot.tender)
    return criteria_errors(lot_criteria_tree(lot), environmental_required=environmental_required)


def tender_earliest_bid_deadline(tender, *, notice: date) -> date | None:
    """The first day the bid deadline may fall on, for a notice sent on ``notice``."""
    if tender.procedure != Procedure.OPEN:
        return None
    days = reference_days(ReferenceKind.OPEN_MIN_DAYS_ELECTRONIC, at=tender.consultation_start)
    return procedure_rules.earliest_bid_deadline(notice=notice, min_days=days).end


def _deadline_refusals(tender, *, notice: date | None) -> list[str]:
    if notice is None:
        return ["La date d'envoi de l'avis de publicité n'est pas renseignée."]
    if tender.bid_deadline is None:
        return ["La date limite de réception des offres n'est pas fixée."]
    deadline_day = timezone.localtime(tender.bid_deadline).date()
    try:
        earliest = tender_earliest_bid_deadline(tender, notice=notice)
    except ReferenceValueMissing as error:
        return [str(error)]
    if earliest and deadline_day < earliest:
        return [
            f"La date limite du {short_date(deadline_day)} est trop proche : avec un avis envoyé le "
            f"{short_date(notice)}, elle ne peut pas tomber avant le {short_date(earliest)} (CCP R.2161-3)."
        ]
    if deadline_day <= notice:
        return ["La date limite de réception des offres doit suivre l'envoi de l'avis."]
    return []


def lot_is_priced(lot) -> bool:
    """A lot whose offers are judged on their price (a price criterion): its BPU / DQE needs lines."""
    return any(criterion.kind == CriterionKind.PRICE for criterion in lot.criteria.all())


def price_line_refusals(lots) -> list[str]:
    """Each priced lot without a line in its price schedule."""
    return [
        f"Lot {lot.number} : le bordereau des prix (BPU / DQE) n'a aucune ligne, alors que le lot est jugé sur "
        "son prix ; saisissez ou importez ses lignes (page « Bordereau des prix » du lot)."
        for lot in lots if lot_is_priced(lot) and not lot.price_items.all()
    ]


MAX_PLACEHOLDERS_SHOWN = 5


def rc_date_warnings(tender, *, answers_until: date | None = None) -> list[str]:
    """The dates the RC prints (notice, last day for answers, bid deadline) that fall on a Saturday, a
    Sunday or a French public holiday (the legal calendar's rule): a warning before publishing, not a
    refusal. ``answers_until``: the last day for answers, when the caller has it."""
    dates = []
    if tender.notice_sent_on:
        dates.append(("L'envoi de l'avis de publicité", tender.notice_sent_on))
    if answers_until:
        dates.append(("Le dernier jour des réponses aux questions", answers_until))
    if tender.bid_deadline:
        dates.append(("La date limite de réception des offres", timezone.localtime(tender.bid_deadline).date()))
    return [
        f"{label} tombe le {long_date(day)}, {why_not_working(day)} : choisissez un jour ouvré avant de publier."
        for label, day in dates if not is_working_day(day)
    ]


def _dce_refusals(tender) -> list[str]:
    """The real DCE: generated, after the last change of the lots, criteria or deadlines, and with no
    bracketed part left to complete."""
    latest = tender.dce_generations.order_by("-generated_at", "-version").first() if tender.pk else None
    if latest is None:
        return ["Le dossier de consultation (DCE : RC, CCAP, CCTP, AE, BPU / DQE) n'a pas été généré."]
    if tender.content_changed_at and latest.generated_at < tender.content_changed_at:
        changed = timezone.localtime(tender.content_changed_at).strftime("%d/%m/%Y à %H:%M")
        return [f"Le DCE (version {latest.version}) est antérieur à la dernière modification des lots, des "
                f"critères ou des dates ({changed}) : générez-le à nouveau."]
    if latest.placeholders:
        shown = " ; ".join(latest.placeholders[:MAX_PLACEHOLDERS_SHOWN])
        more = len(latest.placeholders) - MAX_PLACEHOLDERS_SHOWN
        return [f"Le DCE (version {latest.version}) contient encore des parties à compléter entre crochets : "
                f"{shown}{f' (et {more} autre(s))' if more > 0 else ''}. Complétez les lots (description, "
                "bordereau des prix) ou le modèle, puis générez-le à nouveau."]
    return []


def _mark_ready(tender, *, now: datetime) -> list[str]:
    refusals = []
    if not tender.procedure:
        refusals.append("La procédure n'a pas été déterminée.")
    lots = list(tender.lots.all())
    if not lots:
        refusals.append("La consultation n'a aucun lot.")
    required = environmental_criterion_required(tender)  # one look-up for all the lots
    for lot in lots:
        refusals += [
            f"Lot {lot.number} : {error}" for error in lot_criteria_errors(lot, environmental_required=required)
        ]
    refusals += price_line_refusals(lots)
    refusals += _deadline_refusals(tender, notice=tender.notice_sent_on)
    refusals += _dce_refusals(tender)
    return refusals


def _publish(tender, *, now: datetime) -> list[str]:
    # The notice goes out today: the deadline must still be legal counted from today.
    notice = procedure_rules.notice_date_at_publication(planned=tender.notice_sent_on, today=timezone.localdate(now))
    return _deadline_refusals(tender, notice=notice)


def _close(tender, *, now: datetime) -> list[str]:
    if tender.bid_deadline and now < tender.bid_deadline:
        moment = timezone.localtime(tender.bid_deadline).strftime("%d/%m/%Y à %H:%M")
        return [f"La date limite de réception des offres ({moment}) n'est pas encore passée."]
    return []


def _open_bids(tender, *, now: datetime) -> list[str]:
    from procurement.tenders.models import OpeningRecord

    if not OpeningRecord.objects.filter(tender=tender).exists():
        return ["Le procès-verbal d'ouverture des plis n'est pas enregistré."]
    return []


def _complete(tender, *, now: datetime) -> list[str]:
    pending = [lot.number for lot in tender.lots.all() if lot.state == LotState.EVALUATING]
    if pending:
        return [f"Lot(s) encore en analyse : {', '.join(map(str, pending))}."]
    return []


def _none(tender, *, now: datetime) -> list[str]:
    return []


TENDER_GUARDS: dict[str, Callable] = {
    "mark_ready": _mark_ready,
    "back_to_draft": _none,
    "publish": _publish,
    "close": _close,
    "open_bids": _open_bids,
    "complete": _complete,
    "abandon": _none,
}


def tender_refusals(tender, name: str, *, now: datetime | None = None) -> list[str]:
    return TENDER_GUARDS[name](tender, now=now or timezone.now())


def tender_guard(name: str) -> Callable:
    def condition(tender) -> bool:
        # The service sets ``_transition_now`` when it records a transition at another moment.
        return not tender_refusals(tender, name, now=getattr(tender, "_transition_now", None))

    condition.__name__ = f"guard_{name}"
    return condition


# Lots ---------------------------------------------------------------------------------------


def _lot_common(lot) -> list[str]:
    from procurement.tenders.enums import TenderState

    if lot.tender.state != TenderState.OPENED:
        return ["Un lot ne se décide qu'après l'ouverture des plis."]
    return []


NO_COMPLIANT_BID = "Aucune offre conforme ne peut être retenue."


def lot_award_blockers(lot, *, now: datetime | None = None) -> list[str]:
    """What refuses the award of ``lot`` whatever bid is chosen: the tender not opened, no compliant
    bid, an abnormally low bid not decided, no final ranking (every procedure, MAPA included). The lot
    page shows these sentences before its form; the ``award`` guard below starts with them, so the page,
    the API and the service give the same reasons."""
    from procurement.tenders.evaluation.gate import award_blockers

    refusals = _lot_common(lot)
    if refusals:
        return refusals
    if not any(bid.status == BidStatus.COMPLIANT for bid in lot.bids.all()):
        return [NO_COMPLIANT_BID]
    return award_blockers(lot)


def _award(lot, *, winner=None, now: datetime, reason: str | None = None) -> list[str]:
    from procurement.tenders.evaluation.gate import award_refusals
    from procurement.vendors.selectors import vendor_missing_certificates

    refusals = _lot_common(lot)
    if winner is None:
        return [*lot_award_blockers(lot, now=now), "Aucune offre retenue n'est désignée."]
    if winner.lot_id != lot.pk:
        refusals.append("L'offre retenue n'appartient pas à ce lot.")
    if winner.status != BidStatus.COMPLIANT:
        refusals.append(f"L'offre de {winner.vendor.name} n'est pas conforme ({winner.get_status_display()}).")
    if winner.admissible is not True:
        refusals.append(f"La candidature de {winner.vendor.name} n'a pas été déclarée recevable.")
    missing = vendor_missing_certificates(vendor=winner.vendor, at=timezone.localdate(now))
    if missing:
        labels = ", ".join(str(kind.label) for kind in missing)
        refusals.append(f"Pièces manquantes ou expirées pour {winner.vendor.name} : {labels}.")
    if winner.lot_id == lot.pk:
        # The evaluation: abnormally low bids decided, and the ranking's first unless a reason is given
        # (``reason`` None: not known to the caller, not checked).
        refusals += award_refusals(lot, winner=winner, reason=reason)
        # A formalised procedure: the CAO chose this bidder, at a meeting sitting validly.
        from procurement.tenders.services.cao import award_cao_refusals

        refusals += award_cao_refusals(lot, winner=winner, at=now)
    return refusals


def _unsuccessful(lot, *, winner=None, now: datetime) -> list[str]:
    refusals = _lot_common(lot)
    compliant = [bid for bid in lot.bids.all() if bid.status == BidStatus.COMPLIANT]
    if compliant:
        refusals.append(
            "Le lot a au moins une offre conforme : il ne peut pas être déclaré infructueux "
            "(seulement sans offre, ou avec des offres irrégulières, inacceptables ou inappropriées)."
        )
    pending = [bid for bid in lot.bids.all() if bid.status == BidStatus.RECEIVED]
    if pending:
        refusals.append("Certaines offres n'ont pas encore de statut.")
    return refusals


def _lot_abandon(lot, *, winner=None, now: datetime) -> list[str]:
    return _lot_common(lot)


LOT_GUARDS: dict[str, Callable] = {
    "award": _award,
    "declare_unsuccessful": _unsuccessful,
    "abandon": _lot_abandon,
}


def lot_refusals(lot, name: str, *, winner=None, now: datetime | None = None, reason: str | None = None
                 ) -> list[str]:
    extra = {"reason": reason} if name == "award" else {}
    return LOT_GUARDS[name](lot, winner=winner, now=now or timezone.now(), **extra)


def lot_guard(name: str) -> Callable:
    def condition(lot) -> bool:
        # django-fsm calls conditions with the instance only; the winner is set on the lot by the
        # service before the transition runs.
        return not lot_refusals(lot, name, winner=getattr(lot, "_pending_winner", None),
                                now=getattr(lot, "_transition_now", None),
                                reason=getattr(lot, "_pending_reason", None))

    condition.__name__ = f"guard_{name}"
    return condition
