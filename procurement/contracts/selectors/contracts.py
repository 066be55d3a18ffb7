"""Reads on contracts for the pages, the services and the reports: lists in a fixed number of
queries, a contract with everything its page shows, the renewal decisions due, the consumption of a
framework, the data the DECP needs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from procurement.contracts.enums import DECP_GROUP, ContractState, SubcontractStatus
from procurement.contracts.models import (
    Amendment,
    Contract,
    ContractTransitionLog,
    IndexSeries,
    IndexValue,
    Invoice,
    PriceRevisionClause,
    PurchaseOrder,
    Subcontract,
)
from procurement.contracts.models.contract import RENEWAL_DUE_DAYS
from procurement.contracts.rules.amounts import amount_after_amendments
from procurement.contracts.rules.guards import standstill_of
from procurement.contracts.rules.schedule import Period
from procurement.core.money import MoneyField, round_money
from procurement.core.selectors import ReferenceDays, suggestions
from procurement.programmes.models import Programme
from procurement.programmes.selectors import programme_search_condition
from procurement.tenders.enums import LotState
from procurement.tenders.models import LetterDocument, Lot
from procurement.tenders.models.documents import LetterKind
from procurement.tenders.rules.deadlines import STANDSTILL_KINDS, Standstill
from procurement.vendors.models import Vendor
from procurement.vendors.selectors import vendor_search_condition

ZERO = Decimal("0.00")


def _sum_of(model, field: str):
    rows = model.objects.filter(contract=OuterRef("pk")).order_by().values("contract").annotate(total=Sum(field))
    return Coalesce(Subquery(rows.values("total"), output_field=MoneyField()), Value(ZERO), output_field=MoneyField())


def contract_list(*, user, state: str = "", holder=None, holder_search: str = "", programme=None,
                  programme_search: str = "", renewal_due: bool = False,
                  today: date | None = None) -> QuerySet[Contract]:
    """The contracts ``user`` may read, with ``ordered_ht`` (orders) and ``amended_ht`` (net change by
    amendments) computed by the database. ``holder_search``: the holder's name, SIRET or SIREN
    contains it (the filter typed without choosing a suggestion); ``programme_search``: the
    programme's reference or name. ``renewal_due``: executing contracts whose renewal decision
    deadline falls within the renewal horizon, or has passed while the period still runs."""
    today = today or timezone.localdate()
    contracts = (
        Contract.objects.visible_to(user)
        .select_related("holder", "lot__tender__programme", "budget_line")
        .annotate(ordered_ht=_sum_of(PurchaseOrder, "amount_ht"), amended_ht=_sum_of(Amendment, "amount_change_ht"))
    )
    if state:
        contracts = contracts.filter(state=state)
    if holder is not None:
        contracts = contracts.filter(holder=holder)
    if (condition := vendor_search_condition(holder_search, path="holder")) is not None:
        contracts = contracts.filter(condition)
    if programme is not None:
        contracts = contracts.filter(lot__tender__programme=programme)
    if (condition := programme_search_condition(programme_search, path="lot__tender__programme")) is not None:
        contracts = contracts.filter(condition)
    if renewal_due:
        contracts = contracts.renewal_due(today=today, overdue=True)
    return contracts.order_by("-start_date", "reference")


def contract_holders(*, user) -> QuerySet[Vendor]:
    """The vendors holding a contract ``user`` may read: the list's « Titulaire » filter and its
    suggestions."""
    return Vendor.objects.filter(Exists(Contract.objects.visible_to(user).filter(holder=OuterRef("pk"))))


def contract_programmes(*, user) -> QuerySet[Programme]:
    """The programmes of the contracts ``user`` may read: the list's « Programme » filter and its
    suggestions."""
    contracts = Contract.objects.visible_to(user).filter(lot__tender__programme=OuterRef("pk"))
    return Programme.objects.filter(Exists(contracts))


def contract_search_condition(search: str) -> Q | None:
    """Contracts whose reference or title contains ``search`` (any case), or whose label it is
    (« BNM-2024-01-L1 — Lot 1 : … », ``str(contract)``, as a chosen suggestion shows it); None for an
    empty search."""
    search = search.strip()
    if not search:
        return None
    return Q(reference__icontains=search) | Q(title__icontains=search) | contract_exact_condition(search)


def contract_exact_condition(search: str) -> Q:
    """Contracts ``search`` names exactly: their reference, alone or starting their label."""
    reference = search.strip().partition(" — ")[0].strip()
    return Q(reference__iexact=reference)


def contract_suggestions(contracts: QuerySet[Contract], *, search: str, limit: int) -> list[Contract]:
    """Up to ``limit`` of ``contracts`` matching ``search`` (``contract_search_condition``), those whose
    reference starts with it first, then by reference; only what a suggestion shows is read."""
    return suggestions(contracts, condition=contract_search_condition(search), search=search, first="reference",
                       fields=("reference", "title"), limit=limit)


def _orders() -> QuerySet[PurchaseOrder]:
    return PurchaseOrder.objects.select_related("by").order_by("number")


def contract_detail(*, user, reference: str) -> Contract:
    """A readable contract with its lot, logs, renewals, orders, amendments, revisions and
    subcontracts; 404 otherwise."""
    contracts = Contract.objects.visible_to(user).select_related(
        "holder", "lot__tender__programme__authority", "lot__winner", "budget_line", "created_by",
        "signature_authorisation",
        "revision_clause__series",
    ).prefetch_related(
        "co_holders", "lot__bids", "renewal_decisions", "renewals", "revisions",
        Prefetch("transition_logs", queryset=ContractTransitionLog.objects.select_related("by")),
        Prefetch("orders", queryset=_orders()),
        Prefetch("amendments", queryset=Amendment.objects.select_related("new_holder").order_by("number")),
        Prefetch("subcontracts", queryset=Subcontract.objects.select_related("vendor")),
    )
    return get_object_or_404(contracts, reference=reference)


def contract_for_user(*, user, reference: str) -> Contract:
    """A readable contract for the forms and actions; 404 otherwise."""
    return get_object_or_404(
        Contract.objects.visible_to(user).select_related("holder", "lot__tender__programme__authority"),
        reference=reference,
    )


def subcontract_of(*, contract, pk: int) -> Subcontract:
    """One of the contract's subcontracts; 404 otherwise."""
    return get_object_or_404(Subcontract, pk=pk, contract=contract)


