"""Price revision (R.2112-13, R.2112-14): P = P0 × (a + b × I / I0), with a + b = 1.

The coefficient C = a + b × I / I0 is rounded as the clause says (number of decimals and way of
rounding); the revised price P = P0 × C is then rounded half-up to the cent by ``round_money``,
the one place where amounts are rounded. Worked example: P0 = 100 000,00 €, a = 0,15, I0 = 300,0,
I = 315,0 → C = 0,15 + 0,85 × 1,05 = 1,0425 (4 decimals, half-up) → P = 104 250,00 €.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, ROUND_UP, Decimal

from procurement.contracts.enums import CoefficientRounding
from procurement.core.money import round_money

ROUNDINGS = {
    CoefficientRounding.HALF_UP: ROUND_HALF_UP,
    CoefficientRounding.DOWN: ROUND_DOWN,
    CoefficientRounding.UP: ROUND_UP,
}
ONE = Decimal("1")


class RevisionError(ValueError):
    """Values that cannot give a coefficient (the message is French, for the user)."""


@dataclass(frozen=True)
class Revision:
    fixed_part: Decimal      # a
    variable_part: Decimal   # b = 1 - a
    base_index: Decimal      # I0
    index: Decimal           # I
    raw_coefficient: Decimal
    coefficient: Decimal     # rounded as the clause says
    base_price: Decimal      # P0
    price: Decimal           # P, to the cent


def revision_coefficient(*, fixed_part: Decimal, index: Decimal, base_index: Decimal, decimals: int,
                         rounding: str = CoefficientRounding.HALF_UP) -> tuple[Decimal, Decimal]:
    """(raw, rounded) coefficient a + (1 - a) × I / I0."""
    if not (Decimal("0") <= fixed_part < ONE):
        raise RevisionError("La partie fixe a doit être comprise entre 0 (inclus) et 1 (exclu).")
    if base_index <= 0 or index <= 0:
        raise RevisionError("Les valeurs d'indice doivent être strictement positives.")
    raw = fixed_part + (ONE - fixed_part) * index / base_index
    quantum = Decimal(1).scaleb(-decimals)
    return raw, raw.quantize(quantum, rounding=ROUNDINGS[CoefficientRounding(rounding)])


def revise(*, base_price: Decimal, fixed_part: Decimal, index: Decimal, base_index: Decimal, decimals: int,
           rounding: str = CoefficientRounding.HALF_UP) -> Revision:
    raw, coefficient = revision_coefficient(fixed_part=fixed_part, index=index, base_index=base_index,
                                            decimals=decimals, rounding=rounding)
    return Revision(
        fixed_part=fixed_part, variable_part=ONE - fixed_part, base_index=base_index, index=index,
        raw_coefficient=raw, coefficient=coefficient, base_price=round_money(base_price),
        price=round_money(base_price * coefficient),
    )
