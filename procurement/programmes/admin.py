"""Editing programmes and budgets is an administrator's job; every change is kept in the history."""

from decimal import Decimal

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from procurement.programmes.models import (
    Authority,
    BodyDecision,
    BodyMeeting,
    BudgetCredit,
    BudgetLine,
    CouncilAct,
    GovernanceBody,
    Milestone,
    Phase,
    Programme,
)


class BudgetLineForm(forms.ModelForm):
    """The credits are edited on the same page: they are checked against the authorisation together."""

    class Meta:
        model = BudgetLine
        fields = [
            "programme", "section", "label", "chapter", "article", "function", "authorisation_reference",
            "authorisation_amount_ttc",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.defer_authorisation_check = True


class BudgetCreditForm(forms.ModelForm):
    class Meta:
        model = BudgetCredit
        fields = ["year", "amount_ttc"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.defer_authorisation_check = True


class BudgetCreditFormSet(BaseInlineFormSet):
    """Checks the sum of the credits as submitted against the authorisation as submitted."""

    def clean(self):
        super().clean()
        total = Decimal("0")
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if data.get("DELETE") or data.get("amount_ttc") is None:
                continue
            total += data["amount_ttc"]
        message = self.instance.authorisation_error(total)
        if message:
            raise ValidationError(message)


class BudgetCreditInline(admin.TabularInline):
    model = BudgetCredit
    form = BudgetCreditForm
    formset = BudgetCreditFormSet
    fields = ["year", "amount_ttc"]
    extra = 1


class BudgetLineInline(admin.TabularInline):
    model = BudgetLine
    fields = [
        "section", "label", "chapter", "article", "function", "authorisation_reference",
        "authorisation_amount_ttc",
    ]
    extra = 0
    show_change_link = True


class PhaseInline(admin.TabularInline):
    model = Phase
    fields = ["position", "name", "planned_start", "planned_end", "actual_start", "actual_end"]
    extra = 0


class MilestoneInline(admin.TabularInline):
    model = Milestone
    fields = ["name", "phase", "planned_on", "actual_on"]
    extra = 0


class BodyDecisionInline(admin.TabularInline):
    model = BodyDecision
    fields = ["subject", "decision"]
    extra = 0


@admin.register(GovernanceBody)
class GovernanceBodyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "programme"]
    list_filter = ["programme", "kind"]


@admin.register(BodyMeeting)
class BodyMeetingAdmin(SimpleHistoryAdmin):
    list_display = ["body", "held_on"]
    list_filter = ["body__programme", "body"]
    list_select_related = ["body"]
    inlines = [BodyDecisionInline]


@admin.register(CouncilAct)
class CouncilActAdmin(SimpleHistoryAdmin):
    list_display = ["reference", "kind", "adopted_on", "authority", "amount_limit_ht", "valid_from", "valid_to"]
    list_filter = ["kind", "authority"]
    list_select_related = ["authority"]
    search_fields = ["reference", "object"]


@admin.register(Authority)
class AuthorityAdmin(SimpleHistoryAdmin):
    list_display = ["name", "siret", "kind", "city", "large_operating_budget"]
    list_filter = ["kind", "large_operating_budget"]
    search_fields = ["name", "siret", "city"]


@admin.register(Programme)
class ProgrammeAdmin(SimpleHistoryAdmin):
    list_display = ["reference", "name", "authority", "envelope_ttc", "start_year", "end_year"]
    list_select_related = ["authority"]
    search_fields = ["reference", "name", "description"]
    inlines = [BudgetLineInline, PhaseInline, MilestoneInline]


@admin.register(BudgetLine)
class BudgetLineAdmin(SimpleHistoryAdmin):
    form = BudgetLineForm
    list_display = ["label", "programme", "section", "imputation", "authorisation_display"]
    list_filter = ["programme", "section"]
    list_select_related = ["programme"]
    search_fields = ["label", "chapter", "article", "authorisation_reference"]
    inlines = [BudgetCreditInline]

    @admin.display(description=_("imputation M57"))
    def imputation(self, obj: BudgetLine) -> str:
        return obj.imputation

    @admin.display(description=_("autorisation (AP/AE)"))
    def authorisation_display(self, obj: BudgetLine) -> str:
        return obj.authorisation_display
