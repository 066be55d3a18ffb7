"""Exports of the finance follow-up: a workbook (per section and year, per budget line, per contract)
and a PDF with the chart, drawn with reportlab."""

from __future__ import annotations

from collections.abc import Iterable
from io import BytesIO

from django.utils import timezone
from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from procurement.contracts.selectors.finance import Commitments
from procurement.core.money import format_eur
from procurement.core.xlsx_tables import Table as SheetTable
from procurement.core.xlsx_tables import tables_xlsx
from procurement.dashboards.finance import chart
from procurement.documents.pdf.fonts import BOLD, FONT
from procurement.documents.pdf.styles import report_styles
from procurement.programmes.enums import BudgetSection

LINE_HEADERS = ["Année", "Ligne budgétaire", "Section", "Imputation", "Engagé HT", "Engagé TTC", "Prévisionnel TTC",
                "Budget voté TTC", "Reste TTC"]


def _section(value: str) -> str:
    return str(BudgetSection(value).label)


def _table(title: str, headers: list[str], rows: Iterable[list], money_from: int) -> SheetTable:
    return SheetTable(title=title, headers=headers, widths=[max(14, len(header) + 2) for header in headers], rows=rows,
                 money_from=money_from)


def commitments_xlsx(table: Commitments) -> bytes:
    """The workbook: per section and year, per budget line and year, per contract and year with an
    amount; its rows streamed (``tables_xlsx``), as it may hold tens of thousands of them."""
    sections = ([year, _section(section), cell.committed_ht, cell.committed_ttc, cell.forecast_ttc, cell.budget_ttc,
                 cell.remaining_ttc]
                for year in table.years for section in table.sections
                for cell in [table.section_year(section, year)])
    lines = ([year, row.line.label, _section(row.line.section), row.line.imputation, cell.committed_ht,
              cell.committed_ttc, cell.forecast_ttc, cell.budget_ttc, cell.remaining_ttc]
             for row in table.lines for year, cell in row.year_cells)
    # The years a contract commits or plans nothing in would be rows of zeros (most of them on ten years).
    contracts = ([year, row.contract.reference, row.contract.holder_name, row.line.label, cell.committed_ht,
                  cell.committed_ttc, cell.forecast_ht, cell.forecast_ttc]
                 for row in table.contracts for year, cell in row.year_cells if cell.has_amount)
    return tables_xlsx([
        _table("Par section", ["Année", "Section", "Engagé HT", "Engagé TTC", "Prévisionnel TTC", "Budget voté TTC",
                               "Reste TTC"], sections, 3),
        _table("Par ligne", LINE_HEADERS, lines, 5),
        _table("Par marché", ["Année", "Marché", "Titulaire", "Ligne budgétaire", "Engagé HT", "Engagé TTC",
                              "Prévisionnel HT", "Prévisionnel TTC"], contracts, 5),
    ])


def _eur(value) -> str:
    return format_eur(value).replace("\u202f", "\u00a0")


def chart_drawing(table: Commitments, scale: float = 0.95) -> Drawing:
    """The page's chart, the same geometry, as a reportlab drawing (y axis upwards)."""
    geometry = chart(table)
    drawing = Drawing(geometry.width * scale, (geometry.height + 20) * scale)
    flip = geometry.height

    def y(value: float) -> float:
        return (flip - value) * scale

    for tick in geometry.ticks:
        drawing.add(Line(geometry.left * scale, y(tick.y), geometry.width * scale, y(tick.y),
                         strokeColor=colors.HexColor("#cccccc"), strokeWidth=0.5))
        drawing.add(String(2, y(tick.y) - 3, tick.label.replace("\u202f", "\u00a0"), fontName=FONT, fontSize=7))
    for bar in geometry.bars:
        if bar.height:
            drawing.add(Rect(bar.x * scale, y(bar.y + bar.height), bar.width * scale, bar.height * scale,
                             fillColor=colors.HexColor(bar.color), strokeColor=None))
    for x, year in geometry.years:
        drawing.add(String(x * scale - 10, y(geometry.baseline) - 12, str(year), fontName=FONT, fontSize=8))
    for index, (label, color) in enumerate(geometry.legend):
        drawing.add(Rect(geometry.left * scale + index * 150, (flip + 8) * scale, 8, 8,
                         fillColor=colors.HexColor(color), strokeColor=None))
        drawing.add(String(geometry.left * scale + index * 150 + 12, (flip + 8) * scale, label, fontName=FONT,
                           fontSize=8))
    return drawing


