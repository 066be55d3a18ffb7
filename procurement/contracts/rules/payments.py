"""Payment deadline and late-payment interest, as plain functions over plain values
(CCP R.2192-10 to R.2192-36). The figures (30 days, ECB rate, 8 points, 40 €) come from the dated
reference data; the callers look them up and pass them in.

- The deadline counts **calendar days** from the later of the receipt of the invoice (for an
  e-invoice, its deposit on Chorus Pro) and the acceptance of the service (service fait); it does
  not move to the next working day.
- The deadline can be interrupted once for a missing or wrong mandatory item (R.2192-27); when
  every item is received, a **new** deadline opens: 30 days, or the balance left on the day of the
  interruption when that balance is longer (R.2192-29).
- Interest runs from the day after the deadline to the payment day, on the amount TTC, over 365
  days, at one rate for the whole delay: the ECB main refinancing rate in force on the first day of
  the half-year in which interest starts to run, plus 8 points (R.2192-31). The fixed
  compensation (40 €) is due as well (D.2192-35).

Worked example: 12 000,00 € TTC, deadline 20/06/2025, paid 20/07/2025 → 30 days late; interest
starts on 21/06/2025, in the first half of 2025: 3,15 % + 8 = 11,15 % →
12 000 × 11,15 % × 30 / 365 = 109,97 € (half-up to the cent), plus 40,00 €.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from procurement.core.money import HUNDRED, round_money

YEAR_DAYS = Decimal("365")


def deadline_start(*, received_on: date, service_done_on: date | None) -> date:
    """The day the clock starts: the receipt, or the acceptance of the service when it comes later."""
    if service_done_on is not None and service_done_on > received_on:
        return service_done_on
    return received_on


def payment_deadline(*, received_on: date, service_done_on: date | None, days: int,
                     interrupted_on: date | None = None, resumed_on: date | None = None) -> date | None:
    """The last day to pay. While the deadline is interrupted (items missing), there is none."""
    deadline = deadline_start(received_on=received_on, service_done_on=service_done_on) + timedelta(days=days)
    if interrupted_on is None:
        return deadline
    if resumed_on is None:
        return None
    balance = max((deadline - interrupted_on).days, 0)
    return resumed_on + timedelta(days=max(days, balance))


def half_year_start(day: date) -> date:
    """1 January or 1 July of ``day``'s half-year."""
    return date(day.year, 1 if day.month <= 6 else 7, 1)


@dataclass(frozen=True)
class LateInterest:
    """Every figure the computation used, to show it."""

    deadline: date
    paid_on: date
    runs_from: date          # the day after the deadline
    days: int
    rate_date: date          # first day of the half-year in which interest starts to run
    ecb_rate: Decimal
    margin: Decimal
    rate: Decimal            # ecb_rate + margin, in percent
    amount_ttc: Decimal
    interest: Decimal
    compensation: Decimal

    @property
    def total(self) -> Decimal:
        return round_money(self.interest + self.compensation)


def days_late(*, deadline: date, paid_on: date) -> int:
    return max((paid_on - deadline).days, 0)


def late_interest(*, amount_ttc: Decimal, deadline: date, paid_on: date, ecb_rate: Decimal, margin: Decimal,
                  compensation: Decimal) -> LateInterest | None:
    """The interest and compensation due for a payment after ``deadline``; None when paid on time."""
    days = days_late(deadline=deadline, paid_on=paid_on)
    if days == 0:
        return None
    rate = ecb_rate + margin
    interest = round_money(amount_ttc * rate / HUNDRED * days / YEAR_DAYS)
    runs_from = deadline + timedelta(days=1)
    return LateInterest(deadline=deadline, paid_on=paid_on, runs_from=runs_from, days=days,
                        rate_date=half_year_start(runs_from), ecb_rate=ecb_rate, margin=margin, rate=rate,
                        amount_ttc=round_money(amount_ttc), interest=interest,
                        compensation=round_money(compensation))
