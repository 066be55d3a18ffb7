"""Templates in the admin: an upload goes through the same service as the page (checked variables,
trial render, new version in force); existing versions are read-only and can be put back in force."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from procurement.core.uploads import validate_upload
from procurement.documents import services
from procurement.documents.models import TemplateVersion


class TemplateUploadAdminForm(forms.ModelForm):
    upload = forms.FileField(label=_("Modèle (.docx)"))

    class Meta:
        model = TemplateVersion
        fields = ["kind", "note"]

    def clean(self):
        data = super().clean()
        upload, kind = data.get("upload"), data.get("kind")
        if upload and kind:
            try:
                validate_upload(upload, label=services.UPLOAD_LABEL, allowed=(".docx",))
                upload.seek(0)
                services.template_check(kind=kind, content=upload.read(), name=upload.name)
            except ValidationError as error:
                self.add_error("upload", error.messages)
            finally:
                upload.seek(0)
        return data


@admin.register(TemplateVersion)
class TemplateVersionAdmin(SimpleHistoryAdmin):
    list_display = ["kind", "version", "active", "original_name", "uploaded_by", "uploaded_at", "withdrawal"]
    list_filter = ["kind", "active"]
    actions = ["put_in_force"]
    readonly_fields = ["kind", "version", "active", "original_name", "sha256", "variables", "note", "uploaded_by",
                       "uploaded_at", "withdrawn_at", "withdrawn_reason"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("content")

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = TemplateUploadAdminForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def get_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else ["kind", "upload", "note"]

    def save_model(self, request, obj, form, change):
        if change:
            return
        created = services.template_upload(kind=form.cleaned_data["kind"], file=form.cleaned_data["upload"],
                                           note=form.cleaned_data.get("note", ""), by=request.user)
        obj.pk, obj.version, obj.active = created.pk, created.version, created.active
        obj._state.adding = False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("retrait"))
    def withdrawal(self, obj):
        if not obj.withdrawn_reason:
            return "—"
        return _("Retirée le %(date)s : %(reason)s") % {
            "date": formats.date_format(timezone.localtime(obj.withdrawn_at), "d/m/Y") if obj.withdrawn_at else "?",
            "reason": obj.withdrawn_reason}

    @admin.action(description=_("Mettre en vigueur la version choisie"))
    def put_in_force(self, request, queryset):
        done = 0
        for version in queryset:
            try:
                services.template_activate(version=version, by=request.user)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                done += 1
        if done:
            messages.success(request, _("Versions mises en vigueur : %(count)s.") % {"count": done})
