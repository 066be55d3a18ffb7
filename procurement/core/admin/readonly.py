"""One read-only admin for every record whose changes go through a service (which checks the rules,
locks the row and writes the log): the admin lists and shows it, never adds, changes, deletes or
reverts it."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied


class ReadOnlyAdminMixin:
    """For a ``ModelAdmin`` (with or without simple-history) or an inline."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple-history saves the historical version on POST with the view permission alone: a
        # revert would rewrite the row behind the service's back.
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context=extra_context)


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    pass


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    extra = 0
