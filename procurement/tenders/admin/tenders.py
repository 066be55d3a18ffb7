"""Administration of the tenders app: read-only.

Tenders, lots, criteria, bids, opening records, questions and the CAO's meetings, decisions and
opinions change through their services only (the need's services date the last change the DCE must
follow; the transition services check the guards and write the log; bids are facts). Bid prices and
files stay sealed in the admin too, until the tender's opening: the amount fields and the files are
not shown on a sealed bid, and the list never shows an amount. CAO members are edited here.
"""

from django.contrib import admin
from django.db import models
from django.db.models.constants import LOOKUP_SEP
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from procurement.core.admin.readonly import ReadOnlyAdmin, ReadOnlyAdminMixin, ReadOnlyInline
from procurement.tenders.models import (
    Bid,
    BidFile,
    BidFileDownload,
    CaoDecision,
    CaoMeeting,
    CaoMember,
    CaoOpinion,
    Criterion,
    Lot,
    OpeningRecord,
    Question,
    Tender,
    TransitionLog,
)

BID_AMOUNT_FIELDS = ("amount_ht", "vat_rate", "negotiated_amount_ht")


class LotInline(ReadOnlyInline):
    model = Lot
    extra = 0
    fields = ["number", "title", "estimated_amount_ht", "options_amount_ht", "state"]
    readonly_fields = ["state"]
    show_change_link = True


@admin.register(Tender)
class TenderAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["reference", "object", "state", "procedure"]
    list_filter = ["state", "procedure", "nature"]
    search_fields = ["reference", "object", "cpv_code"]
    list_select_related = ["programme"]
    readonly_fields = ["state", "procedure", "abandon_reason", "relaunched_from", "created_at", "updated_at"]
    inlines = [LotInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["reference", "programme", "object", "nature", "cpv_code", "place_code",
                           "place_code_type", "buyer"]}),
        (_("Durée"), {"fields": ["duration_months", "renewals", "renewal_months", "is_framework"]}),
        (_("Calendrier et dossier"), {"fields": ["consultation_start", "notice_sent_on", "bid_deadline",
                                                 "buyer_profile_url", "mapa_negotiation"]}),
        (_("Données essentielles (DECP)"), {"fields": ["price_form", "price_types", "techniques", "execution_modes",
                                                       "ccag", "innovative", "social_considerations",
                                                       "environmental_considerations"]}),
        (_("Cycle de vie"), {"fields": ["state", "procedure", "abandon_reason", "relaunched_from", "created_at",
                                        "updated_at"]}),
    ]


@admin.register(Lot)
class LotAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["tender", "number", "title", "estimated_amount_ht", "state"]
    list_filter = ["state"]
    search_fields = ["tender__reference", "title"]
    list_select_related = ["tender"]
    fields = ["tender", "number", "title", "description", "estimated_amount_ht", "options_amount_ht", "state",
              "winner", "decision_reason", "decided_at"]


@admin.register(Criterion)
class CriterionAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "lot", "kind", "points", "parent", "position"]
    list_filter = ["kind"]
    search_fields = ["name", "lot__tender__reference"]
    list_select_related = ["lot__tender", "parent"]


@admin.register(Question)
class QuestionAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["tender", "asked_at", "__str__", "answered_at"]
    search_fields = ["tender__reference", "text", "answer"]
    list_select_related = ["tender"]


@admin.register(OpeningRecord)
class OpeningRecordAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["tender", "opened_at", "opened_by"]
    search_fields = ["tender__reference"]
    list_select_related = ["tender", "opened_by"]


@admin.register(TransitionLog)
class TransitionLogAdmin(ReadOnlyAdmin):
    """The log is written by the services only."""

    list_display = ["at", "tender", "lot", "transition", "source", "target", "by"]
    list_filter = ["transition", "target"]
    search_fields = ["tender__reference", "reason"]
    list_select_related = ["tender", "lot", "by"]


class BidFileInline(ReadOnlyInline):
    """The files of an opened bid, downloaded through the page that checks the opening."""

    model = BidFile
    extra = 0
    fields = ["original_name", "size", "sha256", "uploaded_at", "download"]
    readonly_fields = fields

    @admin.display(description=_("fichier"))
    def download(self, bid_file):
        url = reverse("tenders:bid-file", args=[bid_file.bid.lot.tender.reference, bid_file.pk])
        return format_html('<a href="{}">{}</a>', url, _("Télécharger"))


