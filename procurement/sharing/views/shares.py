"""The shares of a year under a key (« Répartition des coûts »), a member's statement (PDF), the table
(.xlsx), and two keys compared. The year decides the agreement (a programme's agreements never cover the
same year); the key and the figure shared are chosen with a small GET form."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from procurement.sharing.charts import difference_chart_svg
from procurement.sharing.enums import CostBasis
from procurement.sharing.exports.statement import statement_pdf
from procurement.sharing.exports.workbook import shares_xlsx
from procurement.sharing.forms import CompareForm, SharesFilterForm
from procurement.sharing.models import Agreement
from procurement.sharing.presentation import (
    bound_label,
    item_label,
    percent_text,
    short_title,
    signed_eur,
    signed_percent,
    source_sentence,
    tier_label,
)
from procurement.sharing.rules import SharingRefused
from procurement.sharing.selectors.agreements import agreement_list, shared_item_list
from procurement.sharing.selectors.comparison import compare_keys
from procurement.sharing.selectors.keys import KeyDefinition, key_list
from procurement.sharing.selectors.shares import Sharing, shares
from procurement.sharing.views.access import ProgrammeMixin

TOP = 5  # members shown among those who gain, and those who lose, most


@dataclass(frozen=True)
class YearChoice:
    agreements: list[Agreement]
    years: list[int]
    year: int | None
    agreement: Agreement | None


def choose_year(programme, params) -> YearChoice:
    """The year asked (``?annee=``) when an agreement covers it; otherwise this year when one does, else
    the last year covered before it, else the first covered."""
    agreements = list(agreement_list(programme=programme))
    years = sorted({year for agreement in agreements for year in agreement.years})
    if not years:
        return YearChoice(agreements=agreements, years=[], year=None, agreement=None)
    asked = params.get("annee", "")
    today = timezone.localdate().year
    if asked.isdigit() and int(asked) in years:
        year = int(asked)
    elif today in years:
        year = today
    else:
        year = max((year for year in years if year <= today), default=years[0])
    agreement = next(agreement for agreement in agreements if agreement.start_year <= year <= agreement.end_year)
    return YearChoice(agreements=agreements, years=years, year=year, agreement=agreement)


def default_key(keys: list[KeyDefinition]) -> str:
    """The key the agreement applies, else its first named key, else the population."""
    return next((key.name for key in keys if key.is_applied), None) or keys[0].name


def bound_params(params, choice: YearChoice, defaults: dict) -> dict:
    """The GET form's data: the year chosen, and the defaults replaced by what the query string gives."""
    data = {"annee": str(choice.year)}
    data.update({name: params.get(name) or value for name, value in defaults.items()})
    return data


@dataclass
class Resolved:
    """The shares page's choice: the year and agreement, the form, and the shares or why there are none."""

    choice: YearChoice
    keys: list[KeyDefinition]
    form: SharesFilterForm | None
    sharing: Sharing | None
    refusal: str = ""


def resolve_shares(programme, params) -> Resolved:
    choice = choose_year(programme, params)
    if choice.agreement is None:
        return Resolved(choice=choice, keys=[], form=None, sharing=None)
    keys = key_list(agreement=choice.agreement)
    data = bound_params(params, choice, {"cle": default_key(keys), "base": CostBasis.COMMITTED.value})
    form = SharesFilterForm(data, years=choice.years, keys=keys)
    if not form.is_valid():
        return Resolved(choice=choice, keys=keys, form=form, sharing=None)
    key = next(key for key in keys if key.name == form.cleaned_data["cle"])
    try:
        sharing = shares(agreement=choice.agreement, year=choice.year, key=key, basis=form.cleaned_data["base"])
    except SharingRefused as refusal:
        return Resolved(choice=choice, keys=keys, form=form, sharing=None, refusal=refusal.reason)
    return Resolved(choice=choice, keys=keys, form=form, sharing=sharing)


class SharesView(ProgrammeMixin, TemplateView):
    """The programme's agreements, and the shares of the chosen year under the chosen key."""

    template_name = "sharing/shares.html"

    def get_context_data(self, **kwargs):
        programme = self.programme
        resolved = resolve_shares(programme, self.request.GET)
        agreement, sharing = resolved.choice.agreement, resolved.sharing
        context = {
            "programme": programme, "choice": resolved.choice, "agreement": agreement, "form": resolved.form,
            "keys": [key for key in resolved.keys if not key.is_builtin], "sharing": sharing,
            "refusal": resolved.refusal, "abilities": self.abilities,
            "agreement_abilities": agreement.get_abilities(self.request.user) if agreement else {},
            "items": [item_label(item) for item in shared_item_list(agreement=agreement)] if agreement else [],
        }
        if sharing is not None:
            query = {"annee": sharing.year, "cle": sharing.key.name, "base": sharing.cost.basis}
            context.update(
                query=query, source=source_sentence(sharing),
                rows=[{"share": row, "tier": tier_label(row.tier), "bound": bound_label(row, sharing.key),
                       "population_percent": percent_text(row.population_percent),
                       "uses_percent": percent_text(row.uses_percent), "share_percent": percent_text(row.share_percent)}
                      for row in sharing.members],
                lines=[{"line": line, "title": short_title(line.contract)} for line in sharing.cost.lines],
                rounded_up=sum(1 for row in sharing.members if row.rounded_up),
                finance_query={"programme": programme.reference, "year_from": sharing.year,
                               "year_to": sharing.year},
            )
        return super().get_context_data(**context, **kwargs)


