from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from procurement.core.models import ReferenceValue


@admin.register(ReferenceValue)
class ReferenceValueAdmin(SimpleHistoryAdmin):
    list_display = ["kind", "value", "valid_from", "valid_to", "confirmed", "source"]
    list_filter = ["confirmed", "kind"]
    search_fields = ["kind", "source", "note"]
    date_hierarchy = "valid_from"
