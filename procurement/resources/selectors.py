"""Reads for the pages, commands and reports: cost per use per resource and year, usage per
library and per tier (uses per 1,000 inhabitants), the reports imported and those unmatched, the
subscriptions whose renewal decision is due. Every table is computed in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from procurement.contracts.models import Contract, PriceRevision, PurchaseOrder
from procurement.core.money import HUNDRED, round_money, ttc
from procurement.resources.enums import LibraryTier
from procurement.resources.models import Library, Resource, UsageCount, UsageReport

ZERO = Decimal("0.00")
THOUSAND = Decimal("1000")
TENTH = Decimal("0.1")


@dataclass(frozen=True)
class ResourceValue:
    resource: Resource
    year: int
    cost_ht: Decimal
    cost_ttc: Decimal
    uses: int
    metric: str
    previous_cost_ttc: Decimal
    previous_uses: int

    @property
    def cost_per_use(self) -> Decimal | None:
        return cost_per_use(self.cost_ttc, self.uses)

    @property
    def previous_cost_per_use(self) -> Decimal | None:
        return cost_per_use(self.previous_cost_ttc, self.previous_uses)

    @property
    def uses_trend(self) -> Decimal | None:
        """Change of uses against the previous year, in percent (one decimal); None without uses then."""
        return trend(self.uses, self.previous_uses)

    @property
    def cost_per_use_trend(self) -> Decimal | None:
        current, previous = self.cost_per_use, self.previous_cost_per_use
        return None if current is None or previous is None else trend(current, previous)


def cost_per_use(cost_ttc: Decimal, uses: int) -> Decimal | None:
    """Cost TTC divided by the uses, half-up to the cent; None without uses."""
    return round_money(cost_ttc / uses) if uses else None


def trend(current, previous) -> Decimal | None:
    if not previous:
        return None
    return (Decimal(current - previous) * HUNDRED / Decimal(previous)).quantize(TENTH, rounding=ROUND_HALF_UP)


# Cost -----------------------------------------------------------------------------------------


def _year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def _yearly_price_ht(contract, revisions: list[PriceRevision], year: int) -> Decimal:
    """A lump-sum contract's price for ``year``: the last revised price in force by the year's end,
    otherwise the clause's initial price, otherwise the amount spread over the initial duration."""
    first, last = _year_bounds(year)
    if contract.start_date > last or contract.final_end < first:
        return ZERO
    applied = [rev for rev in revisions if rev.revision_on <= last]
    if applied:
        return max(applied, key=lambda rev: rev.revision_on).price_ht
    clause = getattr(contract, "revision_clause", None)
    if clause is not None:
        return clause.base_price_ht
    return round_money((contract.amount_ht or ZERO) * 12 / contract.duration_months)


def _costs(resources: list[Resource], years: list[int]) -> dict[tuple[int, int], tuple[Decimal, Decimal]]:
    """(resource pk, year) -> (cost HT, cost TTC) of the resource's share of its contract: the orders of
    the year for a framework (they carry the revised prices), the yearly price for a lump sum."""
    contract_ids = {resource.contract_id for resource in resources if resource.contract_id}
    orders = defaultdict(list)
    for order in PurchaseOrder.objects.filter(contract__in=contract_ids, ordered_on__year__in=years).order_by():
        orders[(order.contract_id, order.ordered_on.year)].append(order)
    revisions = defaultdict(list)
    for revision in PriceRevision.objects.filter(contract__in=contract_ids).order_by():
        revisions[revision.contract_id].append(revision)
    result = {}
    for resource in resources:
        contract = resource.contract
        for year in years:
            if contract is None:
                result[(resource.pk, year)] = (ZERO, ZERO)
                continue
            share = resource.share_percent / HUNDRED
            if contract.is_framework:
                lines = [(order.amount_ht * share, resource.vat_rate if resource.vat_rate is not None
                          else order.vat_rate) for order in orders[(contract.pk, year)]]
            else:
                price = _yearly_price_ht(contract, revisions[contract.pk], year)
                lines = [(price * share, resource.vat_rate if resource.vat_rate is not None else contract.vat_rate)]
            cost_ht = round_money(sum((amount for amount, _ in lines), ZERO))
            cost_ttc = round_money(sum((ttc(amount, rate) for amount, rate in lines), ZERO))
            result[(resource.pk, year)] = (cost_ht, cost_ttc)
    return result


# Uses -----------------------------------------------------------------------------------------


def _uses_by_platform(years: list[int], *, by_library: bool = False) -> dict[tuple, int]:
    """(platform pk, report_id, metric, year[, library pk]) -> uses, in one query."""
    keys = ["report__platform_id", "report__report_id", "metric", "month__year"]
    if by_library:
        keys.append("report__library_id")
    rows = (UsageCount.objects.filter(month__year__in=years, report__platform__isnull=False)
            .values(*keys).annotate(total=Sum("value")).order_by())
    return {tuple(row[key] for key in keys): row["total"] for row in rows}


