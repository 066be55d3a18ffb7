from django import forms
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from procurement.core.admin.readonly import ReadOnlyAdmin
from procurement.resources import models


class InstitutionIdentifierInline(admin.TabularInline):
    model = models.InstitutionIdentifier
    extra = 1


@admin.register(models.Library)
class LibraryAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "commune", "population", "tier", "is_network_head")
    list_filter = ("tier", "is_network_head")
    search_fields = ("code", "name", "commune")
    inlines = [InstitutionIdentifierInline]


@admin.register(models.Platform)
class PlatformAdmin(SimpleHistoryAdmin):
    list_display = ("name", "sushi_url")
    search_fields = ("name",)


@admin.register(models.Resource)
class ResourceAdmin(SimpleHistoryAdmin):
    list_display = ("name", "kind", "platform", "contract", "share_percent", "report_id", "metric")
    list_filter = ("kind", "platform")
    search_fields = ("name",)
    autocomplete_fields = ("platform",)


@admin.register(models.UsageReport)
class UsageReportAdmin(admin.ModelAdmin):
    """Imported reports are read-only: they change by a new import, which replaces them."""

    list_display = ("report_id", "release", "platform_name", "institution", "library", "begin", "end", "rows",
                    "source")
    list_filter = ("report_id", "release", "source", "platform")
    search_fields = ("platform_name", "institution", "institution_name")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class SushiCredentialForm(forms.ModelForm):
    """The secrets are written, never shown back: empty fields keep the stored values."""

    requestor_id = forms.CharField(required=False, widget=forms.PasswordInput(render_value=False),
                                   help_text="Laisser vide pour garder la valeur enregistrée.")
    api_key = forms.CharField(required=False, widget=forms.PasswordInput(render_value=False),
                              help_text="Laisser vide pour garder la valeur enregistrée.")

    class Meta:
        model = models.SushiCredential
        fields = ("platform", "library", "customer_id", "requestor_id", "api_key")

    def clean(self):
        data = super().clean()
        for name in ("requestor_id", "api_key"):
            if not data.get(name) and self.instance.pk:
                data[name] = getattr(models.SushiCredential.objects.get(pk=self.instance.pk), name)
        return data


@admin.register(models.SushiCredential)
class SushiCredentialAdmin(SimpleHistoryAdmin):
    form = SushiCredentialForm
    list_display = ("platform", "library", "customer_id")
    list_filter = ("platform",)
    search_fields = ("library__code", "customer_id")


@admin.register(models.ResourceRenewalDecision)
class ResourceRenewalDecisionAdmin(ReadOnlyAdmin):
    """Decisions are recorded on the resource's page, which drives the contract: read-only here."""

    list_display = ("resource", "contract", "renewal_number", "decision", "decided_on", "cost_per_use", "by")
    list_filter = ("decision",)
