"""Administration of invoices and of the reminders log: read-only, since the deadline and the late
interest are kept by the services (the invoice pages record every step)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from procurement.contracts.models import Invoice, InvoiceFile, InvoiceLine, SentReminder
from procurement.core.admin.readonly import ReadOnlyAdmin, ReadOnlyAdminMixin, ReadOnlyInline


class InvoiceLineInline(ReadOnlyInline):
    model = InvoiceLine
    extra = 0
    fields = ["vat_rate", "amount_ht"]


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["number", "contract", "received_on", "total_ttc", "payment_deadline", "paid_on", "late_days",
                    "late_interest"]
    list_filter = ["paid_on"]
    search_fields = ["number", "contract__reference"]
    inlines = [InvoiceLineInline]


@admin.register(InvoiceFile)
class InvoiceFileAdmin(ReadOnlyAdmin):
    list_display = ["name", "syntax", "invoice", "imported_at", "by"]
    list_filter = ["syntax"]
    search_fields = ["name", "sha256", "invoice__number"]


@admin.register(SentReminder)
class SentReminderAdmin(ReadOnlyAdmin):
    list_display = ["kind", "object_key", "deadline", "sent_at", "recipients"]
    list_filter = ["kind"]
