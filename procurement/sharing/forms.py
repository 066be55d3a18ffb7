"""Forms of the cost-sharing pages: they parse and check types; the services apply the rules (years that
overlap, a library answering to one member, a floor above the total…) and their refusals come back on
the fields."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from procurement.contracts.selectors.contracts import contract_exact_condition, contract_search_condition
from procurement.core.forms import AmountField, SuggestChoiceField, SuggestLookup
from procurement.core.widgets import PlainSelect
from procurement.programmes.models import CouncilAct
from procurement.resources.models import Library
from procurement.sharing.enums import CostBasis, KeyBasis, MemberKind
from procurement.sharing.models import MAX_YEAR, MIN_YEAR

# How the pages name the single-component keys in a list of keys.
BUILTIN_LABELS = {KeyBasis.POPULATION: _("population (clé à une seule composante)"),
                  KeyBasis.USAGE: _("usage (clé à une seule composante)"),
                  KeyBasis.FLAT: _("flat : part égale (clé à une seule composante)")}


def key_choices(keys) -> list[tuple[str, str]]:
    """The keys of ``key_list`` as options: « mixte — 50 % population, 50 % usages (appliquée) »."""
    choices = []
    for key in keys:
        if key.is_builtin:
            choices.append((key.name, str(BUILTIN_LABELS[key.name])))
        else:
            bounds = f", {_('avec planchers ou plafonds')}" if key.bounds else ""
            applied = f" ({_('appliquée')})" if key.is_applied else ""
            choices.append((key.name, f"{key.name} — {key.description}{bounds}{applied}"))
    return choices


class SharesFilterForm(forms.Form):
    """The year, the key and the figure shared on the shares page (GET)."""

    annee = forms.TypedChoiceField(label=_("Année"), coerce=int)
    cle = forms.ChoiceField(label=_("Clé de répartition"))
    base = forms.ChoiceField(label=_("Montant réparti"), choices=CostBasis.choices, initial=CostBasis.COMMITTED)

    def __init__(self, data=None, *, years: list[int], keys, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["annee"].choices = [(year, str(year)) for year in years]
        self.fields["cle"].choices = key_choices(keys)


class CompareForm(forms.Form):
    """The year and the two keys compared (GET)."""

    annee = forms.TypedChoiceField(label=_("Année"), coerce=int)
    cle_a = forms.ChoiceField(label=_("Première clé"))
    cle_b = forms.ChoiceField(label=_("Seconde clé"))

    def __init__(self, data=None, *, years: list[int], keys, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["annee"].choices = [(year, str(year)) for year in years]
        self.fields["cle_a"].choices = self.fields["cle_b"].choices = key_choices(keys)

    def clean(self):
        data = super().clean()
        if data.get("cle_a") and data.get("cle_a") == data.get("cle_b"):
            self.add_error("cle_b", _("Choisissez une autre clé que la première : on compare deux clés."))
        return data


class YearField(forms.IntegerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", MIN_YEAR)
        kwargs.setdefault("max_value", MAX_YEAR)
        super().__init__(**kwargs)


class AgreementForm(forms.Form):
    name = forms.CharField(label=_("Intitulé"), max_length=200)
    start_year = YearField(label=_("Première année"))
    end_year = YearField(label=_("Dernière année"))
    convention_reference = forms.CharField(
        label=_("Référence de la convention"), max_length=200, required=False,
        help_text=_("Par exemple : convention de groupement de commandes n° 2024-031."))
    council_act = forms.ModelChoiceField(
        label=_("Délibération qui approuve la convention"), queryset=CouncilAct.objects.none(), required=False,
        widget=PlainSelect, empty_label=_("— aucune —"),
        help_text=_("Parmi les actes du conseil enregistrés pour l'acheteur du programme. Indiquez la délibération, "
                    "la référence de la convention, ou les deux."))

    def __init__(self, data=None, *, programme, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["council_act"].queryset = (CouncilAct.objects.filter(authority=programme.authority_id)
                                               .order_by("-adopted_on", "reference"))

    def clean(self):
        data = super().clean()
        start, end = data.get("start_year"), data.get("end_year")
        if start is not None and end is not None and end < start:
            self.add_error("end_year", _("La dernière année suit la première."))
        if not data.get("council_act") and not (data.get("convention_reference") or "").strip() \
                and "convention_reference" not in self.errors:
            self.add_error("convention_reference", _("Indiquez la convention : la délibération qui l'approuve ou sa "
                                                     "référence."))
        return data


class DeleteConfirmForm(forms.Form):
    confirm = forms.BooleanField(label=_("Je confirme la suppression"))


class LibraryChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, library: Library) -> str:
        return f"{library.commune} — {library.name}"


class MemberForm(forms.Form):
    name = forms.CharField(label=_("Membre"), max_length=200, help_text=_("La commune, ou la Métropole."))
    kind = forms.ChoiceField(label=_("Nature"), choices=MemberKind.choices, initial=MemberKind.COMMUNE)
    libraries = LibraryChoiceField(
        label=_("Bibliothèques"), queryset=Library.objects.order_by("commune", "name"), required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "choice-columns"}),
        help_text=_("Leurs usages COUNTER comptent pour ce membre ; une bibliothèque répond à un seul membre de la "
                    "convention."))


class MembersFromLibrariesForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Année des populations reprises"), coerce=int,
                                  help_text=_("La population que les bibliothèques connaissent est saisie pour cette "
                                              "année quand le membre n'en a pas."))

    def __init__(self, data=None, *, years: list[int], **kwargs):
        super().__init__(data, **kwargs)
        self.fields["year"].choices = [(year, str(year)) for year in years]


class PopulationField(forms.IntegerField):
    """A number of inhabitants as people type it, « 12 500 » with its spaces."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace("\u202f", "").replace("\xa0", "").replace(" ", "")
        return super().to_python(value)


