"""The CAO's decisions and opinions, recorded from one of its meetings, and the block the tender and lot
pages show of what the CAO decided or awaits."""

from __future__ import annotations

from django.contrib import messages
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from procurement.tenders import selectors
from procurement.tenders.enums import BidStatus, CaoOutcome
from procurement.tenders.evaluation.selectors import lot_ranking
from procurement.tenders.forms.cao import CaoDecisionForm, CaoOpinionForm
from procurement.tenders.services.cao import (
    cannot_decide_reason,
    cao_decision_record,
    cao_opinion_record,
    ranking_first_bid_id,
)
from procurement.tenders.views.cao import CaoAccessMixin
from procurement.tenders.views.common import (
    ServiceFormView,
)


class CaoMeetingMixin(CaoAccessMixin):
    def get_cancel_url(self):
        return self.meeting_url()


class CaoDecisionView(CaoMeetingMixin, ServiceFormView):
    """The decision on one lot at a meeting: the ranking's first proposed; another bid needs the
    reason for the difference; the lot may be declared unsuccessful."""

    template_name = "tenders/cao/decision_form.html"
    form_class = CaoDecisionForm
    required_ability = "drive"

    def load_lot(self):
        if getattr(self, "lot", None) is None:
            self.lot = selectors.cao_lot_of_tender(tender=self.tender, number=self.kwargs["number"])
            self.first_bid_id = ranking_first_bid_id(self.lot)
            self.ranks = {}
            if self.first_bid_id is not None:
                self.ranks = {row.bid_id: row.rank for row in lot_ranking(self.lot).ranked}
        return self.lot

    @property
    def title(self):
        lot = self.load_lot()
        return _("Décision de la %(meeting)s — %(reference)s, lot %(number)s") % {
            "meeting": self.meeting, "reference": self.tender.reference, "number": lot.number}

    def get_form(self, data=None, files=None):
        lot = self.load_lot()
        bids = lot.bids.filter(status=BidStatus.COMPLIANT).select_related("vendor").order_by("received_at", "pk")
        initial = {"bid": self.first_bid_id}
        existing = self.meeting.decisions.filter(lot=lot).first()
        if existing is not None:
            initial = {"outcome": existing.outcome, "bid": existing.bid_id,
                       "difference_reason": existing.difference_reason, "reason": existing.reason}
        return CaoDecisionForm(data=data, bids=bids, ranks=self.ranks, initial=initial)

    def get_context_data(self, **kwargs):
        lot = self.load_lot()
        first = next((bid for bid in lot.bids.all() if bid.pk == self.first_bid_id), None)
        return super().get_context_data(lot=lot, first=first, cannot_decide=cannot_decide_reason(self.meeting),
                                        **kwargs)

    def perform(self, form):
        data = form.cleaned_data
        # Declared unsuccessful: the bid proposed in the list is not retained.
        bid = data["bid"] if data["outcome"] == CaoOutcome.AWARD else None
        return cao_decision_record(meeting=self.meeting, lot=self.lot, outcome=data["outcome"], bid=bid,
                                   reason=data["reason"], difference_reason=data["difference_reason"],
                                   by=self.request.user)

    def after_success(self, result):
        messages.success(self.request, _("Décision de la CAO enregistrée pour le lot %(number)s : %(outcome)s.") % {
            "number": self.lot.number, "outcome": result.get_outcome_display().lower()})

    def get_success_url(self, result):
        return reverse("tenders:lot-detail", args=[self.tender.reference, self.lot.number]) + "#cao"


class CaoOpinionView(CaoMeetingMixin, ServiceFormView):
    """The CAO's opinion on an amendment of a contract it awarded (CGCT L.1414-4)."""

    form_class = CaoOpinionForm
    title = gettext_lazy("Avis de la CAO sur un projet d'avenant")
    intro = gettext_lazy("Un avenant qui augmente de plus de 5 % le montant d'un marché attribué par la CAO lui est "
                         "soumis pour avis.")

    def get_form(self, data=None, files=None):
        lots = selectors.awarded_lots_of_authority(authority=self.authority)
        return CaoOpinionForm(data=data, lots=lots)

    def perform(self, form):
        return cao_opinion_record(meeting=self.meeting, **form.cleaned_data, by=self.request.user)

    def after_success(self, result):
        messages.success(self.request, _("Avis enregistré : %(opinion)s.") % {"opinion": result})

    def get_success_url(self, result):
        return self.meeting_url() + "#avis"


# The CAO on the tender and lot pages -------------------------------------------------------------


def cao_lot_block(lot) -> dict | None:
    """What the CAO decided on a formalised lot, or what is awaited and where to record it (None when
    the procedure needs no CAO)."""
    from procurement.tenders.services.cao import formalised

    tender = lot.tender
    if not formalised(tender):
        return None
    status = selectors.cao_lot_status(lot=lot)
    meeting, authority = status["meeting"], tender.programme.authority_id if tender.programme_id else None
    if meeting is not None:
        fix_url = reverse("tenders:cao-decision", args=[meeting.pk, tender.reference, lot.number])
        fix_label = _("Enregistrer la décision de la %(meeting)s") % {"meeting": meeting}
    elif authority is not None:
        fix_url = (reverse("tenders:cao-meeting-create", args=[authority])
                   + f"?consultation={tender.reference}")
        fix_label = _("Enregistrer la réunion de la CAO")
    else:
        fix_url, fix_label = reverse("tenders:cao"), _("Commission d'appel d'offres")
    return {"lot": lot, "decision": status["decision"], "fix_url": fix_url, "fix_label": fix_label,
            "meetings_url": reverse("tenders:cao-meetings", args=[authority]) if authority else reverse("tenders:cao")}
