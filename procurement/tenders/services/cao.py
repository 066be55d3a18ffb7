"""The CAO's business rules: quorum, second convocation, decisions per lot, opinions on amendments.

Every refusal is a ``ValidationError`` with a French sentence; nothing is saved when refused.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from procurement.core.legal_calendar import short_date
from procurement.core.money import round_money
from procurement.core.permissions import require
from procurement.tenders.abilities import can_drive
from procurement.tenders.enums import CaoOpinionKind, CaoOutcome, CaoRole, Procedure
from procurement.tenders.models import Bid, CaoDecision, CaoMeeting, CaoMember, CaoOpinion, Lot, Tender


@dataclass(frozen=True)
class Quorum:
    """Voting seats (the president and the full members), voting members present (a substitute sits
    for an absent full member), and whether more than half are present."""

    seats: int
    present: int

    @property
    def reached(self) -> bool:
        return self.present * 2 > self.seats

    @property
    def needed(self) -> int:
        """The fewest voting members present that make more than half of the seats."""
        return self.seats // 2 + 1


def quorum(*, members: Iterable[CaoMember], attendees: Iterable[CaoMember]) -> Quorum:
    """The quorum of a meeting of the CAO whose seat-holders are ``members`` (CGCT L.1411-5)."""
    members = list(members)
    full = sum(1 for member in members if member.role == CaoRole.MEMBER)
    seats = full + (1 if any(member.role == CaoRole.PRESIDENT for member in members) else 0)
    present = {member.role: 0 for member in members}
    for member in attendees:
        present[member.role] = present.get(member.role, 0) + 1
    voting = min(1, present.get(CaoRole.PRESIDENT, 0)) + min(
        full, present.get(CaoRole.MEMBER, 0) + present.get(CaoRole.SUBSTITUTE, 0))
    return Quorum(seats=seats, present=voting)


def formalised(tender: Tender) -> bool:
    """A local authority's formalised procedure: the CAO chooses the holder (CGCT L.1414-2); below the
    EU threshold (MAPA, dispense) no CAO is needed."""
    return tender.procedure == Procedure.OPEN


REFUSED = "Seuls les acheteurs enregistrent la CAO, ses réunions, ses décisions et ses avis."


@transaction.atomic
def cao_member_upsert(*, authority, name: str, role: str, title: str = "", active: bool = True, user=None,
                      by) -> CaoMember:
    require(can_drive(by), REFUSED)
    member = CaoMember.objects.select_for_update().filter(authority=authority, name=name).first()
    member = member or CaoMember(authority=authority, name=name)
    member.role, member.title, member.active, member.user = role, title, active, user
    member.full_clean()
    member.save()
    return member


@transaction.atomic
def cao_meeting_record(*, authority, convened_on: date, held_at: datetime, attendees: Iterable[CaoMember],
                       tenders: Iterable[Tender] = (), reconvened_from: CaoMeeting | None = None,
                       notes: str = "", by) -> CaoMeeting:
    """Records a meeting and its attendance; the quorum is computed here and kept with the meeting.

    A meeting without quorum is recorded all the same: the CAO is then convened again
    (``reconvened_from``), and that second meeting sits validly whatever the attendance."""
    require(can_drive(by), REFUSED)
    attendees = list(attendees)
    members = list(CaoMember.objects.filter(authority=authority, active=True))
    errors = []
    strangers = [member.name for member in attendees if member.authority_id != authority.pk or not member.active]
    if strangers:
        errors.append(f"Ne siègent pas (ou plus) à cette CAO : {', '.join(strangers)}.")
    if not any(member.role == CaoRole.PRESIDENT for member in members):
        errors.append("La CAO n'a pas de président(e) en fonction : enregistrez d'abord ses membres.")
    if convened_on > timezone.localdate(held_at):
        errors.append(f"La convocation ({short_date(convened_on)}) précède la réunion, pas l'inverse.")
    if reconvened_from is not None:
        if reconvened_from.authority_id != authority.pk:
            errors.append("La réunion sans quorum citée est celle d'une autre CAO.")
        elif reconvened_from.quorum_reached:
            errors.append(f"La {reconvened_from} avait le quorum : il n'y a pas lieu de la convoquer à nouveau.")
        elif reconvened_from.held_at >= held_at:
            errors.append(f"La nouvelle convocation suit la {reconvened_from} sans quorum.")
        elif CaoMeeting.objects.filter(reconvened_from=reconvened_from).exists():
            errors.append(f"La CAO a déjà été convoquée à nouveau après la {reconvened_from}.")
    if errors:
        raise ValidationError(errors)
    count = quorum(members=members, attendees=attendees)
    meeting = CaoMeeting(authority=authority, convened_on=convened_on, held_at=held_at,
                         reconvened_from=reconvened_from, voting_seats=count.seats, voting_present=count.present,
                         quorum_reached=count.reached, notes=notes)
    meeting.full_clean()
    meeting.save()
    meeting.attendees.set(attendees)
    meeting.tenders.set(list(tenders))
    return meeting


def ranking_first_bid_id(lot: Lot) -> int | None:
    """The bid the final consolidated ranking puts first, or None before any note (or while blind)."""
    from procurement.tenders.evaluation.selectors import lot_evaluation
    from procurement.tenders.models import CommitteeScore, Score

    if not (Score.objects.filter(lot=lot).exists() or CommitteeScore.objects.filter(bid__lot=lot).exists()):
        return None
    evaluation = lot_evaluation(lot)
    first = evaluation.ranking.winner if evaluation.final else None
    return first.bid_id if first else None


def cannot_decide_reason(meeting: CaoMeeting, *, act: str = "décider") -> str:
    """Why the meeting cannot decide (``act``: "décider", "rendre d'avis"), or "" when it can: without
    quorum it must be convened again; convened again it sits without quorum (CGCT L.1411-5), but
    still needs at least one voting member present."""
    if not meeting.sits_validly:
        return (f"La {meeting} n'a pas le quorum ({meeting.voting_present} présents sur "
                f"{meeting.voting_seats} membres à voix délibérative) : elle ne peut pas {act}. "
                "Convoquez-la à nouveau ; elle siégera alors valablement sans condition de quorum.")
    if not meeting.can_decide:
        return (f"Aucun membre à voix délibérative n'est présent à la {meeting} : réunie sur nouvelle "
                f"convocation, elle siège sans condition de quorum, mais sans votant elle ne peut pas {act}.")
    return ""


@transaction.atomic
def cao_decision_record(*, meeting: CaoMeeting, lot: Lot, outcome: str, bid: Bid | None = None,
                        reason: str = "", difference_reason: str = "", by) -> CaoDecision:
    """The CAO's decision on a lot at a meeting that sits validly; when it retains another bid than the
    ranking's first, the reason for the difference is required."""
    require(can_drive(by), REFUSED)
    meeting = CaoMeeting.objects.select_for_update().get(pk=meeting.pk)
    lot = Lot.objects.select_related("tender__programme").get(pk=lot.pk)
    errors = []
    refusal = cannot_decide_reason(meeting, act="décider")
    if refusal:
        errors.append(refusal)
    programme = lot.tender.programme
    if programme is not None and programme.authority_id != meeting.authority_id:
        errors.append("Cette CAO n'est pas celle de l'acheteur de la consultation.")
    if outcome == CaoOutcome.AWARD:
        if bid is None:
            errors.append("Une attribution désigne l'offre retenue.")
        elif bid.lot_id != lot.pk:
            errors.append("L'offre retenue n'appartient pas à ce lot.")
        else:
            first = ranking_first_bid_id(lot)
            if first is not None and first != bid.pk and not difference_reason.strip():
                ranked = Bid.objects.select_related("vendor").get(pk=first)
                errors.append(f"La CAO retient l'offre de {bid.vendor.name} alors que le classement place "
                              f"{ranked.vendor.name} en tête : enregistrez le motif de cette différence.")
    elif bid is not None:
        errors.append("Un lot infructueux n'a pas d'offre retenue.")
    if errors:
        raise ValidationError(errors)
    decision = CaoDecision.objects.filter(meeting=meeting, lot=lot).first() or CaoDecision(meeting=meeting, lot=lot)
    decision.outcome, decision.bid = outcome, bid
    decision.reason, decision.difference_reason = reason.strip(), difference_reason.strip()
    decision.full_clean()
    decision.save()
    meeting.tenders.add(lot.tender)
    return decision


