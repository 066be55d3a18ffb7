"""Inline SVG for the consolidation page (no script, no external asset): the totals of the bids as
the points of the most sensitive criterion go from 0 to 100."""

from __future__ import annotations

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from procurement.core.numbers import format_number

COLOURS = ("#1f4e79", "#c55a11", "#548235", "#7030a0", "#bf9000", "#2e75b6", "#a50021", "#3a3a3a")
WIDTH, HEIGHT, LEFT, BOTTOM, TOP, RIGHT = 640, 300, 48, 40, 16, 200


def sensitivity_svg(evaluation) -> SafeString:
    sensitive = evaluation.sensitivity.most_sensitive
    if sensitive is None:
        return SafeString("")
    lines = evaluation.sensitivity.lines[sensitive.criterion_id]
    bids = [ranked.bid_id for ranked in evaluation.ranking.ranked[:len(COLOURS)]]
    names = evaluation.names
    total = float(evaluation.sensitivity.total_points)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(points: float) -> float:
        return round(LEFT + plot_w * points / total, 1)

    def y(score: float) -> float:
        return round(TOP + plot_h * (1 - score / 100), 1)

    grid = format_html_join("", '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#ddd"/>'
                            '<text x="{}" y="{}" font-size="10" text-anchor="end">{}</text>',
                            ((LEFT, y(v), LEFT + plot_w, y(v), LEFT - 4, y(v) + 3, v) for v in range(0, 101, 20)))
    ticks = format_html_join("", '<text x="{}" y="{}" font-size="10" text-anchor="middle">{}</text>',
                             ((x(v), TOP + plot_h + 14, v) for v in range(0, int(total) + 1, 20)))
    series = format_html_join(
        "", '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2"/>'
            '<rect x="{}" y="{}" width="10" height="10" fill="{}"/><text x="{}" y="{}" font-size="11">{}</text>',
        ((x(0), y(float(lines[b][0])), x(total), y(float(lines[b][1])), COLOURS[i],
          LEFT + plot_w + 12, TOP + 16 * i, COLOURS[i], LEFT + plot_w + 26, TOP + 16 * i + 9, names[b][:28])
         for i, b in enumerate(bids)),
    )
    current = x(float(sensitive.points))
    return format_html(
        '<svg role="img" aria-labelledby="sens-titre sens-desc" viewBox="0 0 {w} {h}" width="{w}" '
        'height="{h}" class="chart" xmlns="http://www.w3.org/2000/svg">'
        '<title id="sens-titre">Totaux selon les points de « {name} »</title>'
        '<desc id="sens-desc">Chaque droite donne le total sur 100 d\'une offre quand les points du critère '
        '« {name} » vont de 0 à {total}, les autres critères ajustés en proportion. Le tableau ci-dessus donne '
        'les mêmes informations.</desc>{grid}{ticks}'
        '<line x1="{cx}" y1="{top}" x2="{cx}" y2="{bottom}" stroke="#555" stroke-dasharray="4 3"/>'
        '<text x="{cx}" y="{label_y}" font-size="10" text-anchor="middle">actuel : {points}</text>'
        '{series}</svg>',
        w=WIDTH, h=HEIGHT, name=sensitive.name, total=int(total), grid=grid, ticks=ticks, cx=current, top=TOP,
        bottom=TOP + plot_h, label_y=TOP + plot_h + 28, points=format_number(sensitive.points), series=series,
    )
