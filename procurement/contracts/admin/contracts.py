"""Administration of the contracts app: contracts, their orders, amendments, subcontracts, renewal
decisions, revision clauses and revisions change through their services only (states and their log,
ceilings, legal bases, calendars), so the admin shows them read-only. Index series and their values,
reference data, are edited here."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from procurement.contracts.models import (
    Amendment,
    Contract,
    ContractRenewal,
    ContractTransitionLog,
    IndexSeries,
    IndexValue,
    PriceRevision,
    PriceRevisionClause,
    PurchaseOrder,
    RenewalDecision,
    Subcontract,
)
from procurement.core.admin.readonly import ReadOnlyAdmin, ReadOnlyAdminMixin, ReadOnlyInline


class TransitionLogInline(ReadOnlyInline):
    model = ContractTransitionLog
    fields = ["at", "effective_on", "transition", "source", "target", "by", "reason"]
    readonly_fields = fields


class RenewalInline(ReadOnlyInline):
    model = ContractRenewal
    fields = ["number", "starts_on", "ends_on", "mode", "by"]
    readonly_fields = fields


@admin.register(Contract)
class ContractAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["reference", "title", "holder", "state", "start_date", "period_end", "renewal_deadline"]
    list_filter = ["state", "is_framework", "renewal_mode"]
    search_fields = ["reference", "title", "holder__name", "lot__tender__reference"]
    list_select_related = ["holder"]
    raw_id_fields = ["lot", "holder", "budget_line"]
    filter_horizontal = ["co_holders"]
    readonly_fields = ["state", "signed_on", "transmitted_on", "notified_on", "ended_on", "terminated_on",
                       "termination_reason", "renewal_count", "period_end", "renewal_deadline", "created_by",
                       "created_at", "updated_at"]
    inlines = [RenewalInline, TransitionLogInline]


@admin.register(ContractTransitionLog)
class ContractTransitionLogAdmin(ReadOnlyAdmin):
    """Written by the transition service only."""

    list_display = ["at", "contract", "transition", "source", "target", "by", "effective_on"]
    list_filter = ["transition", "target"]
    search_fields = ["contract__reference", "reason"]
    list_select_related = ["contract", "by"]


@admin.register(RenewalDecision)
class RenewalDecisionAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["contract", "renewal_number", "decision", "decided_on", "deadline", "by"]
    list_select_related = ["contract", "by"]


@admin.register(PurchaseOrder)
class PurchaseOrderAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """Orders are issued through the contract's page, which checks the ceilings."""

    list_display = ["contract", "number", "ordered_on", "amount_ht", "by"]
    search_fields = ["contract__reference", "description"]
    list_select_related = ["contract", "by"]


@admin.register(Amendment)
class AmendmentAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """Amendments are recorded through the contract's page, which checks their legal basis."""

    list_display = ["contract", "number", "basis", "amount_change_ht", "change_share", "cumulated_share", "signed_on"]
    list_filter = ["basis"]
    list_select_related = ["contract"]


@admin.register(Subcontract)
class SubcontractAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["contract", "vendor", "amount_ttc", "status", "direct_payment", "declared_on"]
    list_filter = ["status", "direct_payment"]
    list_select_related = ["contract", "vendor"]


class IndexValueInline(admin.TabularInline):
    model = IndexValue
    extra = 0
    fields = ["month", "value", "note"]
    ordering = ["-month"]


@admin.register(IndexSeries)
class IndexSeriesAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "source"]
    search_fields = ["code", "name"]
    inlines = [IndexValueInline]


@admin.register(PriceRevisionClause)
class PriceRevisionClauseAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["contract", "series", "base_month", "fixed_part", "coefficient_decimals"]
    list_select_related = ["contract", "series"]


@admin.register(PriceRevision)
class PriceRevisionAdmin(ReadOnlyAdmin):
    """Revisions keep the values they used."""

    list_display = ["contract", "revision_on", "base_index", "index", "coefficient", "base_price_ht", "price_ht"]
    list_select_related = ["contract"]

