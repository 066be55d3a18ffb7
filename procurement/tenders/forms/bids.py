"""Forms of the bids: receipt, opening, the opening grid, regularisation and negotiation."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from procurement.core.uploads import BID_FILES, validate_upload
from procurement.tenders.enums import (
    BidStatus,
    CandidatureForm,
    DepositChannel,
)
from procurement.tenders.forms.common import (
    YES_NO,
    DateTimeLocalInput,
    MultipleFileField,
    MultipleFileInput,
    now_minute,
)
from procurement.tenders.models import Lot, Tender
from procurement.tenders.services.bids import REASON_NEEDED
from procurement.vendors.forms import VendorField


class BidReceiveForm(forms.Form):
    lot = forms.ModelChoiceField(label=_("Lot"), queryset=Lot.objects.none(), empty_label=None)
    vendor = VendorField(label=_("Candidat"), required=False,
                         help_text=_("Son nom ou son SIRET, puis choisissez parmi les suggestions. Une entreprise "
                                     "inconnue : laissez ce champ vide et renseignez-la ci-dessous ; elle est créée "
                                     "avec l'offre."))
    new_vendor_name = forms.CharField(label=_("Nouvelle entreprise : raison sociale"), max_length=200, required=False)
    new_vendor_siret = forms.CharField(label=_("Nouvelle entreprise : SIRET"), max_length=20, required=False,
                                       help_text=_("14 chiffres ; la clé de contrôle est vérifiée."))
    new_vendor_postal_code = forms.CharField(label=_("Nouvelle entreprise : code postal"), max_length=10,
                                             required=False)
    new_vendor_city = forms.CharField(label=_("Nouvelle entreprise : ville"), max_length=100, required=False)
    new_vendor_is_sme = forms.BooleanField(label=_("Nouvelle entreprise : PME"), required=False)
    channel = forms.ChoiceField(label=_("Mode de dépôt"), choices=DepositChannel.choices,
                                initial=DepositChannel.ELECTRONIC, widget=forms.RadioSelect)
    received_at = forms.DateTimeField(
        label=_("Reçu le (pli papier ou support physique)"), widget=DateTimeLocalInput(), required=False,
        help_text=_("L'heure inscrite à la remise du pli. Un dépôt électronique prend l'heure du serveur : "
                    "laissez ce champ vide."),
    )
    deposit_reason = forms.CharField(
        label=_("Motif de l'enregistrement après coup"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Pour un pli papier ou un support physique : pourquoi il n'a pas été enregistré à sa remise."),
    )
    candidature_form = forms.ChoiceField(label=_("Candidature"), choices=CandidatureForm.choices,
                                         initial=CandidatureForm.DUME)
    exclusion_declaration = forms.BooleanField(label=_("Déclaration sur l'honneur (motifs d'exclusion) fournie"),
                                               required=False)
    capacities = forms.CharField(label=_("Capacités économiques, techniques et professionnelles"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 3}))
    files = MultipleFileField(
        label=_("Fichiers de l'offre"), required=False,
        help_text=_("PDF, DOCX, XLSX, ODT ou ZIP ; plusieurs fichiers possibles. Seule leur empreinte SHA-256 "
                    "est lisible avant l'ouverture des plis."),
        widget=MultipleFileInput(attrs={"accept": ",".join(BID_FILES)}),
    )

    fieldsets_spec = (
        (_("Lot et candidat"), ("lot", "vendor")),
        (_("Nouvelle entreprise (absente de la liste des fournisseurs)"),
         ("new_vendor_name", "new_vendor_siret", "new_vendor_postal_code", "new_vendor_city", "new_vendor_is_sme")),
        (_("Dépôt"), ("channel", "received_at", "deposit_reason")),
        (_("Candidature et offre"), ("candidature_form", "exclusion_declaration", "capacities", "files")),
    )

    def __init__(self, *args, tender: Tender, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lot"].queryset = tender.lots.order_by("number")

    @property
    def fieldsets(self) -> list[dict]:
        return [{"legend": legend, "fields": [self[name] for name in names]} for legend, names in self.fieldsets_spec]

    def clean_files(self):
        files = self.cleaned_data["files"]
        for upload in files:
            validate_upload(upload, label=str(self.fields["files"].label), allowed=BID_FILES)
        return files

    NEW_VENDOR = ("new_vendor_name", "new_vendor_siret", "new_vendor_postal_code", "new_vendor_city")

    def clean(self):
        data = super().clean()
        new_filled = any((data.get(name) or "").strip() for name in self.NEW_VENDOR) or data.get("new_vendor_is_sme")
        if data.get("vendor") is not None:
            if new_filled:
                self.add_error("vendor", _("Indiquez un fournisseur connu ou renseignez une nouvelle "
                                           "entreprise, pas les deux."))
            return data
        if "vendor" in self.errors:
            return data
        if not new_filled:
            self.add_error("vendor", _("Indiquez le candidat par son nom ou son SIRET, ou renseignez la "
                                       "nouvelle entreprise ci-dessous."))
            return data
        required = {"new_vendor_name": _("Indiquez la raison sociale de la nouvelle entreprise."),
                    "new_vendor_siret": _("Indiquez le SIRET de la nouvelle entreprise."),
                    "new_vendor_city": _("Indiquez la ville de la nouvelle entreprise.")}
        for name, message in required.items():
            if not (data.get(name) or "").strip():
                self.add_error(name, message)
        return data

    def new_vendor(self) -> dict | None:
        """The new company's fields for the service, or None when a listed vendor is chosen."""
        data = self.cleaned_data
        if data.get("vendor") is not None:
            return None
        return {"name": data["new_vendor_name"], "siret": data["new_vendor_siret"],
                "postal_code": data["new_vendor_postal_code"], "city": data["new_vendor_city"],
                "is_sme": data["new_vendor_is_sme"]}


