"""The letters of a decided lot, from its ranking: a rejection letter to each other bidder (its scores
and rank, the winner's name and scores, the end of the standstill and the first day the contract may
be signed), the award letter and the acte d'engagement of the winner; sans-suite letters when the lot
is abandoned or unsuccessful. And the rapport de présentation (R.2184-1) of an awarded lot."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from procurement.core.legal_calendar import long_date
from procurement.core.money import amount_in_words, format_eur, format_percent
from procurement.core.permissions import require
from procurement.documents.enums import TemplateKind
from procurement.documents.rendering.docx import render_docx
from procurement.documents.rendering.errors import RenderError
from procurement.documents.selectors import active_template
from procurement.tenders.abilities import DRIVE_REFUSED, can_drive
from procurement.tenders.enums import BidStatus, LotState, TenderState
from procurement.tenders.models import Bid, LetterDocument, Lot
from procurement.tenders.models.documents import LetterKind
from procurement.tenders.rules.deadlines import NO_STANDSTILL, Standstill, longest_standstill, standstill
from procurement.tenders.rules.ranking import LotRanking, RankedBid
from procurement.tenders.services.document_context import (
    authority_context,
    company_context,
    deadlines_context,
    document_context,
    lot_context,
    points,
    score,
    tender_context,
)

CODES = {LetterKind.REJECTION: "REJET", LetterKind.AWARD: "ATTRIBUTION", LetterKind.ABANDON: "SANS-SUITE",
         LetterKind.AE: "AE", LetterKind.RAPPORT: "RAPPORT-PRESENTATION"}
LETTER_KINDS = (LetterKind.REJECTION, LetterKind.AWARD, LetterKind.ABANDON, LetterKind.AE)


def _require_final(ranking: LotRanking) -> None:
    """Rejection letters must give each bidder its scores and rank (R.2181-3), and the rapport de
    présentation the ranking: both wait for the committee's final ranking."""
    if not ranking.final or not ranking.ranked:
        raise ValidationError(
            "Le classement du lot n'est pas définitif : les courriers et le rapport de présentation donnent les "
            "notes et le rang de chaque offre. Terminez la notation (soumission de chaque évaluateur ou clôture "
            "du tour par le président)."
        )


def _scores(ranked: RankedBid | None) -> list[dict]:
    if ranked is None:
        return []
    return [{"name": item.name, "max_points": points(item.max_points), "score": score(item.score)}
            for item in ranked.criteria]


def _winner(bid: Bid, ranked: RankedBid | None) -> dict:
    amount = bid.final_amount_ht
    return {
        **company_context(bid.vendor),
        "total": score(ranked.total) if ranked else "—",
        "amount_ht": format_eur(amount) if amount is not None else "—",
        "amount_ht_words": amount_in_words(amount) if amount is not None else "—",
        "scores": _scores(ranked),
    }


def _shared(lot: Lot, version: int, on: date) -> dict:
    tender = lot.tender
    return {"authority": authority_context(tender), "tender": tender_context(tender, list(tender.lots.all())),
            "document": document_context(version=version, on=on), "lot": lot_context(lot)}


def _name(lot: Lot, kind: str, version: int, bid: Bid | None = None) -> str:
    bidder = f"_{slugify(bid.vendor.name)[:40]}" if bid else ""
    return f"{lot.tender.reference}_lot{lot.number}_{CODES[kind]}{bidder}_v{version}.docx"


def _next_version(lot: Lot, kinds) -> int:
    last = LetterDocument.objects.filter(lot=lot, kind__in=kinds).aggregate(last=Max("version"))["last"]
    return (last or 0) + 1


