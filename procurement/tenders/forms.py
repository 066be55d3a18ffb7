
"""Forms of the tenders pages: they parse and check types; the services apply the rules."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from procurement.core.forms import AmountField
from procurement.core.uploads import BID_FILES, validate_upload
from procurement.core.widgets import DateInput, PlainSelect
from procurement.programmes.models import Programme
from procurement.tenders.enums import (
    BidStatus,
    CandidatureForm,
    CaoOpinionKind,
    CaoOutcome,
    CaoRole,
    CriterionKind,
    DepositChannel,
    EnvironmentalConsideration,
    ExecutionMode,
    PriceBasis,
    PriceFormula,
    PriceType,
    Procedure,
    SocialConsideration,
    Technique,
    TenderState,
)
from procurement.tenders.models import Bid, CaoMember, Lot, Tender
from procurement.tenders.services.bids import REASON_NEEDED
from procurement.tenders.services.need import TENDER_FIELDS
from procurement.vendors.models import Vendor

MAX_CRITERIA_ROWS = 12
YES_NO = [("oui", _("Oui")), ("non", _("Non"))]



class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


def now_minute():
    return timezone.localtime().replace(second=0, microsecond=0)


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django docs, "Uploading multiple files"): cleans to a list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single_clean = super().clean
        if isinstance(data, list | tuple):
            files = [single_clean(item, initial) for item in data]
        else:
            files = [single_clean(data, initial)]
        return [file for file in files if file]


def choices_field(enum, label) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(label=label, choices=enum.choices, required=False,
                                     widget=forms.CheckboxSelectMultiple)


# Tenders ------------------------------------------------------------------------------------


class TenderFilterForm(forms.Form):
    """The list's filters (GET)."""

    state = forms.ChoiceField(label=_("État"), required=False,
                              choices=[("", _("Tous")), *TenderState.choices])
    procedure = forms.ChoiceField(label=_("Procédure"), required=False,
                                  choices=[("", _("Toutes")), *Procedure.choices])
    year = forms.TypedChoiceField(label=_("Année de lancement"), required=False, coerce=int, empty_value=None)
    programme = forms.ModelChoiceField(label=_("Programme"), required=False, empty_label=_("Tous"),
                                       queryset=Programme.objects.order_by("reference"), widget=PlainSelect)

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("Toutes")), *((year, str(year)) for year in years)]

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {"state": data["state"], "procedure": data["procedure"], "year": data["year"],
                "programme": data["programme"]}


class TenderForm(forms.ModelForm):
    """The need. The JSON lists of the open data (DECP) are ticked from their vocabulary."""

    price_types = choices_field(PriceType, _("Types de prix"))
    techniques = choices_field(Technique, _("Techniques d'achat"))
    execution_modes = choices_field(ExecutionMode, _("Modalités d'exécution"))
    social_considerations = choices_field(SocialConsideration, _("Considérations sociales"))
    environmental_considerations = choices_field(EnvironmentalConsideration, _("Considérations environnementales"))

    class Meta:
        model = Tender
        fields = [name for name in TENDER_FIELDS if name not in ("state", "procedure", "buyer")]
        widgets = {
            "object": forms.Textarea(attrs={"rows": 3}),
            "consultation_start": DateInput(),
            "notice_sent_on": DateInput(),
            "bid_deadline": DateTimeLocalInput(),
        }

    groups = (
        (_("Le besoin"), ("reference", "programme", "object", "nature", "cpv_code", "place_code", "place_code_type")),
        (_("Durée"), ("duration_months", "renewals", "renewal_months", "is_framework")),
        (_("Calendrier et dossier"), ("consultation_start", "notice_sent_on", "bid_deadline", "mapa_negotiation")),
        (_("Données essentielles (DECP)"), ("price_form", "price_types", "techniques", "execution_modes", "ccag",
                                            "innovative", "social_considerations", "environmental_considerations")),
    )

    def fieldsets(self) -> list[dict]:
        return [{"legend": legend, "fields": [self[name] for name in names]} for legend, names in self.groups]


class RelaunchForm(forms.Form):
    consultation_start = forms.DateField(label=_("Lancement de la nouvelle consultation"), widget=DateInput(),
                                         initial=timezone.localdate)


class AbandonForm(forms.Form):
    reason = forms.CharField(label=_("Motif de la déclaration sans suite"),
                             widget=forms.Textarea(attrs={"rows": 3}))


# Questions and answers ---------------------------------------------------------------------


class QuestionForm(forms.Form):
    text = forms.CharField(label=_("Question"), widget=forms.Textarea(attrs={"rows": 3}))
    asked_at = forms.DateTimeField(label=_("Reçue le"), widget=DateTimeLocalInput(), initial=now_minute)
    asked_by = forms.ModelChoiceField(label=_("Posée par"), required=False, queryset=Vendor.objects.order_by("name"),
                                      widget=PlainSelect,
                                      empty_label=_("Candidat non identifié"))


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Réponse"), widget=forms.Textarea(attrs={"rows": 3}))


