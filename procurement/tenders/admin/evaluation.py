"""Administration of the evaluation and of the generated documents: read-only records.

They are written by the services only (committee, declarations, submissions, round closures,
committee scores, abnormally-low reviews; DCE generations and letters). The evaluators' notes
(``Score``) are not registered at all: the admin would show them while the round is still blind.
Generated files are downloaded through the pages, which check who may read them.
"""

from django.contrib import admin

from procurement.core.admin.readonly import ReadOnlyAdmin
from procurement.tenders.models import (
    AbnormallyLowReview,
    CommitteeMember,
    CommitteeScore,
    ConflictDeclaration,
    DceGeneration,
    EvaluationSettings,
    LetterDocument,
    RoundClosure,
    Submission,
)


@admin.register(EvaluationSettings)
class EvaluationSettingsAdmin(ReadOnlyAdmin):
    list_display = ["tender", "consolidation", "tie_break", "dispersion_threshold_percent", "oab_method"]
    list_select_related = ["tender"]


@admin.register(CommitteeMember)
class CommitteeMemberAdmin(ReadOnlyAdmin):
    list_display = ["tender", "user", "is_chair"]
    list_select_related = ["tender", "user"]
    search_fields = ["tender__reference", "user__username", "user__last_name"]


@admin.register(ConflictDeclaration)
class ConflictDeclarationAdmin(ReadOnlyAdmin):
    list_display = ["lot", "member", "has_conflict", "declared_at"]
    list_filter = ["has_conflict"]
    list_select_related = ["lot__tender", "member__user", "member__tender"]
    search_fields = ["lot__tender__reference", "member__user__username"]


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    list_display = ["lot", "evaluator", "submitted_at"]
    list_select_related = ["lot__tender", "evaluator"]


@admin.register(RoundClosure)
class RoundClosureAdmin(ReadOnlyAdmin):
    list_display = ["lot", "closed_by", "closed_at"]
    list_select_related = ["lot__tender", "closed_by"]


@admin.register(CommitteeScore)
class CommitteeScoreAdmin(ReadOnlyAdmin):
    """Committee scores are set after the blind round, on the ranking page."""

    list_display = ["bid", "criterion", "value", "by", "at"]
    list_select_related = ["bid__vendor", "bid__lot__tender", "criterion", "by"]


@admin.register(AbnormallyLowReview)
class AbnormallyLowReviewAdmin(ReadOnlyAdmin):
    list_display = ["bid", "detected_by_method", "justification_requested_on", "decision", "decided_at"]
    list_filter = ["decision"]
    list_select_related = ["bid__vendor", "bid__lot__tender"]


@admin.register(DceGeneration)
class DceGenerationAdmin(ReadOnlyAdmin):
    list_display = ["tender", "version", "generated_at", "generated_by", "archive_name"]
    list_select_related = ["tender", "generated_by"]
    search_fields = ["tender__reference"]


@admin.register(LetterDocument)
class LetterDocumentAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "version", "sent_on", "standstill_end", "generated_at"]
    list_filter = ["kind"]
    list_select_related = ["lot__tender"]
    search_fields = ["name", "lot__tender__reference"]
