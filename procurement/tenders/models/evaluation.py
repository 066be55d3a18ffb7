"""The evaluation of the bids: the committee, its declarations of interest, the blind scoring round,
the committee's final scores and the review of abnormally low bids. Every row keeps its history."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from procurement.tenders.enums import (
    AbnormallyLowDecision,
    AbnormallyLowMethod,
    ConsolidationMethod,
    TieBreak,
)

PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


class EvaluationSettings(models.Model):
    """How a tender's bids are consolidated and screened, announced in the RC; defaults apply
    when a tender has no row."""

    tender = models.OneToOneField("tenders.Tender", on_delete=models.CASCADE, related_name="evaluation_settings",
                                  verbose_name=_("consultation"))
    consolidation = models.CharField(_("consolidation des notes"), max_length=8, choices=ConsolidationMethod.choices,
                                     default=ConsolidationMethod.MEAN)
    tie_break = models.CharField(_("départage des ex aequo"), max_length=24, choices=TieBreak.choices,
                                 default=TieBreak.PRICE_THEN_TECHNICAL)
    dispersion_threshold_percent = models.DecimalField(
        _("seuil de dispersion (% des points du critère)"), max_digits=5, decimal_places=2, default=Decimal("25"),
        validators=PERCENT,
        help_text=_("Un écart entre la note la plus haute et la plus basse au-delà de ce seuil est signalé."),
    )
    oab_method = models.CharField(_("détection des offres anormalement basses"), max_length=16,
                                  choices=AbnormallyLowMethod.choices, default=AbnormallyLowMethod.REDUCED_MEAN)
    oab_exclusion_factor = models.DecimalField(
        _("moyenne réduite : offres écartées au-delà de (× moyenne)"), max_digits=4, decimal_places=2,
        default=Decimal("1.20"), validators=[MinValueValidator(Decimal("1"))],
    )
    oab_gap_percent = models.DecimalField(_("moyenne réduite : écart sous la nouvelle moyenne (%)"), max_digits=5,
                                          decimal_places=2, default=Decimal("10"), validators=PERCENT)
    oab_sd_factor = models.DecimalField(_("nombre d'écarts types sous la moyenne"), max_digits=4, decimal_places=2,
                                        default=Decimal("1"), validators=[MinValueValidator(Decimal("0"))])
    oab_lowest_gap_mean_percent = models.DecimalField(
        _("offre la plus basse : écart sous la moyenne des autres offres (%)"), max_digits=5, decimal_places=2,
        default=Decimal("40"), validators=PERCENT,
        help_text=_("Méthode de l'écart : l'offre la plus basse est signalée si elle est inférieure d'au moins ce "
                    "pourcentage à la moyenne des autres offres."),
    )
    oab_lowest_gap_next_percent = models.DecimalField(
        _("offre la plus basse : écart sous l'offre suivante (%)"), max_digits=5, decimal_places=2,
        default=Decimal("30"), validators=PERCENT,
        help_text=_("Méthode de l'écart et moyenne réduite : l'offre la plus basse est signalée si elle est inférieure "
                    "d'au moins ce pourcentage à l'offre classée juste après elle."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("règles d'évaluation")
        verbose_name_plural = _("règles d'évaluation")
        constraints = [
            models.CheckConstraint(
                condition=Q(dispersion_threshold_percent__gte=0) & Q(dispersion_threshold_percent__lte=100),
                name="evaluation_dispersion_threshold_range",
                violation_error_message=_("Le seuil de dispersion est compris entre 0 et 100 %%."),
            ),
        ]

    def __str__(self) -> str:
        return f"Règles d'évaluation {self.tender.reference}"


class CommitteeMember(models.Model):
    tender = models.ForeignKey("tenders.Tender", on_delete=models.CASCADE, related_name="committee",
                               verbose_name=_("consultation"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="committee_seats",
                             verbose_name=_("évaluateur"))
    is_chair = models.BooleanField(_("président"), default=False)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("désigné par"))
    assigned_at = models.DateTimeField(_("désigné le"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("membre de la commission d'évaluation")
        verbose_name_plural = _("membres de la commission d'évaluation")
        ordering = ["tender", "-is_chair", "user__last_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["tender", "user"], name="committee_member_unique",
                                    violation_error_message=_("Cette personne siège déjà à la commission.")),
            models.UniqueConstraint(fields=["tender"], condition=Q(is_chair=True), name="committee_one_chair",
                                    violation_error_message=_("La commission a déjà un président.")),
        ]

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.username


class ConflictDeclaration(models.Model):
    """Signed before seeing any bid, with the bidders' names in front of the evaluator."""

    member = models.ForeignKey(CommitteeMember, on_delete=models.CASCADE, related_name="declarations",
                               verbose_name=_("membre"))
    lot = models.ForeignKey("tenders.Lot", on_delete=models.CASCADE, related_name="conflict_declarations",
                            verbose_name=_("lot"))
    has_conflict = models.BooleanField(_("conflit d'intérêts déclaré"))
    bidders_shown = models.JSONField(_("candidats présentés"), default=list)
    comment = models.TextField(_("précisions"), blank=True)
    declared_at = models.DateTimeField(_("déclaré le"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("déclaration d'absence de conflit d'intérêts")
        verbose_name_plural = _("déclarations d'absence de conflit d'intérêts")
        ordering = ["lot", "declared_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["member", "lot"], name="conflict_declaration_unique",
                                    violation_error_message=_("Ce membre a déjà signé sa déclaration pour ce lot.")),
            models.CheckConstraint(condition=Q(has_conflict=False) | ~Q(comment=""),
                                   name="conflict_declaration_explained",
                                   violation_error_message=_("Précisez la nature du conflit d'intérêts.")),
        ]

    def __str__(self) -> str:
        return f"{self.member} — lot {self.lot.number} : {'conflit' if self.has_conflict else 'aucun conflit'}"


class Score(models.Model):
    """One evaluator's note for one bid on one qualitative criterion, on the criterion's scale."""

    lot = models.ForeignKey("tenders.Lot", on_delete=models.CASCADE, related_name="scores", verbose_name=_("lot"))
    bid = models.ForeignKey("tenders.Bid", on_delete=models.CASCADE, related_name="scores", verbose_name=_("offre"))
    criterion = models.ForeignKey("tenders.Criterion", on_delete=models.CASCADE, related_name="scores",
                                  verbose_name=_("critère"))
    evaluator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="scores",
                                  verbose_name=_("évaluateur"))
    value = models.DecimalField(_("note"), max_digits=5, decimal_places=2, validators=[MinValueValidator(0)])
    comment = models.TextField(_("commentaire"))
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("note d'un évaluateur")
        verbose_name_plural = _("notes des évaluateurs")
        constraints = [
            models.UniqueConstraint(
                fields=["bid", "criterion", "evaluator"], name="score_unique",
                violation_error_message=_("Cet évaluateur a déjà noté cette offre sur ce critère."),
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="score_not_negative",
                                   violation_error_message=_("Une note ne peut pas être négative.")),
            models.CheckConstraint(condition=~Q(comment=""), name="score_commented",
                                   violation_error_message=_("Chaque note est justifiée par un commentaire.")),
        ]

    def __str__(self) -> str:
        return f"{self.criterion.name} : {self.value}"


