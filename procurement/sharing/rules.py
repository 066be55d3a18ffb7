"""Dividing a year's cost among the members of an agreement, as pure functions over plain values.

Three steps, computed in exact fractions (no rounding until the last one):

1. ``key_weights``: each member's weight under a key. A key is made of components (population,
   COUNTER uses, a flat part per member) with relative weights; a member's weight is, over the
   components, the component's weight (out of the total of the weights) times the member's part of
   that component (its population out of all the members' population, its uses out of all the uses, one
   out of the number of members). A member with no use takes nothing from the uses component.
2. ``allocate``: each member pays the total times its weight, held between its floor and its cap. What a
   cap holds back, or a floor adds, is shared among the members not held yet in proportion to their
   weights, again and again until nobody is past a bound: in the end, every member not held at a bound
   pays the same multiple of its weight.
3. Rounding to the cent (``ROUNDING_RULE``): every share is rounded down to the cent; the cents left
   over go one each to the shares that lost the largest fraction of a cent, so that the shares add up
   to the total exactly; at equal fractions, to the largest exact share, then to the first member in
   the order given (the agreement's order: the Métropole, then the communes by name).

A key that cannot divide the total is refused with the reason (``SharingRefused``): no member, a
component where every member counts for zero (no use at all in the year), a negative figure, a floor
above its cap or above the total (someone would pay more than the total), a negative floor or cap
(someone would pay less than nothing), floors adding up to more than the total, caps that cannot cover it.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Generic, TypeVar

from procurement.core.money import CENT, HUNDRED, format_eur
from procurement.sharing.enums import BoundKind

K = TypeVar("K", bound=Hashable)

ROUNDING_RULE = (
    "Chaque part est arrondie au centime inférieur ; les centimes restants vont, un par membre, aux parts "
    "qui ont perdu la plus grande fraction de centime ; à égalité, à la part exacte la plus grande, puis au "
    "premier membre dans l'ordre de la convention (la Métropole, puis les communes par nom). Les parts "
    "font ainsi exactement le total."
)
PERCENT = Decimal("0.01")


class SharingRefused(ValueError):
    """A key that cannot divide the total; the message, in French, says why."""

    @property
    def reason(self) -> str:
        return str(self.args[0])


def percent(part: Decimal | int, whole: Decimal | int) -> Decimal:
    """``part`` out of ``whole`` in percent, two decimals, half-up; 0 when ``whole`` is 0."""
    if not whole:
        return Decimal("0.00")
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(PERCENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Component:
    """One part of a key: its basis (``KeyBasis`` value), its label for the reasons given (« usages COUNTER
    2026 »), and its relative weight."""

    basis: str
    label: str
    weight: Decimal


@dataclass(frozen=True)
class Bound:
    floor: Decimal | None = None
    cap: Decimal | None = None


@dataclass(frozen=True)
class Allocation(Generic[K]):
    """The shares in the members' order: rounded to the cent (they add up to the total), exact, the
    members held at their floor or cap (``BoundKind`` values), and those given a cent by the rounding."""

    total: Decimal
    shares: dict[K, Decimal]
    exact: dict[K, Fraction]
    bounded: dict[K, str]
    rounded_up: frozenset[K]


def _name(names: Mapping | None, member) -> str:
    return str(names.get(member, member)) if names else str(member)


def key_weights(components: Sequence[Component], figures: Mapping[K, Mapping[str, int | Decimal]], *,
                names: Mapping[K, str] | None = None) -> dict[K, Fraction]:
    """Each member's weight under the key (they add up to 1), in the order of ``figures``: member →
    {basis: its figure} (population, uses, 1 for the flat part)."""
    if not figures:
        raise SharingRefused("La convention n'a aucun membre : il n'y a personne entre qui répartir.")
    if not components:
        raise SharingRefused("La clé n'a aucune composante : indiquez la population, les usages ou une part "
                             "égale, avec leur poids.")
    for component in components:
        if component.weight <= 0:
            raise SharingRefused(f"Le poids de la composante « {component.label} » doit être strictement "
                                 f"positif.")
    total_weight = sum((Fraction(component.weight) for component in components), Fraction(0))
    weights = {member: Fraction(0) for member in figures}
    for component in components:
        values = {}
        for member, figure in figures.items():
            value = Fraction(figure.get(component.basis, 0))
            if value < 0:
                raise SharingRefused(f"{_name(names, member)} compte pour une valeur négative dans la composante "
                                     f"« {component.label} ».")
            values[member] = value
        component_total = sum(values.values(), Fraction(0))
        if component_total == 0:
            raise SharingRefused(f"La composante « {component.label} » ne peut rien répartir : tous les membres y "
                                 f"comptent pour zéro.")
        part = Fraction(component.weight) / total_weight
        for member, value in values.items():
            weights[member] += part * value / component_total
    return weights


def _check_bounds(total: Fraction, weights: Mapping, bounds: Mapping, names) -> None:
    for member, bound in bounds.items():
        if member not in weights:
            continue
        name = _name(names, member)
        for amount, label in ((bound.floor, "plancher"), (bound.cap, "plafond")):
            if amount is not None and amount < 0:
                raise SharingRefused(f"Le {label} de {name} ({format_eur(amount)}) est négatif : il lui ferait "
                                     f"payer moins que rien.")
        if bound.floor is not None and bound.cap is not None and bound.floor > bound.cap:
            raise SharingRefused(f"Le plancher de {name} ({format_eur(bound.floor)}) dépasse son plafond "
                                 f"({format_eur(bound.cap)}).")
        if bound.floor is not None and bound.floor > total:
            raise SharingRefused(f"Le plancher de {name} ({format_eur(bound.floor)}) dépasse le total à répartir "
                                 f"({format_eur(_money(total))}) : il lui ferait payer plus que le total.")
    floors = sum((Fraction(bound.floor) for member, bound in bounds.items()
                  if member in weights and bound.floor is not None), Fraction(0))
    if floors > total:
        raise SharingRefused(f"Les planchers ({format_eur(_money(floors))}) dépassent ensemble le total à répartir "
                             f"({format_eur(_money(total))}).")
    # The most the members can be asked: the caps of those who count in the key (the others pay their floor).
    most = Fraction(0)
    for member, weight in weights.items():
        bound = bounds.get(member, Bound())
        if weight > 0 and bound.cap is None:
            return
        most += Fraction(bound.cap) if weight > 0 else Fraction(bound.floor or 0)
    if most < total:
        raise SharingRefused(f"Les plafonds ne couvrent pas le total à répartir ({format_eur(_money(total))}) : ils "
                             f"permettent de demander au plus {format_eur(_money(most))} aux membres.")


def _money(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(CENT)


def _bounded_shares(total: Fraction, weights: Mapping[K, Fraction],
                    bounds: Mapping[K, Bound]) -> tuple[dict[K, Fraction], dict[K, str]]:
    """The exact shares: proportional to the weights, held between floors and caps. Each round shares what
    is left among the members not held yet; if the caps passed hold back at least as much as the floors
    passed add, the members past their cap are held there (what is left for the others grows, so they
    stay past it), otherwise those below their floor are (what is left shrinks); a round holds one member
    at least, so there are at most as many rounds as members."""
    held: dict[K, Fraction] = {}
    kinds: dict[K, str] = {}
    while True:
        free = [member for member in weights if member not in held]
        remaining = total - sum(held.values(), Fraction(0))
        free_weight = sum((weights[member] for member in free), Fraction(0))
        if free_weight == 0:
            tentative = {member: Fraction(0) for member in free}
        else:
            tentative = {member: remaining * weights[member] / free_weight for member in free}
        over, under = {}, {}
        for member, share in tentative.items():
            bound = bounds.get(member, Bound())
            if bound.cap is not None and share > bound.cap:
                over[member] = share - Fraction(bound.cap)
            elif bound.floor is not None and share < bound.floor:
                under[member] = Fraction(bound.floor) - share
        if not over and not under:
            if free_weight == 0 and remaining != 0:
                raise SharingRefused(f"Les plafonds laissent {format_eur(_money(remaining))} à des membres qui ne "
                                     f"comptent pas dans la clé : personne ne peut les payer.")
            return {member: held.get(member, tentative.get(member)) for member in weights}, kinds
        held_back, added = sum(over.values(), Fraction(0)), sum(under.values(), Fraction(0))
        if held_back >= added:
            for member in over:
                held[member], kinds[member] = Fraction(bounds[member].cap), BoundKind.CAP.value
        if added >= held_back:
            for member in under:
                held[member], kinds[member] = Fraction(bounds[member].floor), BoundKind.FLOOR.value


def round_to_cents(total: Decimal, exact: Mapping[K, Fraction]) -> tuple[dict[K, Decimal], frozenset[K]]:
    """The shares rounded to the cent by ``ROUNDING_RULE`` (largest remainder); they add up to ``total``."""
    members = list(exact)
    cents = {member: exact[member] * 100 for member in members}
    floors = {member: math.floor(value) for member, value in cents.items()}
    left = int(total * 100) - sum(floors.values())
    position = {member: index for index, member in enumerate(members)}
    order = sorted(members, key=lambda m: (-(cents[m] - floors[m]), -exact[m], position[m]))
    given = frozenset(order[:left])
    shares = {member: (Decimal(floors[member] + (member in given)) / 100).quantize(CENT) for member in members}
    return shares, given


def allocate(total: Decimal, weights: Mapping[K, Fraction], *, bounds: Mapping[K, Bound] | None = None,
             names: Mapping[K, str] | None = None) -> Allocation[K]:
    """Divides ``total`` (TTC, in cents) among the members of ``weights`` (in the agreement's order),
    between their ``bounds``; refused with the reason when the key cannot."""
    bounds = bounds or {}
    if total < 0:
        raise SharingRefused(f"Le total à répartir ({format_eur(total)}) est négatif.")
    if total != total.quantize(CENT):
        raise SharingRefused(f"Le total à répartir ({total}) n'est pas un montant au centime.")
    if not weights:
        raise SharingRefused("La convention n'a aucun membre : il n'y a personne entre qui répartir.")
    for member, weight in weights.items():
        if weight < 0:
            raise SharingRefused(f"Le poids de {_name(names, member)} dans la clé est négatif : il paierait moins "
                                 f"que rien.")
    if sum(weights.values(), Fraction(0)) == 0:
        raise SharingRefused("Tous les membres ont un poids nul dans la clé : elle ne peut rien répartir.")
    exact_total = Fraction(total)
    _check_bounds(exact_total, weights, bounds, names)
    exact, kinds = _bounded_shares(exact_total, weights, bounds)
    shares, given = round_to_cents(total, exact)
    for member, share in shares.items():
        # The checks above make these impossible; kept so that no rounding ever bills past them.
        if share < 0 or share > total:
            raise SharingRefused(f"La clé ferait payer à {_name(names, member)} {format_eur(share)}, hors de 0 à "
                                 f"{format_eur(total)}.")
    return Allocation(total=total, shares=shares, exact=exact, bounded=kinds, rounded_up=given)
