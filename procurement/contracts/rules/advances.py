"""The advance (R.2191-3, R.2191-7): when it is mandatory, its minimum rate and its amount, for a
contract and for a framework's purchase orders. The figures come from ``figures``."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from procurement.contracts.rules.amounts import HUNDRED
from procurement.core.money import format_eur, format_percent, round_money, ttc

TWELVE = Decimal("12")


@dataclass(frozen=True)
class AdvanceRule:
    required: bool
    min_rate: Decimal
    reason: str


def advance_rule(*, amount_ht: Decimal, duration_months: int, min_amount: Decimal, min_months: Decimal,
                 min_rate: Decimal, sme_rate: Decimal, sme_rate_applies: bool) -> AdvanceRule:
    """Mandatory above ``min_amount`` HT and ``min_months`` months; its minimum rate, raised for an
    SME when the buyer spends more than 60 M€ a year (``sme_rate_applies``)."""
    rate = (max(min_rate, sme_rate) if sme_rate_applies else min_rate).quantize(Decimal("0.01"))
    required = amount_ht > min_amount and duration_months > min_months
    if required:
        reason = (f"Avance obligatoire : montant de {format_eur(amount_ht)} HT supérieur à {format_eur(min_amount)} "
                  f"HT et durée de {duration_months} mois supérieure à {min_months.normalize():f} mois "
                  f"(CCP R.2191-3) ; taux minimal {format_percent(rate)} du montant initial TTC (R.2191-7).")
    else:
        reason = "Avance facultative : le montant ou la durée n'atteint pas le seuil de l'article R.2191-3."
    return AdvanceRule(required=required, min_rate=rate, reason=reason)


def advance_amount(*, amount_ht: Decimal, vat_rate: Decimal, rate: Decimal, duration_months: int) -> Decimal:
    """R.2191-7: rate × the initial amount **TTC**; beyond twelve months, rate × 12 × that amount TTC /
    duration in months. 120 000 € HT at 20 % VAT and 5 % give 7 200 €."""
    amount_ttc = ttc(amount_ht, vat_rate)
    base = amount_ttc if duration_months <= 12 else TWELVE * amount_ttc / Decimal(duration_months)
    return round_money(base * rate / HUNDRED)


def order_advance_principle(*, min_amount: Decimal, min_months: Decimal) -> str:
    return (f"Accord-cadre à bons de commande : l'avance est due pour chaque bon de commande de plus de "
            f"{format_eur(min_amount)} HT dont l'exécution dépasse {min_months.normalize():f} mois (R.2191-3), "
            "calculée sur le montant TTC du bon (R.2191-7).")


def order_advance_rule(*, amount_ht: Decimal, min_amount: Decimal, min_months: Decimal, min_rate: Decimal,
                       sme_rate: Decimal, sme_rate_applies: bool) -> AdvanceRule:
    """R.2191-3 for a framework with purchase orders: the advance is due per order above ``min_amount``
    HT whose execution lasts more than ``min_months`` months (an order does not record its duration,
    so the rule is stated with that condition)."""
    rate = (max(min_rate, sme_rate) if sme_rate_applies else min_rate).quantize(Decimal("0.01"))
    required = amount_ht > min_amount
    if required:
        reason = (f"Bon de commande de {format_eur(amount_ht)} HT, supérieur à {format_eur(min_amount)} HT : "
                  f"avance due si son exécution dépasse {min_months.normalize():f} mois (CCP R.2191-3), "
                  f"au moins {format_percent(rate)} de son montant TTC (R.2191-7).")
    else:
        reason = (f"Bon de commande de {format_eur(amount_ht)} HT, pas au-dessus de {format_eur(min_amount)} HT : "
                  "avance facultative (R.2191-3).")
    return AdvanceRule(required=required, min_rate=rate, reason=reason)
