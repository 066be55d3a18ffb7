"""Forms of the lot pages: the lot, its criteria and price lines, its decisions."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from procurement.tenders.enums import (
    CriterionKind,
    PriceBasis,
    PriceFormula,
)
from procurement.tenders.forms.common import (
    MAX_CRITERIA_ROWS,
)
from procurement.tenders.models import Lot


class LotForm(forms.ModelForm):
    """The lot and its amounts: the initial period's, then one per renewal of the tender (left empty, a
    renewal takes the initial period's amount), and the options."""

    class Meta:
        model = Lot
        fields = ["number", "title", "description", "estimated_amount_ht", "options_amount_ht"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["number"].required = False
        self.fields["number"].help_text = _("Laissez vide pour prendre le numéro suivant.")
        tender = self.instance.tender
        self.fields["estimated_amount_ht"].help_text = _(
            "Période initiale de %(months)s mois ; pour un accord-cadre, son maximum sur la période. "
            "Chaque reconduction reprend ce montant, sauf montant propre ci-dessous.") % {
            "months": tender.duration_months}
        amounts = list(self.instance.renewal_amounts_ht or [])
        fields = dict(self.fields)
        options = fields.pop("options_amount_ht")
        for number in range(1, tender.renewals + 1):
            initial = amounts[number - 1] if number - 1 < len(amounts) else None
            fields[self.renewal_field(number)] = forms.DecimalField(
                label=_("Montant estimé HT de la reconduction %(number)s") % {"number": number},
                help_text=_("%(months)s mois ; vide : le montant de la période initiale.") % {
                    "months": tender.renewal_months},
                required=False, max_digits=14, decimal_places=2, min_value=Decimal("0.01"),
                initial=Decimal(initial) if initial not in (None, "") else None,
            )
        fields["options_amount_ht"] = options
        self.fields = fields

    @staticmethod
    def renewal_field(number: int) -> str:
        return f"renewal_{number}_amount_ht"

    def clean(self):
        cleaned = super().clean()
        amounts = [cleaned.pop(self.renewal_field(number), None)
                   for number in range(1, self.instance.tender.renewals + 1)]
        while amounts and amounts[-1] is None:
            amounts.pop()
        cleaned["renewal_amounts_ht"] = [f"{amount:.2f}" if amount is not None else None for amount in amounts]
        return cleaned


class CriterionRowForm(forms.Form):
    name = forms.CharField(label=_("Intitulé"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("Type"), required=False, choices=[("", "—"), *CriterionKind.choices])
    points = forms.DecimalField(label=_("Points"), max_digits=5, decimal_places=2, required=False,
                                min_value=0, max_value=100)
    price_formula = forms.ChoiceField(label=_("Formule (prix)"), required=False,
                                      choices=[("", "—"), *PriceFormula.choices])
    price_basis = forms.ChoiceField(label=_("Prix comparés"), choices=PriceBasis.choices, initial=PriceBasis.HT)
    parent = forms.IntegerField(label=_("Ligne parente"), required=False, min_value=1, max_value=MAX_CRITERIA_ROWS)

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not data.get("name") and data.get("points") is None and not data.get("kind")

    def clean(self):
        cleaned = super().clean()
        if self.is_blank():
            return cleaned
        for name in ("name", "kind", "points"):
            if name not in self.errors and not cleaned.get(name) and cleaned.get(name) != 0:
                self.add_error(name, _("À renseigner pour un critère."))
        return cleaned


class BaseCriteriaFormSet(forms.BaseFormSet):
    """Flat rows whose "parent" column gives the row number of the parent, turned into the nested
    rows the service ``criteria_replace`` takes."""

    def clean(self):
        if any(self.errors):
            return
        filled = {index + 1: form for index, form in enumerate(self.forms) if not form.is_blank()}
        nodes = {number: self._node(form) for number, form in filled.items()}
        self.tree = []
        for number, form in filled.items():
            parent = form.cleaned_data.get("parent")
            if parent is None:
                self.tree.append(nodes[number])
            elif parent >= number or parent not in filled:
                form.add_error("parent", _("Le critère parent doit être une ligne remplie située au-dessus."))
            else:
                nodes[parent]["children"].append(nodes[number])
        if not filled:
            raise ValidationError(_("Saisissez au moins un critère."))

    @staticmethod
    def _node(form) -> dict:
        data = form.cleaned_data
        return {"name": data["name"], "kind": data["kind"], "points": data["points"],
                "price_formula": data["price_formula"], "price_basis": data["price_basis"] or PriceBasis.HT,
                "children": []}

    def first_filled(self):
        return next((form for form in self.forms if not form.is_blank()), self.forms[0])


def criteria_formset(*, data=None, initial=None):
    initial = initial or []
    formset_class = forms.formset_factory(
        CriterionRowForm, formset=BaseCriteriaFormSet, extra=max(0, MAX_CRITERIA_ROWS - len(initial)),
        max_num=MAX_CRITERIA_ROWS, absolute_max=MAX_CRITERIA_ROWS, validate_max=True,
    )
    return formset_class(data=data, initial=initial, prefix="criteres")


class PriceLineRowForm(forms.Form):
    """A line of the lot's price schedule (BPU / DQE); a blank added row is ignored."""

    number = forms.CharField(label=_("N° de prix"), max_length=16, required=False,
                             help_text=_("Vide : la position de la ligne."))
    label = forms.CharField(label=_("Désignation"), max_length=300)
    unit = forms.CharField(label=_("Unité"), max_length=40)
    quantity = forms.DecimalField(label=_("Quantité estimée"), max_digits=12, decimal_places=2, min_value=0,
                                  localize=True)


PRICE_LINE_EXTRA_ROWS = 5


def price_lines_formset(*, data=None, initial=None):
    """The lot's lines, an « Ordre » column to reorder them and a « Supprimer » box, and blank rows to
    add lines."""
    from procurement.tenders.services.price_lines import MAX_LINES

    formset_class = forms.formset_factory(
        PriceLineRowForm, extra=PRICE_LINE_EXTRA_ROWS, can_order=True, can_delete=True,
        max_num=MAX_LINES, absolute_max=MAX_LINES + PRICE_LINE_EXTRA_ROWS, validate_max=True,
    )
    return formset_class(data=data, initial=initial, prefix="lignes")


class PriceLinesImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier des lignes (.xlsx ou .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
        help_text=_("Colonnes « désignation », « unité », « quantité » (et « n° de prix » si besoin), nommées "
                    "sur la première ligne. Les lignes importées remplacent celles du lot."),
    )


class LotDecisionForm(forms.Form):
    """A lot's decision; the award names the winner among the lot's compliant bids."""

    reason = forms.CharField(label=_("Motif"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, name: str, bids=None, **kwargs):
        super().__init__(*args, prefix=name, **kwargs)
        if name == "award":
            self.fields["winner"] = forms.ModelChoiceField(label=_("Offre retenue"), queryset=bids)
            self.fields["reason"].help_text = _(
                "Obligatoire si l'offre retenue n'est pas la première du classement : le motif est conservé et "
                "repris dans le rapport de présentation.")
            self.order_fields(["winner", "reason"])
        else:
            self.fields["reason"].required = True
