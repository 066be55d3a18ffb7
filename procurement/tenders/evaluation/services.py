"""The evaluation's writes: the committee, the declarations of interest, the notes, their
submission, the closing of the round, the committee's final notes, the abnormally low bids and the
import of price schedules. Each checks ``evaluation_abilities`` (PermissionDenied) and the rules
(ValidationError, French), and saves everything or nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from procurement.core.permissions import EVALUATOR, has_role, may, require
from procurement.core.uploads import validate_upload
from procurement.tenders.enums import AbnormallyLowDecision, CriterionKind, TenderState
from procurement.tenders.evaluation.abilities import evaluation_abilities
from procurement.tenders.evaluation.price_import import ScheduleItem, read_price_schedule
from procurement.tenders.evaluation.rounds import load_round
from procurement.tenders.evaluation.scoring import fmt
from procurement.tenders.evaluation.selectors import is_rankable, lot_bidders, lot_evaluation
from procurement.tenders.models import (
    AbnormallyLowReview,
    Bid,
    BidPriceLine,
    CommitteeMember,
    CommitteeScore,
    ConflictDeclaration,
    Criterion,
    EvaluationSettings,
    Lot,
    RoundClosure,
    Score,
    Submission,
    Tender,
)

REFUSED = "Cette action n'est pas permise à votre profil ou dans cet état."


def _require(abilities: dict, name: str, message: str = REFUSED) -> None:
    require(bool(abilities.get(name)), message)


def _locked_lot(lot: Lot) -> Lot:
    return Lot.objects.select_for_update().select_related("tender").get(pk=lot.pk)


# The committee ---------------------------------------------------------------------------------


def _require_buyer(by) -> None:
    require(may(by, "tenders.drive"), "Seuls les acheteurs composent la commission et instruisent les offres.")


def _committee_frozen(tender: Tender) -> None:
    if tender.state in (TenderState.COMPLETED, TenderState.ABANDONED):
        raise ValidationError("La consultation est close : sa commission ne change plus.")
    if Submission.objects.filter(lot__tender=tender).exists():
        raise ValidationError("La notation a commencé : la commission ne peut plus changer.")


@transaction.atomic
def committee_assign(*, tender: Tender, user, by, is_chair: bool = False) -> CommitteeMember:
    """Seats an evaluator on the tender's committee; ``is_chair`` makes them its only chair."""
    _require_buyer(by)
    tender = Tender.objects.select_for_update().get(pk=tender.pk)
    _committee_frozen(tender)
    if not has_role(user, EVALUATOR):
        raise ValidationError({"user": "Seuls les membres du groupe « évaluateurs » siègent à la commission."})
    if is_chair:
        for chair in CommitteeMember.objects.filter(tender=tender, is_chair=True).exclude(user=user):
            chair.is_chair = False
            chair.save()
    member = CommitteeMember.objects.filter(tender=tender, user=user).first()
    member = member or CommitteeMember(tender=tender, user=user, assigned_by=by)
    member.is_chair = is_chair
    member.full_clean()
    member.save()
    return member


@transaction.atomic
def committee_remove(*, member: CommitteeMember, by) -> None:
    _require_buyer(by)
    _committee_frozen(Tender.objects.select_for_update().get(pk=member.tender_id))
    if member.declarations.exists() or Score.objects.filter(lot__tender=member.tender_id,
                                                           evaluator=member.user_id).exists():
        raise ValidationError("Ce membre a déjà signé une déclaration ou noté : il reste dans la commission.")
    member.delete()


@transaction.atomic
def evaluation_settings_save(*, tender: Tender, by, **fields) -> EvaluationSettings:
    """The rules announced in the RC; they cannot change once an evaluator has submitted."""
    _require_buyer(by)
    tender = Tender.objects.select_for_update().get(pk=tender.pk)
    _committee_frozen(tender)
    settings = EvaluationSettings.objects.filter(tender=tender).first() or EvaluationSettings(tender=tender)
    for name, value in fields.items():
        setattr(settings, name, value)
    settings.full_clean()
    settings.save()
    return settings


# Declarations, notes and the round -------------------------------------------------------------


@transaction.atomic
def conflict_declare(*, lot: Lot, by, has_conflict: bool, comment: str = "",
                     now: datetime | None = None) -> ConflictDeclaration:
    """Signed with the bidders' names in front of the evaluator, which the declaration keeps; a
    conflict removes the evaluator from this lot."""
    lot = _locked_lot(lot)
    round_state = load_round(lot)
    abilities = evaluation_abilities(lot, by, round_state)
    if abilities["member"] and round_state.declaration_of(round_state.member_for(by)):
        raise ValidationError("Vous avez déjà signé votre déclaration pour ce lot.")
    _require(abilities, "declare", "Seuls les membres de la commission déclarent leurs intérêts, après l'ouverture.")
    comment = comment.strip()
    if has_conflict and not comment:
        raise ValidationError({"comment": "Précisez la nature du conflit d'intérêts et le candidat concerné."})
    declaration = ConflictDeclaration(member=round_state.member_for(by), lot=lot, has_conflict=has_conflict,
                                      bidders_shown=lot_bidders(lot), comment=comment,
                                      declared_at=now or timezone.now())
    declaration.full_clean()
    declaration.save()
    return declaration