@admin.register(BidFileDownload)
class BidFileDownloadAdmin(ReadOnlyAdmin):
    """The downloads of the bids' files, written by the download page only (files are readable only
    after the opening, so the log names no sealed file)."""

    list_display = ["downloaded_at", "user", "file_name", "bid", "tender"]
    list_filter = ["downloaded_at"]
    search_fields = ["bid_file__bid__lot__tender__reference", "bid_file__bid__vendor__name", "user__username",
                     "user__last_name"]
    list_select_related = ["user", "bid_file__bid__vendor", "bid_file__bid__lot__tender"]
    fields = ["downloaded_at", "user", "file_name", "bid", "tender"]
    readonly_fields = fields
    date_hierarchy = "downloaded_at"

    @admin.display(description=_("fichier"), ordering="bid_file__original_name")
    def file_name(self, download):
        return download.bid_file.original_name

    @admin.display(description=_("offre"))
    def bid(self, download):
        return download.bid_file.bid

    @admin.display(description=_("consultation"))
    def tender(self, download):
        return download.bid_file.bid.lot.tender.reference


def _unsealed(bid) -> bool:
    return bid is not None and not bid.is_sealed


@admin.register(Bid)
class BidAdmin(ReadOnlyAdmin):
    """No history view here: the historical rows hold the amounts, which stay sealed until the opening.
    Bids are received through the tender's page (the time of receipt is the server's, or a paper
    deposit's with its reason), recorded at the opening and regularised or negotiated through theirs."""

    list_display = ["vendor", "lot", "received_at", "channel", "status"]
    list_filter = ["status", "channel"]
    search_fields = ["vendor__name", "lot__tender__reference"]
    list_select_related = ["vendor", "lot__tender"]
    base_fields = ["lot", "vendor", "received_at", "channel", "deposit_reason", "status", "status_reason",
                   "candidature_form", "exclusion_declaration", "capacities", "admissible", "admissibility_reason",
                   "regularised", "regularisation_note", "recorded_by", "created_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("lot__tender", "vendor")

    def get_fields(self, request, obj=None):
        if _unsealed(obj):
            return [*self.base_fields, *BID_AMOUNT_FIELDS]
        return list(self.base_fields)

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    def get_inlines(self, request, obj):
        return [BidFileInline] if _unsealed(obj) else []

    def lookup_allowed(self, lookup, value, request=None):
        # The admin accepts any lookup on a model's own fields in the query string: ?amount_ht__gt=…
        # would let one bisect a sealed amount from the number of bids listed. Amounts are not filters.
        if lookup.split(LOOKUP_SEP)[0] in BID_AMOUNT_FIELDS:
            return False
        return super().lookup_allowed(lookup, value, request)


# The CAO: members are edited here; meetings, decisions and opinions go through the services (the
# quorum is computed when a meeting is recorded), so the admin shows them read-only.


@admin.register(CaoMember)
class CaoMemberAdmin(SimpleHistoryAdmin):
    list_display = ["name", "role", "title", "authority", "active"]
    list_filter = ["authority", "role", "active"]
    search_fields = ["name", "title"]


class CaoDecisionInline(ReadOnlyInline):
    model = CaoDecision
    fields = ["lot", "outcome", "bid", "reason", "difference_reason"]
    readonly_fields = fields
    extra = 0


@admin.register(CaoMeeting)
class CaoMeetingAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["__str__", "authority", "voting_present", "voting_seats", "quorum_reached", "reconvened_from"]
    list_filter = ["authority", "quorum_reached"]
    readonly_fields = ["authority", "convened_on", "held_at", "tenders", "attendees", "reconvened_from",
                       "voting_seats", "voting_present", "quorum_reached"]
    inlines = [CaoDecisionInline]


@admin.register(CaoOpinion)
class CaoOpinionAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["__str__", "lot", "amount_change_ht", "opinion"]
    readonly_fields = ["meeting", "lot", "subject", "amount_change_ht", "opinion"]
