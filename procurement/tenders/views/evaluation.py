"""Evaluation pages of a lot: the hub (progress without any note), the declaration of interest,
an evaluator's own notes, the closing of the round, the consolidation (once final) and its PDF.

Every page decides with ``evaluation_abilities``: while the round is blind no page shows anyone
else's notes or the consolidation."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from procurement.core.views.access import AccessMixin
from procurement.core.views.service_forms import add_service_errors, error_messages
from procurement.tenders import selectors
from procurement.tenders.evaluation import services
from procurement.tenders.evaluation.abilities import evaluation_abilities
from procurement.tenders.evaluation.charts import sensitivity_svg
from procurement.tenders.evaluation.report_pdf import build_report_pdf, effect_text
from procurement.tenders.evaluation.rounds import load_round, user_label
from procurement.tenders.evaluation.selectors import (
    evaluations_for,
    lot_bidders,
    lot_evaluation,
    score_step,
    scoring_grid,
)
from procurement.tenders.evaluation.services import ScoreEntry
from procurement.tenders.forms.evaluation import CommitteeScoreForm, DeclarationForm, RoundCloseForm, scores_form_class
from procurement.tenders.forms.lots import LotDecisionForm
from procurement.tenders.views.common import LotMixin


class EvaluationMixin(LotMixin):
    """The lot, its round and the user's evaluation abilities; ``required_ability`` is one of them."""

    round = None

    def get_object(self):
        lot = super().get_object()
        self.round = load_round(lot)
        return lot

    def get_object_abilities(self, lot) -> dict[str, bool]:
        return evaluation_abilities(lot, self.request.user, self.round)

    def url(self, name: str = "evaluation", *args) -> str:
        return reverse(f"tenders:{name}", args=[self.tender.reference, self.lot.number, *args])

    def base_context(self, **kwargs) -> dict:
        return {"tender": self.tender, "lot": self.lot, "abilities": self.abilities, **kwargs}


def progress_rows(round_state) -> list[dict]:
    """Who sits, who declared, who submitted: never a note."""
    rows = []
    for member in round_state.members:
        declaration = round_state.declaration_of(member)
        rows.append({"name": user_label(member.user), "chair": member.is_chair,
                     "declared": declaration is not None, "conflict": bool(declaration and declaration.has_conflict),
                     "submitted": member.user_id in round_state.submissions})
    return rows


class EvaluationHomeView(EvaluationMixin, TemplateView):
    template_name = "tenders/evaluation/home.html"

    def get_context_data(self, **kwargs):
        context = self.base_context(progress=progress_rows(self.round), round=self.round, final=self.round.final,
                                    close_form=RoundCloseForm() if self.abilities["close_round"] else None)
        if self.abilities["manage_oab"] or self.abilities["import_prices"]:
            from procurement.tenders.views.evaluation_buyer import buyer_context

            context.update(buyer_context(self.lot, self.abilities))
        return super().get_context_data(**context, **kwargs)


class DeclarationView(EvaluationMixin, TemplateView):
    template_name = "tenders/evaluation/declare.html"
    required_ability = "declare"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**self.base_context(bidders=lot_bidders(self.lot)), **kwargs)

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=DeclarationForm()))

    def post(self, request, *args, **kwargs):
        form = DeclarationForm(request.POST)
        if form.is_valid():
            conflict = form.cleaned_data["answer"] == "yes"
            try:
                services.conflict_declare(lot=self.lot, by=request.user, has_conflict=conflict,
                                          comment=form.cleaned_data["comment"])
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Votre conflit d'intérêts est enregistré : vous ne notez pas ce lot.")
                                 if conflict else _("Déclaration signée : vous pouvez noter les offres du lot."))
                return redirect(self.url())
        return self.render_to_response(self.get_context_data(form=form))


