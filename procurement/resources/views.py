"""The pages of the online resources: value (cost per use), equity across the libraries, renewal
decisions, the COUNTER reports imported, and the PDF report. Views stay thin: selectors read,
services decide."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from procurement.core.views.access import AccessMixin
from procurement.resources import presentation, selectors
from procurement.resources.abilities import list_abilities
from procurement.resources.charts import bar_chart_svg
from procurement.resources.counter.errors import CounterError, error_line
from procurement.resources.forms import RenewalDecisionForm, ReportUploadForm
from procurement.resources.report_pdf import value_report_pdf
from procurement.resources.services import resource_renewal_decide, usage_report_import


def chosen_year(request) -> int:
    """``?annee=`` when it is a year, otherwise the current year."""
    text = request.GET.get("annee", "")
    if text.isdigit() and 2000 <= int(text) <= 2100:
        return int(text)
    return timezone.localdate().year


class ResourcesAccessMixin(AccessMixin):
    """The resources pages decide on the list's abilities, by role."""

    ability_refusal = AccessMixin.role_refusal

    def get_page_abilities(self) -> dict[str, bool]:
        return list_abilities(self.request.user)


def _cost_chart(values, year):
    return bar_chart_svg(
        rows=presentation.cost_per_use_rows(values), chart_id="cpu",
        title=_("Coût par usage par ressource en %(year)s") % {"year": year},
        description=_("Barres horizontales : coût TTC par usage de chaque ressource ; le tableau donne les mêmes "
                      "chiffres."), highlight=presentation.poor_value_indexes(values))


def _tier_chart(equity, resource, chart_id):
    return bar_chart_svg(
        rows=presentation.tier_rows(equity, resource), chart_id=chart_id,
        title=_("%(resource)s : usages pour 1 000 habitants par strate") % {"resource": resource.name},
        description=_("Une barre par strate de communes ; le tableau donne les mêmes chiffres."))


class ResourceListView(ResourcesAccessMixin, TemplateView):
    template_name = "resources/resource_list.html"

    def get_context_data(self, **kwargs):
        year = chosen_year(self.request)
        values = selectors.cost_per_use_table(year=year)
        poor = presentation.poor_value_indexes(values)
        return super().get_context_data(
            year=year, previous_year=year - 1, next_year=year + 1, abilities=self.abilities,
            rows=[{"value": value, "poor": index in poor, "uses_trend": presentation.trend_text(value.uses_trend),
                   "cpu_trend": presentation.trend_text(value.cost_per_use_trend)}
                  for index, value in enumerate(values)],
            chart=_cost_chart(values, year), **kwargs)


class EquityView(ResourcesAccessMixin, TemplateView):
    template_name = "resources/equity.html"

    def get_context_data(self, **kwargs):
        year = chosen_year(self.request)
        equity = selectors.equity(year=year)
        resources = equity.resources
        tiers = [{"tier": tier, "cells": [tier.per_thousand(resource.pk) for resource in resources]}
                 for tier in equity.tiers]
        libraries = [{"row": row, "cells": [row.per_thousand(resource.pk) for resource in resources]}
                     for row in equity.libraries]
        charts = [_tier_chart(equity, resource, f"tier-{resource.pk}") for resource in resources]
        return super().get_context_data(year=year, resources=resources, tiers=tiers, libraries=libraries,
                                        charts=charts, abilities=self.abilities, **kwargs)


class RenewalListView(ResourcesAccessMixin, TemplateView):
    template_name = "resources/renewal_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(candidates=selectors.renewal_candidates(), today=timezone.localdate(),
                                        **kwargs)


