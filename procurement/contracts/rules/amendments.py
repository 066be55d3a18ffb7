"""Amendments (R.2194-1 to R.2194-9; CGCT L.1414-4): the limits of each legal basis, the cumulated
modifications and the CAO's opinion, as plain functions over plain values. The figures (thresholds,
shares) come from ``figures``, read in force at the amendment's date; no figure is written here."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from procurement.contracts.enums import CAPPED_BASES, AmendmentBasis
from procurement.contracts.rules.amounts import above, reaches, share_percent
from procurement.core.money import format_eur, format_percent, round_money


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
