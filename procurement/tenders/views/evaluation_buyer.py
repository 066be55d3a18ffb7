"""The buyer's side of the evaluation: the committee and the evaluation rules of a tender, the
review of abnormally low bids, and the import of the bidders' price schedules. Buyers do not score."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from procurement.core.money import format_eur
from procurement.core.permissions import may
from procurement.core.views.service_forms import add_service_errors, error_messages
from procurement.tenders import selectors
from procurement.tenders.enums import TenderState
from procurement.tenders.evaluation import services
from procurement.tenders.evaluation.rounds import user_label
from procurement.tenders.evaluation.selectors import is_rankable, lot_evaluation, settings_for
from procurement.tenders.forms.evaluation import (
    CommitteeMemberForm,
    EvaluationSettingsForm,
    OabDecisionForm,
    OabRequestForm,
    PriceScheduleForm,
)
from procurement.tenders.models import AbnormallyLowReview, Bid, CommitteeMember
from procurement.tenders.views.common import (
    TenderAccessMixin,
)
from procurement.tenders.views.evaluation import EvaluationMixin


def buyer_context(lot, abilities) -> dict:
    """For the lot's hub: the bids the detection method flags (amounts only, never a note) and the
    price schedules to import."""
    evaluation = lot_evaluation(lot)
    names = evaluation.names
    flagged = {flag.key: flag for flag in evaluation.oab_flags}
    rows = []
    for key in dict.fromkeys([*flagged, *evaluation.oab_reviews]):
        review = evaluation.oab_reviews.get(key)
        rows.append({
            "bid_id": key, "bidder": names[key], "flag": flagged.get(key), "review": review,
            "request_form": OabRequestForm(prefix=f"oab-{key}") if review is None else None,
            "decision_form": OabDecisionForm(prefix=f"oab-{key}") if review and not review.is_decided else None,
        })
    suspects = [bid for bid in evaluation.all_bids if is_rankable(bid) and bid.pk not in flagged
                and bid.pk not in evaluation.oab_reviews]
    mismatches = evaluation.schedule_mismatches()
    schedules = [{"bid": bid, "total": evaluation.schedule_totals.get(bid.pk),
                  "mismatch": bid.pk in mismatches} for bid in evaluation.all_bids if bid.amount_ht is not None]
    return {"oab_rows": rows, "oab_method": evaluation.oab_method_text, "oab_suspects": suspects,
            "schedules": schedules, "has_schedule": lot.price_items.exists()}


class CommitteeView(TenderAccessMixin, TemplateView):
    """The tender's committee (members, chair) and its evaluation rules, for the buyers."""

    template_name = "tenders/evaluation/committee.html"

    def has_ability(self) -> bool:
        self.abilities = {**self.abilities, "manage_committee": may(self.request.user, "tenders.drive")
                          and self.tender.state not in (TenderState.COMPLETED, TenderState.ABANDONED)}
        return self.abilities["manage_committee"]

    def get_context_data(self, **kwargs):
        members = [{"member": m, "name": user_label(m.user)}
                   for m in self.tender.committee.select_related("user").order_by("-is_chair", "user__last_name")]
        kwargs.setdefault("member_form", CommitteeMemberForm(tender=self.tender))
        kwargs.setdefault("settings_form", EvaluationSettingsForm(instance=settings_for(self.tender)))
        return super().get_context_data(tender=self.tender, members=members, lots=self.tender.lots.all(),
                                        abilities=self.abilities, **kwargs)

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data())

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        here = reverse("tenders:committee", args=[self.tender.reference])
        try:
            if action == "add":
                form = CommitteeMemberForm(request.POST, tender=self.tender)
                if not form.is_valid():
                    return self.render_to_response(self.get_context_data(member_form=form))
                services.committee_assign(tender=self.tender, by=request.user, **form.cleaned_data)
                messages.success(request, _("%(name)s siège à la commission.") % {
                    "name": user_label(form.cleaned_data["user"])})
            elif action in ("chair", "remove"):
                member = get_object_or_404(CommitteeMember, pk=request.POST.get("member"), tender=self.tender)
                if action == "chair":
                    services.committee_assign(tender=self.tender, user=member.user, is_chair=True, by=request.user)
                else:
                    services.committee_remove(member=member, by=request.user)
                messages.success(request, _("La commission est mise à jour."))
            elif action == "settings":
                form = EvaluationSettingsForm(request.POST, instance=settings_for(self.tender))
                if not form.is_valid():
                    return self.render_to_response(self.get_context_data(settings_form=form))
                services.evaluation_settings_save(tender=self.tender, by=request.user, **form.cleaned_data)
                messages.success(request, _("Les règles d'évaluation sont enregistrées."))
        except ValidationError as error:
            error_messages(request, error.messages)
        return redirect(here)