class _Batch:
    """The documents of one generation: rendered from the templates in force, then stored."""

    def __init__(self, *, lot: Lot, version: int, by, sent_on: date | None, window: Standstill = NO_STANDSTILL):
        self.lot, self.version, self.by, self.sent_on, self.window = lot, version, by, sent_on, window
        self.electronic = True
        self.templates: dict = {}
        self.documents: list[LetterDocument] = []

    def add(self, kind: str, context: dict, bid: Bid | None = None) -> None:
        template = self.templates.get(kind) or active_template(kind)
        self.templates[kind] = template
        try:
            data = render_docx(template.data, context)
        except RenderError as error:
            raise ValidationError(f"« {TemplateKind(kind).label} » ne peut pas être produit : {error}") from error
        name = _name(self.lot, kind, self.version, bid)
        document = LetterDocument(
            lot=self.lot, bid=bid, kind=kind, version=self.version, name=name, size=len(data),
            sha256=hashlib.sha256(data).hexdigest(), template_version=template.version, sent_on=self.sent_on,
            standstill_end=self.window.end, signable_from=self.window.signable_from,
            sent_electronically=self.electronic,
            generated_by=self.by,
        )
        document.file.save(name, ContentFile(data, name=name), save=False)
        document.save()
        self.documents.append(document)


def _bids(lot: Lot) -> list[Bid]:
    return list(lot.bids.exclude(status=BidStatus.LATE).select_related("vendor").order_by("received_at", "pk"))


def _check(lot: Lot, ranking: LotRanking) -> Lot:
    if ranking.lot_id != lot.pk:
        raise ValidationError("Le classement fourni ne concerne pas ce lot.")
    return Lot.objects.select_related("tender__programme__authority", "tender__buyer", "winner__vendor").get(
        pk=lot.pk)


@transaction.atomic
def letters_generate(*, lot: Lot, ranking: LotRanking, sent_on: date, by,
                     not_electronic: Iterable[int] = ()) -> list[LetterDocument]:
    """The letters of a decided lot, as its next version of letters. The rejection letters of the bids
    in ``not_electronic`` (their ids) are not sent electronically: their standstill is longer, and the
    award letter gives the lot's, the longest (R.2182-1)."""
    require(can_drive(by), DRIVE_REFUSED)
    lot = _check(lot, ranking)
    tender = lot.tender
    bids = _bids(lot)
    version = _next_version(lot, LETTER_KINDS)
    shared = _shared(lot, version, sent_on)
    abandoned = lot.state in (LotState.ABANDONED, LotState.UNSUCCESSFUL) or (
        lot.state == LotState.EVALUATING and tender.state == TenderState.ABANDONED)
    if abandoned:
        batch = _Batch(lot=lot, version=version, by=by, sent_on=sent_on)
        decision = _decision(lot)
        for bid in bids:
            batch.add(LetterKind.ABANDON, {**shared, "bidder": company_context(bid.vendor),
                                           "sent_on": long_date(sent_on), "decision": decision}, bid)
        return batch.documents
    if lot.state != LotState.AWARDED or lot.winner is None:
        raise ValidationError("Le lot n'est pas encore décidé : aucun courrier à produire.")
    _require_final(ranking)
    by_bid = {ranked.bid_id: ranked for ranked in ranking.ranked}
    not_electronic = set(not_electronic)
    rejected = [bid for bid in bids if bid.pk != lot.winner_id]
    strangers = not_electronic - {bid.pk for bid in rejected}
    if strangers:
        raise ValidationError("« Envoi autrement que par voie électronique » : une offre choisie n'est pas une "
                              "offre rejetée de ce lot.")
    windows = {bid.pk: standstill(procedure=tender.procedure, sent_on=sent_on, bid_count=len(bids),
                                  electronic=bid.pk not in not_electronic) for bid in rejected}
    window = longest_standstill(windows.values())
    batch = _Batch(lot=lot, version=version, by=by, sent_on=sent_on, window=window)
    winner = _winner(lot.winner, by_bid.get(lot.winner_id))
    common = {**shared, "sent_on": long_date(sent_on), "winner": winner, "standstill": window.context(),
              "bid_count": len(ranking.ranked)}
    for bid in rejected:
        batch.window, batch.electronic = windows[bid.pk], bid.pk not in not_electronic
        batch.add(LetterKind.REJECTION, {**common, "bidder": company_context(bid.vendor),
                                         "standstill": windows[bid.pk].context(),
                                         "result": _result(bid, by_bid.get(bid.pk))}, bid)
    batch.window, batch.electronic = window, True
    batch.add(LetterKind.AWARD, common, lot.winner)
    batch.add(LetterKind.AE, {**shared, "holder": company_context(lot.winner.vendor),
                              "offer": _offer(lot.winner)}, lot.winner)
    return batch.documents


