"""Questions and answers during publication (R.2132-6)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from procurement.core.enums import ReferenceKind
from procurement.core.legal_calendar import legal_deadline, short_date
from procurement.core.permissions import require
from procurement.core.selectors import reference_days
from procurement.tenders.abilities import DRIVE_REFUSED, can_drive
from procurement.tenders.enums import TenderState
from procurement.tenders.models import Question, Tender, TransitionLog


def answer_limit(tender: Tender, *, days: int | None = None) -> date:
    """The last day answers may be sent: the bid deadline minus the legal minimum (6 days). ``days``:
    that minimum already read for the tender's start (a page listing many tenders reads it once)."""
    if days is None:
        days = reference_days(ReferenceKind.ANSWER_LIMIT_DAYS, at=tender.consultation_start)
    return timezone.localtime(tender.bid_deadline).date() - timedelta(days=days)


def pushed_back_deadline(tender: Tender, *, answered_on: date) -> datetime:
    """The deadline that makes an answer sent on ``answered_on`` timely again, same time of day."""
    days = reference_days(ReferenceKind.ANSWER_LIMIT_DAYS, at=tender.consultation_start)
    day = legal_deadline(answered_on, days).end
    current = timezone.localtime(tender.bid_deadline)
    return current.replace(year=day.year, month=day.month, day=day.day)


def _require_published(tender: Tender) -> None:
    if tender.state != TenderState.PUBLISHED:
        raise ValidationError("Les questions et réponses ne sont ouvertes que pendant la publication.")


@transaction.atomic
def question_record(*, tender: Tender, text: str, asked_at: datetime, asked_by=None, by) -> Question:
    require(can_drive(by), DRIVE_REFUSED)
    _require_published(tender)
    question = Question(tender=tender, text=text.strip(), asked_at=asked_at, asked_by=asked_by)
    question.full_clean()
    question.save()
    return question


@transaction.atomic
def question_answer(*, question: Question, answer: str, by, today: date | None = None) -> Question:
    require(can_drive(by), DRIVE_REFUSED)
    tender = Tender.objects.select_for_update().get(pk=question.tender_id)
    _require_published(tender)
    today = today or timezone.localdate()
    limit = answer_limit(tender)
    if today > limit:
        proposal = pushed_back_deadline(tender, answered_on=today)
        raise ValidationError({
            "answer": (
                f"Trop tard : les réponses doivent partir au plus tard le {short_date(limit)}, six jours avant la "
                f"date limite. Reportez d'abord la date limite, par exemple au "
                f"{timezone.localtime(proposal).strftime('%d/%m/%Y à %H:%M')}."
            )
        })
    if not answer.strip():
        raise ValidationError({"answer": "La réponse est vide."})
    question.answer = answer.strip()
    question.answered_at = timezone.now()
    question.answered_by = by
    question.full_clean()
    question.save()
    return question


@transaction.atomic
def tender_push_back_deadline(*, tender: Tender, new_deadline: datetime, by, reason: str) -> Tender:
    require(can_drive(by), DRIVE_REFUSED)
    tender = Tender.objects.select_for_update().get(pk=tender.pk)
    _require_published(tender)
    if new_deadline <= tender.bid_deadline:
        raise ValidationError({"bid_deadline": "La nouvelle date limite doit être postérieure à l'actuelle."})
    if not reason.strip():
        raise ValidationError({"reason": "Le motif du report est obligatoire."})
    previous = tender.bid_deadline
    tender.bid_deadline = new_deadline
    tender.content_changed_at = timezone.now()
    tender.full_clean()
    tender.save()
    TransitionLog.objects.create(
        tender=tender, transition="push_back_deadline", source=tender.state, target=tender.state, by=by,
        reason=(
            f"Date limite reportée du {timezone.localtime(previous).strftime('%d/%m/%Y %H:%M')} au "
            f"{timezone.localtime(new_deadline).strftime('%d/%m/%Y %H:%M')} : {reason.strip()}"
        ),
    )
    return tender
