"""Forms of the evaluation pages. They check the shape of the input; the services check the rules."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from procurement.core.money import MoneyError, to_decimal
from procurement.core.numbers import format_number
from procurement.core.permissions import EVALUATOR, holders
from procurement.core.widgets import DateInput
from procurement.tenders.enums import AbnormallyLowDecision
from procurement.tenders.evaluation.simulator import SimulationError, simulate_price_notes
from procurement.tenders.models import EvaluationSettings


class CommitteeMemberForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Évaluateur"), queryset=get_user_model().objects.none())
    is_chair = forms.BooleanField(label=_("Président de la commission"), required=False)

    def __init__(self, *args, tender, **kwargs):
        super().__init__(*args, prefix="membre", **kwargs)
        seated = tender.committee.values_list("user_id", flat=True)
        self.fields["user"].queryset = (get_user_model().objects.filter(holders({EVALUATOR}))
                                        .exclude(pk__in=seated).order_by("last_name", "first_name"))
        self.fields["user"].label_from_instance = lambda user: user.get_full_name() or user.username


class EvaluationSettingsForm(forms.ModelForm):
    class Meta:
        model = EvaluationSettings
        fields = ["consolidation", "tie_break", "dispersion_threshold_percent", "oab_method", "oab_exclusion_factor",
                  "oab_gap_percent", "oab_sd_factor", "oab_lowest_gap_mean_percent",
                  "oab_lowest_gap_next_percent"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="regles", **kwargs)


class DeclarationForm(forms.Form):
    CHOICES = [
        ("no", _("Je déclare n'avoir aucun lien d'intérêts avec les candidats ci-dessus.")),
        ("yes", _("Je déclare un conflit d'intérêts avec au moins un de ces candidats : je me retire de ce lot.")),
    ]
    answer = forms.ChoiceField(label=_("Ma déclaration"), choices=CHOICES, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Précisions (obligatoires en cas de conflit)"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))


def scores_form_class(bids: list, criteria: list, *, step: Decimal = Decimal("0.01")):
    """A form with a note and a comment per (bid, qualitative criterion), named as the service's
    error keys: ``<bid>-<criterion>-value`` and ``…-comment``. The labels name the bid and the
    criterion (the grid's error summary repeats them); the range of a note is the service's rule
    (``scores_record``), the browser only hints it."""
    fields = {}
    for bid in bids:
        for criterion in criteria:
            prefix = f"{bid.pk}-{criterion.pk}"
            names = {"bidder": bid.vendor.name, "criterion": criterion.name,
                     "points": format_number(criterion.points)}
            fields[f"{prefix}-value"] = forms.DecimalField(
                label=_("Note de %(bidder)s sur « %(criterion)s » (sur %(points)s)") % names,
                decimal_places=step.as_tuple().exponent * -1, required=False,
                error_messages={
                    "invalid": _("Saisissez la note en chiffres, de 0 à %(points)s.") % names,
                    "max_decimal_places": _("Une note s'arrondit au pas de %(step)s.") % {
                        "step": format_number(step)},
                },
                widget=forms.NumberInput(attrs={"step": f"{step:f}", "min": "0",
                                                "max": f"{criterion.points.normalize():f}"}),
            )
            fields[f"{prefix}-comment"] = forms.CharField(
                label=_("Commentaire de %(bidder)s sur « %(criterion)s »") % names, required=False,
                widget=forms.Textarea(attrs={"rows": 2}))
    return type("ScoresForm", (forms.Form,), fields)


class RoundCloseForm(forms.Form):
    reason = forms.CharField(label=_("Motif de la clôture anticipée"), widget=forms.Textarea(attrs={"rows": 2}))


class CommitteeScoreForm(forms.Form):
    target = forms.ChoiceField(label=_("Offre et critère"))
    value = forms.DecimalField(label=_("Note arrêtée"), min_value=Decimal("0"), decimal_places=2)
    justification = forms.CharField(label=_("Justification"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, bids, criteria, **kwargs):
        super().__init__(*args, prefix="commission", **kwargs)
        self.fields["target"].choices = [
            (f"{bid.id}-{criterion.id}", f"{bid.bidder} — {criterion.name} (sur {format_number(criterion.points)})")
            for bid in bids for criterion in criteria
        ]


class OabRequestForm(forms.Form):
    requested_on = forms.DateField(label=_("Justification demandée le"), widget=DateInput(),
                                   initial=timezone.localdate)


class OabDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Décision"), widget=forms.RadioSelect, choices=[
        (AbnormallyLowDecision.ACCEPTED, AbnormallyLowDecision.ACCEPTED.label),
        (AbnormallyLowDecision.REJECTED, AbnormallyLowDecision.REJECTED.label),
    ])
    received_on = forms.DateField(label=_("Justification reçue le"), required=False, widget=DateInput())
    reason = forms.CharField(label=_("Motif"), widget=forms.Textarea(attrs={"rows": 2}))


class PriceScheduleForm(forms.Form):
    file = forms.FileField(label=_("Bordereau rempli par le candidat (.xlsx)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))


MAX_SIMULATED_BIDS = 50


def _number_lines(text: str, *, what: str) -> list[Decimal]:
    """One number per line (« 100 000 », « 100000,50 »); blank lines are skipped; each bad line named."""
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) > MAX_SIMULATED_BIDS:
        raise forms.ValidationError(_("Au plus %(count)s lignes.") % {"count": MAX_SIMULATED_BIDS})
    values = []
    for number, line in enumerate(lines, start=1):
        try:
            values.append(to_decimal(line))
        except MoneyError:
            raise forms.ValidationError(_("Ligne %(number)s : « %(text)s » n'est pas %(what)s.")
                                        % {"number": number, "text": line.strip()[:40], "what": what}) from None
    return values


class PriceSimulationForm(forms.Form):
    """The simulator's input; the simulator checks the values (positive prices, one note per price)."""

    prices = forms.CharField(label=_("Prix des offres (HT), un par ligne"), widget=forms.Textarea(attrs={"rows": 6}),
                             max_length=2000)
    points = forms.DecimalField(label=_("Points du critère prix"), min_value=Decimal("0.01"),
                                max_value=Decimal("100"), max_digits=5, decimal_places=2)
    technical = forms.CharField(label=_("Notes techniques, une par ligne, dans l'ordre des prix (facultatif)"),
                                widget=forms.Textarea(attrs={"rows": 6}), required=False, max_length=2000)
    technical_points = forms.DecimalField(label=_("Points de la valeur technique (facultatif)"), required=False,
                                          min_value=Decimal("0.01"), max_value=Decimal("100"), max_digits=5,
                                          decimal_places=2,
                                          help_text=_("Par défaut : 100 moins les points du prix."))

    def clean_prices(self) -> list[Decimal]:
        values = _number_lines(self.cleaned_data["prices"], what=_("un prix"))
        if not values:
            raise forms.ValidationError(_("Indiquez au moins un prix."))
        return values

    def clean_technical(self) -> list[Decimal] | None:
        return _number_lines(self.cleaned_data["technical"], what=_("une note")) or None

    def simulate(self):
        """The simulation, or None with the simulator's refusal placed on its field."""
        data = self.cleaned_data
        try:
            return simulate_price_notes(prices=data["prices"], points=data["points"], technical=data["technical"],
                                        technical_points=data["technical_points"])
        except SimulationError as error:
            self.add_error(error.field if error.field in self.fields else None, str(error))
            return None