def latest_valid_decision(lot: Lot, *, at: datetime | None = None) -> CaoDecision | None:
    """The last decision on the lot taken by a CAO sitting validly, at or before ``at``."""
    decisions = CaoDecision.objects.filter(lot=lot).select_related("meeting", "bid__vendor")
    if at is not None:
        decisions = decisions.filter(meeting__held_at__lte=at)
    for decision in decisions.order_by("-meeting__held_at", "-pk"):
        if decision.meeting.can_decide:
            return decision
    return None


def award_cao_refusals(lot: Lot, *, winner: Bid, at: datetime) -> list[str]:
    """Why ``winner`` cannot be awarded the lot as far as the CAO is concerned (empty below the EU
    threshold, where no CAO is needed)."""
    if not formalised(lot.tender):
        return []
    decision = latest_valid_decision(lot, at=at)
    if decision is None:
        return ["Procédure formalisée : la commission d'appel d'offres doit d'abord choisir l'attributaire de ce "
                "lot, en séance valable (CGCT L.1414-2)."]
    if decision.outcome != CaoOutcome.AWARD:
        return [f"La {decision.meeting} a déclaré ce lot infructueux : il ne peut pas être attribué."]
    if decision.bid_id != winner.pk:
        return [f"La {decision.meeting} a retenu l'offre de {decision.bid.vendor.name}, "
                f"pas celle de {winner.vendor.name}."]
    first = ranking_first_bid_id(lot)
    if first is not None and first != winner.pk and not decision.difference_reason:
        return [f"La {decision.meeting} a retenu une offre qui n'est pas la première du classement sans en "
                "enregistrer le motif."]
    return []


