"""Thin ModelForms: their ``clean`` calls the validators the services call; views save through services."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from procurement.core.forms import SuggestChoiceField, SuggestLookup, SuggestMultipleField
from procurement.core.widgets import DateInput
from procurement.vendors.models import ComplianceDocument, Contact, Vendor
from procurement.vendors.selectors import vendor_exact_condition, vendor_search_condition
from procurement.vendors.validators import (
    validate_compliance_file,
    validate_document_dates,
    validate_phone,
    validate_vendor_identity,
)


def _formfield(model_field, **kwargs):
    if isinstance(model_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")  # "www.exemple.fr" becomes https://www.exemple.fr
    return model_field.formfield(**kwargs)


class VendorForm(forms.ModelForm):
    # Wider than the model so that "732 829 320 00074" or "FR 44 732 829 320" can be typed.
    siret = forms.CharField(label=_("SIRET"), max_length=30, required=False,
                            help_text=Vendor._meta.get_field("siret").help_text)
    vat_number = forms.CharField(label=_("Numéro de TVA intracommunautaire"), max_length=30, required=False,
                                 help_text=Vendor._meta.get_field("vat_number").help_text)

    class Meta:
        model = Vendor
        fields = ["name", "siret", "vat_number", "street", "postal_code", "city", "country", "is_sme",
                  "website", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
        formfield_callback = _formfield

    def clean(self):
        cleaned = super().clean()
        if "country" not in cleaned:
            return cleaned
        try:
            identity = validate_vendor_identity(
                siret=cleaned.get("siret", ""), vat_number=cleaned.get("vat_number", ""),
                country=cleaned["country"], postal_code=cleaned.get("postal_code", ""),
                vendor_pk=self.instance.pk,
            )
        except ValidationError as error:
            self.add_error(None, error)
        else:
            cleaned.update(identity)
        return cleaned


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["first_name", "last_name", "role", "email", "phone", "is_primary"]

    def clean_phone(self):
        return validate_phone(self.cleaned_data.get("phone", ""))


ACCEPTED_FILES = ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"


class ComplianceDocumentForm(forms.ModelForm):
    class Meta:
        model = ComplianceDocument
        fields = ["kind", "issued_on", "expires_on", "file", "reference", "notes"]
        widgets = {
            "issued_on": DateInput(),
            "expires_on": DateInput(),
            "file": forms.FileInput(attrs={"accept": ACCEPTED_FILES}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expires_on"].required = False
        if self.instance.pk and self.instance.file:
            self.fields["file"].help_text = _("PDF, PNG ou JPEG. Un nouveau fichier remplace celui déposé.")

    def clean_file(self):
        file = self.cleaned_data.get("file")
        if isinstance(file, UploadedFile):  # not the stored file an update hands back unchanged
            validate_compliance_file(file, label=str(self.fields["file"].label))
        return file

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") and cleaned.get("issued_on"):
            try:
                cleaned["expires_on"] = validate_document_dates(
                    kind=cleaned["kind"], issued_on=cleaned["issued_on"],
                    expires_on=cleaned.get("expires_on"),
                )
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned


class VendorFilterForm(forms.Form):
    """The list's search box and SME filter (GET)."""

    SME_CHOICES = [("", _("Toutes")), ("oui", _("PME seulement")), ("non", _("Hors PME"))]

    q = forms.CharField(label=_("Nom, SIRET ou SIREN"), required=False, max_length=100)
    pme = forms.ChoiceField(label=_("Taille"), choices=SME_CHOICES, required=False)

    def filters(self) -> dict:
        if not self.is_valid():
            return {"search": "", "sme": None}
        sme = {"oui": True, "non": False}.get(self.cleaned_data["pme"])
        return {"search": self.cleaned_data["q"], "sme": sme}


class ExpiringFilterForm(forms.Form):
    days = forms.IntegerField(label=_("Échéance sous (jours)"), min_value=1, max_value=366, initial=30,
                              required=False)

    def within_days(self, default: int = 30) -> int:
        if self.is_valid() and self.cleaned_data["days"]:
            return self.cleaned_data["days"]
        return default


# Choosing a vendor in the other apps' forms ----------------------------------------------------------

VENDOR_LOOKUP = SuggestLookup(
    match=vendor_search_condition, exact=vendor_exact_condition, hint=lambda vendor: vendor.identifier_display,
    no_match=_("Aucun fournisseur ne correspond à « %(text)s » : tapez le début de son nom ou son SIRET, puis "
               "choisissez parmi les suggestions."),
    ambiguous=_("Plusieurs fournisseurs correspondent à « %(text)s » (%(names)s) : choisissez parmi les "
                "suggestions ou tapez le nom complet ou le SIRET."),
)


class VendorField(SuggestChoiceField):
    """A vendor chosen among all of them (a Métropole knows thousands) by name, SIRET or VAT number, with
    the suggestions of ``vendors:suggestions``; the text typed without choosing must name one vendor."""

    def __init__(self, **kwargs):
        super().__init__(lookup=VENDOR_LOOKUP, queryset=Vendor.objects.order_by("name", "pk"),
                         url=reverse_lazy("vendors:suggestions"), **kwargs)


class VendorsField(VendorField, SuggestMultipleField):
    """Several vendors (a group's members), each added as ``VendorField`` chooses one."""
