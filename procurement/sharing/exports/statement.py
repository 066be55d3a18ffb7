"""A member's yearly statement (PDF, reportlab), to attach to the title of receipts the authority issues
to the member: who bills whom under which convention, the year, the key and its components, the member's
figures against everyone's, what was shared and its total (the finance schedule's), the share in figures
and in words, and the rounding rule."""

from __future__ import annotations

from datetime import date
from io import BytesIO

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from procurement.core.legal_calendar import short_date
from procurement.core.money import amount_in_words, format_eur
from procurement.core.numbers import format_number
from procurement.documents.pdf.fonts import BOLD, FONT
from procurement.documents.pdf.styles import report_styles
from procurement.documents.pdf.tables import fitted_table
from procurement.documents.pdf.text import clean
from procurement.sharing.enums import COST_BASIS_WORDS, CostBasis
from procurement.sharing.presentation import (
    bound_label,
    component_lines,
    key_percent,
    percent_text,
    short_title,
    tier_label,
)
from procurement.sharing.selectors.shares import MemberShare, Sharing

MARGIN = 1.8 * cm
WIDTH = A4[0] - 2 * MARGIN
GRID = colors.HexColor("#999999")
HEADER_BG = colors.HexColor("#e9edf2")


def _grid_table(header: list[str], body: list[list], *, cell: ParagraphStyle, numeric_from: int,
                total: bool = False) -> Table:
    table = fitted_table(header, body, available=WIDTH, style=cell, bold=BOLD, font=FONT, size=cell.fontSize,
                         escape=clean, repeatRows=1, hAlign="LEFT")
    style = [
        ("FONTNAME", (0, 0), (-1, -1), FONT), ("FONTSIZE", (0, 0), (-1, -1), cell.fontSize),
        ("GRID", (0, 0), (-1, -1), 0.3, GRID), ("BACKGROUND", (0, 0), (-1, 0), HEADER_BG),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("ALIGN", (numeric_from, 1), (-1, -1), "RIGHT"),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if total:
        style += [("FONTNAME", (0, -1), (-1, -1), BOLD), ("LINEABOVE", (0, -1), (-1, -1), 1, colors.black)]
    table.setStyle(TableStyle(style))
    return table


def _eur(value) -> str:
    return clean(format_eur(value))


def statement_pdf(*, sharing: Sharing, row: MemberShare, today: date) -> bytes:
    """The statement of ``row``'s member for ``sharing`` (its agreement, year, key and cost)."""
    styles = report_styles(body=(9, 11.5), h1=(15, 18), h2=(11, 13.5), h2_space_before=8)
    body, h2 = styles.body, styles.h2
    h1 = ParagraphStyle("statement-h1", parent=styles.h1, spaceBefore=2, spaceAfter=4)
    small = ParagraphStyle("small", parent=body, fontSize=8, leading=10.5, textColor=colors.HexColor("#444444"))
    cell = ParagraphStyle("cell", parent=body, fontSize=8.5, leading=10.5)
    strong = ParagraphStyle("strong", parent=body, fontName=BOLD)
    amount = ParagraphStyle("amount", parent=body, fontName=BOLD, fontSize=14, leading=18)
    agreement, member, key = sharing.agreement, row.member, sharing.key
    authority = agreement.programme.authority
    basis = COST_BASIS_WORDS[CostBasis(sharing.cost.basis)]

    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=1.3 * cm, bottomMargin=1.5 * cm,
        title=f"Relevé de participation {sharing.year} — {member.name}", author=authority.name,
        subject=f"{agreement.name} — clé {key.name}")

    address = [f'<font name="{BOLD}">{clean(authority.name)}</font>',
               clean(f"{authority.street}, {authority.postal_code} {authority.city}")]
    if authority.siret:
        address.append(clean(f"SIRET {authority.siret_display}"))
    debtor = [f'<font name="{BOLD}">{clean(member.name)}</font>', clean(member.get_kind_display())]
    heading = Table([[Paragraph("<br/>".join(address), body),
                      Paragraph(clean("Membre redevable") + "<br/>" + "<br/>".join(debtor), body)]],
                    colWidths=[WIDTH * 0.55, WIDTH * 0.45])
    heading.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (0, 0), 0),
                                 ("BOX", (1, 0), (1, 0), 0.5, GRID), ("LEFTPADDING", (1, 0), (1, 0), 8)]))

    convention = agreement.convention_reference or "—"
    deliberation = str(agreement.council_act) if agreement.council_act_id else "—"
    facts = [
        ["Convention", Paragraph(clean(f"{agreement.name} ({agreement.start_year}–{agreement.end_year})"), cell)],
        ["Référence de la convention", Paragraph(clean(convention), cell)],
        ["Délibération", Paragraph(clean(deliberation), cell)],
        ["Programme", Paragraph(clean(f"{agreement.programme.reference} — {agreement.programme.name}"), cell)],
        ["Exercice", str(sharing.year)],
        ["Clé de répartition", Paragraph(clean(f"{key.name} — {key.label}"), cell)],
        ["Montant réparti", Paragraph(clean(f"{format_eur(sharing.total_ttc)} TTC ({basis})"), cell)],
    ]
    facts_table = Table(facts, colWidths=[WIDTH * 0.3, WIDTH * 0.7])
    facts_table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (0, -1), BOLD), ("FONTNAME", (1, 0), (1, -1), FONT),
        ("FONTSIZE", (0, 0), (-1, -1), 8.5), ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.3, GRID), ("LEFTPADDING", (0, 0), (0, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]))

    due = Table([[Paragraph(clean("Participation due au titre de l'exercice " + str(sharing.year)), strong)],
                 [Paragraph(clean(f"{format_eur(row.share_ttc)} TTC"), amount)],
                 [Paragraph(clean(f"Arrêtée à la somme de {amount_in_words(row.share_ttc)} TTC, soit "
                                  f"{percent_text(row.share_percent)} du montant réparti."), body)]],
                colWidths=[WIDTH])
    due.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 1, colors.HexColor("#123a6b")),
                             ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#f3f6fa")),
                             ("LEFTPADDING", (0, 0), (-1, -1), 10), ("TOPPADDING", (0, 0), (-1, -1), 4)]))

    story = [heading, Spacer(1, 8),
             Paragraph(clean(f"Relevé de participation {sharing.year}"), h1),
             Paragraph(clean(f"Partage des coûts entre les membres de la convention. Relevé édité le "
                             f"{short_date(today)}, à joindre au titre de recettes émis à l'encontre de "
                             f"{member.name}."), body),
             Spacer(1, 6), facts_table, Spacer(1, 10), due]

    story.append(Paragraph("Calcul de la part", h2))
    header = ["Composante", "Poids", member.name, "Tous les membres", "Part du membre"]
    rows = [[Paragraph(clean(line.label), cell), clean(percent_text(line.weight_percent)),
             clean(line.member_figure), clean(line.total_figure), clean(percent_text(line.member_percent))]
            for line in component_lines(sharing, row)]
    rows.append(["Part selon la clé", "", "", "", clean(percent_text(key_percent(sharing, row)))])
    story.append(_grid_table(header, rows, cell=cell, numeric_from=1, total=True))
    explanation = "Part selon la clé : la somme des poids multipliés par la part du membre dans chaque composante."
    held = bound_label(row, key)
    if held:
        explanation += (f" La participation est tenue au {held} du membre : ce que la borne retient ou ajoute est "
                        f"réparti entre les autres membres selon la même clé.")
    elif any(other.bound for other in sharing.members):
        explanation += (f" D'autres membres étant tenus à un plancher ou un plafond de la clé, ce que ces bornes "
                        f"retiennent ou ajoutent est réparti entre les membres non bornés en proportion de leur part : "
                        f"la participation est ici de {percent_text(row.share_percent)} du montant réparti.")
    else:
        explanation += " La participation est le montant réparti multiplié par cette part, arrondie au centime."
    explanation += f" Strate : {tier_label(row.tier)}"
    explanation += "" if explanation.endswith(".") else "."
    story += [Spacer(1, 4), Paragraph(clean(explanation), small)]
    if row.cost_per_use is not None:
        story.append(Paragraph(clean(f"Coût par usage pour le membre : {format_eur(row.cost_per_use)} "
                                     f"({format_eur(row.share_ttc)} pour {format_number(row.uses)} usages)."), small))

    story.append(Paragraph(clean(f"Dépenses partagées en {sharing.year}"), h2))
    header = ["Marché", "Objet", "Ligne budgétaire", f"Coût TTC ({basis})"]
    rows = [[line.contract.reference, Paragraph(clean(short_title(line.contract)), cell),
             Paragraph(clean(line.budget_line.label), cell), _eur(line.cost_ttc)] for line in sharing.cost.lines]
    rows.append(["Total", "", "", _eur(sharing.total_ttc)])
    story.append(_grid_table(header, rows, cell=cell, numeric_from=3, total=True))
    story += [Spacer(1, 4), Paragraph(clean(
        "Source : l'échéancier des finances du programme (engagements TTC des marchés signés : bons de commande, "
        "prix révisés, maintenance, reconductions), le même que la page « Finances » de l'application."), small)]

    rounding = f'<font name="{BOLD}">Règle d\'arrondi.</font> {clean(sharing.rounding_rule)}'
    if row.rounded_up:
        rounding += " " + clean("Ce membre a reçu l'un de ces centimes restants.")
    story += [Spacer(1, 6), Paragraph(rounding, body)]

    def footer(canvas, doc):
        canvas.saveState()
        canvas.setFont(FONT, 7.5)
        canvas.setFillColor(colors.HexColor("#555555"))
        canvas.drawString(MARGIN, 0.9 * cm, f"{authority.name} — relevé de participation {sharing.year} — "
                                            f"{member.name}")
        canvas.drawRightString(A4[0] - MARGIN, 0.9 * cm, f"page {doc.page}")
        canvas.restoreState()

    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
