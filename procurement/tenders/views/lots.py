"""Lot pages: the lot's form (draft only), its page with criteria, bids and the award in order, and its
decisions."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from procurement.core.selectors import ReferenceValueMissing
from procurement.core.views.service_forms import TransitionView, error_messages
from procurement.tenders import selectors
from procurement.tenders.enums import BidStatus, CaoOutcome, LotState, TenderState
from procurement.tenders.evaluation.selectors import lot_ranking
from procurement.tenders.forms.lots import (
    LotDecisionForm,
    LotForm,
)
from procurement.tenders.models import Lot
from procurement.tenders.models.bids import UNSEALED_STATES
from procurement.tenders.rules.guards import lot_award_blockers, lot_criteria_errors, lot_refusals
from procurement.tenders.services import need
from procurement.tenders.services.transitions import LOT_TRANSITIONS, NotAllowed, TransitionRefused, lot_transition
from procurement.tenders.views.cao_decisions import cao_lot_block
from procurement.tenders.views.common import (
    LOT_TRANSITION_LABELS,
    LotMixin,
    ServiceFormView,
    bid_register,
    candidate_transitions,
    state_label,
)


def _lot_fields(form) -> dict:
    fields = dict(form.cleaned_data)
    if fields.get("number") is None:
        fields.pop("number", None)
    return fields


class LotCreateView(ServiceFormView):
    required_ability = "edit"
    form_class = LotForm
    success_message = gettext_lazy("Le lot a été enregistré ; l'avis de procédure est recalculé.")

    @property
    def title(self):
        return _("Nouveau lot de la consultation %(reference)s") % {"reference": self.tender.reference}

    def get_form(self, data=None, files=None):
        return LotForm(data=data, files=files, instance=Lot(tender=self.tender))

    def perform(self, form):
        return need.lot_save(tender=self.tender, by=self.request.user, **_lot_fields(form))

    def get_success_url(self, result):
        return reverse("tenders:lot-detail", args=[self.tender.reference, result.number])


class LotUpdateView(LotMixin, LotCreateView):
    success_message = gettext_lazy("Le lot a été mis à jour ; l'avis de procédure est recalculé.")

    @property
    def title(self):
        return _("Modifier le lot %(number)s de la consultation %(reference)s") % {
            "number": self.lot.number, "reference": self.tender.reference}

    def get_form(self, data=None, files=None):
        return LotForm(data=data, files=files, instance=selectors.lot_fresh(pk=self.lot.pk))

    def perform(self, form):
        lot = selectors.lot_fresh(pk=self.lot.pk)
        return need.lot_save(tender=self.tender, by=self.request.user, lot=lot, **_lot_fields(form))

    def get_cancel_url(self):
        return self.lot_url()


class LotDeleteView(LotMixin, View):
    http_method_names = ["post"]
    required_ability = "edit"

    def post(self, request, *args, **kwargs):
        try:
            need.lot_delete(lot=self.lot, by=request.user)
        except ValidationError as error:
            error_messages(request, error.messages)
            return redirect(self.lot_url())
        messages.success(request, _("Le lot %(number)s a été supprimé.") % {"number": self.lot.number})
        return redirect("tenders:detail", reference=self.tender.reference)


def criteria_rows(lot) -> list[dict]:
    """The lot's criteria as a tree of rows (parents first, in their order) for the page."""
    criteria = sorted(lot.criteria.all(), key=lambda c: (c.position, c.pk))
    roots = [c for c in criteria if c.parent_id is None]
    return [{"criterion": root, "children": [c for c in criteria if c.parent_id == root.pk]} for root in roots]


class LotDetailView(LotMixin, TemplateView):
    template_name = "tenders/lot_detail.html"

    def get_context_data(self, **kwargs):
        lot, abilities = self.lot, self.abilities
        try:
            criteria_problems = lot_criteria_errors(lot)
        except ReferenceValueMissing as missing:
            criteria_problems = [str(missing)]
        # What refuses the award whatever bid is chosen: the same guard as the service and the API.
        self.award_blockers = lot_award_blockers(lot) if abilities["decide"] else []
        return super().get_context_data(
            tender=self.tender, lot=lot, abilities=abilities, criteria=criteria_rows(lot),
            criteria_problems=criteria_problems, register=bid_register(lot, abilities),
            decisions=self.decisions(), state_label=state_label(lot.state, lot=True),
            steps=award_steps(lot, abilities=abilities, blockers=self.award_blockers),
            opening_grid=abilities.get("record_bids", False) and lot.state == LotState.EVALUATING,
            cao=cao_lot_block(lot) if self.tender.state in UNSEALED_STATES else None, **kwargs,
        )

    def decisions(self) -> list[dict]:
        if not self.abilities["decide"]:
            return []
        lot = self.lot
        decisions = []
        for name in candidate_transitions(lot, LOT_TRANSITIONS):
            initial = {}
            if name == "award":
                # The winner is chosen in the form, the ranking's first proposed once the ranking is
                # final; the service checks the chosen bid.
                refusals = self.award_blockers
                bids = lot.bids.filter(status=BidStatus.COMPLIANT).select_related("vendor")
                ranking = lot_ranking(lot)
                if ranking.final and ranking.ranked:
                    initial["winner"] = ranking.ranked[0].bid_id
            else:
                refusals, bids = lot_refusals(lot, name), None
            decisions.append({"name": name, "label": LOT_TRANSITION_LABELS[name], "refusals": refusals,
                              "form": LotDecisionForm(name=name, bids=bids, initial=initial)})
        return decisions