def revision_clause_of(*, contract):
    """The contract's price revision clause, or None."""
    return PriceRevisionClause.objects.filter(contract=contract).first()


def invoice_detail(*, pk: int):
    """An invoice with its contract's holder, its order and its lines; 404 otherwise."""
    return get_object_or_404(Invoice.objects.select_related("contract__holder", "order").prefetch_related("lines"),
                             pk=pk)


def contract_of_lot(*, lot) -> Contract | None:
    """The lot's contract, reference and state only (the award page's next step)."""
    return Contract.objects.filter(lot=lot).only("reference", "state").first()


def awarded_lots_without_contract() -> QuerySet[Lot]:
    return (
        Lot.objects.filter(state=LotState.AWARDED, winner__isnull=False)
        .exclude(pk__in=Contract.objects.values("lot"))
        .select_related("tender", "winner__vendor")
        .order_by("tender__reference", "number")
    )


def standstills_before_signature(*, user) -> list[tuple[Contract, Standstill]]:
    """The readable contracts to sign of awarded lots whose standstill (R.2182-1) is known and
    required, with it, in a fixed number of queries: ``standstill_of`` reads what was fetched here."""
    contracts = list(
        Contract.objects.visible_to(user).filter(state=ContractState.TO_SIGN, lot__state=LotState.AWARDED)
        .select_related("lot__tender", "holder")
        .prefetch_related("lot__bids", Prefetch(
            "lot__letters", to_attr="sent_rejections",
            queryset=LetterDocument.objects.filter(kind=LetterKind.REJECTION, sent_on__isnull=False)))
        .order_by("reference"))
    days = ReferenceDays(STANDSTILL_KINDS) if contracts else None
    windows = [(contract, standstill_of(contract, rejections=contract.lot.sent_rejections, days_of=days))
               for contract in contracts]
    return [(contract, window) for contract, window in windows if window is not None and window.required]


def renewal_decisions_due(*, today: date | None = None, days: int = RENEWAL_DUE_DAYS) -> QuerySet[Contract]:
    """Executing contracts whose renewal decision deadline falls within ``days`` days."""
    today = today or timezone.localdate()
    return (Contract.objects.renewal_due(today=today, days=days)
            .select_related("holder", "budget_line").order_by("renewal_deadline", "reference"))


# Amounts ------------------------------------------------------------------------------------


def amended_amount(contract) -> Decimal:
    """The initial amount (a framework's maximum) after every amendment."""
    return amount_after_amendments(contract.initial_amount_ht, (a.amount_change_ht for a in contract.amendments.all()))


@dataclass(frozen=True)
class PeriodConsumption:
    period: Period
    maximum_ht: Decimal | None
    consumed_ht: Decimal
    order_count: int

    @property
    def remaining_ht(self) -> Decimal | None:
        return None if self.maximum_ht is None else round_money(self.maximum_ht - self.consumed_ht)


