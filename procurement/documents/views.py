"""The documents pages: the variables of each template kind (buyers and administrators), the upload
of a new template version and the switch of the version in force (administrators)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from procurement.core.permissions import may
from procurement.core.views.access import AccessMixin
from procurement.documents import selectors, services
from procurement.documents.forms import TemplateUploadForm
from procurement.documents.rendering.sandbox import FILTERS

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class VariablesView(AccessMixin, TemplateView):
    """Per template kind, each variable with its meaning and an example value, and the versions."""

    grant = "templates.read"
    template_name = "documents/variables.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(kinds=selectors.variables_page(),
                                        can_upload=may(self.request.user, "templates.edit"),
                                        template_filters=", ".join(sorted(FILTERS)), **kwargs)


class AdminRequiredMixin(AccessMixin):
    grant = "templates.edit"
    role_refusal = gettext_lazy("Seuls les administrateurs modifient les modèles.")


class TemplateUploadView(AdminRequiredMixin, TemplateView):
    template_name = "documents/upload.html"

    def get(self, request, *args, **kwargs):
        form = TemplateUploadForm(initial={"kind": request.GET.get("type", "")})
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request, *args, **kwargs):
        form = TemplateUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                version = services.template_upload(kind=form.cleaned_data["kind"], file=form.cleaned_data["file"],
                                                   note=form.cleaned_data["note"], by=request.user)
            except ValidationError as error:
                form.add_error("file", error.messages)
            else:
                messages.success(request, _("« %(version)s » est maintenant en vigueur.") % {"version": version})
                return redirect(reverse("documents:variables") + f"#{version.kind}")
        return self.render_to_response(self.get_context_data(form=form))


class TemplateActivateView(AdminRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        version = selectors.template_version_get(kind=kwargs["kind"], version=kwargs["version"], with_content=False)
        try:
            version = services.template_activate(version=version, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("« %(version)s » est de nouveau en vigueur.") % {"version": version})
        return redirect(reverse("documents:variables") + f"#{version.kind}")


class TemplateDownloadView(AccessMixin, View):
    grant = "templates.read"

    def get(self, request, *args, **kwargs):
        version = selectors.template_version_get(kind=kwargs["kind"], version=kwargs["version"])
        response = HttpResponse(version.data, content_type=DOCX)
        response["Content-Disposition"] = f'attachment; filename="{version.download_name}"'
        response["Cache-Control"] = "private, no-store"
        return response
