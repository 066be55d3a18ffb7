"""Each member's share of what the agreement shares in a year under a key, rounded to the cent so that the
shares add up to the total: the figures the key reads (the legal populations, and the COUNTER uses of the
resources the shared contracts buy, per library, as the resources pages count them with ``equity``), then
the allocation of ``rules``."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from procurement.resources.models import Resource, tier_for
from procurement.resources.selectors import cost_per_use, equity
from procurement.sharing.enums import COST_BASIS_WORDS, CostBasis, KeyBasis
from procurement.sharing.models import Agreement, Member, MemberLibrary, MemberPopulation, SharingKey
from procurement.sharing.rules import ROUNDING_RULE, Component, SharingRefused, allocate, key_weights, percent
from procurement.sharing.selectors.agreements import member_list
from procurement.sharing.selectors.costs import YearCost, year_cost
from procurement.sharing.selectors.keys import KeyDefinition, key_definition


@dataclass(frozen=True)
class MemberShare:
    member: Member
    population: int | None  # the legal population of the year, None when not entered
    uses: int  # COUNTER uses of the shared resources at the member's libraries in the year
    share_ttc: Decimal
    share_percent: Decimal  # of the total, two decimals (informative: the shares are what adds up)
    population_percent: Decimal
    uses_percent: Decimal
    bound: str = ""  # BoundKind value when held at its floor or cap
    rounded_up: bool = False  # given one of the cents left by the rounding

    @property
    def cost_per_use(self) -> Decimal | None:
        """The member's share divided by its uses, to the cent; None without uses."""
        return cost_per_use(self.share_ttc, self.uses)

    @property
    def tier(self) -> str | None:
        """``LibraryTier`` value (over or up to 15,000 inhabitants), None without a population."""
        return None if self.population is None else tier_for(self.population)


@dataclass(frozen=True)
class Sharing:
    agreement: Agreement
    year: int
    key: KeyDefinition
    cost: YearCost
    members: list[MemberShare]
    rounding_rule: str = ROUNDING_RULE

    @property
    def total_ttc(self) -> Decimal:
        return self.cost.total_ttc

    @property
    def total_population(self) -> int:
        return sum(row.population or 0 for row in self.members)

    @property
    def total_uses(self) -> int:
        return sum(row.uses for row in self.members)

    def of(self, member: Member) -> MemberShare:
        return next(row for row in self.members if row.member.pk == member.pk)


@dataclass(frozen=True)
class _YearFigures:
    members: list[Member]
    populations: dict[int, int]
    uses: dict[int, int]


def _figures(agreement: Agreement, year: int, contract_ids: set[int]) -> _YearFigures:
    members = member_list(agreement=agreement)
    populations = dict(MemberPopulation.objects.filter(member__agreement=agreement, year=year)
                       .values_list("member_id", "population"))
    resources = list(Resource.objects.filter(contract_id__in=contract_ids).select_related("platform"))
    by_library = {row.library.pk: row.total for row in equity(year=year, resources=resources).libraries}
    uses: dict[int, int] = defaultdict(int)
    for member_id, library_id in MemberLibrary.objects.filter(agreement=agreement).values_list("member_id",
                                                                                              "library_id"):
        uses[member_id] += by_library.get(library_id, 0)
    return _YearFigures(members=members, populations=populations, uses=dict(uses))


def check_year(agreement: Agreement, year: int) -> None:
    """Refused (``SharingRefused``) outside the agreement's years."""
    if not agreement.start_year <= year <= agreement.end_year:
        raise SharingRefused(f"{year} est hors de la convention « {agreement.name} » "
                             f"({agreement.start_year}–{agreement.end_year}).")


def shares(*, agreement: Agreement, year: int, key: str | SharingKey | KeyDefinition | None = None,
           basis: str = CostBasis.COMMITTED, cost: YearCost | None = None) -> Sharing:
    """Each member's share of what the agreement shares in ``year`` under ``key`` (a name, a key, or the
    applied key by default), rounded to the cent so that the shares add up to the total exactly.
    Refused (``SharingRefused``, in French) outside the agreement's years, without a cost in the year,
    with an unknown key, a population missing for a key that uses it, or a key that cannot divide."""
    check_year(agreement, year)
    definition = key if isinstance(key, KeyDefinition) else key_definition(agreement=agreement, key=key)
    cost = cost or year_cost(agreement=agreement, year=year, basis=basis)
    if cost.total_ttc <= 0:
        raise SharingRefused(f"Rien à répartir en {year} : les dépenses partagées par la convention "
                             f"« {agreement.name} » n'ont aucun coût ({COST_BASIS_WORDS[CostBasis(basis)]}) cette "
                             f"année-là.")
    figures = _figures(agreement, year, cost.contract_ids)
    if KeyBasis.POPULATION in definition.bases:
        missing = [member.name for member in figures.members if member.pk not in figures.populations]
        if missing:
            shown = ", ".join(missing[:5]) + (f" et {len(missing) - 5} autre(s)" if len(missing) > 5 else "")
            raise SharingRefused(f"Population {year} manquante pour : {shown}. Saisissez-la avant de répartir "
                                 f"par la population.")
    labels = {KeyBasis.POPULATION: f"population {year}", KeyBasis.USAGE: f"usages COUNTER {year}",
              KeyBasis.FLAT: "part égale"}
    components = [Component(basis=basis_, label=labels[basis_], weight=weight)
                  for basis_, weight in definition.components]
    values = {member.pk: {KeyBasis.POPULATION: figures.populations.get(member.pk, 0),
                          KeyBasis.USAGE: figures.uses.get(member.pk, 0), KeyBasis.FLAT: 1}
              for member in figures.members}
    names = {member.pk: member.name for member in figures.members}
    weights = key_weights(components, values, names=names)
    allocation = allocate(cost.total_ttc, weights, bounds=definition.bounds, names=names)
    total_population = sum(figures.populations.get(member.pk, 0) for member in figures.members)
    total_uses = sum(figures.uses.get(member.pk, 0) for member in figures.members)
    rows = [MemberShare(
        member=member, population=figures.populations.get(member.pk), uses=figures.uses.get(member.pk, 0),
        share_ttc=allocation.shares[member.pk], share_percent=percent(allocation.shares[member.pk], cost.total_ttc),
        population_percent=percent(figures.populations.get(member.pk, 0), total_population),
        uses_percent=percent(figures.uses.get(member.pk, 0), total_uses),
        bound=allocation.bounded.get(member.pk, ""), rounded_up=member.pk in allocation.rounded_up,
    ) for member in figures.members]
    return Sharing(agreement=agreement, year=year, key=definition, cost=cost, members=rows)


def sharing_json(sharing: Sharing, *, key: str | None = None) -> dict:
    """The ``cost_sharing --format json`` contract: money and percents as strings with two decimals."""
    return {
        "year": sharing.year,
        "key": key or sharing.key.name,
        "total_ttc": f"{sharing.total_ttc:.2f}",
        "members": [{"member": row.member.name, "population": row.population, "uses": row.uses,
                     "share_ttc": f"{row.share_ttc:.2f}", "share_percent": f"{row.share_percent:.2f}"}
                    for row in sharing.members],
    }