@dataclass(frozen=True)
class Consumption:
    minimum_ht: Decimal | None
    maximum_ht: Decimal
    consumed_ht: Decimal
    periods: list[PeriodConsumption]

    @property
    def remaining_ht(self) -> Decimal:
        return round_money(self.maximum_ht - self.consumed_ht)

    def period(self, day: date) -> PeriodConsumption | None:
        return next((row for row in self.periods if row.period.contains(day)), None)


def period_maximum(contract, period: Period, amendments) -> Decimal | None:
    """The maximum of a period: the yearly maximum plus the amendments signed by its end."""
    if contract.yearly_maximum_ht is None:
        return None
    return amount_after_amendments(contract.yearly_maximum_ht,
                                   (a.yearly_maximum_change_ht for a in amendments if a.signed_on <= period.end))


def consumption(contract, *, extra: PurchaseOrder | None = None) -> Consumption:
    """Ordered against a framework, per period (the initial one and the renewals carried out) and in
    total, with ``extra`` (an order not saved yet) counted in."""
    orders = list(contract.orders.all()) + ([extra] if extra is not None else [])
    amendments = list(contract.amendments.all())
    rows = []
    for period in contract.current_periods():
        inside = [order for order in orders if period.contains(order.ordered_on)]
        rows.append(PeriodConsumption(
            period=period, maximum_ht=period_maximum(contract, period, amendments),
            consumed_ht=round_money(sum((order.amount_ht for order in inside), Decimal("0"))),
            order_count=len(inside),
        ))
    total = round_money(sum((order.amount_ht for order in orders), Decimal("0")))
    maximum = contract.maximum_ht if contract.maximum_ht is not None else contract.initial_amount_ht
    return Consumption(minimum_ht=contract.minimum_ht,
                       maximum_ht=amount_after_amendments(maximum, (a.amount_change_ht for a in amendments)),
                       consumed_ht=total, periods=rows)


# DECP -----------------------------------------------------------------------------------------


def subcontracting_declared(contract, subcontracts=None) -> bool:
    """At notification, the holder declared at least one subcontractor (DECP ``sousTraitanceDeclaree``);
    ``subcontracts``: the contract's, when read beforehand (the export), otherwise its own."""
    limit = contract.notified_on
    subcontracts = contract.subcontracts.all() if subcontracts is None else subcontracts
    return any(sub.status != SubcontractStatus.REFUSED and (limit is None or sub.declared_on <= limit)
               for sub in subcontracts)


def decp_fields(contract, *, co_holders=None, subcontracts=None) -> dict:
    """The contract's part of its essential data (DECP v2 names); the tender gives the rest.
    ``co_holders`` and ``subcontracts``: the contract's, when the export read them beforehand for many
    contracts at once, otherwise its own relations."""
    co_holders = contract.co_holders.all() if co_holders is None else co_holders
    holders = [contract.holder, *co_holders]
    return {
        "id": contract.reference,
        "objet": contract.title[:1000],
        "montant": float(contract.initial_amount_ht),
        "dureeMois": contract.total_months,
        "dateNotification": contract.notified_on.isoformat() if contract.notified_on else None,
        "attributionAvance": contract.advance_granted,
        "tauxAvance": float(contract.advance_rate / 100) if contract.advance_granted and contract.advance_rate else 0,
        "typeGroupementOperateurs": DECP_GROUP[contract.group_kind],
        "sousTraitanceDeclaree": subcontracting_declared(contract, subcontracts),
        "titulaires": [{"titulaire": {"typeIdentifiant": "SIRET" if vendor.siret else "TVA",
                                      "id": vendor.siret or vendor.vat_number}} for vendor in holders],
    }


# Indices --------------------------------------------------------------------------------------


def index_series_list() -> QuerySet[IndexSeries]:
    last = IndexValue.objects.filter(series=OuterRef("pk")).order_by("-month")
    return IndexSeries.objects.annotate(
        last_month=Subquery(last.values("month")[:1]), last_value=Subquery(last.values("value")[:1]),
    ).order_by("code")


def index_series_detail(*, code: str) -> IndexSeries:
    return get_object_or_404(
        IndexSeries.objects.prefetch_related(Prefetch("values", queryset=IndexValue.objects.order_by("-month"))),
        code=code,
    )


def index_value(*, series: IndexSeries, month: date) -> IndexValue | None:
    return IndexValue.objects.filter(series=series, month=month.replace(day=1)).first()
