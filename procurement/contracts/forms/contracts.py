"""Forms of the contracts pages: they parse and check types; the services apply the rules."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.urls import reverse_lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from procurement.contracts.enums import AmendmentBasis, ContractState, RenewalDecisionKind
from procurement.contracts.models import Amendment, Contract, IndexSeries, PriceRevisionClause, Subcontract
from procurement.contracts.models.contract import RENEWAL_DUE_DAYS
from procurement.contracts.selectors.contracts import (
    awarded_lots_without_contract,
    contract_holders,
    contract_programmes,
)
from procurement.contracts.services.contracts import TERM_FIELDS
from procurement.contracts.services.indices import CLAUSE_FIELDS
from procurement.core.forms import FilterForm, ServiceModelForm, SuggestChoiceField, SuggestField, SuggestLookup
from procurement.core.uploads import validate_upload
from procurement.core.widgets import DateInput
from procurement.programmes.models import BudgetLine
from procurement.programmes.selectors import (
    budget_line_choices,
    budget_line_exact_condition,
    budget_line_search_condition,
    council_act_exact_condition,
    council_act_list,
    council_act_search_condition,
)
from procurement.tenders.selectors import cao_opinion_exact_condition, cao_opinion_list, cao_opinion_search_condition
from procurement.vendors.forms import VendorField, VendorsField


class MonthInput(forms.DateInput):
    input_type = "month"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m")


def month_field(label, **kwargs) -> forms.DateField:
    return forms.DateField(label=label, widget=MonthInput(), input_formats=["%Y-%m", "%m/%Y", "%Y-%m-%d"], **kwargs)


def date_field(label, **kwargs) -> forms.DateField:
    return forms.DateField(label=label, widget=DateInput(), **kwargs)


class ContractFilterForm(FilterForm):
    """The list's filters (GET). Holders and programmes are searched with suggestions (there are
    thousands at a Métropole's size): the objects offered are those of the contracts ``user`` reads."""

    state = forms.ChoiceField(label=_("État"), required=False, choices=[("", _("Tous")), *ContractState.choices])
    holder = SuggestField(label=_("Titulaire (nom ou SIRET)"), url=reverse_lazy("contracts:holder-suggestions"))
    programme = SuggestField(label=_("Programme"), url=reverse_lazy("contracts:programme-suggestions"))
    renewal_due = forms.BooleanField(
        label=format_lazy(_("Reconduction à décider dans les {days} jours"), days=RENEWAL_DUE_DAYS), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["holder"].queryset = contract_holders(user=user)
        self.fields["programme"].queryset = contract_programmes(user=user)

    filter_fields = ("state", "holder", "programme", "renewal_due")


class LotChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, lot) -> str:
        return f"{lot.tender.reference} — lot {lot.number} : {lot.title} ({lot.winner.vendor.name})"


class ContractCreateForm(forms.Form):
    lot = LotChoiceField(label=_("Lot attribué"), queryset=awarded_lots_without_contract(),
                         empty_label=_("Choisissez un lot"))
    reference = forms.CharField(label=_("Identifiant du marché"), max_length=16, required=False,
                                help_text=_("16 caractères au plus ; par défaut la référence de la consultation et "
                                            "le numéro du lot (BNM-2024-02-L1)."))
    start_date = date_field(_("Début d'exécution"))


# The choices that grow with the authority's history (two hundred budget lines over sixty programmes,
# hundreds of council acts and CAO opinions over ten years) are searched with suggestions.

def budget_line_hint(line: BudgetLine) -> str:
    """What tells two lines alike apart: the programme, the section and the AP/AE."""
    return " · ".join(part for part in (line.programme.reference, str(line.get_section_display()).lower(),
                                        line.authorisation_reference) if part)


def council_act_hint(act) -> str:
    return act.object if len(act.object) <= 80 else f"{act.object[:79]}…"


def cao_opinion_hint(opinion) -> str:
    return f"{opinion.lot.tender.reference} — lot {opinion.lot.number}"