def _lines_over_the_period(table: Commitments, *, body, h2, style) -> list:
    """One row per budget line, its figures summed over the years asked: a printed report a committee
    reads (a few pages for hundreds of lines); the years of each line are in the workbook."""
    span = f"en {table.years[0]}" if len(table.years) == 1 else f"de {table.years[0]} à {table.years[-1]}"
    # TTC as the whole report (said under its title), which keeps the headers on one line.
    rows = [["Ligne", "Imputation", "Engagé", "Prévisionnel", "Budget voté", "Reste", "AP/AE restante"]]
    for row in table.lines:
        total = row.total
        left = row.authorisation_left_ttc
        rows.append([Paragraph(row.line.label, body), Paragraph(row.line.imputation, body), _eur(total.committed_ttc),
                     _eur(total.forecast_ttc), _eur(total.budget_ttc), _eur(total.remaining_ttc),
                     "—" if left is None else _eur(left)])
    note = ("" if len(table.years) == 1 else
            " Le détail de chaque ligne par année et celui de chaque marché sont dans l’export tableur (.xlsx).")
    return [Paragraph(f"Par ligne budgétaire, {span}", h2), Paragraph(f"Montants cumulés {span}.{note}", body),
            Spacer(1, 4),
            Table(rows, style=style, repeatRows=1, colWidths=[5.4 * cm, 5.8 * cm] + [3.1 * cm] * 5)]


def commitments_pdf(table: Commitments, *, title: str) -> bytes:
    styles = report_styles(body=(8.5, 11), h1=(15, 19), h2=(11, 14), h2_space_before=8)
    body, h1, h2 = styles.body, styles.h1, styles.h2
    output = BytesIO()
    document = SimpleDocTemplate(output, pagesize=landscape(A4), leftMargin=1.5 * cm, rightMargin=1.5 * cm,
                                 topMargin=1.5 * cm, bottomMargin=1.5 * cm, title=title)
    story = [Paragraph(title, h1),
             Paragraph(f"Années {table.years[0]} à {table.years[-1]} ; montants TTC sauf mention ; édité le "
                       f"{timezone.localdate():%d/%m/%Y}.", body),
             Spacer(1, 6), chart_drawing(table), Spacer(1, 6), Paragraph("Par année et par section", h2)]
    style = TableStyle([("FONT", (0, 0), (-1, -1), FONT, 8), ("FONT", (0, 0), (-1, 0), BOLD, 8),
                        ("ALIGN", (2, 1), (-1, -1), "RIGHT"), ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")),
                        ("VALIGN", (0, 0), (-1, -1), "MIDDLE")])
    rows = [["Année", "Section", "Engagé HT", "Engagé TTC", "Prévisionnel TTC", "Budget voté TTC", "Reste TTC"]]
    for year in table.years:
        for section in table.sections:
            cell = table.section_year(section, year)
            rows.append([str(year), _section(section), _eur(cell.committed_ht), _eur(cell.committed_ttc),
                         _eur(cell.forecast_ttc), _eur(cell.budget_ttc), _eur(cell.remaining_ttc)])
    story += [Table(rows, style=style, repeatRows=1), *_lines_over_the_period(table, body=body, h2=h2, style=style)]
    document.build(story)
    return output.getvalue()