class Submission(models.Model):
    """An evaluator hands in their notes for a lot; they can no longer change them."""

    lot = models.ForeignKey("tenders.Lot", on_delete=models.CASCADE, related_name="submissions",
                            verbose_name=_("lot"))
    evaluator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("évaluateur"))
    submitted_at = models.DateTimeField(_("soumises le"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("remise des notes")
        verbose_name_plural = _("remises des notes")
        constraints = [
            models.UniqueConstraint(fields=["lot", "evaluator"], name="submission_unique",
                                    violation_error_message=_("Ces notes ont déjà été soumises.")),
        ]

    def __str__(self) -> str:
        return f"Notes de {self.evaluator} — lot {self.lot.number}"


class RoundClosure(models.Model):
    """The chair ends the blind round before every evaluator has submitted, with a reason."""

    lot = models.OneToOneField("tenders.Lot", on_delete=models.CASCADE, related_name="round_closure",
                               verbose_name=_("lot"))
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("clos par"))
    reason = models.TextField(_("motif"))
    closed_at = models.DateTimeField(_("clos le"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("clôture du tour de notation")
        verbose_name_plural = _("clôtures des tours de notation")
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="round_closure_explained",
                                   violation_error_message=_("La clôture anticipée du tour doit être motivée.")),
        ]

    def __str__(self) -> str:
        return f"Clôture du lot {self.lot.number}"


class CommitteeScore(models.Model):
    """The committee's final note on a criterion, replacing the consolidated one, with its reasons."""

    bid = models.ForeignKey("tenders.Bid", on_delete=models.CASCADE, related_name="committee_scores",
                            verbose_name=_("offre"))
    criterion = models.ForeignKey("tenders.Criterion", on_delete=models.CASCADE, related_name="committee_scores",
                                  verbose_name=_("critère"))
    value = models.DecimalField(_("note de la commission"), max_digits=5, decimal_places=2,
                                validators=[MinValueValidator(0)])
    justification = models.TextField(_("justification"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                           verbose_name=_("arrêtée par"))
    at = models.DateTimeField(_("arrêtée le"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("note arrêtée par la commission")
        verbose_name_plural = _("notes arrêtées par la commission")
        constraints = [
            models.UniqueConstraint(fields=["bid", "criterion"], name="committee_score_unique",
                                    violation_error_message=_("La commission a déjà arrêté cette note.")),
            models.CheckConstraint(condition=Q(value__gte=0), name="committee_score_not_negative",
                                   violation_error_message=_("Une note ne peut pas être négative.")),
            models.CheckConstraint(condition=~Q(justification=""), name="committee_score_justified",
                                   violation_error_message=_("La note arrêtée par la commission est justifiée.")),
        ]

    def __str__(self) -> str:
        return f"{self.criterion.name} : {self.value} (commission)"


class AbnormallyLowReview(models.Model):
    """A bid detected as abnormally low: justification asked, then the buyer's decision (R.2152-3)."""

    bid = models.OneToOneField("tenders.Bid", on_delete=models.CASCADE, related_name="abnormally_low_review",
                               verbose_name=_("offre"))
    # Blank when the buyer suspects the bid without the method flagging it.
    detected_by_method = models.CharField(_("méthode de détection"), max_length=16,
                                          choices=AbnormallyLowMethod.choices, blank=True)
    detection_detail = models.TextField(_("calcul de détection"), blank=True)
    justification_requested_on = models.DateField(_("justification demandée le"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("demandée par"))
    justification_received_on = models.DateField(_("justification reçue le"), null=True, blank=True)
    decision = models.CharField(_("décision"), max_length=8, choices=AbnormallyLowDecision.choices,
                                default=AbnormallyLowDecision.PENDING)
    reason = models.TextField(_("motif de la décision"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("décidée par"))
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("examen d'une offre anormalement basse")
        verbose_name_plural = _("examens des offres anormalement basses")
        constraints = [
            models.CheckConstraint(
                condition=Q(decision=AbnormallyLowDecision.PENDING) | (~Q(reason="") & Q(decided_by__isnull=False)),
                name="abnormally_low_decision_explained",
                violation_error_message=_("La décision sur une offre anormalement basse est motivée."),
            ),
            models.CheckConstraint(
                condition=Q(justification_received_on__isnull=True)
                | Q(justification_received_on__gte=models.F("justification_requested_on")),
                name="abnormally_low_received_after_request",
                violation_error_message=_("La justification ne peut pas être reçue avant d'être demandée."),
            ),
        ]

    def __str__(self) -> str:
        return f"Offre anormalement basse : {self.bid.vendor} ({self.get_decision_display()})"

    @property
    def is_decided(self) -> bool:
        return self.decision != AbnormallyLowDecision.PENDING