BUDGET_LINE_LOOKUP = SuggestLookup(
    match=budget_line_search_condition, exact=budget_line_exact_condition, hint=budget_line_hint,
    no_match=_("Aucune ligne budgétaire ne correspond à « %(text)s » : tapez un mot de son libellé, son article "
               "ou la référence du programme, puis choisissez parmi les suggestions."),
    ambiguous=_("Plusieurs lignes budgétaires correspondent à « %(text)s » (%(names)s) : choisissez parmi les "
                "suggestions ou ajoutez la référence du programme ou l'article."),
)
COUNCIL_ACT_LOOKUP = SuggestLookup(
    match=council_act_search_condition, exact=council_act_exact_condition, hint=council_act_hint,
    no_match=_("Aucune délégation ni délibération ne correspond à « %(text)s » : tapez sa référence, sa date "
               "d'adoption ou un mot de son objet, puis choisissez parmi les suggestions."),
    ambiguous=_("Plusieurs délégations ou délibérations correspondent à « %(text)s » (%(names)s) : choisissez "
                "parmi les suggestions ou tapez la référence complète."),
)
CAO_OPINION_LOOKUP = SuggestLookup(
    match=cao_opinion_search_condition, exact=cao_opinion_exact_condition, hint=cao_opinion_hint,
    no_match=_("Aucun avis de la CAO ne correspond à « %(text)s » : tapez la date de la réunion, la référence "
               "de la consultation ou un mot de l'objet, puis choisissez parmi les suggestions."),
    ambiguous=_("Plusieurs avis de la CAO correspondent à « %(text)s » (%(names)s) : choisissez parmi les "
                "suggestions ou précisez la date de la réunion."),
)