class OabView(EvaluationMixin, TemplateView):
    """POST only: ask the bidder for a justification, or record the decision."""

    http_method_names = ["post"]
    required_ability = "manage_oab"

    def post(self, request, *args, **kwargs):
        bid = selectors.bid_of_lot(lot=self.lot, pk=kwargs["pk"])
        prefix = f"oab-{bid.pk}"
        try:
            if kwargs["action"] == "demande":
                form = OabRequestForm(request.POST, prefix=prefix)
                if not form.is_valid():
                    raise ValidationError(_("Indiquez la date de la demande de justification."))
                services.oab_request_justification(bid=bid, by=request.user, **form.cleaned_data)
                messages.success(request, _("Demande de justification enregistrée pour %(bidder)s.") % {
                    "bidder": bid.vendor.name})
            elif kwargs["action"] == "decision":
                review = get_object_or_404(AbnormallyLowReview, bid=bid)
                form = OabDecisionForm(request.POST, prefix=prefix)
                if not form.is_valid():
                    raise ValidationError([f"{form.fields[name].label} : {' '.join(errors)}"
                                           for name, errors in form.errors.items()])
                services.oab_decide(review=review, by=request.user, **form.cleaned_data)
                messages.success(request, _("Décision enregistrée pour l'offre de %(bidder)s.") % {
                    "bidder": bid.vendor.name})
            else:
                raise PermissionDenied
        except ValidationError as error:
            error_messages(request, error.messages)
        return redirect(self.url() + "#offres-anormalement-basses")


class PriceImportView(EvaluationMixin, TemplateView):
    template_name = "tenders/form.html"
    required_ability = "import_prices"

    def get_context_data(self, **kwargs):
        bid = self.bid()
        return super().get_context_data(
            tender=self.tender, abilities=self.abilities, cancel_url=self.url(),
            title=_("Bordereau des prix de %(bidder)s — lot %(number)s") % {"bidder": bid.vendor.name,
                                                                          "number": self.lot.number},
            intro=_("Classeur rempli par le candidat : feuille « Lot %(number)s », prix unitaires HT en colonne E à "
                    "partir de la ligne 6. Les montants sont recalculés (quantité × prix unitaire) et comparés au "
                    "montant déclaré (%(amount)s HT). Rien n'est enregistré si une cellule est en erreur.")
            % {"number": self.lot.number, "amount": format_eur(bid.amount_ht) or "—"},
            **kwargs,
        )

    def bid(self) -> Bid:
        return selectors.bid_of_lot(lot=self.lot, pk=self.kwargs["pk"])

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=PriceScheduleForm()))

    def post(self, request, *args, **kwargs):
        form = PriceScheduleForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                result = services.price_schedule_import(bid=self.bid(), file=form.cleaned_data["file"],
                                                        by=request.user)
            except ValidationError as error:
                add_service_errors(form, error, default_field="file")
            else:
                messages.success(request, _("%(lines)s prix importés ; total du détail estimatif : %(total)s HT.")
                                 % {"lines": result.lines, "total": format_eur(result.total_ht)})
                if result.mismatch:
                    messages.warning(request, _("Écart avec le montant déclaré de l'offre (%(declared)s HT) : à "
                                                "vérifier, et à faire confirmer par le candidat.")
                                     % {"declared": format_eur(result.declared_ht)})
                return redirect(self.url() + "#bordereaux")
        return self.render_to_response(self.get_context_data(form=form))