def award_steps(lot, *, abilities, blockers: list[str]) -> dict | None:
    """The award in order on the lot page: the final ranking and the award, then the letters, then the
    contract (the contracts app adds its own step: the tenders app does not read contracts). Each step
    is done, possible (with its button) or not yet possible (with why); ``next`` names the step to take."""
    if not abilities.get("drive") or lot.tender.state not in (TenderState.OPENED, TenderState.COMPLETED):
        return None
    if lot.state not in (LotState.EVALUATING, LotState.AWARDED):
        return None
    awarded = lot.state == LotState.AWARDED
    letters = selectors.latest_award_letter(lot=lot) if awarded else None
    evaluation_url = reverse("tenders:evaluation", args=[lot.tender.reference, lot.number])
    award = {"label": _("Attribuer le lot"), "done": awarded, "possible": not awarded and not blockers,
             "why": blockers, "url": "#decision"}
    if awarded:
        award["detail"] = _("Attribué à %(vendor)s le %(day)s.") % {
            "vendor": lot.winner.vendor.name, "day": lot.decided_at.strftime("%d/%m/%Y") if lot.decided_at else "—"}
    letters_step = {"label": _("Générer les courriers"), "done": letters is not None,
                    "possible": awarded and letters is None, "url": "#courriers",
                    "why": [] if awarded else [_("Le lot n'est pas encore attribué.")]}
    if letters is not None:
        letters_step["detail"] = _("Courriers version %(version)s envoyés le %(day)s.") % {
            "version": letters.version, "day": letters.sent_on.strftime("%d/%m/%Y") if letters.sent_on else "—"}
    if not awarded and blockers:
        next_step = {"text": _("Étape suivante : terminer l'évaluation du lot. L'attribution attend le classement "
                               "définitif de la commission (ou celui des prix pour un lot noté sur le seul prix)."),
                     "url": evaluation_url, "button": _("Évaluation des offres")}
    elif not awarded:
        next_step = {"text": _("Étape suivante : attribuer le lot. La première offre du classement est proposée ; "
                               "retenir une autre offre demande un motif, repris dans le rapport de présentation."),
                     "url": "#decision", "button": _("Attribuer le lot")}
    elif letters is None:
        next_step = {"text": _("Étape suivante : générer les courriers — lettres de rejet aux autres candidats, "
                               "lettre d'attribution et acte d'engagement du titulaire. Leur date d'envoi fait courir "
                               "le délai de suspension avant la signature."),
                     "url": "#courriers", "button": _("Générer les courriers")}
    else:
        next_step = None  # the contract: the contracts app's step says it
    return {"award": award, "letters": letters_step, "next": next_step, "letters_done": letters is not None,
            "letters_document": letters}


class LotTransitionView(LotMixin, TransitionView):
    """Runs a lot's decision through the service; refusals come back as messages."""

    not_allowed, refused = NotAllowed, TransitionRefused

    def transition(self, name):
        winner = None
        winner_pk = self.request.POST.get(f"{name}-winner", "")
        if winner_pk.isdigit():
            winner = selectors.bid_of_lot_or_none(lot=self.lot, pk=winner_pk)
        self.lot_winner_id = winner.pk if winner else None
        return lot_transition(lot=self.lot, name=name, by=self.request.user, winner=winner,
                              reason=self.request.POST.get(f"{name}-reason", ""))

    def done_message(self, name, lot):
        return _("Le lot %(number)s est maintenant « %(state)s ».") % {
            "number": lot.number, "state": lot.get_state_display()}

    def after_refusal(self, name):
        self.lead_to_cao(name)

    def get_redirect_url(self):
        return self.lot_url()

    def lead_to_cao(self, name: str) -> None:
        """An award refused while the CAO has not chosen this bidder: the message links to the page
        where its decision is recorded."""
        if name != "award":
            return
        block = cao_lot_block(self.lot)
        if block is None or (block["decision"] is not None and block["decision"].outcome == CaoOutcome.AWARD
                             and block["decision"].bid_id == self.lot_winner_id):
            return
        messages.warning(self.request, format_html('<a href="{}">{}</a>', block["fix_url"], block["fix_label"]))
