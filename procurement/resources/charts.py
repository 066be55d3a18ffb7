"""Charts drawn on the server: inline SVG for the pages (no script, no external asset) and
reportlab drawings for the PDF report. Both take plain rows (label, value) so the figures are
the tables' own."""

from __future__ import annotations

from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors

BAR_COLOUR = "#1f4e79"
WARN_COLOUR = "#a50021"
LABEL_W, BAR_W, VALUE_W, ROW_H, TOP = 260, 300, 110, 26, 8


def bar_chart_svg(*, rows: list[tuple[str, Decimal | int | None, str]], title: str, description: str,
                  chart_id: str, highlight: set[int] = frozenset()) -> SafeString:
    """Horizontal bars, one per row (label, value, value as text); ``highlight``: indexes drawn in
    the warning colour. The value is written beside each bar, so no colour carries meaning alone."""
    if not rows:
        return SafeString("")
    top = max((float(value) for _, value, _ in rows if value is not None), default=0.0) or 1.0
    height = TOP * 2 + ROW_H * len(rows)
    width = LABEL_W + BAR_W + VALUE_W

    def bar(value):
        return round(BAR_W * float(value or 0) / top, 1)

    bars = format_html_join("", (
        '<text x="{}" y="{}" font-size="12" text-anchor="end">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>'
        '<text x="{}" y="{}" font-size="12">{}</text>'
    ), ((LABEL_W - 8, TOP + ROW_H * i + 17, label[:40], LABEL_W, TOP + ROW_H * i + 5, bar(value), ROW_H - 10,
         WARN_COLOUR if i in highlight else BAR_COLOUR, LABEL_W + bar(value) + 6, TOP + ROW_H * i + 17, text)
        for i, (label, value, text) in enumerate(rows)))
    return format_html(
        '<svg role="img" aria-labelledby="{id}-t {id}-d" viewBox="0 0 {w} {h}" width="{w}" height="{h}" '
        'xmlns="http://www.w3.org/2000/svg" class="chart"><title id="{id}-t">{title}</title>'
        '<desc id="{id}-d">{desc}</desc>'
        '<line x1="{x}" y1="0" x2="{x}" y2="{h}" stroke="#555"/>{bars}</svg>',
        id=chart_id, w=width, h=height, title=title, desc=description, x=LABEL_W, bars=bars,
    )


def bar_chart_drawing(*, rows: list[tuple[str, Decimal | int | None, str]], title: str, font: str = "Helvetica",
                      width: float = 460) -> Drawing:
    """The same bars as a reportlab drawing for the PDF."""
    height = 40 + 22 * max(len(rows), 1)
    drawing = Drawing(width, height)
    drawing.add(String(0, height - 12, title, fontName=font, fontSize=10))
    if not rows:
        return drawing
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 170, 10, width - 250, height - 35
    chart.data = [[float(value or 0) for _, value, _ in reversed(rows)]]
    chart.categoryAxis.categoryNames = [label[:30] for label, _, _ in reversed(rows)]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 8
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.bars[0].fillColor = colors.HexColor(BAR_COLOUR)
    drawing.add(chart)
    step = chart.height / len(rows)
    for index, (_, _, text) in enumerate(reversed(rows)):
        drawing.add(String(chart.x + chart.width + 6, chart.y + step * index + step / 2 - 3, text, fontName=font,
                           fontSize=8))
    return drawing
