"""The finance follow-up pages share: the filters (programme, years, section) and the chart of
budget, committed and forecast per year, as plain geometry drawn in SVG (page) and by reportlab (PDF)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from procurement.contracts.selectors.finance import Commitments, commitments
from procurement.core.money import format_eur
from procurement.core.widgets import PlainSelect
from procurement.programmes.enums import BudgetSection
from procurement.programmes.models import Programme

MAX_YEARS = 15


class FinanceFilterForm(forms.Form):
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=Programme.objects.order_by("reference"),
                                       required=False, empty_label=_("Tous"), to_field_name="reference",
                                       widget=PlainSelect)
    year_from = forms.IntegerField(label=_("De l'année"), min_value=2000, max_value=2100, required=False)
    year_to = forms.IntegerField(label=_("À l'année"), min_value=2000, max_value=2100, required=False)
    section = forms.ChoiceField(label=_("Section"), choices=[("", _("Les deux")), *BudgetSection.choices],
                                required=False)

    def clean(self):
        data = super().clean()
        year = timezone.localdate().year
        data["year_from"] = data.get("year_from") or year - 1
        data["year_to"] = data.get("year_to") or data["year_from"] + 5
        if data["year_from"] > data["year_to"]:
            self.add_error("year_to", _("L'année de fin suit l'année de début."))
        elif data["year_to"] - data["year_from"] >= MAX_YEARS:
            self.add_error("year_to", _("Choisissez au plus %(n)s années.") % {"n": MAX_YEARS})
        return data


def filtered_commitments(params) -> tuple[FinanceFilterForm, Commitments | None]:
    """The filter form (bound, so that empty filters take their defaults) and the table, or None
    when a filter is wrong."""
    form = FinanceFilterForm(params)
    if not form.is_valid():
        return form, None
    data = form.cleaned_data
    table = commitments(year_from=data["year_from"], year_to=data["year_to"], programme=data.get("programme"),
                        section=data.get("section") or "")
    return form, table


# Chart -------------------------------------------------------------------------------------------

SERIES = (("budget_ttc", _("Budget voté TTC"), "#1f4e79"), ("committed_ttc", _("Engagé TTC"), "#c55a11"),
          ("forecast_ttc", _("Prévisionnel TTC"), "#548235"))
WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 720, 280, 90, 30, 10


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    color: str
    label: str


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    ticks: list[Tick]
    years: list[tuple[float, int]]
    legend: list[tuple[str, str]]
    baseline: float
    left: int


def _nice_max(value: Decimal) -> Decimal:
    if value <= 0:
        return Decimal("1000")
    magnitude = Decimal(10) ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        top = magnitude * Decimal(str(step))
        if top >= value:
            return top
    return magnitude * 10


def chart(table: Commitments) -> Chart:
    """Three bars per year (budget, committed, forecast: TTC of the lines shown)."""
    totals = {year: table.year_total(year) for year in table.years}
    top = _nice_max(max((max(getattr(cell, name) for name, *_ in SERIES) for cell in totals.values()),
                        default=Decimal("0")))
    plot_height = HEIGHT - BOTTOM - TOP
    group = (WIDTH - LEFT - 10) / max(len(table.years), 1)
    bar_width = group * 0.8 / len(SERIES)
    bars, years = [], []
    for index, year in enumerate(table.years):
        x0 = LEFT + index * group + group * 0.1
        years.append((x0 + group * 0.4, year))
        for number, (name, label, color) in enumerate(SERIES):
            value = getattr(totals[year], name)
            height = float(value / top) * plot_height if value > 0 else 0.0
            bars.append(Bar(x=round(x0 + number * bar_width, 1), y=round(TOP + plot_height - height, 1),
                            width=round(bar_width - 1, 1), height=round(height, 1), color=color,
                            label=f"{year} — {label} : {format_eur(value)}"))
    ticks = [Tick(y=round(TOP + plot_height - plot_height * i / 4, 1), label=format_eur(top * i / 4, cents=False))
             for i in range(5)]
    return Chart(width=WIDTH, height=HEIGHT, bars=bars, ticks=ticks, years=years,
                 legend=[(str(label), color) for _, label, color in SERIES], baseline=TOP + plot_height, left=LEFT)
