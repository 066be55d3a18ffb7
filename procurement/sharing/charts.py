"""The comparison's chart, drawn on the server as inline SVG (no script, no external asset), from the
same rows as the table beside it: one bar per member, leftwards when the member pays less under the
second key, rightwards when it pays more; the signed amount is written beside each bar, so no colour
carries meaning alone."""

from __future__ import annotations

from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

GAIN_COLOUR = "#16653a"  # pays less: the page's « ok » green
LOSS_COLOUR = "#a4161a"  # pays more: the page's « error » red
LABEL_W, PLOT_W, ROW_H, TOP, GAP = 160, 360, 26, 8, 5


def difference_chart_svg(*, rows: list[tuple[str, Decimal, str]], title: str, description: str,
                         chart_id: str) -> SafeString:
    """Rows are (member, difference in euros, the difference as text); the axis is the middle of the plot."""
    if not rows:
        return SafeString("")
    largest = max(abs(float(value)) for _, value, _ in rows) or 1.0
    half = PLOT_W / 2
    axis = LABEL_W + half
    scale = (half - 4) / largest
    height = TOP * 2 + ROW_H * len(rows)
    width = LABEL_W + PLOT_W

    def parts(index: int, label: str, value: Decimal, text: str):
        length = round(abs(float(value)) * scale, 1)
        y = TOP + ROW_H * index
        if value < 0:
            x, colour, text_x, anchor = axis - length, GAIN_COLOUR, axis + GAP, "start"
        else:
            x, colour, text_x, anchor = axis, LOSS_COLOUR, axis - GAP, "end"
        return (LABEL_W - 8, y + 17, label[:24], x, y + 5, length, ROW_H - 10, colour, text_x, y + 17, anchor, text)

    bars = format_html_join("", (
        '<text x="{}" y="{}" font-size="13" text-anchor="end">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>'
        '<text x="{}" y="{}" font-size="13" text-anchor="{}">{}</text>'
    ), (parts(index, label, value, text) for index, (label, value, text) in enumerate(rows)))
    return format_html(
        '<svg role="img" aria-labelledby="{id}-t {id}-d" viewBox="0 0 {w} {h}" width="{w}" height="{h}" '
        'xmlns="http://www.w3.org/2000/svg" class="chart"><title id="{id}-t">{title}</title>'
        '<desc id="{id}-d">{desc}</desc>'
        '<line x1="{x}" y1="0" x2="{x}" y2="{h}" stroke="#555"/>{bars}</svg>',
        id=chart_id, w=width, h=height, title=title, desc=description, x=axis, bars=bars,
    )
