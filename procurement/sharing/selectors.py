"""Reads for the pages, exports and the ``cost_sharing`` command: the agreements, their members and
populations, the keys, what is shared and what it costs in a year, each member's share under a key,
and two keys compared.

What is shared costs, in a year, what the finance schedule says (``commitments``, the one computation
of the finance pages: orders, revised prices, maintenance, TTC), summed over the (contract, budget line)
cells the agreement's items cover, each cell once. The uses are the COUNTER uses of the resources those
contracts buy, per library, as the resources pages count them (``equity``). Every read here is a fixed
number of queries, whatever the number of members."""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from procurement.contracts.models import Contract
from procurement.contracts.selectors.finance import commitments
from procurement.core.money import HUNDRED
from procurement.programmes.models import BudgetLine, Programme
from procurement.resources.models import Resource, tier_for
from procurement.resources.selectors import cost_per_use, equity
from procurement.sharing.enums import COST_BASIS_WORDS, CostBasis, KeyBasis, MemberKind
from procurement.sharing.models import (
    Agreement,
    KeyComponent,
    Member,
    MemberBound,
    MemberLibrary,
    MemberPopulation,
    SharedItem,
    SharingKey,
)
from procurement.sharing.rules import ROUNDING_RULE, Bound, Component, SharingRefused, allocate, key_weights

ZERO = Decimal("0.00")
PERCENT = Decimal("0.01")

def _percent(part, whole) -> Decimal:
    """``part`` out of ``whole`` in percent, two decimals, half-up; 0 when ``whole`` is 0."""
    if not whole:
        return ZERO
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(PERCENT, rounding=ROUND_HALF_UP)


def _sort_name(name: str) -> str:
    """Accents and case set aside, so that « Écully » files among the E."""
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()


def member_order(member: Member) -> tuple:
    """The agreement's order: the Métropole first, then the communes by name (the rounding's last tie-break)."""
    return (0 if member.kind == MemberKind.METROPOLE else 1, _sort_name(member.name), member.pk)


# Agreements, members, populations -----------------------------------------------------------------


def programme_by_reference(reference: str) -> Programme | None:
    """The programme a command names (``--programme BNM``: its reference), case set aside."""
    return Programme.objects.filter(reference__iexact=(reference or "").strip()).first()


def agreement_list(*, programme: Programme | None = None) -> QuerySet[Agreement]:
    agreements = Agreement.objects.select_related("programme", "council_act")
    if programme is not None:
        agreements = agreements.filter(programme=programme)
    return agreements.order_by("programme__reference", "-start_year", "name")


def agreement_detail(*, pk: int) -> Agreement:
    return get_object_or_404(agreement_list(), pk=pk)


def agreement_for(*, programme: Programme, year: int) -> Agreement | None:
    """The programme's agreement covering ``year`` (the services keep them from overlapping)."""
    return agreement_list(programme=programme).filter(start_year__lte=year, end_year__gte=year).first()


def member_list(*, agreement: Agreement) -> list[Member]:
    """The members in the agreement's order, their libraries prefetched (two queries)."""
    members = (Member.objects.filter(agreement=agreement)
               .prefetch_related("libraries").order_by())
    return sorted(members, key=member_order)


@dataclass(frozen=True)
class PopulationRow:
    member: Member
    populations: dict[int, int | None]  # year -> legal population, None when not entered


def population_table(*, agreement: Agreement) -> list[PopulationRow]:
    """Each member's population in every year of the agreement (None where it is missing)."""
    stored = {(row.member_id, row.year): row.population
              for row in MemberPopulation.objects.filter(member__agreement=agreement)}
    return [PopulationRow(member=member, populations={year: stored.get((member.pk, year)) for year in agreement.years})
            for member in member_list(agreement=agreement)]


def shared_item_list(*, agreement: Agreement) -> QuerySet[SharedItem]:
    return (SharedItem.objects.filter(agreement=agreement)
            .select_related("contract", "budget_line").order_by("contract__reference", "budget_line__label", "pk"))


def shareable_contracts(*, agreement: Agreement) -> QuerySet[Contract]:
    """The contracts an item may name: those charged to one of the programme's budget lines."""
    programme = agreement.programme_id
    charged = Q(budget_line__programme=programme) | Q(maintenance_budget_line__programme=programme)
    return Contract.objects.filter(charged).distinct().order_by("reference")


def shareable_budget_lines(*, agreement: Agreement) -> QuerySet[BudgetLine]:
    return BudgetLine.objects.filter(programme=agreement.programme_id).order_by("section", "label")