@dataclass(frozen=True)
class ScoreEntry:
    bid: Bid
    criterion: Criterion
    value: Decimal | None
    comment: str


def scorable_criteria(lot: Lot) -> dict[int, Criterion]:
    criteria = list(lot.criteria.all())
    parents = {c.parent_id for c in criteria if c.parent_id}
    return {c.pk: c for c in criteria if c.kind != CriterionKind.PRICE and c.pk not in parents}


def _value_errors(criterion: Criterion, value, comment: str) -> dict[str, str]:
    errors = {}
    if value is None:
        errors["value"] = "Donnez une note."
    elif value < 0 or value > criterion.points:
        errors["value"] = f"La note est comprise entre 0 et {fmt(criterion.points)} points."
    if not comment.strip():
        errors["comment"] = "Un commentaire justifie chaque note."
    return errors


@transaction.atomic
def scores_record(*, lot: Lot, by, entries: list[ScoreEntry]) -> list[Score]:
    """Records (or corrects) an evaluator's notes, all or none. Errors are keyed
    ``"<bid id>-<criterion id>-value"`` / ``…-comment`` so the form puts them on its cells."""
    lot = _locked_lot(lot)
    _require(evaluation_abilities(lot, by), "score",
             "Vous ne pouvez pas noter ce lot : déclaration d'intérêts à signer, notes déjà soumises ou tour clos.")
    criteria = scorable_criteria(lot)
    errors: dict[str, str] = {}
    for entry in entries:
        prefix = f"{entry.bid.pk}-{entry.criterion.pk}"
        if entry.bid.lot_id != lot.pk or not is_rankable(entry.bid):
            errors[f"{prefix}-value"] = "Seules les offres conformes et recevables de ce lot sont notées."
        elif entry.criterion.pk not in criteria:
            errors[f"{prefix}-value"] = "Seuls les critères qualitatifs de ce lot sont notés ; le prix est calculé."
        else:
            errors.update({f"{prefix}-{k}": v for k, v in _value_errors(entry.criterion, entry.value,
                                                                          entry.comment).items()})
    if errors:
        raise ValidationError(errors)
    existing = {(s.bid_id, s.criterion_id): s for s in Score.objects.filter(lot=lot, evaluator=by)}
    saved = []
    for entry in entries:
        score = existing.get((entry.bid.pk, entry.criterion.pk)) or Score(
            lot=lot, bid=entry.bid, criterion=entry.criterion, evaluator=by)
        score.value, score.comment = entry.value, entry.comment.strip()
        score.full_clean(validate_unique=False)
        score.save()
        saved.append(score)
    return saved


def score_record(*, lot: Lot, bid: Bid, criterion: Criterion, by, value: Decimal, comment: str) -> Score:
    try:
        return scores_record(lot=lot, by=by, entries=[ScoreEntry(bid, criterion, value, comment)])[0]
    except ValidationError as error:
        raise ValidationError({key.rsplit("-", 1)[-1]: messages
                               for key, messages in error.message_dict.items()}) from None


@transaction.atomic
def scores_submit(*, lot: Lot, by, now: datetime | None = None) -> Submission:
    """Hands in the evaluator's notes: every compliant bid on every qualitative criterion."""
    lot = _locked_lot(lot)
    _require(evaluation_abilities(lot, by), "score", "Ces notes ne peuvent plus être soumises.")
    criteria = scorable_criteria(lot)
    bids = [bid for bid in lot.bids.on_time().select_related("vendor") if is_rankable(bid)]
    scored = set(Score.objects.filter(lot=lot, evaluator=by).values_list("bid_id", "criterion_id"))
    missing = [f"{bid.vendor.name} — {criterion.name}" for bid in bids for criterion in criteria.values()
               if (bid.pk, criterion.pk) not in scored]
    if missing:
        shown = " ; ".join(missing[:5]) + (" ; …" if len(missing) > 5 else "")
        raise ValidationError(f"Il manque {len(missing)} note(s) avant de soumettre : {shown}.")
    submission = Submission(lot=lot, evaluator=by, submitted_at=now or timezone.now())
    submission.full_clean()
    submission.save()
    return submission


@transaction.atomic
def round_close(*, lot: Lot, by, reason: str, now: datetime | None = None) -> RoundClosure:
    """The chair ends the blind round before every evaluator has submitted; the reason is kept."""
    lot = _locked_lot(lot)
    _require(evaluation_abilities(lot, by), "close_round", "Seul le président clôt un tour de notation en cours.")
    if not reason.strip():
        raise ValidationError({"reason": "Motivez la clôture anticipée du tour de notation."})
    closure = RoundClosure(lot=lot, closed_by=by, reason=reason.strip(), closed_at=now or timezone.now())
    closure.full_clean()
    closure.save()
    return closure


