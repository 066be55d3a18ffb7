"""Forms of the CAO pages: members, meetings, decisions per lot, opinions on amendments."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from procurement.core.forms import AmountField
from procurement.core.widgets import DateInput, PlainSelect
from procurement.tenders.enums import (
    CaoOpinionKind,
    CaoOutcome,
    CaoRole,
)
from procurement.tenders.forms.common import (
    DateTimeLocalInput,
)
from procurement.tenders.models import Bid, CaoMember, Lot, Tender


class CaoMemberForm(forms.Form):
    name = forms.CharField(label=_("Nom"), max_length=200)
    role = forms.ChoiceField(label=_("Siège"), choices=CaoRole.choices)
    title = forms.CharField(label=_("Qualité"), max_length=200, required=False,
                            help_text=_("Par exemple : conseillère métropolitaine, comptable public."))
    user = forms.ModelChoiceField(
        label=_("Compte dans l'application"), required=False,
        queryset=get_user_model().objects.filter(is_active=True).order_by("last_name", "first_name", "username"),
        help_text=_("Facultatif : les réunions de la CAO apparaissent alors dans son agenda (« Mon agenda »)."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].label_from_instance = lambda user: user.get_full_name() or user.get_username()


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
