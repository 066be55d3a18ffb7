"""Amounts and shares of a contract, compared exactly: a modification's share of the initial amount,
an amount once the amendments are added."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from procurement.core.money import round_money

HUNDRED = Decimal("100")


def share_percent(part: Decimal, whole: Decimal) -> Decimal:
    """``part`` as a percentage of ``whole``, to two decimals, for display (decisions use ``above``)."""
    if not whole:
        return Decimal("0")
    return (part * HUNDRED / whole).quantize(Decimal("0.01"))


def above(part: Decimal, whole: Decimal, percent: Decimal) -> bool:
    """``part`` is more than ``percent`` % of ``whole``, compared exactly."""
    return part * HUNDRED > percent * whole


def reaches(part: Decimal, whole: Decimal, percent: Decimal) -> bool:
    """``part`` is ``percent`` % of ``whole`` or more, compared exactly."""
    return part * HUNDRED >= percent * whole


def amount_after_amendments(amount_ht: Decimal, changes: Iterable[Decimal]) -> Decimal:
    """An amount (the initial amount, a framework's maximum, a yearly maximum) once the amendments'
    changes to it are added, to the cent."""
    return round_money(amount_ht + sum(changes, Decimal("0")))
