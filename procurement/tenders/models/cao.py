"""The commission d'appel d'offres (CAO) of a local authority: its members, its meetings (quorum:
more than half of the voting members present; a meeting convened again after a lack of quorum
sits validly whatever the attendance), its decisions per lot and its opinions on amendments
(CGCT L.1411-5, L.1414-2, L.1414-4)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from procurement.core.legal_calendar import short_date
from procurement.core.models import TimeStampedModel
from procurement.core.money import MoneyField
from procurement.tenders.enums import CaoOpinionKind, CaoOutcome, CaoRole

VOTING_ROLES = (CaoRole.PRESIDENT, CaoRole.MEMBER, CaoRole.SUBSTITUTE)


class CaoMember(TimeStampedModel):
    """A seat-holder of the buyer's CAO."""

    authority = models.ForeignKey("programmes.Authority", on_delete=models.PROTECT, related_name="cao_members",
                                  verbose_name=_("acheteur public"))
    name = models.CharField(_("nom"), max_length=200)
    role = models.CharField(_("siège"), max_length=16, choices=CaoRole.choices)
    title = models.CharField(_("qualité"), max_length=200, blank=True)
    active = models.BooleanField(_("en fonction"), default=True)
    # Elected members and the public accountant rarely buy: their account only brings the meetings to
    # their calendar feed.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="cao_seats", verbose_name=_("compte dans l'application"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("membre de la CAO")
        verbose_name_plural = _("membres de la CAO")
        ordering = ["authority_id", "role", "name"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "name"], name="cao_member_unique_name",
                                    violation_error_message=_("Ce membre siège déjà à la CAO de cet acheteur.")),
            models.UniqueConstraint(fields=["authority"], condition=Q(role=CaoRole.PRESIDENT, active=True),
                                    name="cao_single_president",
                                    violation_error_message=_("La CAO a déjà un(e) président(e) en fonction.")),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"


class CaoMeeting(TimeStampedModel):
    """A meeting of the CAO; its quorum is computed from the attendance when it is recorded."""

    authority = models.ForeignKey("programmes.Authority", on_delete=models.PROTECT, related_name="cao_meetings",
                                  verbose_name=_("acheteur public"))
    convened_on = models.DateField(_("convoquée le"))
    held_at = models.DateTimeField(_("réunie le"))
    tenders = models.ManyToManyField("tenders.Tender", blank=True, related_name="cao_meetings",
                                     verbose_name=_("consultations à l'ordre du jour"))
    attendees = models.ManyToManyField(CaoMember, blank=True, related_name="meetings", verbose_name=_("présents"))
    reconvened_from = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reconvened_as",
        verbose_name=_("nouvelle convocation après"),
        help_text=_("La réunion sans quorum qui a conduit à cette nouvelle convocation."),
    )
    voting_seats = models.PositiveSmallIntegerField(_("membres à voix délibérative"), editable=False)
    voting_present = models.PositiveSmallIntegerField(_("membres à voix délibérative présents"), editable=False)
    quorum_reached = models.BooleanField(_("quorum atteint"), editable=False)
    notes = models.TextField(_("observations"), blank=True)

    history = HistoricalRecords(m2m_fields=[attendees])

    class Meta:
        verbose_name = _("réunion de la CAO")
        verbose_name_plural = _("réunions de la CAO")
        ordering = ["authority_id", "held_at"]
        constraints = [
            models.CheckConstraint(condition=Q(voting_present__lte=models.F("voting_seats")),
                                   name="cao_meeting_present_within_seats",
                                   violation_error_message=_("Plus de présents que de sièges à voix délibérative.")),
        ]

    def __str__(self) -> str:
        return f"CAO du {short_date(timezone.localdate(self.held_at))}"

    @property
    def held_on(self):
        return timezone.localdate(self.held_at)

    @property
    def is_second_convocation(self) -> bool:
        return self.reconvened_from_id is not None

    @property
    def sits_validly(self) -> bool:
        """With quorum, or convened again after a meeting without quorum (CGCT L.1411-5)."""
        return self.quorum_reached or self.is_second_convocation

    @property
    def can_decide(self) -> bool:
        """Sits validly and has voting members present: convened again, the CAO sits without quorum,
        but with no voting member present nobody can decide or give an opinion."""
        return self.sits_validly and self.voting_present > 0


class CaoDecision(TimeStampedModel):
    """The CAO's choice for a lot: the holder, or the lot declared unsuccessful."""

    meeting = models.ForeignKey(CaoMeeting, on_delete=models.PROTECT, related_name="decisions",
                                verbose_name=_("réunion"))
    lot = models.ForeignKey("tenders.Lot", on_delete=models.PROTECT, related_name="cao_decisions",
                            verbose_name=_("lot"))
    outcome = models.CharField(_("décision"), max_length=16, choices=CaoOutcome.choices)
    bid = models.ForeignKey("tenders.Bid", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                            verbose_name=_("offre retenue"))
    difference_reason = models.TextField(
        _("motif de l'écart avec le classement"), blank=True,
        help_text=_("Obligatoire quand l'offre retenue n'est pas la première du classement."),
    )
    reason = models.TextField(_("motivation"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("décision de la CAO")
        verbose_name_plural = _("décisions de la CAO")
        ordering = ["meeting_id", "lot_id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "lot"], name="cao_decision_unique_lot",
                                    violation_error_message=_("Cette réunion a déjà décidé de ce lot.")),
            models.CheckConstraint(
                condition=Q(outcome=CaoOutcome.AWARD, bid__isnull=False)
                | Q(outcome=CaoOutcome.UNSUCCESSFUL, bid__isnull=True),
                name="cao_decision_bid_iff_award",
                violation_error_message=_("Une attribution désigne l'offre retenue ; un lot infructueux n'en a pas."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting} — lot {self.lot.number} : {self.get_outcome_display()}"


class CaoOpinion(TimeStampedModel):
    """The CAO's opinion on an amendment raising by more than 5 % a contract it awarded (CGCT L.1414-4)."""

    meeting = models.ForeignKey(CaoMeeting, on_delete=models.PROTECT, related_name="opinions",
                                verbose_name=_("réunion"))
    lot = models.ForeignKey("tenders.Lot", on_delete=models.PROTECT, related_name="cao_opinions",
                            verbose_name=_("lot du marché"))
    subject = models.CharField(_("objet de l'avenant"), max_length=500)
    amount_change_ht = MoneyField(_("incidence HT présentée"))
    opinion = models.CharField(_("avis"), max_length=16, choices=CaoOpinionKind.choices)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("avis de la CAO sur un avenant")
        verbose_name_plural = _("avis de la CAO sur des avenants")
        ordering = ["meeting_id", "pk"]

    def __str__(self) -> str:
        return f"{self.meeting} — {self.get_opinion_display().lower()} : {self.subject[:60]}"

    @property
    def reference(self) -> str:
        return f"{self.meeting}, {self.get_opinion_display().lower()}"