class OpeningForm(forms.Form):
    opened_at = forms.DateTimeField(label=_("Ouverture le"), widget=DateTimeLocalInput(), initial=now_minute)
    attendees = forms.CharField(label=_("Personnes présentes"), widget=forms.Textarea(attrs={"rows": 3}))
    notes = forms.CharField(label=_("Observations"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


POSITIVE_PRICE = "Un prix est strictement positif : un montant nul ou négatif est refusé."
# The min/max validators of the forms and of the API format their message with %: hence %%.
VAT_RANGE = "Le taux de TVA est compris entre 0 et 100 %% (exclu)."


class BidRecordForm(forms.Form):
    amount_ht = forms.DecimalField(label=_("Montant HT (€)"), max_digits=14, decimal_places=2,
                                   min_value=Decimal("0.01"), error_messages={"min_value": POSITIVE_PRICE})
    vat_rate = forms.DecimalField(label=_("Taux de TVA (%)"), max_digits=5, decimal_places=2, min_value=0,
                                  max_value=Decimal("99.99"),
                                  error_messages={"min_value": VAT_RANGE, "max_value": VAT_RANGE})
    admissible = forms.TypedChoiceField(label=_("Candidature recevable"), choices=YES_NO,
                                        coerce=lambda value: value == "oui", widget=forms.RadioSelect)
    admissibility_reason = forms.CharField(label=_("Motif de recevabilité"), required=False,
                                           widget=forms.Textarea(attrs={"rows": 2}))
    status = forms.ChoiceField(label=_("Statut de l'offre"),
                               choices=[(s.value, s.label) for s in (BidStatus.COMPLIANT, *REASON_NEEDED)])
    status_reason = forms.CharField(label=_("Motif du statut"), required=False,
                                    widget=forms.Textarea(attrs={"rows": 2}))


class OpeningRowForm(BidRecordForm):
    """One row of the lot's opening grid: the fields of the per-bid form, compact enough for a table
    (a select for the admissibility, one-line reasons)."""

    def __init__(self, *args, bid, **kwargs):
        super().__init__(*args, prefix=f"offre-{bid.pk}", **kwargs)
        self.bid = bid
        # A select whose empty first option must be changed: a bid not yet read is not admissible by default.
        self.fields["admissible"].widget = forms.Select()
        self.fields["admissible"].choices = [("", "—"), *YES_NO]
        for name in ("admissibility_reason", "status_reason"):
            self.fields[name].widget = forms.TextInput()
        self.fields["amount_ht"].widget.attrs.update(inputmode="decimal")
        self.fields["vat_rate"].widget.attrs.update(inputmode="decimal")

    def labelled_errors(self) -> list[str]:
        """The row's form errors, each naming the bidder and the field (the page's summary)."""
        vendor = self.bid.vendor.name
        return [f"Offre de {vendor} — {self.fields[name].label} : {message}" if name in self.fields
                else f"Offre de {vendor} : {message}"
                for name, messages in self.errors.items() for message in messages]


class RegulariseForm(forms.Form):
    regularisation_note = forms.CharField(label=_("Régularisation demandée et obtenue"),
                                          widget=forms.Textarea(attrs={"rows": 2}))


class NegotiateForm(forms.Form):
    amount_ht = forms.DecimalField(label=_("Montant HT après négociation (€)"), max_digits=14, decimal_places=2,
                                   min_value=Decimal("0.01"), error_messages={"min_value": POSITIVE_PRICE})
    reason = forms.CharField(label=_("Compte rendu de la négociation"), widget=forms.Textarea(attrs={"rows": 2}))
