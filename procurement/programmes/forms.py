"""Forms of the programmes pages: they parse and check types; the services apply the rules."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from procurement.core.forms import AmountField
from procurement.core.widgets import DateInput, PlainSelect
from procurement.programmes.enums import CouncilActKind
from procurement.programmes.models import Authority, CouncilAct, Programme


class CouncilActForm(forms.Form):
    """A new delegation or deliberation; its reference is new for the buyer."""

    authority = forms.ModelChoiceField(label=_("Acheteur public"), queryset=Authority.objects.order_by("name"),
                                       widget=PlainSelect)
    kind = forms.ChoiceField(label=_("Nature de l'acte"), choices=CouncilActKind.choices)
    reference = forms.CharField(label=_("Référence"), max_length=60, help_text=_("Par exemple : DEL-2024-118."))
    adopted_on = forms.DateField(label=_("Adoptée le"), widget=DateInput)
    object = forms.CharField(label=_("Objet"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    amount_limit_ht = AmountField(label=_("Montant maximal HT (€)"), required=False,
                                  help_text=_("Vide : sans limite de montant."))
    valid_from = forms.DateField(label=_("En vigueur du"), widget=DateInput, required=False,
                                 help_text=_("Vide : dès son adoption."))
    valid_to = forms.DateField(label=_("En vigueur jusqu'au (inclus)"), widget=DateInput, required=False,
                               help_text=_("Pour une délégation : la fin du mandat."))
    programme = forms.ModelChoiceField(label=_("Programme concerné"), required=False, widget=PlainSelect,
                                       queryset=Programme.objects.select_related("authority").order_by("reference"),
                                       empty_label=_("— tous les marchés de l'acheteur —"))
    tender_references = forms.CharField(
        label=_("Consultations visées"), required=False,
        help_text=_("Pour une délibération : les références des consultations, séparées par des virgules ; vide : "
                    "toutes."))

    def clean_tender_references(self) -> list[str]:
        return [ref.strip() for ref in self.cleaned_data["tender_references"].split(",") if ref.strip()]

    def clean(self):
        data = super().clean()
        authority, reference = data.get("authority"), data.get("reference")
        if authority and reference and CouncilAct.objects.filter(authority=authority,
                                                                 reference=reference.strip()).exists():
            self.add_error("reference", ValidationError(_("Cet acheteur a déjà un acte de cette référence.")))
        return data