class ScoresView(EvaluationMixin, TemplateView):
    """An evaluator's scoring grid: the lot's bids (rows, with links to their files) × its criteria
    (columns, in the tree's order, each with its points and scale); her own notes and nothing else: no
    other evaluator's note, no consolidation. The price columns show the formula's notes."""

    template_name = "tenders/evaluation/scores.html"
    required_ability = "cleared"
    _grid = None

    @property
    def grid(self):
        if self._grid is None:
            self._grid = scoring_grid(self.lot, self.request.user)
        return self._grid

    def form(self, data=None):
        grid = self.grid
        initial = {}
        for (bid_id, criterion_id), score in grid.own.items():
            initial[f"{bid_id}-{criterion_id}-value"] = score.value
            initial[f"{bid_id}-{criterion_id}-comment"] = score.comment
        return scores_form_class(grid.bids, grid.scored, step=score_step())(data=data, initial=initial)

    def get_context_data(self, form, **kwargs):
        grid = self.grid
        rows = []
        for bid in grid.bids:
            cells = []
            for column in grid.columns:
                key = (bid.pk, column.criterion.pk)
                if column.computed:
                    cells.append({"column": column, "price": grid.price.get(key)})
                else:
                    prefix = f"{bid.pk}-{column.criterion.pk}"
                    cells.append({"column": column, "value": form[f"{prefix}-value"],
                                  "comment": form[f"{prefix}-comment"]})
            rows.append({"bid": bid, "files": list(bid.files.all()), "cells": cells})
        errors = [{"field": field, "errors": field.errors} for field in form if field.errors]
        return super().get_context_data(**self.base_context(
            form=form, grid=grid, rows=rows, errors=errors, editable=self.abilities["score"]), **kwargs)

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=self.form()))

    def post(self, request, *args, **kwargs):
        if not self.abilities["score"]:
            raise PermissionDenied(_("Vos notes sont soumises ou le tour est clos : elles ne changent plus."))
        form = self.form(request.POST)
        if form.is_valid():
            entries = []
            for bid in self.grid.bids:
                for criterion in self.grid.scored:
                    value = form.cleaned_data[f"{bid.pk}-{criterion.pk}-value"]
                    comment = form.cleaned_data[f"{bid.pk}-{criterion.pk}-comment"]
                    if value is not None or comment.strip():
                        entries.append(ScoreEntry(bid, criterion, value, comment))
            try:
                services.scores_record(lot=self.lot, by=request.user, entries=entries)
                if request.POST.get("action") == "submit":
                    services.scores_submit(lot=self.lot, by=request.user)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                submitted = request.POST.get("action") == "submit"
                messages.success(request, _("Vos notes sont soumises : elles ne changent plus.") if submitted
                                 else _("Vos notes sont enregistrées (brouillon)."))
                return redirect(self.url() if submitted else self.url("evaluation-scores"))
        return self.render_to_response(self.get_context_data(form=form))


class RoundCloseView(EvaluationMixin, View):
    http_method_names = ["post"]
    required_ability = "close_round"

    def post(self, request, *args, **kwargs):
        form = RoundCloseForm(request.POST)
        reason = request.POST.get("reason", "") if form.is_valid() else ""
        try:
            services.round_close(lot=self.lot, by=request.user, reason=reason)
        except ValidationError as error:
            error_messages(request, error.messages)
        else:
            messages.success(request, _("Le tour de notation est clos : le classement est consolidé."))
        return redirect(self.url())