class ResourceDetailView(ResourcesAccessMixin, TemplateView):
    """A resource's value and, when its contract has a renewal to decide, the decision form."""

    template_name = "resources/resource_detail.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.resource = None

    def get_resource(self):
        if self.resource is None:
            self.resource = selectors.resource_detail(pk=self.kwargs["pk"])
        return self.resource

    def get_context_data(self, form=None, **kwargs):
        resource = self.get_resource()
        year = chosen_year(self.request)
        value = selectors.resource_value(resource=resource, year=year)
        equity = selectors.equity(year=year, resources=[resource])
        abilities = resource.get_abilities(self.request.user)
        contract = resource.contract
        can_decide = bool(abilities["decide_renewal"] and contract and contract.renewal_deadline
                          and contract.is_executing)
        return super().get_context_data(
            resource=resource, year=year, value=value, abilities=abilities, contract=contract,
            uses_trend=presentation.trend_text(value.uses_trend),
            cpu_trend=presentation.trend_text(value.cost_per_use_trend),
            tiers=[{"tier": tier, "per_thousand": tier.per_thousand(resource.pk),
                    "uses": tier.uses.get(resource.pk, 0)} for tier in equity.tiers],
            chart=_tier_chart(equity, resource, "tier"), can_decide=can_decide,
            form=form or RenewalDecisionForm(), decisions=resource.renewal_decisions.select_related("by"),
            **kwargs)

    def post(self, request, *args, **kwargs):
        resource = self.get_resource()
        if not resource.get_abilities(request.user)["decide_renewal"]:
            raise PermissionDenied(_("Seuls les acheteurs enregistrent une décision de reconduction."))
        form = RenewalDecisionForm(request.POST)
        if form.is_valid():
            try:
                row = resource_renewal_decide(resource=resource, decision=form.cleaned_data["decision"],
                                              reason=form.cleaned_data["reason"], by=request.user,
                                              year=chosen_year(request))
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for field, errors in error.message_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, error.messages)
            else:
                messages.success(request, _("Décision enregistrée : %(decision)s (reconduction n° %(n)s du marché "
                                            "%(contract)s).") % {"decision": row.get_decision_display(),
                                                                  "n": row.renewal_number,
                                                                  "contract": row.contract.reference})
                return redirect(reverse("resources:detail", args=[resource.pk]))
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ReportListView(ResourcesAccessMixin, TemplateView):
    template_name = "resources/report_list.html"

    def get_context_data(self, form=None, **kwargs):
        unmatched_only = self.request.GET.get("non_rapproches") == "1"
        reports = selectors.report_list(unmatched_only=unmatched_only)[:200]
        unmatched = selectors.report_list(unmatched_only=True).count()
        return super().get_context_data(reports=reports, unmatched=unmatched, unmatched_only=unmatched_only,
                                        form=form or ReportUploadForm(), abilities=self.abilities, **kwargs)

    def post(self, request, *args, **kwargs):
        if not self.abilities.get("import"):
            raise PermissionDenied(_("Seuls les acheteurs importent des rapports COUNTER."))
        form = ReportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            name = upload.name.rsplit("/", 1)[-1]
            with tempfile.TemporaryDirectory() as folder:
                path = Path(folder) / name
                with path.open("wb") as handle:
                    for chunk in upload.chunks():
                        handle.write(chunk)
                try:
                    report, parsed = usage_report_import(path=path, by=request.user)
                except CounterError as error:
                    form.add_error("file", _("« %(name)s », %(error)s") % {"name": name, "error": error_line(error)})
                else:
                    messages.success(request, _("Rapport %(report)s de %(platform)s importé : %(rows)s lignes.") % {
                        "report": parsed.report_id, "platform": parsed.platform, "rows": parsed.rows})
                    if not report.is_matched:
                        messages.warning(request, _("Plateforme ou établissement inconnu : le rapport est listé "
                                                    "comme non rapproché."))
                    return redirect("resources:reports")
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ValueReportPdfView(ResourcesAccessMixin, View):
    def get(self, request, *args, **kwargs):
        year = chosen_year(request)
        pdf = value_report_pdf(year=year, values=selectors.cost_per_use_table(year=year),
                               equity=selectors.equity(year=year), renewals=selectors.renewal_candidates())
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="ressources-en-ligne-{year}.pdf"'
        return response
