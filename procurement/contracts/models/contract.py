"""The contract (marché) created from an awarded lot, with its terms and its state machine."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from procurement.contracts.enums import (
    CLOSED,
    EXECUTING,
    ContractState,
    GroupKind,
    GuaranteeKind,
    MaintenanceStart,
    RenewalMode,
)
from procurement.contracts.rules import schedule
from procurement.contracts.rules.guards import contract_guard
from procurement.core.models import ProtectedStateMixin, TimeStampedModel
from procurement.core.money import MoneyField, VatRateField, round_money

contract_reference_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_-]{0,15}$",
    _("L'identifiant du marché (données essentielles) compte 1 à 16 lettres, chiffres, tirets ou soulignés, "
      "sans espace."),
)
percent_validators = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


# How far ahead the contracts list, the dashboards and the to-do lists look for renewal decisions:
# four months, longer than a quarter, so that at least one meeting of the assembly (which meets at
# least once a quarter, CGCT L.2121-7) falls before the notice deadline when the decision needs its
# deliberation.
RENEWAL_DUE_DAYS = 120


class ContractQuerySet(models.QuerySet):
    def visible_to(self, user):
        from procurement.contracts.abilities import can_read

        return self if can_read(user) else self.none()

    def renewal_due(self, *, today: date, days: int = RENEWAL_DUE_DAYS, overdue: bool = False):
        """Executing contracts whose next renewal decision is due within ``days`` days of ``today``
        (the deadline falls between today and the horizon). With ``overdue``, also those whose
        deadline has passed while their current period still runs."""
        horizon = today + timedelta(days=days)
        due = self.filter(state__in=EXECUTING, renewal_deadline__lte=horizon)
        if overdue:
            return due.filter(period_end__gte=today)
        return due.filter(renewal_deadline__gte=today)


class Contract(ProtectedStateMixin, ConcurrentTransitionMixin, TimeStampedModel):
    """A contract (marché public), one per awarded lot."""

    reference = models.CharField(_("identifiant du marché"), max_length=16, unique=True,
                                 validators=[contract_reference_validator],
                                 error_messages={"unique": _("Un marché porte déjà cet identifiant.")})
    lot = models.OneToOneField("tenders.Lot", on_delete=models.PROTECT, related_name="+", verbose_name=_("lot"),
                               error_messages={"unique": _("Ce lot a déjà son marché.")})
    title = models.CharField(_("objet"), max_length=1000)
    holder = models.ForeignKey("vendors.Vendor", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("titulaire (mandataire en cas de groupement)"))
    group_kind = models.CharField(_("groupement"), max_length=20, choices=GroupKind.choices, default=GroupKind.NONE)
    co_holders = models.ManyToManyField("vendors.Vendor", blank=True, related_name="+",
                                        verbose_name=_("autres membres du groupement"))
    budget_line = models.ForeignKey("programmes.BudgetLine", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("ligne budgétaire"))
    # Amount
    is_framework = models.BooleanField(_("accord-cadre à bons de commande"), default=False)
    amount_ht = MoneyField(_("montant HT"), null=True, blank=True,
                           help_text=_("Prix global et forfaitaire ; hors maintenance."))
    vat_rate = VatRateField(_("taux de TVA (%)"), validators=percent_validators)
    minimum_ht = MoneyField(_("minimum HT sur toute la durée"), null=True, blank=True)
    maximum_ht = MoneyField(_("maximum HT sur toute la durée"), null=True, blank=True,
                            help_text=_("Obligatoire pour un accord-cadre (R.2162-4), reconductions comprises."))
    yearly_maximum_ht = MoneyField(_("maximum HT par période"), null=True, blank=True)
    # Duration and renewals
    start_date = models.DateField(_("début d'exécution"))
    duration_months = models.PositiveSmallIntegerField(_("durée initiale (mois)"), validators=[MinValueValidator(1)])
    renewal_mode = models.CharField(_("reconduction"), max_length=10, choices=RenewalMode.choices,
                                    default=RenewalMode.NONE)
    renewal_months = models.PositiveSmallIntegerField(_("durée d'une reconduction (mois)"), default=12,
                                                      validators=[MinValueValidator(1)])
    max_renewals = models.PositiveSmallIntegerField(_("nombre maximal de reconductions"), default=0)
    notice_months = models.PositiveSmallIntegerField(
        _("préavis (mois)"), default=3,
        help_text=_("La décision de ne pas reconduire doit être prise avant la fin de la période moins ce préavis."),
    )
    # Maintenance
    maintenance_yearly_ht = MoneyField(_("maintenance annuelle HT"), null=True, blank=True)
    maintenance_start = models.CharField(_("début de la maintenance"), max_length=12,
                                         choices=MaintenanceStart.choices, default=MaintenanceStart.START)
    accepted_on = models.DateField(_("réception (admission) des prestations"), null=True, blank=True)
    maintenance_budget_line = models.ForeignKey(
        "programmes.BudgetLine", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("ligne budgétaire de la maintenance"),
        help_text=_("Imputation de la maintenance quand elle diffère de celle du marché (souvent en fonctionnement)."))
    # Advance, guarantee, penalties
    advance_granted = models.BooleanField(_("avance accordée"), default=False)
    advance_rate = models.DecimalField(_("taux de l'avance (%)"), max_digits=5, decimal_places=2, null=True,
                                       blank=True, validators=percent_validators)
    advance_declined = models.BooleanField(_("le titulaire renonce à l'avance"), default=False)
    advance_repayment = models.TextField(_("remboursement de l'avance"), blank=True)
    guarantee_kind = models.CharField(_("garantie"), max_length=16, choices=GuaranteeKind.choices,
                                      default=GuaranteeKind.NONE)
    retention_rate = models.DecimalField(_("taux de la retenue de garantie (%)"), max_digits=5, decimal_places=2,
                                         null=True, blank=True, validators=percent_validators)
    delay_penalties = models.TextField(_("pénalités de retard"), blank=True)
    # Signature
    rejection_letters_sent_on = models.DateField(_("envoi des lettres de rejet"), null=True, blank=True)
    rejection_letters_electronic = models.BooleanField(
        _("lettres de rejet envoyées par voie électronique"), default=True,
        help_text=_("Délai de suspension de 11 jours par voie électronique, 16 jours autrement (R.2182-1)."))
    signature_authorisation = models.ForeignKey(
        "programmes.CouncilAct", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("autorisation de signer"),
        help_text=_("La délégation du conseil à l'exécutif, ou la délibération, qui autorise la signature."),
    )
    signatory_name = models.CharField(_("signataire"), max_length=200, blank=True)
    signatory_role = models.CharField(_("qualité du signataire"), max_length=200, blank=True)
    # Lifecycle dates, set by the transitions
    signed_on = models.DateField(_("signé le"), null=True, blank=True)
    transmitted_on = models.DateField(_("transmis au contrôle de légalité le"), null=True, blank=True)
    legality_reference = models.CharField(_("accusé de réception de la préfecture"), max_length=120, blank=True)
    notified_on = models.DateField(_("notifié le"), null=True, blank=True)
    ended_on = models.DateField(_("échu le"), null=True, blank=True)
    terminated_on = models.DateField(_("résilié le"), null=True, blank=True)
    termination_reason = models.TextField(_("motif de la résiliation"), blank=True)
    # Calendar, kept by the services
    renewal_count = models.PositiveSmallIntegerField(_("reconductions effectuées"), default=0, editable=False)
    period_end = models.DateField(_("fin de la période en cours"), null=True, blank=True, editable=False)
    renewal_deadline = models.DateField(_("date limite de décision de reconduction"), null=True, blank=True,
                                        editable=False)

    state = FSMField(_("état"), max_length=16, choices=ContractState.choices, default=ContractState.TO_SIGN,
                     protected=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("créé par"))

    history = HistoricalRecords(excluded_fields=["state"], m2m_fields=[co_holders])
    objects = ContractQuerySet.as_manager()

    class Meta:
        verbose_name = _("marché")
        verbose_name_plural = _("marchés")
        ordering = ["-start_date", "reference"]
        # The order of the list page and of the API.
        indexes = [models.Index(fields=["-start_date", "reference"], name="contract_latest_start_first")]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_framework=False, amount_ht__isnull=False)
                | Q(is_framework=True, maximum_ht__isnull=False),
                name="contract_amount_or_framework_maximum",
                violation_error_message=_("Un marché a un montant ; un accord-cadre a obligatoirement un maximum "
                                          "(R.2162-4)."),
            ),
            models.CheckConstraint(
                condition=(Q(amount_ht__isnull=True) | Q(amount_ht__gte=0))
                & (Q(maximum_ht__isnull=True) | Q(maximum_ht__gt=0))
                & (Q(minimum_ht__isnull=True) | Q(minimum_ht__gte=0))
                & (Q(maintenance_yearly_ht__isnull=True) | Q(maintenance_yearly_ht__gte=0)),
                name="contract_amounts_not_negative",
                violation_error_message=_("Les montants d'un marché ne peuvent pas être négatifs."),
            ),
            models.CheckConstraint(
                condition=Q(minimum_ht__isnull=True) | Q(maximum_ht__isnull=True)
                | Q(minimum_ht__lte=models.F("maximum_ht")),
                name="contract_minimum_below_maximum",
                violation_error_message=_("Le minimum d'un accord-cadre ne peut pas dépasser son maximum."),
            ),
            models.CheckConstraint(
                condition=Q(yearly_maximum_ht__isnull=True) | Q(maximum_ht__isnull=True)
                | Q(yearly_maximum_ht__lte=models.F("maximum_ht")),
                name="contract_yearly_maximum_below_maximum",
                violation_error_message=_("Le maximum par période ne peut pas dépasser le maximum total."),
            ),
            models.CheckConstraint(
                condition=Q(renewal_mode=RenewalMode.NONE, max_renewals=0)
                | (~Q(renewal_mode=RenewalMode.NONE) & Q(max_renewals__gte=1)),
                name="contract_renewal_terms_consistent",
                violation_error_message=_("Une reconduction prévoit au moins une période ; sans reconduction, "
                                          "le nombre de reconductions est 0."),
            ),
            models.CheckConstraint(
                condition=Q(advance_granted=False) | Q(advance_rate__gt=0),
                name="contract_advance_has_rate",
                violation_error_message=_("Une avance accordée a un taux."),
            ),
            models.CheckConstraint(
                condition=~Q(guarantee_kind=GuaranteeKind.RETENTION) | Q(retention_rate__gt=0),
                name="contract_retention_has_rate",
                violation_error_message=_("Une retenue de garantie a un taux."),
            ),
            models.CheckConstraint(
                condition=~Q(state=ContractState.TERMINATED) | ~Q(termination_reason=""),
                name="contract_termination_needs_reason",
                violation_error_message=_("Une résiliation doit être motivée."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} — {self.title[:80]}"

    # Amounts -------------------------------------------------------------------------------

    @property
    def maintenance_starts_on(self) -> date | None:
        if not self.maintenance_yearly_ht:
            return None
        if self.maintenance_start == MaintenanceStart.ACCEPTANCE:
            return schedule.months_later(self.accepted_on, 12) if self.accepted_on else None
        return schedule.months_later(self.start_date, 12)

    @property
    def final_end(self) -> date:
        """The last day if every renewal takes place."""
        return self.all_periods()[-1].end

    @property
    def maintenance_years(self) -> int:
        start = self.maintenance_starts_on
        if start is None and self.maintenance_yearly_ht and self.maintenance_start == MaintenanceStart.ACCEPTANCE:
            # Acceptance not yet recorded: counted from the start's anniversary for the estimate.
            start = schedule.months_later(self.start_date, 12)
        return schedule.maintenance_years(maintenance_start=start, contract_end=self.final_end)

    @property
    def initial_amount_ht(self) -> Decimal:
        """The contract's initial amount HT: a framework's maximum over its whole duration, otherwise
        the lump sum plus the maintenance years counted from the start's first anniversary (the most
        the contract allows, whatever the acceptance date). Thresholds and amendments compare with it."""
        if self.is_framework:
            return self.maximum_ht or Decimal("0")
        planned = schedule.maintenance_years(maintenance_start=schedule.months_later(self.start_date, 12),
                                             contract_end=self.final_end) if self.maintenance_yearly_ht else 0
        maintenance = (self.maintenance_yearly_ht or Decimal("0")) * planned
        return round_money((self.amount_ht or Decimal("0")) + maintenance)

    @property
    def total_months(self) -> int:
        """The duration the DECP publishes: the initial duration and every possible renewal."""
        return schedule.total_months(duration_months=self.duration_months, renewal_months=self.renewal_months,
                                     renewals=self.max_renewals)

    # Calendar ------------------------------------------------------------------------------

    def all_periods(self) -> list[schedule.Period]:
        return schedule.periods(start=self.start_date, duration_months=self.duration_months,
                                renewal_months=self.renewal_months, renewals=self.max_renewals)

    def current_periods(self) -> list[schedule.Period]:
        """The periods that have started: the initial one and the renewals carried out."""
        return self.all_periods()[: self.renewal_count + 1]

    @property
    def is_executing(self) -> bool:
        return self.state in EXECUTING

    @property
    def is_closed(self) -> bool:
        return self.state in CLOSED

    def get_abilities(self, user) -> dict[str, bool]:
        from procurement.contracts.abilities import contract_abilities

        return contract_abilities(self, user)

    def clean(self) -> None:
        super().clean()
        from procurement.contracts.rules.terms import contract_term_errors

        errors = contract_term_errors(self)
        if errors:
            raise ValidationError(errors)

    # Transitions: ``contract_transition`` checks abilities and guards, then calls these. ``on`` is
    # the day the transition takes effect.

    @transition(field=state, source=ContractState.TO_SIGN, target=ContractState.SIGNED,
                conditions=[contract_guard("sign")])
    def sign(self, *, by, on: date, reason: str = ""):
        """Signed by the authorised signatory, after the standstill."""
        self.signed_on = on

    @transition(field=state, source=ContractState.SIGNED, target=ContractState.TRANSMITTED,
                conditions=[contract_guard("transmit")])
    def transmit(self, *, by, on: date, reason: str = ""):
        """Sent to the prefecture (legality control) before notification."""
        self.transmitted_on = on
        self.legality_reference = reason or self.legality_reference

    @transition(field=state, source=[ContractState.SIGNED, ContractState.TRANSMITTED], target=ContractState.NOTIFIED,
                conditions=[contract_guard("notify")])
    def notify(self, *, by, on: date, reason: str = ""):
        """The contract exists for both parties."""
        self.notified_on = on

    @transition(field=state, source=list(EXECUTING), target=ContractState.RENEWED,
                conditions=[contract_guard("renew")])
    def renew(self, *, by, on: date, reason: str = ""):
        """A new period starts (tacitly, or by the buyer's decision)."""
        self.renewal_count += 1

    @transition(field=state, source=list(EXECUTING), target=ContractState.ENDED, conditions=[contract_guard("end")])
    def end(self, *, by, on: date, reason: str = ""):
        """The contract reached its term (its last day is recorded), or a framework its maximum."""
        self.ended_on = min(on, self.current_periods()[-1].end)

    @transition(field=state, source=list(EXECUTING), target=ContractState.TERMINATED,
                conditions=[contract_guard("terminate")])
    def terminate(self, *, by, on: date, reason: str = ""):
        self.terminated_on = on
        self.termination_reason = reason
