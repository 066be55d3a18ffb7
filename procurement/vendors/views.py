"""Thin views: read through selectors, write through services, decide with ``get_abilities``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from procurement.vendors import selectors, services
from procurement.vendors.abilities import list_abilities
from procurement.vendors.enums import EXPIRING_SOON_DAYS, ComplianceStatus
from procurement.vendors.forms import (
    ComplianceDocumentForm,
    ContactForm,
    ExpiringFilterForm,
    VendorFilterForm,
    VendorForm,
)
from procurement.vendors.models import ComplianceDocument, Contact, Vendor
from procurement.vendors.validators import content_type_for

PAGE_SIZE = 25


def add_service_errors(form, error: ValidationError) -> None:
    """Puts a service's errors on the form's fields (or above the form when no field matches)."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


class VendorAccessMixin(LoginRequiredMixin):
    """Anonymous users go to the login page; a user without the ability gets a 403.

    The role check comes before the object is loaded, so a 403 never reveals whether it exists.
    """

    required_ability = "view"
    model: type = Vendor
    object = None

    def get_object(self):
        return None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not list_abilities(request.user)[self.required_ability]:
            raise PermissionDenied(_("Cette action est réservée à d'autres profils."))
        self.object = self.get_object()
        if self.object is not None and not self.object.get_abilities(request.user)[self.required_ability]:
            raise PermissionDenied(_("Cette action est réservée à d'autres profils."))
        return super().dispatch(request, *args, **kwargs)


class VendorListView(VendorAccessMixin, TemplateView):
    template_name = "vendors/vendor_list.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        filter_form = VendorFilterForm(self.request.GET or None)
        vendors = selectors.vendor_list(**filter_form.filters(), today=today)
        page = Paginator(vendors, PAGE_SIZE).get_page(self.request.GET.get("page"))
        rows = [
            {"vendor": vendor, "compliance": selectors.compliance_from_annotations(vendor, today=today)}
            for vendor in page.object_list
        ]
        expiring_count = selectors.documents_expiring(within_days=EXPIRING_SOON_DAYS, today=today).count()
        return super().get_context_data(
            filter_form=filter_form, page_obj=page, rows=rows, expiring_count=expiring_count,
            expiring_days=EXPIRING_SOON_DAYS, abilities=list_abilities(self.request.user), **kwargs,
        )


class VendorDetailView(VendorAccessMixin, TemplateView):
    template_name = "vendors/vendor_detail.html"

    def get_object(self):
        return selectors.vendor_detail(pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        vendor, user, today = self.object, self.request.user, timezone.localdate()
        documents = [
            {"document": doc, "status_label": ComplianceStatus(doc.status_on(today)).label,
             "badge": doc.badge_on(today), "abilities": doc.get_abilities(user)}
            for doc in vendor.documents.all()
        ]
        return super().get_context_data(
            vendor=vendor, abilities=vendor.get_abilities(user), contacts=list(vendor.contacts.all()),
            documents=documents, compliance=selectors.vendor_compliance(vendor=vendor, today=today),
            history=selectors.vendor_history(vendor=vendor), today=today, **kwargs,
        )


class ServiceFormView(VendorAccessMixin, TemplateView):
    """GET shows the form; a valid POST calls ``perform`` (a service) and redirects."""

    template_name = "vendors/form.html"
    required_ability = "change"
    form_class: type = VendorForm
    success_message = ""

    def get_form(self, data=None, files=None):
        return self.form_class(data=data, files=files)

    def perform(self, form):  # pragma: no cover - abstract
        raise NotImplementedError

    def get_success_url(self, result) -> str:
        vendor_pk = result.pk if isinstance(result, Vendor) else result.vendor_id
        return reverse("vendors:detail", args=[vendor_pk])

    def page_context(self) -> dict:
        return {}

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=self.get_form(), **self.page_context()))

    def post(self, request, *args, **kwargs):
        form = self.get_form(request.POST, request.FILES)
        if form.is_valid():
            try:
                result = self.perform(form)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, self.success_message)
                return redirect(self.get_success_url(result))
        return self.render_to_response(self.get_context_data(form=form, **self.page_context()))


class VendorCreateView(ServiceFormView):
    required_ability = "add"
    success_message = gettext_lazy("Le fournisseur a été créé.")

    def perform(self, form):
        return services.vendor_create(by=self.request.user, **form.cleaned_data)

    def page_context(self):
        return {"title": _("Nouveau fournisseur"), "cancel_url": reverse("vendors:list")}


class VendorUpdateView(ServiceFormView):
    success_message = gettext_lazy("La fiche du fournisseur a été mise à jour.")

    def get_object(self):
        return get_object_or_404(Vendor, pk=self.kwargs["pk"])

    def get_form(self, data=None, files=None):
        # The form works on its own copy: a refused change never touches the vendor shown in the page.
        return VendorForm(data=data, files=files, instance=Vendor.objects.get(pk=self.object.pk))

    def perform(self, form):
        return services.vendor_update(vendor=self.object, data=form.cleaned_data, by=self.request.user)

    def page_context(self):
        return {"title": _("Modifier « %(name)s »") % {"name": self.object.name}, "vendor": self.object,
                "cancel_url": reverse("vendors:detail", args=[self.object.pk])}


