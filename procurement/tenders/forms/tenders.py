"""Forms of the tender pages: the list's filter, the need, relaunch and abandon, questions and answers."""

from __future__ import annotations

from django import forms
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from procurement.core.forms import FilterForm, SuggestField
from procurement.core.widgets import DateInput
from procurement.tenders.enums import (
    EnvironmentalConsideration,
    ExecutionMode,
    PriceType,
    Procedure,
    SocialConsideration,
    Technique,
    TenderState,
)
from procurement.tenders.forms.common import (
    DateTimeLocalInput,
    choices_field,
    now_minute,
)
from procurement.tenders.models import Tender
from procurement.tenders.selectors import tender_programmes
from procurement.tenders.services.need import TENDER_FIELDS
from procurement.vendors.forms import VendorField


class TenderFilterForm(FilterForm):
    """The list's filters (GET)."""

    state = forms.ChoiceField(label=_("État"), required=False,
                              choices=[("", _("Tous")), *TenderState.choices])
    procedure = forms.ChoiceField(label=_("Procédure"), required=False,
                                  choices=[("", _("Toutes")), *Procedure.choices])
    year = forms.TypedChoiceField(label=_("Année de lancement"), required=False, coerce=int, empty_value=None)
    # A search with suggestions: a large buyer runs hundreds of programmes.
    programme = SuggestField(label=_("Programme"), url=reverse_lazy("tenders:programme-suggestions"))

    def __init__(self, *args, user, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("Toutes")), *((year, str(year)) for year in years)]
        self.fields["programme"].queryset = tender_programmes(user=user)

    filter_fields = ("state", "procedure", "year", "programme")


class TenderForm(forms.ModelForm):
    """The need. The JSON lists of the open data (DECP) are ticked from their vocabulary."""

    price_types = choices_field(PriceType, _("Types de prix"))
    techniques = choices_field(Technique, _("Techniques d'achat"))
    execution_modes = choices_field(ExecutionMode, _("Modalités d'exécution"))
    social_considerations = choices_field(SocialConsideration, _("Considérations sociales"))
    environmental_considerations = choices_field(EnvironmentalConsideration, _("Considérations environnementales"))
    buyer_profile_url = forms.URLField(
        label=_("Adresse de la consultation sur le profil d'acheteur"), required=False, max_length=500,
        assume_scheme="https", help_text=Tender._meta.get_field("buyer_profile_url").help_text,
    )

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
        (_("Calendrier et dossier"), ("consultation_start", "notice_sent_on", "bid_deadline", "buyer_profile_url",
                                        "mapa_negotiation")),
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
    asked_by = VendorField(label=_("Posée par"), required=False,
                           help_text=_("Le nom ou le SIRET du candidat ; vide : candidat non identifié."))


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Réponse"), widget=forms.Textarea(attrs={"rows": 3}))


class PushBackForm(forms.Form):
    prefix = "report"
    bid_deadline = forms.DateTimeField(label=_("Nouvelle date limite de réception des offres"),
                                       widget=DateTimeLocalInput())
    reason = forms.CharField(label=_("Motif du report"), widget=forms.Textarea(attrs={"rows": 2}))
