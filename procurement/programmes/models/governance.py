"""The programme's calendar and governance: phases and milestones, governance bodies (COPIL, RMB,
COPROJ) with their meetings and decisions, and the council's acts that authorise signing contracts
(the delegation to the executive and specific deliberations).

This module reads no other domain app: what a contract is, the contracts app says; it asks
``CouncilAct.coverage_refusals`` with plain values.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from procurement.core.legal_calendar import short_date
from procurement.core.models import TimeStampedModel
from procurement.core.money import MoneyField, format_eur
from procurement.programmes.enums import BodyKind, CouncilActKind


def late_days(*, planned_end: date, actual_end: date | None, today: date) -> int:
    """Days past the planned end: against the actual end once the phase is over, against ``today``
    while it is open; 0 when not late."""
    reference = actual_end if actual_end is not None else today
    return max(0, (reference - planned_end).days)


class Phase(TimeStampedModel):
    """A phase of the programme, planned and actual dates (a month of the plan runs from its first
    to its last day)."""

    programme = models.ForeignKey("programmes.Programme", on_delete=models.CASCADE, related_name="phases",
                                  verbose_name=_("programme"))
    position = models.PositiveSmallIntegerField(_("ordre"))
    name = models.CharField(_("intitulé"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    planned_start = models.DateField(_("début prévu"))
    planned_end = models.DateField(_("fin prévue"))
    actual_start = models.DateField(_("début réel"), null=True, blank=True)
    actual_end = models.DateField(_("fin réelle"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["programme_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "position"], name="phase_unique_position",
                                    violation_error_message=_("Ce programme a déjà une phase à cette place.")),
            models.UniqueConstraint(fields=["programme", "name"], name="phase_unique_name",
                                    violation_error_message=_("Ce programme a déjà une phase de cet intitulé.")),
            models.CheckConstraint(condition=Q(planned_end__gte=models.F("planned_start")),
                                   name="phase_planned_ordered",
                                   violation_error_message=_("La fin prévue d'une phase suit son début prévu.")),
            models.CheckConstraint(
                condition=Q(actual_end__isnull=True) | Q(actual_start__isnull=False),
                name="phase_actual_end_needs_start",
                violation_error_message=_("Une phase achevée a une date de début réelle."),
            ),
            models.CheckConstraint(
                condition=Q(actual_end__isnull=True) | Q(actual_end__gte=models.F("actual_start")),
                name="phase_actual_ordered",
                violation_error_message=_("La fin réelle d'une phase suit son début réel."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.name}"

    def late_days(self, *, today: date) -> int:
        return late_days(planned_end=self.planned_end, actual_end=self.actual_end, today=today)


class Milestone(TimeStampedModel):
    """A dated milestone (jalon) of the programme, optionally within a phase."""

    programme = models.ForeignKey("programmes.Programme", on_delete=models.CASCADE, related_name="milestones",
                                  verbose_name=_("programme"))
    phase = models.ForeignKey(Phase, on_delete=models.SET_NULL, null=True, blank=True, related_name="milestones",
                              verbose_name=_("phase"))
    name = models.CharField(_("intitulé"), max_length=200)
    planned_on = models.DateField(_("date prévue"))
    actual_on = models.DateField(_("date réelle"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("jalon")
        verbose_name_plural = _("jalons")
        ordering = ["programme_id", "planned_on", "name"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "name"], name="milestone_unique_name",
                                    violation_error_message=_("Ce programme a déjà un jalon de cet intitulé.")),
        ]

    def __str__(self) -> str:
        return self.name

    def late_days(self, *, today: date) -> int:
        return late_days(planned_end=self.planned_on, actual_end=self.actual_on, today=today)


class GovernanceBody(TimeStampedModel):
    """A governance body of the programme (COPIL, RMB, COPROJ)."""

    programme = models.ForeignKey("programmes.Programme", on_delete=models.CASCADE, related_name="bodies",
                                  verbose_name=_("programme"))
    kind = models.CharField(_("instance"), max_length=16, choices=BodyKind.choices)
    name = models.CharField(_("nom"), max_length=200)
    composition = models.TextField(_("composition"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("instance de gouvernance")
        verbose_name_plural = _("instances de gouvernance")
        ordering = ["programme_id", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "name"], name="body_unique_name",
                                    violation_error_message=_("Ce programme a déjà une instance de ce nom.")),
        ]

    def __str__(self) -> str:
        return self.name


class BodyMeeting(TimeStampedModel):
    """A meeting of a governance body."""

    body = models.ForeignKey(GovernanceBody, on_delete=models.CASCADE, related_name="meetings",
                             verbose_name=_("instance"))
    held_on = models.DateField(_("date"))
    agenda = models.TextField(_("ordre du jour"), blank=True)
    attendees = models.TextField(_("participants"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("réunion d'instance")
        verbose_name_plural = _("réunions d'instance")
        ordering = ["body_id", "held_on"]
        constraints = [
            models.UniqueConstraint(fields=["body", "held_on"], name="body_meeting_unique_day",
                                    violation_error_message=_("Cette instance s'est déjà réunie ce jour-là.")),
        ]

    def __str__(self) -> str:
        return f"{self.body} — {short_date(self.held_on)}"


class BodyDecision(TimeStampedModel):
    """A decision taken by a governance body at a meeting (for example the choice of a scenario)."""

    meeting = models.ForeignKey(BodyMeeting, on_delete=models.CASCADE, related_name="decisions",
                                verbose_name=_("réunion"))
    subject = models.CharField(_("objet"), max_length=300)
    decision = models.TextField(_("décision"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("décision d'instance")
        verbose_name_plural = _("décisions d'instance")
        ordering = ["meeting_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "subject"], name="body_decision_unique_subject",
                                    violation_error_message=_("Cette réunion a déjà une décision sur cet objet.")),
        ]

    def __str__(self) -> str:
        return self.subject


class CouncilAct(TimeStampedModel):
    """The council's delegation to the executive, or a specific deliberation, authorising the
    signature of contracts: within an amount (HT), a period, and an object (a programme, and for a
    deliberation the consultations it names)."""

    authority = models.ForeignKey("programmes.Authority", on_delete=models.PROTECT, related_name="council_acts",
                                  verbose_name=_("acheteur public"))
    kind = models.CharField(_("nature de l'acte"), max_length=16, choices=CouncilActKind.choices)
    reference = models.CharField(_("référence"), max_length=60)
    adopted_on = models.DateField(_("adoptée le"))
    object = models.CharField(_("objet"), max_length=500)
    amount_limit_ht = MoneyField(_("montant maximal HT"), null=True, blank=True,
                                 help_text=_("Vide : sans limite de montant."))
    valid_from = models.DateField(_("en vigueur du"))
    valid_to = models.DateField(_("en vigueur jusqu'au (inclus)"), null=True, blank=True,
                                help_text=_("Pour une délégation : la fin du mandat."))
    programme = models.ForeignKey("programmes.Programme", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="council_acts", verbose_name=_("programme concerné"),
                                  help_text=_("Vide : tous les marchés de l'acheteur."))
    tender_references = models.JSONField(
        _("consultations visées"), default=list, blank=True,
        help_text=_("Références des consultations dont l'acte autorise la signature ; vide : toutes."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("délégation ou délibération")
        verbose_name_plural = _("délégations et délibérations")
        ordering = ["authority_id", "-adopted_on", "reference"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "reference"], name="council_act_unique_reference",
                                    violation_error_message=_("Cet acheteur a déjà un acte de cette référence.")),
            models.CheckConstraint(condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                                   name="council_act_period_ordered",
                                   violation_error_message=_("La fin de validité de l'acte suit son début.")),
            models.CheckConstraint(condition=Q(valid_from__gte=models.F("adopted_on")),
                                   name="council_act_valid_after_adoption",
                                   violation_error_message=_("Un acte n'est en vigueur qu'après son adoption.")),
            models.CheckConstraint(condition=Q(amount_limit_ht__isnull=True) | Q(amount_limit_ht__gt=0),
                                   name="council_act_limit_positive",
                                   violation_error_message=_("Le montant maximal de l'acte est positif.")),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reference} du {short_date(self.adopted_on)}"

    @property
    def label(self) -> str:
        return str(self)

    def coverage_refusals(self, *, amount_ht: Decimal, on: date, authority_id: int | None,
                          programme_id: int | None, tender_reference: str) -> list[str]:
        """Why this act does not authorise signing, on ``on``, a contract of ``amount_ht`` (its initial
        amount HT) from consultation ``tender_reference`` of programme ``programme_id``; empty when it does."""
        refusals = []
        name = str(self)
        if authority_id is not None and authority_id != self.authority_id:
            refusals.append(f"{name} émane d'un autre acheteur public.")
        if on < self.valid_from:
            refusals.append(f"{name} n'entre en vigueur que le {short_date(self.valid_from)} : "
                            f"elle ne couvre pas une signature le {short_date(on)}.")
        elif self.valid_to is not None and on > self.valid_to:
            refusals.append(f"{name} a pris fin le {short_date(self.valid_to)} : "
                            f"elle ne couvre pas une signature le {short_date(on)}.")
        if self.amount_limit_ht is not None and amount_ht > self.amount_limit_ht:
            refusals.append(f"{name} est limitée à {format_eur(self.amount_limit_ht)} HT : le marché "
                            f"({format_eur(amount_ht)} HT) la dépasse.")
        if self.programme_id is not None and programme_id != self.programme_id:
            refusals.append(f"{name} porte sur le programme {self.programme.reference}, pas sur ce marché.")
        if self.tender_references and tender_reference not in self.tender_references:
            refusals.append(f"{name} vise les consultations {', '.join(self.tender_references)}, "
                            f"pas {tender_reference}.")
        return refusals