class ResultsView(EvaluationMixin, TemplateView):
    template_name = "tenders/evaluation/results.html"
    required_ability = "read_consolidation"

    def has_ability(self) -> bool:
        if super().has_ability():
            return True
        if self.round.member_for(self.request.user) is not None and not self.round.final:
            # A member of the committee is told why the ranking is still closed, and for whom.
            pending = [user_label(member.user) for member in self.round.active_members
                       if member.user_id not in self.round.submissions]
            raise PermissionDenied(_(
                "Le classement consolidé reste fermé tant que chaque évaluateur n'a pas soumis ses notes ou "
                "que le président n'a pas clos le tour. Notes attendues de : %(names)s."
            ) % {"names": ", ".join(pending)})
        return False

    def get_context_data(self, **kwargs):
        evaluation = lot_evaluation(self.lot)
        names, result, tree = evaluation.names, evaluation.consolidation, evaluation.tree
        criteria = [{"criterion": c, "depth": range(depth)} for c, depth in tree.ordered]
        ranked_bids = sorted(evaluation.bids, key=lambda bid: result.order.index(bid.id))
        table = [{"ranked": ranked, "cells": [result.node[(ranked.bid_id, c.id)] for c, _d in tree.ordered]}
                 for ranked in evaluation.ranking.ranked]
        per_evaluator = [
            {"criterion": leaf, "rows": [
                {"bidder": bid.bidder, "notes": evaluation.notes.get((bid.id, leaf.id), []),
                 "kept": result.leaf[(bid.id, leaf.id)], "source": result.source[(bid.id, leaf.id)],
                 "committee": evaluation.committee_notes.get((bid.id, leaf.id))} for bid in ranked_bids]}
            for leaf in tree.qualitative_leaves
        ]
        prices = [{"criterion": leaf, "warnings": result.price_warnings.get(leaf.id, []),
                   "refusal": result.price_refusals.get(leaf.id, ""),
                   "notes": [{"bidder": names[b], "note": n} for b, n in result.price.get(leaf.id, {}).items()]}
                  for leaf in tree.price_leaves]
        dispersion = [{"flag": f, "bidder": names[f.bid_id], "criterion": tree.by_id[f.criterion_id].name}
                      for f in result.dispersion]
        sensitivity = [{"item": item, "bidder": names.get(item.overtaken_by, "")}
                       for item in evaluation.sensitivity.criteria]
        abilities = self.abilities
        context = self.base_context(
            evaluation=evaluation, criteria=criteria, table=table, per_evaluator=per_evaluator, prices=prices,
            effects=[effect_text(effect, names) for effect in result.effects], dispersion=dispersion,
            sensitivity=sensitivity, chart=sensitivity_svg(evaluation),
            sensitive=evaluation.sensitivity.most_sensitive,
            oab=[{"flag": f, "bidder": names[f.key], "review": evaluation.oab_reviews.get(f.key)}
                 for f in evaluation.oab_flags],
            mismatches=[{"bidder": names[b], "total": t, "declared": d}
                        for b, (t, d) in evaluation.schedule_mismatches().items()],
            committee_form=CommitteeScoreForm(bids=evaluation.bids, criteria=tree.qualitative_leaves)
            if abilities["set_committee_score"] and tree.qualitative_leaves and evaluation.bids else None,
            award_form=self.award_form(evaluation) if abilities["award"] and evaluation.bids else None,
        )
        return super().get_context_data(**context, **kwargs)

    def award_form(self, evaluation):
        """The award starts from this ranking: its first bid is preselected."""
        bids = self.lot.bids.filter(pk__in=[bid.id for bid in evaluation.bids]).select_related("vendor")
        first = evaluation.ranking.winner
        return LotDecisionForm(name="award", bids=bids, initial={"winner": first.bid_id if first else None})


class CommitteeScoreView(EvaluationMixin, View):
    http_method_names = ["post"]
    required_ability = "set_committee_score"

    def post(self, request, *args, **kwargs):

        evaluation = lot_evaluation(self.lot)
        form = CommitteeScoreForm(request.POST, bids=evaluation.bids, criteria=evaluation.tree.qualitative_leaves)
        if not form.is_valid():
            error_messages(request, [f"{form.fields[name].label} : {' '.join(errors)}"
                                     for name, errors in form.errors.items()])
            return redirect(self.url("evaluation-results"))
        bid_id, criterion_id = form.cleaned_data["target"].split("-")
        bid, criterion = selectors.committee_score_target(lot=self.lot, bid_id=bid_id, criterion_id=criterion_id)
        try:
            services.committee_score_set(bid=bid, criterion=criterion, value=form.cleaned_data["value"],
                                         justification=form.cleaned_data["justification"], by=request.user)
        except ValidationError as error:
            error_messages(request, error.messages)
        else:
            messages.success(request, _("La note arrêtée par la commission est enregistrée."))
        return redirect(self.url("evaluation-results"))


class ReportPdfView(EvaluationMixin, View):
    required_ability = "read_consolidation"

    def get(self, request, *args, **kwargs):
        pdf = build_report_pdf(lot_evaluation(self.lot))
        response = HttpResponse(pdf, content_type="application/pdf")
        name = f"rapport-analyse-{self.tender.reference}-lot-{self.lot.number}.pdf"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class MyEvaluationsView(AccessMixin, TemplateView):
    template_name = "tenders/evaluation/my_evaluations.html"
    grant = "evaluation.sit"

    def get_context_data(self, **kwargs):
        return super().get_context_data(rows=evaluations_for(self.request.user), **kwargs)