@transaction.atomic
def committee_score_set(*, bid: Bid, criterion: Criterion, value: Decimal, justification: str, by
                        ) -> CommitteeScore:
    """The committee's final note on a qualitative criterion, replacing the consolidated one."""
    lot = _locked_lot(bid.lot)
    _require(evaluation_abilities(lot, by), "set_committee_score",
             "Seul le président arrête les notes de la commission, une fois le tour clos.")
    if bid.lot_id != lot.pk or criterion.pk not in scorable_criteria(lot):
        raise ValidationError("La commission arrête les notes des critères qualitatifs de ce lot.")
    errors = _value_errors(criterion, value, justification)
    if errors:
        raise ValidationError({"justification" if k == "comment" else k: v for k, v in errors.items()})
    note = CommitteeScore.objects.filter(bid=bid, criterion=criterion).first() or CommitteeScore(
        bid=bid, criterion=criterion)
    note.value, note.justification, note.by, note.at = value, justification.strip(), by, timezone.now()
    note.full_clean(validate_unique=False)
    note.save()
    return note


# Abnormally low bids ---------------------------------------------------------------------------


@transaction.atomic
def oab_request_justification(*, bid: Bid, by, requested_on: date | None = None) -> AbnormallyLowReview:
    """Asks the bidder to justify its price (R.2152-3): for a bid the method flags, or that the buyer
    suspects for another reason."""
    lot = _locked_lot(bid.lot)
    _require(evaluation_abilities(lot, by), "manage_oab", "Seuls les acheteurs instruisent les offres "
                                                           "anormalement basses, avant l'attribution.")
    if AbnormallyLowReview.objects.filter(bid=bid).exists():
        raise ValidationError("La justification a déjà été demandée à ce candidat.")
    if not is_rankable(bid) or bid.lot_id != lot.pk:
        raise ValidationError("Seule une offre conforme et recevable de ce lot peut être examinée.")
    evaluation = lot_evaluation(lot)
    flag = next((flag for flag in evaluation.oab_flags if flag.key == bid.pk), None)
    review = AbnormallyLowReview(
        bid=bid, detected_by_method=evaluation.oab_params.method if flag else "",
        detection_detail=flag.explanation if flag else "Offre signalée par l'acheteur, hors méthode de détection.",
        justification_requested_on=requested_on or timezone.localdate(), requested_by=by,
    )
    review.full_clean()
    review.save()
    return review


@transaction.atomic
def oab_decide(*, review: AbnormallyLowReview, decision: str, reason: str, by, received_on: date | None = None,
               now: datetime | None = None) -> AbnormallyLowReview:
    """The buyer's decision after the justification: accepted, or rejected (R.2152-4), always with
    its reason. Never automatic."""
    review = AbnormallyLowReview.objects.select_for_update().select_related("bid__lot__tender").get(pk=review.pk)
    _require(evaluation_abilities(review.bid.lot, by), "manage_oab")
    errors = {}
    if review.is_decided:
        raise ValidationError("La décision sur cette offre est déjà prise.")
    if decision not in (AbnormallyLowDecision.ACCEPTED, AbnormallyLowDecision.REJECTED):
        errors["decision"] = "Choisissez : offre acceptée ou rejetée."
    if not reason.strip():
        errors["reason"] = "Motivez la décision au vu de la justification (ou de son absence)."
    if decision == AbnormallyLowDecision.ACCEPTED and received_on is None and review.justification_received_on is None:
        errors["received_on"] = "Indiquez la date de réception de la justification qui fonde l'acceptation."
    if errors:
        raise ValidationError(errors)
    if received_on is not None:
        review.justification_received_on = received_on
    review.decision, review.reason, review.decided_by = decision, reason.strip(), by
    review.decided_at = now or timezone.now()
    review.full_clean()
    review.save()
    return review


# Price schedules -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScheduleImport:
    lines: int
    total_ht: Decimal
    declared_ht: Decimal | None

    @property
    def mismatch(self) -> bool:
        return self.declared_ht is not None and self.total_ht != self.declared_ht


@transaction.atomic
def price_schedule_import(*, bid: Bid, file, by) -> ScheduleImport:
    """Imports the bidder's filled BPU / DQE into the bid, after the opening only. Every error names
    its sheet and cell; nothing is saved if there is one."""
    bid = Bid.objects.select_for_update().select_related("lot__tender", "vendor").get(pk=bid.pk)
    if bid.lot.tender.state != TenderState.OPENED:
        raise ValidationError("Les bordereaux de prix s'importent après l'ouverture des plis, avant l'attribution.")
    _require(evaluation_abilities(bid.lot, by), "import_prices", "Seuls les acheteurs importent les bordereaux.")
    validate_upload(file, label="Bordereau des prix", allowed=(".xlsx",))
    items = [ScheduleItem(item.pk, item.number, item.quantity) for item in bid.lot.price_items.all()]
    reading = read_price_schedule(file, lot_number=bid.lot.number, items=items)
    if not reading.ok:
        raise ValidationError(reading.errors)
    bid.price_lines.all().delete()
    bulk_create_with_history([BidPriceLine(bid=bid, item_id=item_id, unit_price_ht=price)
                              for item_id, price in reading.prices.items()], BidPriceLine, default_user=by)
    return ScheduleImport(lines=len(reading.prices), total_ht=reading.total_ht, declared_ht=bid.amount_ht)