def _result(bid: Bid, ranked: RankedBid | None) -> dict:
    if ranked is None:
        reason = bid.get_status_display()
        if bid.status_reason:
            reason = f"{reason} — {bid.status_reason}"
        return {"ranked": False, "rank": "", "total": "", "reason": reason, "scores": []}
    return {"ranked": True, "rank": ranked.rank, "total": score(ranked.total), "reason": "",
            "scores": _scores(ranked)}


def _offer(bid: Bid) -> dict:
    amount, rate, total = bid.final_amount_ht, bid.vat_rate, bid.final_amount_ttc
    return {
        "amount_ht": format_eur(amount) if amount is not None else "—",
        "amount_ht_words": amount_in_words(amount) if amount is not None else "—",
        "vat_rate": format_percent(rate) if rate is not None else "—",
        "amount_ttc": format_eur(total) if total is not None else "—",
        "amount_ttc_words": amount_in_words(total) if total is not None else "—",
    }


def _decision(lot: Lot) -> dict:
    if lot.state == LotState.UNSUCCESSFUL:
        return {"label": "déclarer ce lot infructueux", "reason": lot.decision_reason}
    if lot.state == LotState.ABANDONED:
        return {"label": "déclarer la procédure sans suite pour ce lot", "reason": lot.decision_reason}
    return {"label": "déclarer la consultation sans suite", "reason": lot.tender.abandon_reason}


@transaction.atomic
def rapport_presentation_generate(*, lot: Lot, ranking: LotRanking, by, on: date | None = None) -> LetterDocument:
    """The rapport de présentation of an awarded lot (R.2184-1), as its next version."""
    require(can_drive(by), DRIVE_REFUSED)
    lot = _check(lot, ranking)
    if lot.state != LotState.AWARDED or lot.winner is None:
        raise ValidationError("Le rapport de présentation se rédige une fois le lot attribué.")
    _require_final(ranking)
    tender = lot.tender
    on = on or timezone.localdate()
    version = _next_version(lot, (LetterKind.RAPPORT,))
    bids = {bid.pk: bid for bid in _bids(lot)}
    by_bid = {ranked.bid_id: ranked for ranked in ranking.ranked}
    rows = []
    for ranked in ranking.ranked:
        bid = bids.get(ranked.bid_id)
        amount = bid.final_amount_ht if bid else None
        rows.append({"rank": ranked.rank, "name": ranked.bidder, "siret": ranked.siret,
                     "address": company_context(bid.vendor)["address"] if bid else "",
                     "amount_ht": format_eur(amount) if amount is not None else "—",
                     "total": score(ranked.total), "scores": _scores(ranked)})
    rejected = [{"name": bid.vendor.name, "status": bid.get_status_display(), "reason": bid.status_reason or "—"}
                for bid in bids.values() if bid.pk not in by_bid and bid.status != BidStatus.COMPLIANT]
    record = getattr(tender, "opening_record", None)
    decided = timezone.localdate(lot.decided_at) if lot.decided_at else on
    context = {
        **_shared(lot, version, on), "deadlines": deadlines_context(tender),
        "winner": _winner(lot.winner, by_bid.get(lot.winner_id)), "bid_count": len(ranking.ranked),
        "opening": {"date": long_date(timezone.localdate(record.opened_at)) if record else "—",
                    "attendees": record.attendees if record else "—"},
        "ranking": rows, "rejected": rejected,
        "decision": {"date": long_date(decided), "reason": lot.decision_reason or "—", "final": ranking.final},
    }
    batch = _Batch(lot=lot, version=version, by=by, sent_on=None)
    batch.add(LetterKind.RAPPORT, context)
    return batch.documents[0]