@transaction.atomic
def cao_opinion_record(*, meeting: CaoMeeting, lot: Lot, subject: str, amount_change_ht: Decimal,
                       opinion: str = CaoOpinionKind.FAVOURABLE, by) -> CaoOpinion:
    """The CAO's opinion on a planned amendment of a contract it awarded (CGCT L.1414-4)."""
    require(can_drive(by), REFUSED)
    refusal = cannot_decide_reason(meeting, act="rendre d'avis")
    if refusal:
        raise ValidationError(refusal)
    opinion_row = CaoOpinion(meeting=meeting, lot=lot, subject=subject.strip(),
                             amount_change_ht=round_money(amount_change_ht), opinion=opinion)
    opinion_row.full_clean()
    opinion_row.save()
    return opinion_row


# The minutes (procès-verbal) --------------------------------------------------------------------

def _member_row(member: CaoMember) -> dict:
    return {"name": member.name, "role": member.get_role_display(), "title": member.title}


def cao_minutes_context(meeting: CaoMeeting) -> dict:
    """The variables of the ``cao_minutes`` template (documented in ``documents/catalog.py``)."""
    from procurement.core.legal_calendar import long_date
    from procurement.core.money import format_eur

    meeting = (CaoMeeting.objects.select_related("authority", "reconvened_from")
               .prefetch_related("attendees", "tenders").get(pk=meeting.pk))
    authority = meeting.authority
    present = sorted(meeting.attendees.all(), key=lambda m: (list(CaoRole.values).index(m.role), m.name))
    present_ids = {member.pk for member in present}
    absent = [member for member in CaoMember.objects.filter(authority=authority, active=True).order_by("role", "name")
              if member.pk not in present_ids and member.role != CaoRole.ADVISORY]
    if meeting.quorum_reached:
        validity = (f"{meeting.voting_present} membres à voix délibérative sur {meeting.voting_seats} sont présents : "
                    "le quorum est atteint, la commission siège valablement (CGCT L.1411-5).")
    elif meeting.is_second_convocation:
        validity = ("Réunie sur nouvelle convocation, la commission siège valablement sans condition de quorum "
                    f"({meeting.voting_present} membres à voix délibérative sur {meeting.voting_seats} présents, "
                    "CGCT L.1411-5).")
    else:
        validity = (f"{meeting.voting_present} membres à voix délibérative sur {meeting.voting_seats} sont présents : "
                    "le quorum n'est pas atteint. La commission ne peut pas délibérer ; elle sera convoquée à "
                    "nouveau.")
    decisions = (meeting.decisions.select_related("lot__tender", "bid__vendor")
                 .order_by("lot__tender__reference", "lot__number"))
    return {
        "authority": {"name": authority.name, "siret": authority.siret,
                      "address": f"{authority.street}, {authority.postal_code} {authority.city}"},
        "meeting": {
            "held_on": long_date(meeting.held_on),
            "held_time": timezone.localtime(meeting.held_at).strftime("%H h %M"),
            "convened_on": long_date(meeting.convened_on),
            "second_convocation": meeting.is_second_convocation,
            "previous_on": long_date(meeting.reconvened_from.held_on) if meeting.reconvened_from else "",
            "voting_present": meeting.voting_present, "voting_seats": meeting.voting_seats,
            "quorum_reached": meeting.quorum_reached, "validity": validity,
            "tenders": ", ".join(sorted(tender.reference for tender in meeting.tenders.all())),
            "notes": meeting.notes,
        },
        "present": [_member_row(member) for member in present],
        "absent": [_member_row(member) for member in absent],
        "decisions": [{
            "tender": decision.lot.tender.reference, "tender_object": decision.lot.tender.object,
            "lot_number": decision.lot.number, "lot_title": decision.lot.title,
            "outcome": decision.get_outcome_display(),
            "bidder": decision.bid.vendor.name if decision.bid else "",
            "amount_ht": format_eur(decision.bid.final_amount_ht) if decision.bid and decision.bid.final_amount_ht
            else "",
            "reason": decision.reason, "difference_reason": decision.difference_reason,
        } for decision in decisions],
    }


def cao_minutes_render(meeting: CaoMeeting) -> tuple[str, bytes]:
    """The minutes as ``.docx`` from the template in force: (file name, content)."""
    from procurement.documents.enums import TemplateKind
    from procurement.documents.rendering.docx import render_docx
    from procurement.documents.rendering.errors import RenderError
    from procurement.documents.selectors import active_template

    template = active_template(TemplateKind.CAO_MINUTES)
    try:
        data = render_docx(template.data, cao_minutes_context(meeting))
    except RenderError as error:
        raise ValidationError(f"« {TemplateKind.CAO_MINUTES.label} » ne peut pas être produit : {error}") from error
    return f"pv-cao-{timezone.localtime(meeting.held_at):%Y-%m-%d-%Hh%M}.docx", data
