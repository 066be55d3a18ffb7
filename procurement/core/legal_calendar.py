"""The legal calendar: French public holidays and procedure time limits.

Rule (Reg. 1182/71 art. 3, LEGAL.md): the day of the event does not count; a period of N days
ends at the end of day start + N; when that day is a Saturday, Sunday or public holiday, the
period ends at the end of the next working day. Payment deadlines count calendar days and are
not moved: use ``add_calendar_days`` for them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays
from django.utils.formats import date_format

SATURDAY = 5


@lru_cache(maxsize=64)
def _holidays_of(year: int) -> dict[date, str]:
    # Metropolitan France without a subdivision: Alsace-Moselle's extra days are not national.
    return dict(holidays.France(years=year, language="fr"))


def public_holiday_name(day: date) -> str | None:
    return _holidays_of(day.year).get(day)


def public_holidays(year: int) -> dict[date, str]:
    return dict(sorted(_holidays_of(year).items()))


def is_working_day(day: date) -> bool:
    return day.weekday() < SATURDAY and public_holiday_name(day) is None


def next_working_day(day: date) -> date:
    """``day`` itself when it is a working day, otherwise the first working day after it."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def why_not_working(day: date) -> str:
    name = public_holiday_name(day)
    if name:
        return f"un jour férié ({name})"
    return "un samedi" if day.weekday() == SATURDAY else "un dimanche"


def long_date(day: date) -> str:
    """« lundi 28 décembre 2026 », « jeudi 1er octobre 2026 », whatever the active language, as legal
    texts write it: the first day of a month is an ordinal in French."""
    from django.utils import translation

    with translation.override("fr"):
        return date_format(day, "l ") + ("1er" if day.day == 1 else str(day.day)) + date_format(day, " F Y")


def short_date(day: date) -> str:
    return day.strftime("%d/%m/%Y")


_TYPED_DAY = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})|(\d{4})-(\d{1,2})-(\d{1,2})")


def typed_day(text: str) -> date | None:
    """The day a person typed in a search: « 15/10/2026 » (as ``short_date`` writes it), « 15.10.2026 »,
    « 15-10-2026 » or « 2026-10-15 »; None for any other text or an impossible day."""
    match = _TYPED_DAY.fullmatch(text.strip())
    if match is None:
        return None
    day, month, year = match.group(1, 2, 3) if match.group(1) else reversed(match.group(4, 5, 6))
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


@dataclass(frozen=True)
class LegalDeadline:
    start: date
    days: int
    end: date
    extended_from: date | None
    reason: str

    def as_dict(self) -> dict:
        return {
            "start": self.start.isoformat(),
            "days": self.days,
            "end": self.end.isoformat(),
            "extended_from": self.extended_from.isoformat() if self.extended_from else None,
            "reason": self.reason,
        }


def legal_deadline(start: date, days: int) -> LegalDeadline:
    """A procedure time limit of ``days`` days counted from the event on ``start``."""
    if days < 0:
        raise ValueError("Un délai ne peut pas être négatif.")
    unmoved = start + timedelta(days=days)
    end = next_working_day(unmoved)
    if end == unmoved:
        return LegalDeadline(
            start=start,
            days=days,
            end=end,
            extended_from=None,
            reason=(
                f"Le délai de {days} jours court à partir du lendemain du {short_date(start)} ; "
                f"il expire le {long_date(end)} à minuit, jour ouvré (règlement CEE 1182/71, art. 3)."
            ),
        )
    skipped = []
    day = unmoved
    while day < end:
        skipped.append(f"le {short_date(day)} est {why_not_working(day)}")
        day += timedelta(days=1)
    return LegalDeadline(
        start=start,
        days=days,
        end=end,
        extended_from=unmoved,
        reason=(
            f"Le délai de {days} jours expirerait le {short_date(unmoved)}, mais "
            + ", ".join(skipped)
            + f" : l'échéance est reportée au premier jour ouvré suivant, le {long_date(end)}, "
            "à minuit (règlement CEE 1182/71, art. 3)."
        ),
    )


def add_calendar_days(start: date, days: int) -> date:
    """Calendar days, never moved (payment deadlines)."""
    return start + timedelta(days=days)
