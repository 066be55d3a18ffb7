"""Rules of the award that the tenders and the contracts apps share, as one function each."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from procurement.core.enums import ReferenceKind
from procurement.core.legal_calendar import legal_deadline, long_date
from procurement.core.selectors import reference_days
from procurement.tenders.enums import Procedure


@dataclass(frozen=True)
class Standstill:
    required: bool
    days: int = 0
    end: date | None = None
    signable_from: date | None = None

    def context(self) -> dict:
        return {"required": self.required, "days": self.days,
                "end": long_date(self.end) if self.end else "",
                "signable_from": long_date(self.signable_from) if self.signable_from else ""}


NO_STANDSTILL = Standstill(required=False)


STANDSTILL_KINDS = (ReferenceKind.STANDSTILL_DAYS_ELECTRONIC, ReferenceKind.STANDSTILL_DAYS_OTHER)


def standstill(*, procedure: str, sent_on: date, bid_count: int, electronic: bool = True,
               days_of: Callable[..., int] = reference_days) -> Standstill:
    """R.2182-1: 11 days from sending the rejection letter electronically, 16 days otherwise (the days
    in force at ``sent_on``), moved to the next working day; the contract may be signed from the day
    after. Only for formalised procedures with several bids. ``days_of`` reads the days (a
    ``ReferenceDays`` read once, for a list)."""
    if procedure != Procedure.OPEN or bid_count < 2:
        return NO_STANDSTILL
    kind = ReferenceKind.STANDSTILL_DAYS_ELECTRONIC if electronic else ReferenceKind.STANDSTILL_DAYS_OTHER
    days = days_of(kind, at=sent_on)
    end = legal_deadline(sent_on, days).end
    return Standstill(required=True, days=days, end=end, signable_from=end + timedelta(days=1))


def longest_standstill(windows: Iterable[Standstill]) -> Standstill:
    """The standstill of a lot: the contract waits for the last of its rejection letters' periods."""
    required = [window for window in windows if window.required]
    return max(required, key=lambda window: window.signable_from) if required else NO_STANDSTILL


def proposes_pushed_back_deadline(*, can_answer: bool, today: date, answer_limit: date | None) -> bool:
    """A buyer who can still answer after the last day for answers (6 days before the bid deadline) is
    offered a later bid deadline, so every candidate keeps the time the answers need."""
    return can_answer and answer_limit is not None and today > answer_limit
