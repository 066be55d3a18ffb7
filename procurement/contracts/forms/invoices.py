"""Forms of the invoice pages."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from procurement.contracts.services.invoice_imports import MAX_UPLOADED_FILES
from procurement.core.uploads import ELECTRONIC_INVOICES
from procurement.core.widgets import DateInput
from procurement.tenders.forms.common import MultipleFileField, MultipleFileInput

# Invoices --------------------------------------------------------------------------------------


class InvoiceFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Factures"), required=False, choices=[
        ("", _("Toutes")), ("unpaid", _("Non payées")), ("interrupted", _("Délai suspendu")),
        ("paid", _("Payées")), ("late", _("Payées en retard"))])


class InvoiceForm(forms.Form):
    number = forms.CharField(label=_("Numéro de la facture"), max_length=60)
    order = forms.ModelChoiceField(label=_("Bon de commande"), queryset=None, required=False)
    is_electronic = forms.BooleanField(label=_("Facture électronique déposée sur Chorus Pro"), required=False,
                                       initial=True)
    issued_on = forms.DateField(label=_("Émise le"), widget=DateInput())
    received_on = forms.DateField(label=_("Reçue le (dépôt sur Chorus Pro pour une facture électronique)"),
                                  widget=DateInput())
    service_done_on = forms.DateField(label=_("Service fait constaté le"), required=False,
                                      widget=DateInput())
    amount_ht_1 = forms.DecimalField(label=_("Montant HT (1er taux)"), max_digits=14, decimal_places=2,
                                     min_value=Decimal("0.01"))
    vat_rate_1 = forms.DecimalField(label=_("Taux de TVA (%) du 1er montant"), max_digits=5, decimal_places=2,
                                    min_value=0, max_value=100)
    amount_ht_2 = forms.DecimalField(label=_("Montant HT (2e taux, facultatif)"), max_digits=14, decimal_places=2,
                                     min_value=Decimal("0.01"), required=False)
    vat_rate_2 = forms.DecimalField(label=_("Taux de TVA (%) du 2e montant"), max_digits=5, decimal_places=2,
                                    min_value=0, max_value=100, required=False)

    def __init__(self, *args, contract, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["order"].queryset = contract.orders.order_by("number")
        self.fields["vat_rate_1"].initial = contract.vat_rate
        if not contract.is_framework:
            del self.fields["order"]

    def clean(self):
        data = super().clean()
        if (data.get("amount_ht_2") is None) != (data.get("vat_rate_2") is None):
            self.add_error("vat_rate_2", _("Un second montant a son taux de TVA, et inversement."))
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        lines = [(data["vat_rate_1"], data["amount_ht_1"])]
        if data.get("amount_ht_2") is not None:
            lines.append((data["vat_rate_2"], data["amount_ht_2"]))
        return {"number": data["number"], "order": data.get("order"), "is_electronic": data["is_electronic"],
                "issued_on": data["issued_on"], "received_on": data["received_on"],
                "service_done_on": data.get("service_done_on"), "lines": lines}


class InvoiceActionForm(forms.Form):
    on = forms.DateField(label=_("Date"), widget=DateInput())
    reason = forms.CharField(label=_("Pièces ou mentions manquantes (suspension)"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))


class LateInterestForm(forms.Form):
    """The late-interest calculator's input; the service checks the dates against each other."""

    amount_ttc = forms.DecimalField(label=_("Montant TTC de la facture"), max_digits=14, decimal_places=2,
                                    min_value=Decimal("0.01"))
    received_on = forms.DateField(label=_("Reçue le (dépôt sur Chorus Pro pour une facture électronique)"),
                                  widget=DateInput())
    service_done_on = forms.DateField(label=_("Service fait constaté le (facultatif)"), required=False,
                                      widget=DateInput())
    suspended_from = forms.DateField(label=_("Délai suspendu le (facultatif)"), required=False,
                                     widget=DateInput())
    resumed_on = forms.DateField(label=_("Pièces complètes reçues le (facultatif)"), required=False,
                                 widget=DateInput())
    paid_on = forms.DateField(label=_("Payée le"), widget=DateInput())


class InvoiceImportForm(forms.Form):
    files = MultipleFileField(
        label=_("Fichiers des factures"), allow_empty_file=True,  # refused as a row of the answer, like any bad file
        help_text=_("Factur-X (PDF), UBL 2.1 ou CII (XML), tels que reçus de Chorus Pro ; plusieurs fichiers "
                    "possibles, %(max)s au plus.") % {"max": MAX_UPLOADED_FILES},
        widget=MultipleFileInput(attrs={"accept": ",".join(ELECTRONIC_INVOICES)}),
    )
    received_on = forms.DateField(label=_("Déposées sur Chorus Pro le (aujourd'hui si vide)"), required=False,
                                  widget=DateInput(),
                                  help_text=_("Le délai de paiement court à partir de cette date."))

    def clean_files(self):
        files = self.cleaned_data["files"]
        if len(files) > MAX_UPLOADED_FILES:
            raise forms.ValidationError(
                _("« Fichiers des factures » : %(count)s fichiers envoyés, %(max)s au plus à la fois.")
                % {"count": len(files), "max": MAX_UPLOADED_FILES})
        return files