def resource_list() -> QuerySet[Resource]:
    return Resource.objects.select_related("platform", "contract__lot__tender", "contract__holder",
                                           "contract__revision_clause").order_by("name")


def cost_per_use_table(*, year: int, resources: list[Resource] | None = None) -> list[ResourceValue]:
    """Per resource: cost TTC, uses of its metric, cost per use, against the previous year."""
    resources = list(resource_list()) if resources is None else resources
    years = [year - 1, year]
    costs = _costs(resources, years)
    uses = _uses_by_platform(years)
    table = []
    for resource in resources:
        metric = resource.usage_metric

        def used(in_year, resource=resource, metric=metric):
            return uses.get((resource.platform_id, resource.report_id, metric, in_year), 0)

        table.append(ResourceValue(
            resource=resource, year=year, cost_ht=costs[(resource.pk, year)][0],
            cost_ttc=costs[(resource.pk, year)][1], uses=used(year), metric=metric,
            previous_cost_ttc=costs[(resource.pk, year - 1)][1], previous_uses=used(year - 1),
        ))
    return table


def resource_value(*, resource: Resource, year: int) -> ResourceValue:
    return cost_per_use_table(year=year, resources=[resource])[0]


def resource_detail(*, pk: int) -> Resource:
    return get_object_or_404(resource_list(), pk=pk)


# Equity ---------------------------------------------------------------------------------------


@dataclass
class LibraryUsage:
    library: Library
    uses: dict[int, int] = field(default_factory=dict)  # resource pk -> uses

    @property
    def total(self) -> int:
        return sum(self.uses.values())

    def per_thousand(self, resource_pk: int | None = None) -> Decimal:
        uses = self.total if resource_pk is None else self.uses.get(resource_pk, 0)
        return per_thousand(uses, self.library.population)


@dataclass
class TierUsage:
    tier: str
    label: str
    libraries: int
    population: int
    uses: dict[int, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.uses.values())

    def per_thousand(self, resource_pk: int | None = None) -> Decimal:
        uses = self.total if resource_pk is None else self.uses.get(resource_pk, 0)
        return per_thousand(uses, self.population)


def per_thousand(uses: int, population: int) -> Decimal:
    """Uses per 1,000 inhabitants, one decimal."""
    if not population:
        return Decimal("0.0")
    return (Decimal(uses) * THOUSAND / Decimal(population)).quantize(TENTH, rounding=ROUND_HALF_UP)


@dataclass
class Equity:
    year: int
    resources: list[Resource]
    libraries: list[LibraryUsage]
    tiers: list[TierUsage]

    def tier(self, tier: str) -> TierUsage:
        return next(row for row in self.tiers if row.tier == tier)


def equity(*, year: int, resources: list[Resource] | None = None) -> Equity:
    """Uses of each resource's metric per library and per tier for ``year`` (libraries without use
    count with 0: that is where unequal access shows)."""
    resources = list(resource_list()) if resources is None else resources
    uses = _uses_by_platform([year], by_library=True)
    libraries = [LibraryUsage(library=library) for library in Library.objects.order_by("-population", "name")]
    by_pk = {row.library.pk: row for row in libraries}
    for (platform_id, report_id, metric, _, library_id), total in uses.items():
        row = by_pk.get(library_id)
        if row is None:
            continue
        for resource in resources:
            if (resource.platform_id, resource.report_id, resource.usage_metric) == (platform_id, report_id, metric):
                row.uses[resource.pk] = row.uses.get(resource.pk, 0) + total
    tiers = []
    for tier in LibraryTier:
        members = [row for row in libraries if row.library.tier == tier]
        summed = defaultdict(int)
        for row in members:
            for pk, value in row.uses.items():
                summed[pk] += value
        tiers.append(TierUsage(tier=tier.value, label=str(tier.label), libraries=len(members),
                               population=sum(row.library.population for row in members), uses=dict(summed)))
    return Equity(year=year, resources=resources, libraries=libraries, tiers=tiers)


# Reports and renewals -------------------------------------------------------------------------


def report_list(*, unmatched_only: bool = False) -> QuerySet[UsageReport]:
    reports = (UsageReport.objects.select_related("platform", "library", "imported_by")
               .order_by("-begin", "platform_name", "institution"))
    if unmatched_only:
        reports = reports.filter(Q(platform__isnull=True) | Q(library__isnull=True))
    return reports


def renewal_candidates(*, today: date | None = None) -> list[tuple[Resource, bool]]:
    """Resources whose contract has a next renewal decision deadline, earliest first, each with
    ``near`` (the contract's renewal is due, as the contracts list's filter says: the deadline falls
    within the renewal horizon, or has passed while the period still runs)."""
    today = today or timezone.localdate()
    due = set(Contract.objects.renewal_due(today=today, overdue=True).values_list("pk", flat=True))
    resources = (resource_list().filter(contract__renewal_deadline__isnull=False, contract__period_end__gte=today)
                 .order_by("contract__renewal_deadline", "name"))
    return [(resource, resource.contract_id in due) for resource in resources]
