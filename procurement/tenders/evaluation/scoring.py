"""Price notes by the lot's formula, over plain Decimals (DAJ fiche « Méthodes de notation du
critère prix »). A note is never negative and the lowest price always gets the best note."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise

from procurement.core.numbers import THIN_SPACE, format_number
from procurement.tenders.enums import PriceFormula

POINT = Decimal("0.01")
ZERO = Decimal("0")

FORMULA_TEXT = {
    PriceFormula.PROPORTIONAL: "N = Nmax × Pmin / P",
    PriceFormula.LINEAR: "N = Nmax × (1 − (P − Pmin) / (Pmax − Pmin)), jamais inférieure à 0 ; "
                         "une offre seule, ou des prix tous égaux, obtiennent Nmax",
    PriceFormula.RELATIVE_GAP: "N = Nmax × (1 − (P − Pmin) / Pmin), ramenée à 0 si elle serait négative "
                               "(prix au moins double du prix le plus bas)",
    PriceFormula.MEAN: "N = Nmax × (1 − (P − Pmoy) / Pmoy), bornée entre 0 et Nmax",
}
NOT_POSITIVE = "Un prix nul ou négatif ne se note pas : chaque prix noté est strictement positif."


class PriceNotPositive(ValueError):
    """A price ≤ 0 reached a formula: every formula divides by a price or compares with it."""

    def __init__(self):
        super().__init__(NOT_POSITIVE)
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
    if any(price <= 0 for price in prices.values()):
        raise PriceNotPositive
    nmax = Decimal(max_points)
    low, high = min(prices.values()), max(prices.values())
    if formula == PriceFormula.RELATIVE_GAP:
        return {key: max(ZERO, nmax * (1 - (price - low) / low)) for key, price in prices.items()}
    if formula == PriceFormula.LINEAR:
        if high == low:
            return dict.fromkeys(prices, nmax)
        return {key: max(ZERO, nmax * (1 - (price - low) / (high - low))) for key, price in prices.items()}
    if formula == PriceFormula.MEAN:
        mean = _mean(prices.values())
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
        elif formula == PriceFormula.RELATIVE_GAP:
            text = f"{fmt(nmax)} × (1 − ({fmt(price)} − {fmt(low)}) / {fmt(low)})"
            if nmax * (1 - (price - low) / low) < 0:
                text += ", négative donc ramenée à 0 (une note n'est jamais négative)"
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


def formula_refusal(prices: Mapping[Hashable, Decimal], *, formula: str, max_points: Decimal,
                    names: Mapping[Hashable, str] | None = None) -> str:
    """Why ``formula`` cannot score these prices, or "": over the bids received, a dearer bid must get a
    strictly lower note than a cheaper one. A formula that gives the same note to different prices
    (the mean-anchored one capped at the top note, or a floor at 0) neutralises the price gaps and may
    let the dearest bid win (CE 3 novembre 2014, n° 373362)."""
    notes = price_note_values(prices, formula=formula, max_points=max_points)
    ordered = sorted(prices.items(), key=lambda item: item[1])
    names = names or {}
    for (cheap_key, cheap), (dear_key, dear) in pairwise(ordered):
        if dear > cheap and notes[dear_key] >= notes[cheap_key]:
            who = (f" ({names[cheap_key]} et {names[dear_key]})" if cheap_key in names and dear_key in names
                   else "")
            return (f"Formule refusée pour ces offres : les prix de {fmt(cheap)} € et de {fmt(dear)} €{who} "
                    f"obtiennent {fmt(notes[cheap_key])} et {fmt(notes[dear_key])} points ; la note doit baisser "
                    "strictement quand le prix augmente, sinon la formule neutralise les écarts de prix "
                    "(CE, 3 novembre 2014, n° 373362). Choisissez une autre formule (proportionnelle, linéaire "
                    "ou écart relatif au prix le plus bas).")
    return ""
