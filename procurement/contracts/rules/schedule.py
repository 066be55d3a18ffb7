"""The calendar of a contract, as plain functions over plain values: its periods (the initial one,
then each renewal), the renewal decision deadline (period end minus the notice period), the
maintenance start and the revision dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Period:
    """Period 1 is the initial duration; period n + 1 is the n-th renewal."""

    number: int
    start: date
    end: date

    @property
    def renewal_number(self) -> int:
        return self.number - 1

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def months_later(day: date, months: int) -> date:
    """The same day ``months`` months later (the last day of the month when it has none)."""
    return day + relativedelta(months=months)


def period_end(start: date, months: int) -> date:
    """A period of ``months`` months starting on ``start`` ends the day before the same date
    ``months`` later: 01/11/2024 + 12 months → 31/10/2025."""
    return months_later(start, months) - ONE_DAY


def periods(*, start: date, duration_months: int, renewal_months: int, renewals: int) -> list[Period]:
    """The initial period and ``renewals`` renewals, back to back."""
    result = [Period(1, start, period_end(start, duration_months))]
    for number in range(2, renewals + 2):
        begin = result[-1].end + ONE_DAY
        result.append(Period(number, begin, period_end(begin, renewal_months)))
    return result


def period_of(day: date, all_periods: list[Period]) -> Period | None:
    return next((period for period in all_periods if period.contains(day)), None)


def decision_deadline(*, end: date, notice_months: int) -> date:
    """The last day to refuse (or decide) a renewal: the period's end minus the notice period."""
    return months_later(end, -notice_months)


def total_months(*, duration_months: int, renewal_months: int, renewals: int) -> int:
    return duration_months + renewals * renewal_months


def anniversaries(*, start: date, until: date, every_months: int = 12) -> list[date]:
    """``start`` + 12 months, + 24 months... up to ``until`` included."""
    result, step = [], 1
    while True:
        day = months_later(start, every_months * step)
        if day > until:
            return result
        result.append(day)
        step += 1


def maintenance_years(*, maintenance_start: date | None, contract_end: date) -> int:
    """Whole years of maintenance between its start and the contract's last day."""
    if maintenance_start is None or maintenance_start > contract_end:
        return 0
    years = relativedelta(contract_end + ONE_DAY, maintenance_start).years
    return max(years, 0)