class SharesFileMixin(ProgrammeMixin):
    """A file made from the shares the page shows (the same GET parameters); when there are none, back to
    the page, which says why."""

    def sharing_or_redirect(self):
        resolved = resolve_shares(self.programme, self.request.GET)
        if resolved.sharing is None:
            messages.error(self.request, resolved.refusal or _("Choisissez une année et une clé de répartition."))
            return None, redirect(f"{self.shares_url()}?{self.request.GET.urlencode()}")
        return resolved.sharing, None


class StatementPdfView(SharesFileMixin, View):
    def get(self, request, *args, **kwargs):
        sharing, refused = self.sharing_or_redirect()
        if refused:
            return refused
        row = next((row for row in sharing.members if row.member.pk == self.kwargs["member"]), None)
        if row is None:
            raise Http404(_("Ce membre n'est pas partie à la convention de cette année."))
        content = statement_pdf(sharing=sharing, row=row, today=timezone.localdate())
        response = HttpResponse(content, content_type="application/pdf")
        name = slugify(row.member.name) or f"membre-{row.member.pk}"
        response["Content-Disposition"] = f'attachment; filename="releve-{sharing.year}-{sharing.key.name}-{name}.pdf"'
        return response


class SharesXlsxView(SharesFileMixin, View):
    def get(self, request, *args, **kwargs):
        sharing, refused = self.sharing_or_redirect()
        if refused:
            return refused
        response = HttpResponse(shares_xlsx(sharing),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        filename = f"repartition-{self.programme.reference}-{sharing.year}-{sharing.key.name}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


class CompareView(ProgrammeMixin, TemplateView):
    """Each member's share of the same year under two keys, the difference, who gains and who loses most,
    a chart of them, and the cost per use under each key."""

    template_name = "sharing/compare.html"

    def get_context_data(self, **kwargs):
        programme = self.programme
        choice = choose_year(programme, self.request.GET)
        context = {"programme": programme, "choice": choice, "agreement": choice.agreement, "form": None,
                   "comparison": None, "refusal": ""}
        if choice.agreement is not None:
            keys = key_list(agreement=choice.agreement)
            first = default_key(keys)
            second = next(key.name for key in keys if key.name != first)
            data = bound_params(self.request.GET, choice, {"cle_a": first, "cle_b": second})
            form = CompareForm(data, years=choice.years, keys=keys)
            context["form"] = form
            if form.is_valid():
                by_name = {key.name: key for key in keys}
                try:
                    comparison = compare_keys(agreement=choice.agreement, year=choice.year,
                                              first=by_name[form.cleaned_data["cle_a"]].key
                                              or form.cleaned_data["cle_a"],
                                              second=by_name[form.cleaned_data["cle_b"]].key
                                              or form.cleaned_data["cle_b"])
                except SharingRefused as refusal:
                    context["refusal"] = refusal.reason
                else:
                    context.update(self.comparison_context(comparison))
        return super().get_context_data(**context, **kwargs)

    @staticmethod
    def comparison_context(comparison) -> dict:
        def line(row):
            return {"row": row, "difference": signed_eur(row.difference_ttc),
                    "percent": signed_percent(row.difference_percent)}

        gainers, losers = comparison.gainers[:TOP], comparison.losers[:TOP]
        charted = sorted(gainers + losers, key=lambda row: row.difference_ttc)
        first, second = comparison.first.key.name, comparison.second.key.name
        chart = difference_chart_svg(
            rows=[(row.member.name, row.difference_ttc, signed_eur(row.difference_ttc)) for row in charted],
            chart_id="ecarts",
            title=_("Écart de participation en %(year)s, clé « %(second)s » par rapport à la clé « %(first)s »")
            % {"year": comparison.year, "first": first, "second": second},
            description=_("Barres horizontales : vers la gauche, ce que le membre paie en moins avec la seconde "
                          "clé ; vers la droite, ce qu'il paie en plus ; le montant est écrit à côté de chaque barre. "
                          "Les tableaux « gagnent » et « perdent » donnent les mêmes chiffres."))
        return {"comparison": comparison, "rows": [line(row) for row in comparison.rows],
                "gainers": [line(row) for row in gainers], "losers": [line(row) for row in losers],
                "chart": chart, "top": TOP,
                "unchanged": sum(1 for row in comparison.rows if row.difference_ttc == 0),
                "shares_query_first": {"annee": comparison.year, "cle": first},
                "shares_query_second": {"annee": comparison.year, "cle": second}}

