from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from procurement.tenders.models import TransitionLog
from procurement.tenders.services.qa import answer_limit, question_answer, question_record, tender_push_back_deadline
from tests.tenders.factories import TenderFactory, paris

pytestmark = pytest.mark.django_db


@pytest.fixture
def question(buyer):
    tender = TenderFactory(published=True)  # bid deadline: Friday 8 January 2027 at noon
    return question_record(tender=tender, text="Le catalogue doit-il inclure des livres audio ?",
                           asked_at=paris(2026, 12, 20, 10, 0), by=buyer)


def test_answers_are_due_six_days_before_the_deadline(question):
    assert answer_limit(question.tender) == date(2027, 1, 2)


def test_an_answer_in_time_is_recorded(question, buyer):
    answered = question_answer(question=question, answer="Oui, au moins 2 000 titres.", by=buyer,
                               today=date(2027, 1, 2))
    assert answered.answer == "Oui, au moins 2 000 titres." and answered.answered_by == buyer


def test_a_late_answer_is_refused_with_a_pushed_back_deadline(question, buyer):
    with pytest.raises(ValidationError) as error:
        question_answer(question=question, answer="Oui.", by=buyer, today=date(2027, 1, 4))
    # Answered on Monday 4 January 2027: 6 days later is Sunday 10 → Monday 11 January.
    assert error.value.message_dict["answer"] == [
        "Trop tard : les réponses doivent partir au plus tard le 02/01/2027, six jours avant la date limite. "
        "Reportez d'abord la date limite, par exemple au 11/01/2027 à 12:00."
    ]


def test_pushing_back_the_deadline_is_logged_and_then_the_answer_is_timely(question, buyer):
    tender = tender_push_back_deadline(tender=question.tender, new_deadline=paris(2027, 1, 11, 12, 0), by=buyer,
                                       reason="Réponse tardive à une question")
    assert timezone.localtime(tender.bid_deadline) == paris(2027, 1, 11, 12, 0)
    log = TransitionLog.objects.get(transition="push_back_deadline")
    assert log.reason.startswith("Date limite reportée du 08/01/2027 12:00 au 11/01/2027 12:00")
    question.refresh_from_db()
    assert question_answer(question=question, answer="Oui.", by=buyer, today=date(2027, 1, 4)).answer == "Oui."


def test_a_deadline_cannot_be_brought_forward(question, buyer):
    with pytest.raises(ValidationError) as error:
        tender_push_back_deadline(tender=question.tender, new_deadline=paris(2027, 1, 5, 12, 0), by=buyer,
                                  reason="essai")
    assert "postérieure" in error.value.message_dict["bid_deadline"][0]