class ContractTermsForm(ServiceModelForm):
    """Every clause a buyer sets before signature, grouped as the CCAP groups them."""

    co_holders = VendorsField(label=_("Autres membres du groupement"),
                              help_text=_("Ajoutez chacun par son nom ou son SIRET ; décochez-en un pour le retirer. "
                                          "Le titulaire (mandataire) n'y figure pas."))
    budget_line = SuggestChoiceField(
        label=_("Ligne budgétaire"), lookup=BUDGET_LINE_LOOKUP, required=False,
        url=reverse_lazy("contracts:budget-line-suggestions"),
        help_text=_("Un mot de son libellé, son article ou la référence du programme, puis choisissez parmi les "
                    "suggestions."))
    signature_authorisation = SuggestChoiceField(
        label=_("Autorisation de signer"), lookup=COUNCIL_ACT_LOOKUP, required=False,
        url=reverse_lazy("contracts:council-act-suggestions"),
        help_text=_("La délégation du conseil à l'exécutif, ou la délibération, qui autorise la signature : sa "
                    "référence, sa date d'adoption ou un mot de son objet."))

    fieldsets_spec = (
        (_("Identification"), ("reference", "title", "group_kind", "co_holders", "budget_line")),
        (_("Montant"), ("amount_ht", "vat_rate", "minimum_ht", "maximum_ht", "yearly_maximum_ht")),
        (_("Durée et reconduction"), ("start_date", "duration_months", "renewal_mode", "renewal_months",
                                      "max_renewals", "notice_months")),
        (_("Maintenance"), ("maintenance_yearly_ht", "maintenance_start", "accepted_on")),
        (_("Avance, garantie et pénalités"), ("advance_granted", "advance_rate", "advance_declined",
                                               "advance_repayment", "guarantee_kind", "retention_rate",
                                               "delay_penalties")),
        (_("Signature"), ("rejection_letters_sent_on", "rejection_letters_electronic", "signature_authorisation",
                          "signatory_name", "signatory_role")),
    )

    class Meta:
        model = Contract
        fields = [*TERM_FIELDS, "co_holders"]
        widgets = {
            "title": forms.Textarea(attrs={"rows": 2}),
            "advance_repayment": forms.Textarea(attrs={"rows": 2}),
            "delay_penalties": forms.Textarea(attrs={"rows": 2}),
            "start_date": DateInput(), "accepted_on": DateInput(), "rejection_letters_sent_on": DateInput(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["budget_line"].queryset = budget_line_choices()
        self.fields["signature_authorisation"].queryset = council_act_list()

    @property
    def fieldsets(self) -> list[dict]:
        return [{"legend": legend, "fields": [self[name] for name in names]} for legend, names in self.fieldsets_spec]



class RevisionClauseForm(ServiceModelForm):
    base_month = month_field(_("Mois zéro (I0)"), help_text=_("Le mois du prix initial."))

    class Meta:
        model = PriceRevisionClause
        fields = list(CLAUSE_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["series"].queryset = IndexSeries.objects.order_by("code")



class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Motif"), widget=forms.Textarea(attrs={"rows": 2}))


class TransmitForm(forms.Form):
    reason = forms.CharField(label=_("Référence de l'accusé de réception de la préfecture"), max_length=120,
                             required=False)


class RenewalDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Décision"), choices=RenewalDecisionKind.choices)
    reason = forms.CharField(label=_("Motif"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, tacit: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if tacit:
            self.fields["decision"].choices = [(RenewalDecisionKind.REFUSE, RenewalDecisionKind.REFUSE.label)]


class OrderForm(forms.Form):
    ordered_on = date_field(_("Émis le"))
    description = forms.CharField(label=_("Objet"), max_length=500)
    amount_ht = forms.DecimalField(label=_("Montant HT (€)"), max_digits=14, decimal_places=2, min_value=0.01)
    vat_rate = forms.DecimalField(label=_("Taux de TVA (%)"), max_digits=5, decimal_places=2, required=False,
                                  help_text=_("Celui du marché si vide."))


class AmendmentForm(ServiceModelForm):
    new_holder = VendorField(label=_("Nouveau titulaire"), required=False,
                             help_text=_("Pour une cession du marché : son nom ou son SIRET ; vide sinon."))
    cao_opinion = SuggestChoiceField(
        label=_("Avis de la CAO"), lookup=CAO_OPINION_LOOKUP, required=False,
        url=reverse_lazy("contracts:cao-opinion-suggestions"),
        help_text=_("Un avis enregistré avec la réunion de la CAO (la date de la réunion, la référence de la "
                    "consultation ou un mot de l'objet) ; sinon, sa date et sa référence ci-dessous."))

    class Meta:
        model = Amendment
        fields = ["basis", "object", "justification", "amount_change_ht", "yearly_maximum_change_ht", "new_holder",
                  "signed_on", "cao_opinion", "cao_opinion_on", "cao_opinion_reference"]
        widgets = {"justification": forms.Textarea(attrs={"rows": 3}), "signed_on": DateInput(),
                   "cao_opinion_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["basis"].choices = AmendmentBasis.choices
        self.fields["cao_opinion"].queryset = cao_opinion_list()



class SubcontractForm(ServiceModelForm):
    vendor = VendorField(label=_("Sous-traitant"), help_text=_("Son nom ou son SIRET, puis choisissez parmi les "
                                                              "suggestions."))

    class Meta:
        model = Subcontract
        fields = ["vendor", "services", "amount_ttc", "declared_on"]
        widgets = {"services": forms.Textarea(attrs={"rows": 2}), "declared_on": DateInput()}



class SubcontractDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Décision"), choices=[("accept", _("Accepter et agréer les conditions de "
                                                                            "paiement")),
                                                               ("refuse", _("Refuser"))])
    decided_on = date_field(_("Date de la décision"))
    payment_terms = forms.CharField(label=_("Conditions de paiement"), required=False,
                                    widget=forms.Textarea(attrs={"rows": 2}))
    reason = forms.CharField(label=_("Motif du refus"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AcceptanceForm(forms.Form):
    accepted_on = date_field(_("Réception (admission) des prestations le"))


class RevisionForm(forms.Form):
    revision_on = forms.DateField(label=_("Date de révision"), widget=DateInput())


class IndexSeriesForm(ServiceModelForm):
    class Meta:
        model = IndexSeries
        fields = ["code", "name", "source", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}



class IndexValueForm(forms.Form):
    month = month_field(_("Mois"))
    value = forms.DecimalField(label=_("Valeur"), max_digits=12, decimal_places=4, min_value=0.0001)
    note = forms.CharField(label=_("Remarque"), max_length=200, required=False)


class IndexImportForm(forms.Form):
    file = forms.FileField(label=_("Fichier .csv ou .xlsx"),
                           help_text=_("Une ligne d'en-tête avec les colonnes « mois » (AAAA-MM ou MM/AAAA) et "
                                       "« valeur » (« remarque » facultative), puis une ligne par mois."))

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > settings.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("« %(name)s » pèse %(size)s, au-delà du maximum de %(max)s.")
                % {"name": file.name, "size": filesizeformat(file.size),
                   "max": filesizeformat(settings.MAX_UPLOAD_BYTES)})
        if file.name.lower().endswith(".xlsx"):
            validate_upload(file, label=str(self.fields["file"].label), allowed=(".xlsx",))
        return file