# Keys ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyDefinition:
    """A key as the allocation reads it: a single-component key (``population``, ``usage``, ``flat``)
    or one of the agreement's named keys, with its floors and caps per member (pk)."""

    name: str
    label: str
    components: tuple[tuple[str, Decimal], ...]  # (KeyBasis value, weight)
    bounds: dict[int, Bound] = field(default_factory=dict)
    key: SharingKey | None = None
    is_applied: bool = False

    @property
    def is_builtin(self) -> bool:
        return self.key is None

    @property
    def bases(self) -> set[str]:
        return {basis for basis, _ in self.components}

    @property
    def description(self) -> str:
        """« 50 % population, 50 % usages » (each weight out of their total, rounded to the unit)."""
        total = sum((weight for _, weight in self.components), Decimal(0))
        names = {KeyBasis.POPULATION: "population", KeyBasis.USAGE: "usages", KeyBasis.FLAT: "part égale"}
        return ", ".join(f"{_percent(weight, total).quantize(Decimal('1'), rounding=ROUND_HALF_UP)} % "
                         f"{names[basis]}" for basis, weight in self.components)


def builtin_key(basis: str) -> KeyDefinition:
    return KeyDefinition(name=basis, label=str(KeyBasis(basis).label), components=((basis, Decimal(1)),))


def _named_key(key: SharingKey) -> KeyDefinition:
    """From a key whose components and bounds are prefetched."""
    order = list(KeyBasis.values)
    components = tuple((component.basis, component.weight)
                       for component in sorted(key.components.all(), key=lambda c: order.index(c.basis)))
    bounds = {bound.member_id: Bound(floor=bound.floor_ttc, cap=bound.cap_ttc) for bound in key.bounds.all()}
    return KeyDefinition(name=key.name, label=key.label, components=components, bounds=bounds, key=key,
                         is_applied=key.is_applied)


def _keys(agreement: Agreement) -> QuerySet[SharingKey]:
    return (SharingKey.objects.filter(agreement=agreement)
            .prefetch_related(Prefetch("components", queryset=KeyComponent.objects.order_by("basis")),
                              Prefetch("bounds", queryset=MemberBound.objects.order_by("member_id")))
            .order_by("-is_applied", "name"))


def key_list(*, agreement: Agreement) -> list[KeyDefinition]:
    """The agreement's named keys (the applied one first), then the three single-component keys."""
    return [_named_key(key) for key in _keys(agreement)] + [builtin_key(basis) for basis in KeyBasis.values]


def key_definition(*, agreement: Agreement, key: str | SharingKey | None = None) -> KeyDefinition:
    """The key named ``key`` (``population``, ``usage``, ``flat`` or a named key of the agreement, case set
    aside), the key itself, or, without one, the key the agreement applies; refused when unknown."""
    if isinstance(key, SharingKey):
        return _named_key(_keys(agreement).get(pk=key.pk))
    if key is None:
        applied = _keys(agreement).filter(is_applied=True).first()
        if applied is None:
            raise SharingRefused(f"La convention « {agreement.name} » n'applique encore aucune clé : choisissez-en "
                                 f"une.")
        return _named_key(applied)
    name = key.strip().lower()
    if name in KeyBasis.values:
        return builtin_key(name)
    found = _keys(agreement).filter(name=name).first()
    if found is None:
        known = ", ".join([*KeyBasis.values, *(SharingKey.objects.filter(agreement=agreement)
                                              .order_by("name").values_list("name", flat=True))])
        raise SharingRefused(f"Clé de répartition inconnue : « {key} ». Clés possibles : {known}.")
    return _named_key(found)


# What is shared, and its cost ---------------------------------------------------------------------


@dataclass(frozen=True)
class SharedCost:
    """One cell of the finance schedule the agreement shares: a contract on a budget line, in a year."""

    contract: Contract
    budget_line: BudgetLine
    cost_ttc: Decimal


@dataclass(frozen=True)
class YearCost:
    year: int
    basis: str  # CostBasis value
    lines: list[SharedCost]

    @property
    def total_ttc(self) -> Decimal:
        return sum((line.cost_ttc for line in self.lines), ZERO)

    @property
    def contract_ids(self) -> set[int]:
        return {line.contract.pk for line in self.lines}


