from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from procurement.vendors.forms import ComplianceDocumentForm, ContactForm, VendorForm
from procurement.vendors.models import ComplianceDocument, Contact, Vendor


class ContactInline(admin.TabularInline):
    model = Contact
    form = ContactForm
    extra = 0


class ComplianceDocumentInline(admin.TabularInline):
    model = ComplianceDocument
    form = ComplianceDocumentForm  # same validation as the pages: computed vigilance expiry, file checks
    extra = 0


@admin.register(Vendor)
class VendorAdmin(SimpleHistoryAdmin):
    form = VendorForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    inlines = [ContactInline, ComplianceDocumentInline]
    list_display = ["name", "siret", "vat_number", "city", "country", "is_sme"]
    list_filter = ["is_sme", "country", "documents__kind"]
    search_fields = ["name", "siret", "vat_number", "city"]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["name", "siret", "vat_number", "is_sme"]}),
        (_("Adresse"), {"fields": ["street", "postal_code", "city", "country", "website"]}),
        (_("Suivi"), {"fields": ["notes", "created_at", "updated_at"]}),
    ]


@admin.register(ComplianceDocument)
class ComplianceDocumentAdmin(SimpleHistoryAdmin):
    form = ComplianceDocumentForm
    list_display = ["vendor", "kind", "issued_on", "expires_on", "reference"]
    list_filter = ["kind", "expires_on"]
    search_fields = ["vendor__name", "vendor__siret", "reference"]
    list_select_related = ["vendor"]
    autocomplete_fields = ["vendor"]
    date_hierarchy = "expires_on"

    def get_fields(self, request, obj=None):
        return ["vendor", *ComplianceDocumentForm._meta.fields]


@admin.register(Contact)
class ContactAdmin(SimpleHistoryAdmin):
    form = ContactForm
    list_display = ["last_name", "first_name", "vendor", "role", "email", "is_primary"]
    search_fields = ["last_name", "first_name", "email", "vendor__name"]
    list_select_related = ["vendor"]
    autocomplete_fields = ["vendor"]

    def get_fields(self, request, obj=None):
        return ["vendor", *ContactForm._meta.fields]