class PushBackForm(forms.Form):
    prefix = "report"
    bid_deadline = forms.DateTimeField(label=_("Nouvelle date limite de réception des offres"),
                                       widget=DateTimeLocalInput())
    reason = forms.CharField(label=_("Motif du report"), widget=forms.Textarea(attrs={"rows": 2}))


# Lots and criteria -------------------------------------------------------------------------


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


# Bids --------------------------------------------------------------------------------------


class BidReceiveForm(forms.Form):
    lot = forms.ModelChoiceField(label=_("Lot"), queryset=Lot.objects.none(), empty_label=None)
    vendor = forms.ModelChoiceField(label=_("Candidat"), queryset=Vendor.objects.order_by("name"), widget=PlainSelect,
                                    required=False, empty_label=_("— Nouvelle entreprise (ci-dessous) —"),
                                    help_text=_("Une entreprise absente de la liste : laissez « Nouvelle entreprise » "
                                                "et renseignez-la ci-dessous ; elle est créée avec l'offre."))
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
                self.add_error("vendor", _("Choisissez un candidat de la liste ou renseignez une nouvelle "
                                           "entreprise, pas les deux."))
            return data
        if "vendor" in self.errors:
            return data
        if not new_filled:
            self.add_error("vendor", _("Choisissez le candidat dans la liste, ou renseignez la nouvelle entreprise "
                                       "ci-dessous."))
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


# The CAO -----------------------------------------------------------------------------------------


class CaoMemberForm(forms.Form):
    name = forms.CharField(label=_("Nom"), max_length=200)
    role = forms.ChoiceField(label=_("Siège"), choices=CaoRole.choices)
    title = forms.CharField(label=_("Qualité"), max_length=200, required=False,
                            help_text=_("Par exemple : conseillère métropolitaine, comptable public."))


class CaoMeetingForm(forms.Form):
    """A meeting: its dates, who was present (the authority's members in office) and its agenda."""

    convened_on = forms.DateField(label=_("Convoquée le"), widget=DateInput)
    held_at = forms.DateTimeField(label=_("Réunie le"), widget=DateTimeLocalInput,
                                  input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    attendees = forms.ModelMultipleChoiceField(
        label=_("Membres présents"), queryset=CaoMember.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "choice-columns"}),
        help_text=_("Le quorum compte la présidente ou le président et les titulaires ; un suppléant siège pour un "
                    "titulaire absent ; les voix consultatives ne comptent pas."),
    )
    tenders = forms.ModelMultipleChoiceField(
        label=_("Consultations à l'ordre du jour"), queryset=Tender.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "choice-columns"}),
    )
    notes = forms.CharField(label=_("Observations"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, members, tenders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = members
        self.fields["attendees"].label_from_instance = lambda member: (
            f"{member.name} — {member.get_role_display()}")
        self.fields["tenders"].queryset = tenders
        self.fields["tenders"].label_from_instance = lambda tender: (
            f"{tender.reference} — {Truncator(tender.object).words(12)}")


class CaoDecisionForm(forms.Form):
    """The CAO's decision on a lot: the bid retained, or the lot declared unsuccessful."""

    outcome = forms.ChoiceField(label=_("Décision"), choices=CaoOutcome.choices, widget=forms.RadioSelect,
                                initial=CaoOutcome.AWARD)
    bid = forms.ModelChoiceField(label=_("Offre retenue"), queryset=Bid.objects.none(), required=False,
                                 empty_label=_("— aucune (lot infructueux) —"), widget=PlainSelect)
    difference_reason = forms.CharField(
        label=_("Motif de l'écart avec le classement"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Obligatoire quand l'offre retenue n'est pas la première du classement."))
    reason = forms.CharField(label=_("Motivation"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, bids, ranks: dict[int, int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bid"].queryset = bids

        def label(bid):
            rank = ranks.get(bid.pk)
            ranked = _("rang %(rank)s") % {"rank": rank} if rank else _("non classée")
            return f"{bid.vendor.name} ({ranked})"

        self.fields["bid"].label_from_instance = label


class CaoOpinionForm(forms.Form):
    lot = forms.ModelChoiceField(label=_("Lot du marché"), queryset=Lot.objects.none(), widget=PlainSelect)
    subject = forms.CharField(label=_("Objet de l'avenant"), max_length=500)
    amount_change_ht = AmountField(label=_("Incidence HT présentée (€)"))
    opinion = forms.ChoiceField(label=_("Avis"), choices=CaoOpinionKind.choices, widget=forms.RadioSelect,
                                initial=CaoOpinionKind.FAVOURABLE)

    def __init__(self, *args, lots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lot"].queryset = lots
        self.fields["lot"].label_from_instance = lambda lot: f"{lot.tender.reference} — lot {lot.number} : {lot.title}"
