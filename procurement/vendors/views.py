"""Thin views: read through selectors, write through services, decide with ``get_abilities``."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from procurement.core.views.access import AccessMixin
from procurement.core.views.service_forms import ServiceFormView
from procurement.core.views.suggestions import SuggestionsView
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
from procurement.vendors.models import Vendor
from procurement.vendors.validators import content_type_for

PAGE_SIZE = 25


class VendorAccessMixin(AccessMixin):
    """The vendors' abilities by role decide first, so a 403 never reveals whether the object exists;
    then the object's own abilities."""

    role_refusal = ability_refusal = gettext_lazy("Cette action est réservée à d'autres profils.")

    def has_role(self) -> bool:
        return bool(self.get_page_abilities()[self.required_ability])

    def get_page_abilities(self) -> dict[str, bool]:
        return list_abilities(self.request.user)


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


class VendorSuggestionsView(VendorAccessMixin, SuggestionsView):
    """The suggestions of the forms that name a vendor (``forms.VendorField``): every vendor, by name,
    SIRET, SIREN or VAT number; only for the profiles who fill those forms."""

    required_ability = "choose"

    def suggestions(self, search: str, limit: int):
        return selectors.vendor_suggestions(Vendor.objects.all(), search=search, limit=limit)

    def hint(self, vendor) -> str:
        return vendor.identifier_display


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


class VendorFormView(VendorAccessMixin, ServiceFormView):
    """A vendor's form, or one of its contacts' or documents'."""

    template_name = "vendors/form.html"
    required_ability = "change"
    form_class: type = VendorForm

    def get_success_url(self, result) -> str:
        vendor_pk = result.pk if isinstance(result, Vendor) else result.vendor_id
        return reverse("vendors:detail", args=[vendor_pk])


class VendorCreateView(VendorFormView):
    required_ability = "add"
    success_message = gettext_lazy("Le fournisseur a été créé.")

    def perform(self, form):
        return services.vendor_create(by=self.request.user, **form.cleaned_data)

    def page_context(self):
        return {"title": _("Nouveau fournisseur"), "cancel_url": reverse("vendors:list")}


class VendorUpdateView(VendorFormView):
    success_message = gettext_lazy("La fiche du fournisseur a été mise à jour.")

    def get_object(self):
        return selectors.vendor_get(pk=self.kwargs["pk"])

    def get_form(self, data=None, files=None):
        # The form works on its own copy: a refused change never touches the vendor shown in the page.
        return VendorForm(data=data, files=files, instance=selectors.vendor_get(pk=self.object.pk))

    def perform(self, form):
        return services.vendor_update(vendor=self.object, data=form.cleaned_data, by=self.request.user)

    def page_context(self):
        return {"title": _("Modifier « %(name)s »") % {"name": self.object.name}, "vendor": self.object,
                "cancel_url": reverse("vendors:detail", args=[self.object.pk])}


class VendorChildFormView(VendorFormView):
    """A contact or a document form: ``vendor_pk`` in the URL to create, ``pk`` to update."""

    load_child = staticmethod(selectors.contact_get)

    def get_object(self):
        if "pk" in self.kwargs:
            return self.load_child(pk=self.kwargs["pk"])
        return selectors.vendor_get(pk=self.kwargs["vendor_pk"])

    @property
    def vendor(self) -> Vendor:
        return self.object if isinstance(self.object, Vendor) else self.object.vendor

    def get_form(self, data=None, files=None):
        if isinstance(self.object, Vendor):
            return self.form_class(data=data, files=files)
        instance = self.load_child(pk=self.object.pk)
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
    load_child = staticmethod(selectors.document_get)
    success_message = gettext_lazy("Le justificatif a été enregistré.")

    def perform(self, form):
        return services.document_create(vendor=self.object, by=self.request.user, **form.cleaned_data)

    def page_context(self):
        return {**super().page_context(),
                "title": _("Nouveau justificatif de « %(name)s »") % {"name": self.vendor.name}}


class DocumentUpdateView(VendorChildFormView):
    form_class = ComplianceDocumentForm
    load_child = staticmethod(selectors.document_get)
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
    load_child = staticmethod(selectors.contact_get)

    def get_object(self):
        return self.load_child(pk=self.kwargs["pk"])

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
    load_child = staticmethod(selectors.document_get)

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
        return selectors.document_get(pk=self.kwargs["pk"])

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
