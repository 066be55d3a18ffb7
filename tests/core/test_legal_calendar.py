from datetime import date

import pytest

from procurement.core.legal_calendar import (
    add_calendar_days,
    is_working_day,
    legal_deadline,
    next_working_day,
    public_holidays,
    typed_day,
)

# Every public holiday of 2026 and 2027 that falls on a weekday, with the working day after it.
WEEKDAY_HOLIDAYS = [
    (date(2026, 1, 1), date(2026, 1, 2)),    # Jour de l'an, jeudi
    (date(2026, 4, 6), date(2026, 4, 7)),    # Lundi de Pâques
    (date(2026, 5, 1), date(2026, 5, 4)),    # Fête du Travail, vendredi → lundi
    (date(2026, 5, 8), date(2026, 5, 11)),   # Victoire 1945, vendredi → lundi
    (date(2026, 5, 14), date(2026, 5, 15)),  # Ascension
    (date(2026, 5, 25), date(2026, 5, 26)),  # Lundi de Pentecôte
    (date(2026, 7, 14), date(2026, 7, 15)),  # Fête nationale, mardi
    (date(2026, 11, 11), date(2026, 11, 12)),  # Armistice, mercredi
    (date(2026, 12, 25), date(2026, 12, 28)),  # Noël, vendredi, puis un week-end
    (date(2027, 1, 1), date(2027, 1, 4)),    # Jour de l'an, vendredi → lundi
    (date(2027, 3, 29), date(2027, 3, 30)),  # Lundi de Pâques
    (date(2027, 5, 6), date(2027, 5, 7)),    # Ascension
    (date(2027, 5, 17), date(2027, 5, 18)),  # Lundi de Pentecôte
    (date(2027, 7, 14), date(2027, 7, 15)),  # Fête nationale, mercredi
    (date(2027, 11, 1), date(2027, 11, 2)),  # Toussaint, lundi
    (date(2027, 11, 11), date(2027, 11, 12)),  # Armistice, jeudi
]


@pytest.mark.parametrize(("holiday", "next_day"), WEEKDAY_HOLIDAYS, ids=[str(h) for h, _ in WEEKDAY_HOLIDAYS])
def test_deadline_ending_on_a_weekday_holiday_moves_to_the_next_working_day(holiday, next_day):
    deadline = legal_deadline(date.fromordinal(holiday.toordinal() - 20), 20)
    assert deadline.end == next_day
    assert deadline.extended_from == holiday
    assert "jour férié" in deadline.reason


def test_the_weekday_holidays_of_2026_and_2027_are_exactly_these():
    weekday_holidays = {
        day for year in (2026, 2027) for day in public_holidays(year) if day.weekday() < 5
    }
    assert weekday_holidays == {holiday for holiday, _ in WEEKDAY_HOLIDAYS}


def test_alsace_moselle_days_are_not_national_holidays():
    assert is_working_day(date(2026, 4, 3))  # Vendredi saint
    assert is_working_day(date(2026, 12, 28))  # lundi après la Saint-Étienne (samedi 26)


def test_deadline_ending_on_christmas_moves_to_next_working_day():
    assert legal_deadline(date(2026, 11, 25), days=30).end == date(2026, 12, 28)


def test_deadline_ending_on_a_plain_saturday_moves_to_monday():
    deadline = legal_deadline(date(2026, 11, 18), 10)
    assert deadline.extended_from == date(2026, 11, 28)
    assert deadline.end == date(2026, 11, 30)
    assert "le 28/11/2026 est un samedi, le 29/11/2026 est un dimanche" in deadline.reason
    assert "lundi 30 novembre 2026" in deadline.reason


def test_holiday_on_a_saturday_is_a_plain_weekend():
    # Christmas 2027 is a Saturday: the deadline ends on Monday 27 December.
    assert legal_deadline(date(2027, 12, 15), 10).end == date(2027, 12, 27)


def test_holiday_on_a_sunday_moves_to_monday():
    assert legal_deadline(date(2026, 10, 22), 10).end == date(2026, 11, 2)  # Toussaint 2026


def test_the_day_of_the_event_does_not_count_and_a_working_day_stays():
    deadline = legal_deadline(date(2026, 12, 1), 35)
    assert deadline.end == date(2027, 1, 5)
    assert deadline.extended_from is None
    assert "mardi 5 janvier 2027" in deadline.reason


def test_a_zero_day_deadline_on_a_working_day_is_that_day():
    assert legal_deadline(date(2026, 11, 25), 0).end == date(2026, 11, 25)


def test_negative_days_are_refused():
    with pytest.raises(ValueError, match="négatif"):
        legal_deadline(date(2026, 11, 25), -1)


def test_next_working_day_of_a_working_day_is_itself():
    assert next_working_day(date(2026, 11, 25)) == date(2026, 11, 25)


def test_payment_deadlines_count_calendar_days_without_moving():
    assert add_calendar_days(date(2026, 11, 25), 30) == date(2026, 12, 25)


@pytest.mark.parametrize(("typed", "day"), [("15/10/2026", date(2026, 10, 15)), ("5.1.2026", date(2026, 1, 5)),
                                            ("15-10-2026", date(2026, 10, 15)), (" 2026-10-15 ", date(2026, 10, 15)),
                                            ("31/02/2026", None), ("DEL-2027-03", None), ("2026", None)])
def test_a_day_typed_in_a_search_is_read_as_french_users_write_it(typed, day):
    assert typed_day(typed) == day