class VendorChildFormView(ServiceFormView):
    """A contact or a document form: ``vendor_pk`` in the URL to create, ``pk`` to update."""

    child_model: type = Contact

    def get_object(self):
        if "pk" in self.kwargs:
            return get_object_or_404(self.child_model.objects.select_related("vendor"), pk=self.kwargs["pk"])
        return get_object_or_404(Vendor, pk=self.kwargs["vendor_pk"])

    @property
    def vendor(self) -> Vendor:
        return self.object if isinstance(self.object, Vendor) else self.object.vendor

    def get_form(self, data=None, files=None):
        if isinstance(self.object, Vendor):
            return self.form_class(data=data, files=files)
        instance = self.child_model.objects.get(pk=self.object.pk)
        return self.form_class(data=data, files=files, instance=instance)

    def page_context(self):
        return {"vendor": self.vendor, "cancel_url": reverse("vendors:detail", args=[self.vendor.pk])}


class ContactCreateView(VendorChildFormView):
    form_class = ContactForm
    success_message = gettext_lazy("Le contact a été ajouté.")

    def perform(self, form):
        return services.contact_create(vendor=self.object, by=self.request.user, **form.cleaned_data)

    def page_context(self):
        title = _("Nouveau contact de « %(name)s »") % {"name": self.vendor.name}
        return {**super().page_context(), "title": title}


class ContactUpdateView(VendorChildFormView):
    form_class = ContactForm
    success_message = gettext_lazy("Le contact a été mis à jour.")

    def perform(self, form):
        return services.contact_update(contact=self.object, data=form.cleaned_data, by=self.request.user)

    def page_context(self):
        title = _("Modifier le contact %(name)s") % {"name": self.object.full_name}
        return {**super().page_context(), "title": title}


class DocumentCreateView(VendorChildFormView):
    form_class = ComplianceDocumentForm
    child_model = ComplianceDocument
    success_message = gettext_lazy("Le justificatif a été enregistré.")

    def perform(self, form):
        return services.document_create(vendor=self.object, by=self.request.user, **form.cleaned_data)

    def page_context(self):
        return {**super().page_context(),
                "title": _("Nouveau justificatif de « %(name)s »") % {"name": self.vendor.name}}


class DocumentUpdateView(VendorChildFormView):
    form_class = ComplianceDocumentForm
    child_model = ComplianceDocument
    success_message = gettext_lazy("Le justificatif a été mis à jour.")

    def perform(self, form):
        return services.document_update(document=self.object, data=form.cleaned_data, by=self.request.user)

    def page_context(self):
        return {**super().page_context(),
                "title": _("Modifier le justificatif : %(kind)s") % {"kind": self.object.get_kind_display()}}


class ChildDeleteView(VendorAccessMixin, TemplateView):
    """GET asks for confirmation, POST deletes through the service."""

    template_name = "vendors/confirm_delete.html"
    required_ability = "delete"
    child_model: type = Contact

    def get_object(self):
        return get_object_or_404(self.child_model.objects.select_related("vendor"), pk=self.kwargs["pk"])

    def delete(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            vendor=self.object.vendor, subject=self.describe(),
            cancel_url=reverse("vendors:detail", args=[self.object.vendor_id]), **kwargs,
        )

    def describe(self) -> str:
        return str(self.object)

    def post(self, request, *args, **kwargs):
        vendor_id = self.object.vendor_id
        message = self.delete()
        messages.success(request, message)
        return redirect("vendors:detail", pk=vendor_id)


class ContactDeleteView(ChildDeleteView):
    def describe(self):
        return _("le contact %(name)s") % {"name": self.object.full_name}

    def delete(self):
        services.contact_delete(contact=self.object, by=self.request.user)
        return _("Le contact a été supprimé.")


class DocumentDeleteView(ChildDeleteView):
    child_model = ComplianceDocument

    def describe(self):
        return _("le justificatif « %(kind)s » délivré le %(day)s") % {
            "kind": self.object.get_kind_display(), "day": self.object.issued_on.strftime("%d/%m/%Y")}

    def delete(self):
        services.document_delete(document=self.object, by=self.request.user)
        return _("Le justificatif a été supprimé.")


class DocumentDownloadView(VendorAccessMixin, View):
    """Streams a private file as an attachment; there is no public URL for uploaded files."""

    required_ability = "view"

    def get_object(self):
        return get_object_or_404(ComplianceDocument.objects.select_related("vendor"), pk=self.kwargs["pk"])

    def get(self, request, *args, **kwargs):
        document = self.object
        if not document.get_abilities(request.user)["download"]:
            raise Http404(_("Aucun fichier n'a été déposé pour ce justificatif."))
        try:
            handle = document.file.open("rb")
        except FileNotFoundError:
            raise Http404(_("Le fichier de ce justificatif est introuvable.")) from None
        response = FileResponse(
            handle, as_attachment=True, filename=document.download_name(),
            content_type=content_type_for(document.file.name) or "application/octet-stream",
        )
        response["Cache-Control"] = "private, no-store"
        return response


class ExpiringDocumentsView(VendorAccessMixin, TemplateView):
    template_name = "vendors/expiring.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        form = ExpiringFilterForm(self.request.GET or None)
        days = form.within_days(default=EXPIRING_SOON_DAYS)
        rows = [
            {"document": doc, "days_left": (doc.expires_on - today).days, "badge": doc.badge_on(today)}
            for doc in selectors.documents_expiring(within_days=days, today=today)
        ]
        return super().get_context_data(form=form, days=days, rows=rows, today=today, **kwargs)
