"""Legal rules of the execution of a contract, as plain functions over plain values. The figures
(thresholds, rates, shares) come from the dated reference data: ``legal.py`` reads them in force at
the relevant date and passes them here; no figure is written in this module."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from procurement.contracts.enums import CAPPED_BASES, AmendmentBasis
from procurement.core.money import format_eur, format_percent, round_money, ttc

HUNDRED = Decimal("100")
TWELVE = Decimal("12")


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


# Advance (R.2191-3, R.2191-7) ------------------------------------------------------------------


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


# Legality control (CGCT L.2131-2, D.2131-5-1) ------------------------------------------------


def legality_control_required(*, amount_ht: Decimal, threshold: Decimal) -> bool:
    return amount_ht >= threshold


# Amendments (R.2194-1 to R.2194-9; CGCT L.1414-4) -------------------------------------------


@dataclass(frozen=True)
class AmendmentLimits:
    eu_threshold: Decimal        # € HT, in force at the amendment's date
    de_minimis_share: Decimal    # % (10 supplies and services, 15 works)
    max_share: Decimal           # % of the initial amount, per modification (R.2194-3, R.2194-5)
    cao_share: Decimal           # % above which the CAO gives its opinion first


@dataclass(frozen=True)
class AmendmentCheck:
    change_share: Decimal        # this modification, % of the initial amount
    cumulated_ht: Decimal        # every modification, this one included, in absolute value
    cumulated_share: Decimal
    net_change_ht: Decimal       # signed sum: the amount after them is initial + this
    cao_opinion_needed: bool
    refusals: list[tuple[str, str]]  # (form field, French reason)


def cao_opinion_needed(*, change_ht: Decimal, net_change_ht: Decimal, initial_ht: Decimal, share: Decimal,
                       through_cao: bool) -> bool:
    """CGCT L.1414-4: an amendment that raises the amount of a contract the CAO awarded, when the
    increase of all the contract's amendments together (this one included, signed sum) exceeds
    ``share`` % of the initial amount: two +4 % amendments need the opinion at the second."""
    return through_cao and change_ht > 0 and above(net_change_ht, initial_ht, share)


OTHER_BASES = ("la clause de réexamen (R.2194-1), les prestations supplémentaires (R.2194-2), "
               "les circonstances imprévisibles (R.2194-5) ou une modification non substantielle (R.2194-7)")


def check_amendment(*, basis: str, change_ht: Decimal, previous_changes: list[Decimal], initial_ht: Decimal,
                    limits: AmendmentLimits, through_cao: bool, cao_opinion_recorded: bool,
                    has_new_holder: bool, justification: str) -> AmendmentCheck:
    """The limits of the chosen legal basis and the CAO's opinion, with French reasons. The
    cumulated amount counts every modification of the contract in absolute value (R.2194-9)."""
    refusals: list[tuple[str, str]] = []
    cumulated = sum((abs(change) for change in previous_changes), Decimal("0")) + abs(change_ht)
    change_share = share_percent(change_ht, initial_ht)
    cumulated_share = share_percent(cumulated, initial_ht)
    de_minimis_exceeded = cumulated >= limits.eu_threshold or reaches(cumulated, initial_ht, limits.de_minimis_share)
    if basis == AmendmentBasis.DE_MINIMIS and de_minimis_exceeded:
        refusals.append(("basis", (
            f"Le cumul des modifications atteindrait {format_eur(cumulated)} HT, soit "
            f"{format_percent(cumulated_share)} du montant initial : une modification de faible montant "
            f"doit rester sous {format_percent(limits.de_minimis_share)} du montant initial et sous le seuil "
            f"européen de {format_eur(limits.eu_threshold)} HT, modifications successives cumulées "
            f"(R.2194-8, R.2194-9). Fondez cet avenant sur une autre base : {OTHER_BASES}."
        )))
    if basis in CAPPED_BASES and above(abs(change_ht), initial_ht, limits.max_share):
        refusals.append(("amount_change_ht", (
            f"Cette modification de {format_eur(abs(change_ht))} HT représente {format_percent(abs(change_share))} "
            f"du montant initial ({format_eur(initial_ht)} HT) : sur la base "
            f"{AmendmentBasis(basis).label}, chaque modification est limitée à {format_percent(limits.max_share)} "
            "(R.2194-3, R.2194-5)."
        )))
    if basis == AmendmentBasis.NEW_HOLDER and not has_new_holder:
        refusals.append(("new_holder", "Un avenant de changement de titulaire (R.2194-6) désigne le nouveau "
                                       "titulaire."))
    if basis != AmendmentBasis.DE_MINIMIS and not justification.strip():
        refusals.append(("justification", f"Justifiez le recours à la base {AmendmentBasis(basis).label}."))
    net = sum(previous_changes, Decimal("0")) + change_ht
    cao_needed = cao_opinion_needed(change_ht=change_ht, net_change_ht=net, initial_ht=initial_ht,
                                    share=limits.cao_share, through_cao=through_cao)
    if cao_needed and not cao_opinion_recorded:
        refusals.append(("cao_opinion_on", (
            "Avec cette modification, les avenants augmentent le montant de "
            f"{format_percent(share_percent(net, initial_ht))} au total (plus de {format_percent(limits.cao_share)}) "
            "d'un marché attribué par la commission d'appel d'offres : recueillez d'abord l'avis de la CAO et "
            "enregistrez sa date et sa référence (CGCT L.1414-4)."
        )))
    return AmendmentCheck(change_share=change_share, cumulated_ht=round_money(cumulated),
                          cumulated_share=cumulated_share, net_change_ht=round_money(net),
                          cao_opinion_needed=cao_needed, refusals=refusals)


# Subcontracting (R.2193-10) ------------------------------------------------------------------


def direct_payment(*, amount_ttc: Decimal, threshold_ttc: Decimal) -> bool:
    """A subcontractor whose share reaches the threshold (TTC) is paid directly by the buyer."""
    return amount_ttc >= threshold_ttc
