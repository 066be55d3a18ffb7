"""The yearly value report of the online resources as a PDF (reportlab): cost per use by resource
with its chart, usage per tier (uses per 1,000 inhabitants) with its chart, and the renewals due."""

from __future__ import annotations

from io import BytesIO

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from procurement.core.money import format_eur
from procurement.core.numbers import format_number
from procurement.documents.pdf.fonts import BOLD, FONT
from procurement.documents.pdf.styles import report_styles
from procurement.documents.pdf.tables import fitted_table
from procurement.documents.pdf.text import clean
from procurement.resources import presentation
from procurement.resources.charts import bar_chart_drawing

WIDTH = A4[0] - 3.2 * cm  # between the margins
CELL = ParagraphStyle("cell", fontName=FONT, fontSize=8, leading=10)


def _table(header: list[str], body: list[list]) -> Table:
    """Header labels wrap between words; columns as wide as their text needs within the page."""
    table = fitted_table(header, body, available=WIDTH, style=CELL, bold=BOLD, font=FONT, size=8, escape=clean,
                         repeatRows=1)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), FONT), ("FONTSIZE", (0, 0), (-1, -1), 8),
        ("GRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#999999")), ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e9edf2")), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]))
    return table


def value_report_pdf(*, year: int, values, equity, renewals) -> bytes:
    styles = report_styles(body=(9, 12), h1=(15, 19), h2=(11.5, 14))
    body, h1, h2 = styles.body, styles.h1, styles.h2
    buffer = BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=1.6 * cm, rightMargin=1.6 * cm,
                                 topMargin=1.5 * cm, bottomMargin=1.5 * cm,
                                 title=f"Valeur des ressources en ligne {year}", author="Procurement")
    story = [
        Paragraph(clean(f"Ressources en ligne : valeur {year}"), h1),
        Paragraph(clean(f"Édité le {timezone.localdate():%d/%m/%Y}. Coût TTC payé dans l'année (bons de commande "
                        "des marchés, révisions comprises, au prorata de la part de chaque ressource) ; usages "
                        "COUNTER de la métrique retenue pour chaque ressource."), body),
        Paragraph("Coût par usage", h2),
    ]
    header = ["Ressource", "Coût TTC", "Métrique", "Usages", "Coût par usage", f"Évolution des usages sur {year - 1}"]
    rows = []
    for value in values:
        rows.append([Paragraph(clean(value.resource.name), body), clean(format_eur(value.cost_ttc)), value.metric,
                     format_number(value.uses),
                     clean(format_eur(value.cost_per_use)) if value.cost_per_use is not None else "—",
                     presentation.trend_text(value.uses_trend)])
    story += [_table(header, rows), Spacer(1, 8),
              bar_chart_drawing(rows=presentation.cost_per_use_rows(values), title="Coût par usage (TTC)", font=FONT)]
    story.append(Paragraph("Usage par strate de communes (usages pour 1 000 habitants)", h2))
    header = ["Strate", "Bibliothèques", "Population"] + [value.resource.name for value in values]
    rows = []
    for tier in equity.tiers:
        rows.append([Paragraph(clean(tier.label), body), format_number(tier.libraries), format_number(tier.population)]
                    + [clean(format_number(tier.per_thousand(value.resource.pk), places=1)) for value in values])
    story += [_table(header, rows), Spacer(1, 8)]
    for value in values:
        story.append(bar_chart_drawing(rows=presentation.tier_rows(equity, value.resource),
                                       title=f"{value.resource.name} : usages pour 1 000 habitants", font=FONT))
    story.append(Paragraph("Reconductions à décider", h2))
    if renewals:
        rows = [[Paragraph(clean(resource.name), body), resource.contract.reference,
                  f"{resource.contract.renewal_deadline:%d/%m/%Y}", "oui" if near else "non"]
                 for resource, near in renewals]
        story.append(_table(["Ressource", "Marché", "Décision avant le", "Proche"], rows))
    else:
        story.append(Paragraph("Aucune reconduction à décider.", body))
    document.build(story)
    return buffer.getvalue()