def shared_costs(*, agreement: Agreement, years: list[int] | None = None,
                 basis: str = CostBasis.COMMITTED) -> dict[int, YearCost]:
    """Per year (the agreement's years by default): the shared cells of the finance schedule and their
    cost TTC (committed, or forecast), read from ``commitments`` — the figures of the finance pages.
    A cell covered by two items counts once."""
    years = sorted(years or agreement.years)
    items = list(SharedItem.objects.filter(agreement=agreement))
    table = commitments(year_from=years[0], year_to=years[-1], programme=agreement.programme)
    attribute = "forecast_ttc" if basis == CostBasis.FORECAST else "committed_ttc"
    rows = [row for row in table.contracts if any(item.covers(row.contract.pk, row.line.pk) for item in items)]
    # The schedule names its contracts by a light label; the statements need the contract's title.
    contracts = Contract.objects.in_bulk({row.contract.pk for row in rows})
    return {year: YearCost(year=year, basis=str(basis), lines=[
        SharedCost(contract=contracts[row.contract.pk], budget_line=row.line,
                   cost_ttc=getattr(row.cells[year], attribute))
        for row in rows]) for year in years}


def year_cost(*, agreement: Agreement, year: int, basis: str = CostBasis.COMMITTED) -> YearCost:
    return shared_costs(agreement=agreement, years=[year], basis=basis)[year]


# Shares -------------------------------------------------------------------------------------------


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


def _check_year(agreement: Agreement, year: int) -> None:
    if not agreement.start_year <= year <= agreement.end_year:
        raise SharingRefused(f"{year} est hors de la convention « {agreement.name} » "
                             f"({agreement.start_year}–{agreement.end_year}).")


def shares(*, agreement: Agreement, year: int, key: str | SharingKey | KeyDefinition | None = None,
           basis: str = CostBasis.COMMITTED, cost: YearCost | None = None) -> Sharing:
    """Each member's share of what the agreement shares in ``year`` under ``key`` (a name, a key, or the
    applied key by default), rounded to the cent so that the shares add up to the total exactly.
    Refused (``SharingRefused``, in French) outside the agreement's years, without a cost in the year,
    with an unknown key, a population missing for a key that uses it, or a key that cannot divide."""
    _check_year(agreement, year)
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
        share_ttc=allocation.shares[member.pk], share_percent=_percent(allocation.shares[member.pk], cost.total_ttc),
        population_percent=_percent(figures.populations.get(member.pk, 0), total_population),
        uses_percent=_percent(figures.uses.get(member.pk, 0), total_uses),
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


# Comparing two keys -------------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberComparison:
    member: Member
    first: MemberShare
    second: MemberShare

    @property
    def difference_ttc(self) -> Decimal:
        """What the member pays more (positive) or less (negative) under the second key."""
        return self.second.share_ttc - self.first.share_ttc

    @property
    def difference_percent(self) -> Decimal | None:
        """The difference out of the first share, in percent; None when the first share is nothing."""
        return _percent(self.difference_ttc, self.first.share_ttc) if self.first.share_ttc else None


@dataclass(frozen=True)
class Comparison:
    year: int
    first: Sharing
    second: Sharing
    rows: list[MemberComparison]  # in the agreement's order

    @property
    def total_ttc(self) -> Decimal:
        return self.first.total_ttc

    @property
    def gainers(self) -> list[MemberComparison]:
        """The members who pay less under the second key, the largest saving first."""
        return sorted((row for row in self.rows if row.difference_ttc < 0), key=lambda row: row.difference_ttc)

    @property
    def losers(self) -> list[MemberComparison]:
        """The members who pay more under the second key, the largest increase first."""
        return sorted((row for row in self.rows if row.difference_ttc > 0), key=lambda row: -row.difference_ttc)


def compare_keys(*, agreement: Agreement, year: int, first: str | SharingKey | None,
                 second: str | SharingKey | None, basis: str = CostBasis.COMMITTED) -> Comparison:
    """Each member's share under two keys for the same year and cost; refused (naming the key) when
    either key cannot divide it."""
    _check_year(agreement, year)
    cost = year_cost(agreement=agreement, year=year, basis=basis)
    results = []
    for key in (first, second):
        try:
            results.append(shares(agreement=agreement, year=year, key=key, basis=basis, cost=cost))
        except SharingRefused as refusal:
            name = key.name if isinstance(key, SharingKey) else key
            raise SharingRefused(f"Clé « {name} » : {refusal.reason}" if name else refusal.reason) from refusal
    one, two = results
    rows = [MemberComparison(member=a.member, first=a, second=b)
            for a, b in zip(one.members, two.members, strict=True)]
    return Comparison(year=year, first=one, second=two, rows=rows)
