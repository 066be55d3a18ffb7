"""Price notes by the lot's formula, over plain Decimals (DAJ fiche « Méthodes de notation du
critère prix »). A note is never negative and the lowest price always gets the best note."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from procurement.core.numbers import THIN_SPACE, format_number
from procurement.tenders.enums import PriceFormula

POINT = Decimal("0.01")
ZERO = Decimal("0")

FORMULA_TEXT = {
    PriceFormula.PROPORTIONAL: "N = Nmax × Pmin / P",
    PriceFormula.LINEAR: "N = Nmax × (1 − (P − Pmin) / (Pmax − Pmin)), jamais inférieure à 0 ; "
                         "une offre seule, ou des prix tous égaux, obtiennent Nmax",
    PriceFormula.MEAN: "N = Nmax × (1 − (P − Pmoy) / Pmoy), bornée entre 0 et Nmax",
}
TWO_BIDS_LINEAR = (
    "Avec deux offres, la formule linéaire donne la note maximale à l'une et zéro à l'autre quel que soit "
    "l'écart de prix (jugé irrégulier : CAA Paris, 8 février 2016, n° 15PA02953)."
)


def round_score(value: Decimal) -> Decimal:
    """The one place where notes are rounded: half-up to the hundredth of a point."""
    return value.quantize(POINT, rounding=ROUND_HALF_UP)


def fmt(value: Decimal) -> str:
    """``1234.5`` → ``1 234,50`` (notes and prices in explanations, to the hundredth like ``round_score``)."""
    return format_number(value, places=2, space=THIN_SPACE)


@dataclass(frozen=True)
class PriceNote:
    note: Decimal          # rounded to the hundredth
    exact: Decimal         # unrounded, for the sensitivity and the checks
    explanation: str       # the formula with the figures


def _mean(values) -> Decimal:
    values = list(values)
    return sum(values, ZERO) / len(values)


def price_note_values(prices: Mapping[Hashable, Decimal], *, formula: str, max_points: Decimal
                      ) -> dict[Hashable, Decimal]:
    """The exact (unrounded) note of each price, out of ``max_points``, by ``formula``."""
    if not prices:
        return {}
    nmax = Decimal(max_points)
    low, high = min(prices.values()), max(prices.values())
    if formula == PriceFormula.LINEAR:
        if high == low:
            return dict.fromkeys(prices, nmax)
        return {key: max(ZERO, nmax * (1 - (price - low) / (high - low))) for key, price in prices.items()}
    if formula == PriceFormula.MEAN:
        mean = _mean(prices.values())
        if mean == 0:
            return dict.fromkeys(prices, nmax)
        return {key: min(nmax, max(ZERO, nmax * (1 - (price - mean) / mean))) for key, price in prices.items()}
    # Proportional, the default and the DAJ's reference method.
    return {key: nmax if price == low else nmax * low / price for key, price in prices.items()}


def price_notes(prices: Mapping[Hashable, Decimal], *, formula: str, max_points: Decimal
                ) -> dict[Hashable, PriceNote]:
    """The note of each price with the formula written out with its figures."""
    exact = price_note_values(prices, formula=formula, max_points=max_points)
    if not exact:
        return {}
    nmax = Decimal(max_points)
    low, high = min(prices.values()), max(prices.values())
    mean = _mean(prices.values())
    notes = {}
    for key, price in prices.items():
        if formula == PriceFormula.LINEAR:
            text = (f"{fmt(nmax)} (prix tous égaux)" if high == low else
                    f"{fmt(nmax)} × (1 − ({fmt(price)} − {fmt(low)}) / ({fmt(high)} − {fmt(low)}))")
        elif formula == PriceFormula.MEAN:
            text = f"{fmt(nmax)} × (1 − ({fmt(price)} − {fmt(mean)}) / {fmt(mean)}), bornée à [0 ; {fmt(nmax)}]"
        else:
            text = f"{fmt(nmax)} × {fmt(low)} / {fmt(price)}"
        notes[key] = PriceNote(round_score(exact[key]), exact[key], f"{text} = {fmt(exact[key])}")
    return notes


def formula_warnings(prices: Mapping[Hashable, Decimal], *, formula: str) -> list[str]:
    """What the formula's own shape says about these prices (the ranking effects are checked apart)."""
    warnings = []
    if formula == PriceFormula.LINEAR and len(prices) == 2 and len(set(prices.values())) == 2:
        warnings.append(TWO_BIDS_LINEAR)
    if formula == PriceFormula.MEAN and len(prices) > 1:
        mean = _mean(prices.values())
        capped = [key for key, price in prices.items() if price < mean]
        if len(capped) > 1:
            warnings.append(
                f"{len(capped)} offres sous la moyenne ({fmt(mean)} €) obtiennent toutes la note maximale : "
                "la formule ne départage pas leurs prix."
            )
    return warnings
