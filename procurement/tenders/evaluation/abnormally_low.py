"""Detection of abnormally low bids by a published method (L.2152-5, R.2152-3). A formula may
*detect*; it never rejects: a detected bid needs a justification request and the buyer's decision."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from procurement.tenders.enums import AbnormallyLowMethod
from procurement.tenders.evaluation.scoring import ZERO, fmt

HUNDRED = Decimal("100")


@dataclass(frozen=True)
class OabParameters:
    method: str = AbnormallyLowMethod.REDUCED_MEAN
    exclusion_factor: Decimal = Decimal("1.20")     # moyenne réduite: bids above factor × mean are set aside
    gap_percent: Decimal = Decimal("10")            # moyenne réduite: flagged below the new mean by this much
    sd_factor: Decimal = Decimal("1")               # mean minus k standard deviations
    lowest_gap_mean_percent: Decimal = Decimal("40")  # lowest bid this far below the mean of the others
    lowest_gap_next_percent: Decimal = Decimal("30")  # or this far below the next bid


@dataclass(frozen=True)
class OabFlag:
    key: Hashable
    amount: Decimal
    threshold: Decimal
    explanation: str


def _mean(values) -> Decimal:
    values = list(values)
    return sum(values, ZERO) / len(values)


def method_description(params: OabParameters) -> str:
    if params.method == AbnormallyLowMethod.MEAN_MINUS_SD:
        return f"Moyenne des offres moins {fmt(params.sd_factor)} écart(s) type(s) (écart type de la population)."
    if params.method == AbnormallyLowMethod.LOWEST_BID_GAP:
        return (f"Écart de l'offre la plus basse avec les autres offres : elle est signalée si elle est inférieure "
                f"d'au moins {fmt(params.lowest_gap_mean_percent)} % à la moyenne des autres offres, ou d'au moins "
                f"{fmt(params.lowest_gap_next_percent)} % à l'offre classée juste après elle.")
    return (f"Moyenne réduite : moyenne de toutes les offres, offres supérieures à {fmt(params.exclusion_factor)} × "
            f"cette moyenne écartées, offres inférieures de plus de {fmt(params.gap_percent)} % à la nouvelle "
            f"moyenne signalées ; l'offre la plus basse est aussi signalée si elle est inférieure d'au moins "
            f"{fmt(params.lowest_gap_next_percent)} % à l'offre suivante (utile avec deux offres ou une offre "
            "extrême).")


def detect(amounts: Mapping[Hashable, Decimal], params: OabParameters | None = None) -> list[OabFlag]:
    """The bids the method flags, with the figures; no flag with fewer than two bids."""
    params = params or OabParameters()
    if len(amounts) < 2:
        return []
    if params.method == AbnormallyLowMethod.MEAN_MINUS_SD:
        return _mean_minus_sd(amounts, params)
    if params.method == AbnormallyLowMethod.LOWEST_BID_GAP:
        return _lowest_bid_gap(amounts, params)
    return _reduced_mean(amounts, params)


REDUCED_MEAN_RULE = "Règle de la moyenne réduite"
NEXT_BID_RULE = "Règle de l'écart avec l'offre suivante"


def _reduced_mean(amounts, params: OabParameters) -> list[OabFlag]:
    """The reduced mean, combined with the gap between the lowest bid and the next one: alone, the
    reduced mean flags nothing with two bids, or when an extreme bid drags the first mean down so that
    the others are set aside (10 / 100 / 110). Each flag says which rule flagged it."""
    first = _mean(amounts.values())
    ceiling = first * params.exclusion_factor
    kept = [amount for amount in amounts.values() if amount <= ceiling]
    second = _mean(kept)
    threshold = second * (1 - params.gap_percent / HUNDRED)
    found: dict = {}  # key → [(threshold, reason)]
    for key, amount in amounts.items():
        if amount < threshold:
            found[key] = [(threshold, (
                f"{REDUCED_MEAN_RULE} : {fmt(amount)} € < {fmt(threshold)} €, plus de {fmt(params.gap_percent)} % "
                f"sous la moyenne réduite de {fmt(second)} € (moyenne de toutes les offres {fmt(first)} €, "
                f"{len(amounts) - len(kept)} offre(s) au-delà de {fmt(ceiling)} € écartée(s))."))]
    ordered = sorted(amounts.items(), key=lambda item: item[1])
    (best_key, best), (_next_key, following) = ordered[0], ordered[1]
    below_next = following * (1 - params.lowest_gap_next_percent / HUNDRED)
    if best < following and best <= below_next:
        found.setdefault(best_key, []).append((below_next, (
            f"{NEXT_BID_RULE} : {fmt(best)} € est inférieure d'au moins {fmt(params.lowest_gap_next_percent)} % "
            f"à l'offre suivante ({fmt(following)} €, seuil {fmt(below_next)} €).")))
    return [OabFlag(key, amount, max(limit for limit, _reason in found[key]),
                    " ".join(reason for _limit, reason in found[key]))
            for key, amount in amounts.items() if key in found]


def _mean_minus_sd(amounts, params: OabParameters) -> list[OabFlag]:
    mean = _mean(amounts.values())
    deviation = _mean((amount - mean) ** 2 for amount in amounts.values()).sqrt()
    threshold = mean - params.sd_factor * deviation
    return [
        OabFlag(key, amount, threshold,
                f"{fmt(amount)} € < {fmt(threshold)} € = moyenne {fmt(mean)} € − {fmt(params.sd_factor)} × "
                f"écart type {fmt(deviation)} €.")
        for key, amount in amounts.items() if amount < threshold
    ]


def _lowest_bid_gap(amounts, params: OabParameters) -> list[OabFlag]:
    ordered = sorted(amounts.items(), key=lambda item: item[1])
    (best_key, best), (_next_key, following) = ordered[0], ordered[1]
    others = _mean(amount for _key, amount in ordered[1:])
    below_mean = others * (1 - params.lowest_gap_mean_percent / HUNDRED)
    below_next = following * (1 - params.lowest_gap_next_percent / HUNDRED)
    reasons = []
    if best <= below_mean:
        reasons.append(f"au moins {fmt(params.lowest_gap_mean_percent)} % sous la moyenne des autres offres "
                       f"({fmt(others)} €)")
    if best <= below_next:
        reasons.append(f"au moins {fmt(params.lowest_gap_next_percent)} % sous l'offre suivante ({fmt(following)} €)")
    if not reasons:
        return []
    return [OabFlag(best_key, best, max(below_mean, below_next), f"{fmt(best)} € : {' et '.join(reasons)}.")]