class PopulationRowForm(forms.Form):
    """One member's legal population of the year (empty: not entered)."""

    population = PopulationField(label=_("Population légale"), min_value=0, max_value=100_000_000, required=False,
                                 widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))

    def __init__(self, *args, member, **kwargs):
        super().__init__(*args, prefix=f"m{member.pk}", **kwargs)
        self.member = member


class PopulationCopyForm(forms.Form):
    replace = forms.BooleanField(label=_("Remplacer aussi les populations déjà saisies"), required=False)


CONTRACT_LOOKUP = SuggestLookup(
    match=contract_search_condition, exact=contract_exact_condition,
    no_match=_("Aucun marché du programme ne correspond à « %(text)s » : tapez sa référence ou un mot de son "
               "objet, puis choisissez parmi les suggestions."),
    ambiguous=_("Plusieurs marchés du programme correspondent à « %(text)s » (%(names)s) : choisissez parmi les "
                "suggestions ou tapez la référence complète."),
)


class SharedItemForm(forms.Form):
    # A search with suggestions: a Métropole's programme is charged with a hundred contracts over ten years.
    contract = SuggestChoiceField(label=_("Marché"), lookup=CONTRACT_LOOKUP, required=False,
                                  help_text=_("Sa référence ou un mot de son objet, puis choisissez parmi les "
                                              "suggestions ; vide : tous les marchés de la ligne."))
    budget_line = forms.ModelChoiceField(label=_("Ligne budgétaire"), queryset=None, required=False,
                                         widget=PlainSelect, empty_label=_("— toutes les lignes du marché —"))

    def __init__(self, data=None, *, contracts, contracts_url: str, budget_lines, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["contract"].queryset = contracts
        self.fields["contract"].widget.url = contracts_url
        self.fields["budget_line"].queryset = budget_lines
        self.fields["budget_line"].label_from_instance = lambda line: f"{line.label} ({line.imputation})"

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("contract") and not data.get("budget_line"):
            self.add_error("contract", _("Choisissez un marché, une ligne budgétaire, ou les deux."))
        return data


class KeyForm(forms.Form):
    """A named key: its components' weights are relative (50 and 50, or 1 and 1); empty leaves one out."""

    name = forms.CharField(label=_("Nom"), max_length=40,
                           help_text=_("En minuscules, chiffres et tirets, sans espace (ex. mixte-60-40) : il sert "
                                       "aussi en ligne de commande et dans l'API."))
    label = forms.CharField(label=_("Libellé"), max_length=200)
    population = forms.CharField(label=_("Poids de la population"), required=False, max_length=20,
                                 help_text=_("Population légale (INSEE) de l'année."),
                                 widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    usage = forms.CharField(label=_("Poids des usages"), required=False, max_length=20,
                            help_text=_("Usages COUNTER des ressources partagées, par bibliothèque du membre."),
                            widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    flat = forms.CharField(label=_("Poids de la part égale"), required=False, max_length=20,
                           help_text=_("La même part pour chaque membre."),
                           widget=forms.TextInput(attrs={"inputmode": "decimal"}))

    def components(self) -> dict[str, str]:
        return {basis: self.cleaned_data[basis] for basis in KeyBasis.values}


class KeyCreateForm(KeyForm):
    apply = forms.BooleanField(label=_("Appliquer cette clé à la convention"), required=False)


class BoundRowForm(forms.Form):
    """One member's floor and cap under a key, TTC (both empty: none)."""

    floor_ttc = AmountField(label=_("Plancher annuel TTC (€)"), required=False, min_value=0)
    cap_ttc = AmountField(label=_("Plafond annuel TTC (€)"), required=False, min_value=0)

    def __init__(self, *args, member, **kwargs):
        super().__init__(*args, prefix=f"m{member.pk}", **kwargs)
        self.member = member

    def clean(self):
        data = super().clean()
        floor, cap = data.get("floor_ttc"), data.get("cap_ttc")
        if floor is not None and cap is not None and cap < floor:
            self.add_error("cap_ttc", ValidationError(_("Le plafond ne peut pas être inférieur au plancher.")))
        return data
