"""The agreements are kept through their services (who may, the years that must not overlap, a library
per member): the admin only lists and shows them, with their history."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from procurement.core.admin.readonly import ReadOnlyAdminMixin, ReadOnlyInline
from procurement.sharing import models


class MemberInline(ReadOnlyInline):
    model = models.Member
    fields = ("kind", "name")


class SharedItemInline(ReadOnlyInline):
    model = models.SharedItem
    fields = ("contract", "budget_line")


class SharingKeyInline(ReadOnlyInline):
    model = models.SharingKey
    fields = ("name", "label", "is_applied")


@admin.register(models.Agreement)
class AgreementAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ("name", "programme", "start_year", "end_year", "council_act", "convention_reference")
    list_filter = ("programme",)
    search_fields = ("name", "convention_reference")
    inlines = [SharedItemInline, SharingKeyInline, MemberInline]


class MemberLibraryInline(ReadOnlyInline):
    model = models.MemberLibrary
    fields = ("library",)


class MemberPopulationInline(ReadOnlyInline):
    model = models.MemberPopulation
    fields = ("year", "population")


@admin.register(models.Member)
class MemberAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ("name", "kind", "agreement")
    list_filter = ("agreement", "kind")
    search_fields = ("name",)
    inlines = [MemberLibraryInline, MemberPopulationInline]


class KeyComponentInline(ReadOnlyInline):
    model = models.KeyComponent
    fields = ("basis", "weight")


class MemberBoundInline(ReadOnlyInline):
    model = models.MemberBound
    fields = ("member", "floor_ttc", "cap_ttc")


@admin.register(models.SharingKey)
class SharingKeyAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ("name", "label", "agreement", "is_applied")
    list_filter = ("agreement", "is_applied")
    search_fields = ("name", "label")
    inlines = [KeyComponentInline, MemberBoundInline]
