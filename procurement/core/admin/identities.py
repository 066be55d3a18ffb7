from django.contrib import admin

from procurement.core.models import ExternalIdentity


@admin.register(ExternalIdentity)
class ExternalIdentityAdmin(admin.ModelAdmin):
    """Written by the single sign-on; an administrator may only unlink one (delete it): the person's next
    sign-in then finds their account by e-mail again, or creates one."""

    list_display = ["user", "issuer", "subject", "created_at"]
    search_fields = ["user__username", "user__email", "subject"]
    list_filter = ["issuer"]
    readonly_fields = ["user", "issuer", "subject", "created_at", "updated_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
