"""The questions and answers of a tender as a Word document, to put on the buyer profile: the app records the
answers but sends them to no one, so the buyer publishes this document where every candidate reads
it. The candidates who asked are not named (equal treatment: the answer is for all)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from io import BytesIO

from django.utils import timezone
from docx import Document

from procurement.core.legal_calendar import long_date


@dataclass(frozen=True)
class AnsweredQuestion:
    asked_at: datetime
    text: str
    answer: str
    answered_at: datetime


def answered_questions(*, tender) -> list[AnsweredQuestion]:
    """The tender's answered questions in the order they were received (one query)."""
    rows = tender.questions.exclude(answer="").order_by("asked_at", "pk").values_list(
        "asked_at", "text", "answer", "answered_at")
    return [AnsweredQuestion(*row) for row in rows]


def questions_answers_docx(*, reference: str, title: str, bid_deadline: datetime | None,
                           questions: list[AnsweredQuestion], now: datetime) -> bytes:
    """A plain Word document (no template: it holds only the questions and answers as typed)."""
    document = Document()
    document.core_properties.title = f"Questions et réponses — {reference}"
    document.add_heading(f"Consultation {reference} — questions et réponses", level=1)
    document.add_paragraph(title)
    if bid_deadline:
        moment = timezone.localtime(bid_deadline)
        document.add_paragraph(f"Date limite de réception des offres : {long_date(moment.date())} à {moment:%H:%M}.")
    document.add_paragraph(
        f"Document établi le {long_date(timezone.localtime(now).date())} : {len(questions)} question(s) reçue(s) "
        "et leur réponse, communiquées à tous les candidats par leur publication sur le profil d'acheteur. "
        "Les candidats qui ont posé les questions ne sont pas nommés.")
    if not questions:
        document.add_paragraph("Aucune question n'a reçu de réponse.")
    for number, row in enumerate(questions, start=1):
        asked = timezone.localtime(row.asked_at).date()
        document.add_heading(f"Question n° {number} — reçue le {long_date(asked)}", level=2)
        document.add_paragraph(row.text)
        answered = f" du {long_date(timezone.localtime(row.answered_at).date())}" if row.answered_at else ""
        document.add_heading(f"Réponse{answered}", level=3)
        document.add_paragraph(row.answer)
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()
