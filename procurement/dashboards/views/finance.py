"""Finance pages: the overview by year and section with its chart and the deadlines to watch, the
table per budget line (with the AP/AE of multi-year lines), per contract, and the exports."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from procurement.contracts.models.contract import RENEWAL_DUE_DAYS
from procurement.contracts.selectors.contracts import renewal_decisions_due
from procurement.contracts.selectors.invoices import invoices_near_deadline, late_interest_paid, with_rate_confirmation
from procurement.core.views.access import AccessMixin
from procurement.dashboards.exports.finance import commitments_pdf, commitments_xlsx
from procurement.dashboards.finance import chart, filtered_commitments
from procurement.programmes.enums import BudgetSection

WATCH_DAYS = 15
# The most urgent renewal decisions and invoices shown on the overview; the lists behind the links hold them all.
WATCH_ROWS = 20


# Rows per page of the tables per budget line and per contract: a large authority has hundreds of lines
# and thousands of contracts.
LINES_PER_PAGE, CONTRACTS_PER_PAGE = 25, 50


class FinanceMixin(AccessMixin):
    grant = "finance.read"

    def filtered(self):
        form, table = filtered_commitments(self.request.GET)
        query = self.request.GET.copy()
        query.pop("page", None)
        return {"filter_form": form, "table": table, "query": query.urlencode()}

    def paged(self, rows: list, per_page: int):
        return Paginator(rows, per_page).get_page(self.request.GET.get("page"))


class FinanceOverviewView(FinanceMixin, TemplateView):
    template_name = "dashboards/finance/overview.html"

    def get_context_data(self, **kwargs):
        context = self.filtered()
        today = timezone.localdate()
        table = context["table"]
        context.update(
            chart=chart(table) if table is not None and table.years else None,
            section_rows=section_rows(table) if table is not None else [],
            today=today, watch_days=WATCH_DAYS, renewal_days=RENEWAL_DUE_DAYS,
            **_first(renewals=renewal_decisions_due(today=today),
                     invoices=invoices_near_deadline(today=today, days=WATCH_DAYS)),
            late=with_rate_confirmation(late_interest_paid()[:20]),
        )
        return super().get_context_data(**context, **kwargs)


def _first(**lists) -> dict:
    """Each list's ``WATCH_ROWS`` first rows, as ``name``, and how many it holds, as ``name_count``
    (counted whatever the length: the page reads as many queries with few rows as with many)."""
    context = {}
    for name, rows in lists.items():
        context[name], context[f"{name}_count"] = list(rows[:WATCH_ROWS]), rows.count()
    return context


def section_rows(table) -> list[tuple[int, list]]:
    return [(year, [(section, BudgetSection(section).label, table.section_year(section, year))
                    for section in table.sections]) for year in table.years]


class FinanceLinesView(FinanceMixin, TemplateView):
    template_name = "dashboards/finance/lines.html"

    def get_context_data(self, **kwargs):
        context = self.filtered()
        table = context["table"]
        context["page_obj"] = self.paged(table.lines, LINES_PER_PAGE) if table is not None else None
        return super().get_context_data(**context, **kwargs)


class FinanceContractsView(FinanceMixin, TemplateView):
    template_name = "dashboards/finance/contracts.html"

    def get_context_data(self, **kwargs):
        context = self.filtered()
        table = context["table"]
        context["page_obj"] = self.paged(table.contracts, CONTRACTS_PER_PAGE) if table is not None else None
        return super().get_context_data(**context, **kwargs)


class FinanceExportView(FinanceMixin, View):
    kind = "xlsx"

    def get(self, request, *args, **kwargs):
        form, table = filtered_commitments(request.GET)
        if table is None:
            return HttpResponse(" ".join(str(e) for errors in form.errors.values() for e in errors), status=400,
                                content_type="text/plain; charset=utf-8")
        name = f"engagements-{table.years[0]}-{table.years[-1]}"
        if self.kind == "pdf":
            content = commitments_pdf(table, title=_("Engagements et budget"))
            response = HttpResponse(content, content_type="application/pdf")
        else:
            content = commitments_xlsx(table)
            response = HttpResponse(
                content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="{name}.{self.kind}"'
        return response
