"""The contracts' terms as columns for the commitments schedule: which contracts the schedule reads (a
fixed number of queries, only the contracts that reach the years asked), their terms as ``TermsTables``
and what the tables show of each of them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import F, Min, Q, QuerySet
from django.db.models.functions import ExtractYear

from procurement.contracts.enums import ContractState, MaintenanceStart, RenewalDecisionKind
from procurement.contracts.models import Amendment, Contract, PriceRevision, PurchaseOrder, RenewalDecision
from procurement.contracts.rules.schedule import months_later
from procurement.programmes.models import Programme

TERM_FIELDS = ("pk", "budget_line_id", "vat_rate", "start_date", "duration_months", "is_framework", "amount_ht",
               "renewal_months", "max_renewals", "renewal_count", "ended_on", "terminated_on",
               "accepted_on", "yearly_maximum_ht", "maintenance_yearly_ht", "maintenance_start",
               "maintenance_budget_line_id", "reference", "holder__name")


class _Scope:
    """Which contracts the schedule reads (signed, on a budget line of ``programme``) and, when years
    are asked, which of their rows may fall within them, as filters on the contracts or, through
    ``prefix``, on the rows that point to them (revisions, orders, amendments, renewal decisions).

    A contract's rows fall between its start (or its acceptance, which a maintenance follows) and the
    end of its last period (cut on its closing day) or its acceptance, apart from its orders and
    amendments, which fall on their own day. The last period ends before the start's year plus
    ``total_months // 12 + 1``: a bound that needs no month arithmetic in SQL."""

    def __init__(self, programme: Programme | None, year_from: int | None, year_to: int | None):
        self.programme = programme
        self.days = None if year_from is None or year_to is None else (date(year_from, 1, 1), date(year_to, 12, 31))

    def of(self, queryset: QuerySet, prefix: str = "") -> QuerySet:
        """``queryset`` (of contracts, or of rows pointing to them through ``prefix``) restricted to
        signed contracts on a budget line (of the programme)."""
        queryset = queryset.exclude(**{f"{prefix}state": ContractState.TO_SIGN}).filter(
            **{f"{prefix}budget_line__isnull": False})
        if self.programme is not None:
            queryset = queryset.filter(**{f"{prefix}budget_line__programme": self.programme})
        return queryset

    def reaching(self, queryset: QuerySet, prefix: str = "", *, or_: Q | None = None) -> QuerySet:
        """``queryset`` restricted to the contracts whose periods, maintenance or acceptance may fall
        within the years, or to the rows that match ``or_``; unchanged without years."""
        if self.days is None:
            return queryset
        first, last = self.days

        def on(name: str, lookup: str, value) -> Q:
            return Q(**{f"{prefix}{name}__{lookup}": value})

        last_year = ExtractYear(f"{prefix}start_date") + (
            F(f"{prefix}duration_months") + F(f"{prefix}max_renewals") * F(f"{prefix}renewal_months")) / 12 + 1
        not_closed_before = (on("ended_on", "gte", first) | (on("ended_on", "isnull", True)
                                                              & (on("terminated_on", "isnull", True)
                                                                 | on("terminated_on", "gte", first))))
        reach = ((on("start_date", "lte", last) | on("accepted_on", "lte", last))
                 & ((Q(last_year__gte=first.year) & not_closed_before) | on("accepted_on", "gte", first)))
        return queryset.alias(last_year=last_year).filter(reach if or_ is None else reach | or_)

    def within(self, name: str) -> Q:
        """The rows whose date ``name`` falls within the years (only with years)."""
        return Q(**{f"{name}__range": self.days})

    def contracts(self) -> QuerySet[Contract]:
        """The contracts that may commit something in the years: their periods reach them, or they
        have an order or an amendment dated within them."""
        contracts = self.of(Contract.objects.all())
        if self.days is not None:
            contracts = self.reaching(contracts, or_=(
                Q(pk__in=PurchaseOrder.objects.filter(self.within("ordered_on")).values("contract_id"))
                | Q(pk__in=Amendment.objects.filter(self.within("signed_on")).values("contract_id"))))
        return contracts.order_by()


