from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from procurement.core.models import ProtectedStateMixin, TimeStampedModel
from procurement.core.money import MoneyField
from procurement.tenders.enums import LotState
from procurement.tenders.models.tender import VisibleToQuerySet
from procurement.tenders.rules.guards import lot_guard


class LotQuerySet(VisibleToQuerySet):
    tender_path = "tender"


class Lot(ProtectedStateMixin, ConcurrentTransitionMixin, TimeStampedModel):
    """A lot of a tender (a tender without lots has one), decided on its own."""

    tender = models.ForeignKey("tenders.Tender", on_delete=models.CASCADE, related_name="lots",
                               verbose_name=_("consultation"))
    number = models.PositiveSmallIntegerField(_("numéro"), validators=[MinValueValidator(1)])
    title = models.CharField(_("intitulé"), max_length=300)
    description = models.TextField(_("description du besoin"), blank=True)
    estimated_amount_ht = MoneyField(
        _("montant estimé HT de la période initiale"), validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("Pour un accord-cadre : son maximum sur la période. Chaque reconduction reprend ce montant, "
                    "sauf montant propre."),
    )
    renewal_amounts_ht = models.JSONField(
        _("montants estimés HT des reconductions"), default=list, blank=True,
        help_text=_("Un montant par reconduction, dans l'ordre (vide : le montant de la période initiale)."),
    )
    options_amount_ht = MoneyField(
        _("options et prestations supplémentaires HT"), default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Sur toute la durée (par exemple la maintenance des années suivantes)."),
    )
    state = FSMField(_("état"), max_length=16, choices=LotState.choices, default=LotState.EVALUATING,
                     protected=True)
    winner = models.ForeignKey("tenders.Bid", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("offre retenue"))
    decision_reason = models.TextField(_("motif de la décision"), blank=True)
    decided_at = models.DateTimeField(_("décidé le"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["state"])
    objects = LotQuerySet.as_manager()

    class Meta:
        verbose_name = _("lot")
        verbose_name_plural = _("lots")
        ordering = ["tender", "number"]
        constraints = [
            models.UniqueConstraint(fields=["tender", "number"], name="lot_number_unique",
                                    violation_error_message=_("Ce numéro de lot existe déjà dans la consultation.")),
            models.CheckConstraint(condition=Q(estimated_amount_ht__gt=0), name="lot_estimate_positive",
                                   violation_error_message=_("Le montant estimé doit être positif.")),
            models.CheckConstraint(condition=Q(options_amount_ht__gte=0), name="lot_options_not_negative",
                                   violation_error_message=_("Le montant des options ne peut pas être négatif.")),
            models.CheckConstraint(
                condition=~Q(state=LotState.AWARDED) | Q(winner__isnull=False),
                name="lot_awarded_has_winner",
                violation_error_message=_("Un lot attribué doit avoir une offre retenue."),
            ),
        ]

    def __str__(self) -> str:
        return f"Lot {self.number} — {self.title}"

    def clean(self):
        super().clean()
        amounts = self.renewal_amounts_ht or []
        try:
            wrong = not isinstance(amounts, list) or any(
                amount is not None and Decimal(str(amount)) <= 0 for amount in amounts)
        except (ArithmeticError, ValueError):
            wrong = True
        if wrong:
            raise ValidationError({"renewal_amounts_ht": _(
                "Les montants des reconductions sont des montants HT positifs, un par reconduction.")})

    def periods(self) -> list:
        """The initial period and each renewal of the tender, at this lot's amount for each."""
        from procurement.tenders.rules.procedure import need_periods

        tender = self.tender
        return need_periods(initial_months=tender.duration_months, initial_ht=self.estimated_amount_ht,
                            renewals=tender.renewals, renewal_months=tender.renewal_months,
                            renewal_amounts_ht=self.renewal_amounts_ht or [])

    @property
    def estimated_value_ht(self) -> Decimal:
        """R.2121-1: every period at its own amount, and the options."""
        from procurement.tenders.rules.procedure import estimated_value

        return estimated_value(periods=self.periods(), options_ht=self.options_amount_ht)

    @property
    def periods_amount_ht(self) -> Decimal:
        """Every period's amount without the options: a framework agreement's maximum over its duration."""
        from procurement.tenders.rules.procedure import estimated_value

        return estimated_value(periods=self.periods())

    def get_abilities(self, user) -> dict[str, bool]:
        from procurement.tenders.abilities import lot_abilities

        return lot_abilities(self, user)

    @transition(field=state, source=LotState.EVALUATING, target=LotState.AWARDED, conditions=[lot_guard("award")])
    def award(self, *, by, reason="", winner=None):
        self.winner = winner
        self.decision_reason = reason

    @transition(field=state, source=LotState.EVALUATING, target=LotState.UNSUCCESSFUL,
                conditions=[lot_guard("declare_unsuccessful")])
    def declare_unsuccessful(self, *, by, reason="", winner=None):
        self.decision_reason = reason

    @transition(field=state, source=LotState.EVALUATING, target=LotState.ABANDONED,
                conditions=[lot_guard("abandon")])
    def abandon(self, *, by, reason="", winner=None):
        self.decision_reason = reason