def _maintenance(values: dict) -> tuple[date | None, bool]:
    """When the yearly maintenance starts and whether it is committed (``Contract.maintenance_starts_on``):
    waiting for the acceptance, it is planned from the start's first anniversary, not committed yet."""
    if not values["maintenance_yearly_ht"]:
        return None, True
    if values["maintenance_start"] == MaintenanceStart.ACCEPTANCE:
        if values["accepted_on"] is None:
            return months_later(values["start_date"], 12), False
        return months_later(values["accepted_on"], 12), True
    return months_later(values["start_date"], 12), True


@dataclass(frozen=True)
class ContractLabel:
    """What the tables show of a contract."""

    pk: int
    reference: str
    holder_name: str


def contract_terms(*, programme: Programme | None, year_from: int | None, year_to: int | None):
    """The terms of the contracts the schedule reads (signed, on a budget line of ``programme``, reaching
    ``year_from``..``year_to`` when both are given) as ``TermsTables`` and their labels, in five queries
    whatever their number.

    The rows pointing to the contracts are read through a join, not by the contracts' ids: those that
    can change a figure of the years asked, and a few more for contracts left out, which the schedule
    ignores. Orders count on their day: those placed within the years. Revisions revise the prices due
    after them, amendments the yearly maximum of the periods after them and renewal decisions the
    periods: those of contracts whose periods reach the years (revisions up to their end); and the
    amendments signed within the years, which count on their day, and a refusal of renewal number 0,
    which would cancel every row of its contract."""
    # Imported here: numpy and pandas load with the schedule only, which the other pages need not pay for.
    from procurement.contracts.rules import commitments_frame as frames

    scope = _Scope(programme, year_from, year_to)
    day, money, rate, none = frames.day_number, frames.cents, frames.basis_points, frames.NONE
    dated = scope.days is not None
    refusals = scope.reaching(scope.of(RenewalDecision.objects.filter(decision=RenewalDecisionKind.REFUSE),
                                       "contract__"), "contract__", or_=Q(renewal_number=0))
    refused = dict(refusals.order_by().values("contract_id").annotate(first=Min("renewal_number"))
                   .values_list("contract_id", "first"))
    records, labels = [], {}
    for values in scope.contracts().values(*TERM_FIELDS):
        maintenance_start, confirmed = _maintenance(values)
        records.append((
            values["pk"], values["budget_line_id"], rate(values["vat_rate"]), day(values["start_date"]),
            values["duration_months"], True, values["is_framework"], money(values["amount_ht"]),
            values["renewal_months"], values["max_renewals"], values["renewal_count"],
            refused.get(values["pk"], none),
            day(values["ended_on"] or values["terminated_on"]), day(values["accepted_on"]),
            money(values["yearly_maximum_ht"]), money(values["maintenance_yearly_ht"]), day(maintenance_start),
            confirmed, values["maintenance_budget_line_id"] or none))
        labels[values["pk"]] = ContractLabel(pk=values["pk"], reference=values["reference"],
                                             holder_name=values["holder__name"])
    revisions = scope.reaching(scope.of(PriceRevision.objects.all(), "contract__"), "contract__")
    orders = scope.of(PurchaseOrder.objects.filter(scope.within("ordered_on") if dated else Q()), "contract__")
    amendments = scope.reaching(scope.of(Amendment.objects.all(), "contract__"), "contract__",
                                or_=scope.within("signed_on") if dated else None)
    if dated:
        revisions = revisions.filter(revision_on__lte=scope.days[1])
    tables = frames.terms_tables(
        contracts=records,
        revisions=[(key, day(on), frames.coefficient_units(value)) for key, on, value in
                   revisions.order_by().values_list("contract_id", "revision_on", "coefficient")],
        orders=[(key, day(on), money(amount), rate(vat)) for key, on, amount, vat in
                orders.order_by().values_list("contract_id", "ordered_on", "amount_ht", "vat_rate")],
        amendments=[(key, day(on), money(change), money(yearly)) for key, on, change, yearly in
                    amendments.order_by().values_list("contract_id", "signed_on", "amount_change_ht",
                                                      "yearly_maximum_change_ht")])
    return tables, labels
