"""The award report (rapport d'analyse des offres) as a PDF, drawn with reportlab from a
``LotEvaluation``: the bids and their admissibility, the notes per criterion and per evaluator, the
consolidated table with its chart, the ranking, the dispersion, the sensitivity with its chart and
the decisions on abnormally low bids."""

from __future__ import annotations

from io import BytesIO

from django.utils import timezone
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import KeepTogether

from procurement.core.money import format_eur
from procurement.documents.pdf.fonts import BOLD, FONT
from procurement.documents.pdf.styles import report_styles
from procurement.documents.pdf.tables import column_widths, fitted_table
from procurement.documents.pdf.text import clean
from procurement.tenders.enums import AbnormallyLowDecision, ConsolidationMethod, PriceFormula, TieBreak
from procurement.tenders.evaluation.scoring import FORMULA_TEXT, fmt

PALETTE = [colors.HexColor(c) for c in ("#1f4e79", "#c55a11", "#548235", "#7030a0", "#bf9000", "#2e75b6",
                                         "#a50021", "#3a3a3a")]
SOURCES = {"committee": "note arrêtée par la commission", "missing": "note manquante"}


class _Styles:
    def __init__(self):
        shared = report_styles(body=(9, 12), h1=(16, 20), h2=(12, 15))
        self.body, self.h1, self.h2 = shared.body, shared.h1, shared.h2
        self.small = ParagraphStyle("small", parent=self.body, fontSize=7.5, leading=9.5)
        self.warn = ParagraphStyle("warn", parent=self.body, textColor=colors.HexColor("#8a3b00"))


WIDTH = A4[0] - 3.2 * cm  # between the margins


def _table(rows: list[list], styles: _Styles, header: bool = True) -> Table:
    """Cells as Paragraphs; the header's labels in bold wrap between words, never inside one, and the
    columns are as wide as their text needs within the page (``documents.pdf.tables``)."""
    body = [[Paragraph(clean(cell).replace("\n", "<br/>"), styles.small) for cell in row]
            for row in (rows[1:] if header else rows)]
    if header:
        table = fitted_table([str(label) for label in rows[0]], body, available=WIDTH, style=styles.small, bold=BOLD,
                             font=FONT, size=styles.small.fontSize, escape=clean, repeatRows=1, hAlign="LEFT")
    else:
        table = Table(body, colWidths=column_widths(body, available=WIDTH, font=FONT, size=styles.small.fontSize),
                      hAlign="LEFT")
    commands = [("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP")]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dde4ee")))
    table.setStyle(TableStyle(commands))
    return table


def _p(text, style) -> Paragraph:
    return Paragraph(clean(text), style)


def build_report_pdf(evaluation) -> bytes:
    styles = _Styles()
    buffer = BytesIO()
    tender, lot = evaluation.tender, evaluation.lot
    document = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=1.6 * cm, rightMargin=1.6 * cm,
                                 topMargin=1.5 * cm, bottomMargin=1.5 * cm,
                                 title=f"Rapport d'analyse des offres {tender.reference} lot {lot.number}",
                                 author="Achats publics — Métropole")
    story = [
        _p("Rapport d'analyse des offres", styles.h1),
        _p(f"Consultation {tender.reference} — {tender.object}", styles.body),
        _p(f"Lot {lot.number} — {lot.title}", styles.body),
        _p(f"Procédure : {tender.get_procedure_display() or '—'}. Édité le "
           f"{timezone.localtime():%d/%m/%Y à %H:%M}.", styles.body),
    ]
    if not evaluation.final:
        story.append(_p("Document provisoire : le tour de notation est encore à l'aveugle.", styles.warn))
    story += _committee(evaluation, styles) + _bids(evaluation, styles) + _method(evaluation, styles)
    story += _prices(evaluation, styles) + _per_evaluator(evaluation, styles)
    story += _consolidated(evaluation, styles) + _dispersion(evaluation, styles)
    story += _sensitivity(evaluation, styles) + _abnormally_low(evaluation, styles)
    document.build(story)
    return buffer.getvalue()


def _committee(evaluation, styles) -> list:
    state = evaluation.round
    rows = [["Membre", "Rôle", "Déclaration d'intérêts", "Notes soumises"]]
    for member in state.members:
        declaration = state.declaration_of(member)
        if declaration is None:
            declared = "non signée"
        elif declaration.has_conflict:
            declared = f"conflit déclaré le {timezone.localtime(declaration.declared_at):%d/%m/%Y} : " \
                       f"{declaration.comment} (retiré du lot)"
        else:
            declared = f"aucun conflit, signée le {timezone.localtime(declaration.declared_at):%d/%m/%Y} " \
                       f"({len(declaration.bidders_shown)} candidat(s) présentés)"
        submission = state.submissions.get(member.user_id)
        rows.append([member, "président" if member.is_chair else "membre", declared,
                     f"le {timezone.localtime(submission.submitted_at):%d/%m/%Y}" if submission else "non"])
    story = [_p("Commission d'évaluation", styles.h2)]
    story.append(_table(rows, styles) if state.members else
                 _p("Aucune commission désignée.", styles.body))
    if state.closure is not None:
        story.append(_p(f"Tour clos par le président le {timezone.localtime(state.closure.closed_at):%d/%m/%Y} : "
                        f"{state.closure.reason}", styles.warn))
    return story


def _bids(evaluation, styles) -> list:
    mismatches = evaluation.schedule_mismatches()
    rows = [["Candidat", "SIRET", "Candidature", "Offre", "Montant HT", "TVA", "Montant TTC", "Bordereau (DQE)"]]
    for bid in evaluation.all_bids:
        admissible = {True: "recevable", False: f"irrecevable : {bid.admissibility_reason}", None: "non examinée"}
        schedule = evaluation.schedule_totals.get(bid.pk)
        schedule_text = "—" if schedule is None else format_eur(schedule) + (
            " ≠ montant déclaré" if bid.pk in mismatches else "")
        rows.append([bid.vendor.name, bid.vendor.siret or "—", admissible[bid.admissible],
                     bid.get_status_display() + (f" : {bid.status_reason}" if bid.status_reason else ""),
                     format_eur(bid.final_amount_ht) or "—", f"{fmt(bid.vat_rate)}\u00a0%" if bid.vat_rate is not None
                     else "—", format_eur(bid.final_amount_ttc) or "—", schedule_text])
    return [_p("Offres et recevabilité des candidatures", styles.h2),
            _table(rows, styles)]


def _method(evaluation, styles) -> list:
    rows = [["Critère", "Points", "Notation"]]
    for criterion, depth in evaluation.tree.ordered:
        how = FORMULA_TEXT.get(criterion.price_formula or PriceFormula.PROPORTIONAL) if criterion.is_price else (
            "notée par chaque évaluateur de 0 à ses points" if not evaluation.tree.children.get(criterion.id)
            else "somme de ses sous-critères")
        rows.append([("\u00a0" * 4 * depth) + criterion.name, fmt(criterion.points), how])
    settings = evaluation.settings
    return [
        _p("Critères et méthode", styles.h2), _table(rows, styles),
        _p(f"Consolidation : {ConsolidationMethod(settings.consolidation).label} ; départage : "
           f"{TieBreak(settings.tie_break).label} ; dispersion signalée au-delà de "
           f"{fmt(settings.dispersion_threshold_percent)} % des points du critère.", styles.body),
    ]


def _prices(evaluation, styles) -> list:
    story = []
    names = evaluation.names
    for leaf in evaluation.tree.price_leaves:
        notes = evaluation.consolidation.price.get(leaf.id, {})
        story.append(_p(f"Note du critère « {leaf.name} » ({fmt(leaf.points)} points, prix "
                        f"{'TTC' if leaf.price_basis == 'ttc' else 'HT'})", styles.h2))
        story.append(_table([["Candidat", "Calcul", "Note"]] + [[names[b], n.explanation, fmt(n.note)]
                                                                for b, n in notes.items()], styles))
        if refusal := evaluation.consolidation.price_refusals.get(leaf.id):
            story.append(_p(refusal, styles.warn))
        story += [_p(w, styles.warn) for w in evaluation.consolidation.price_warnings.get(leaf.id, [])]
    for effect in evaluation.consolidation.effects:
        story.append(_p(effect_text(effect, names), styles.warn))
    return story


def effect_text(effect, names) -> str:
    before = ", ".join(names[b] for b in effect.before)
    after = ", ".join(names[b] for b in effect.after)
    return (f"Effet de la formule : sans l'offre de {names[effect.removed_bid_id]}, qui ne peut pas gagner, "
            f"l'ordre des autres offres change ({before} → {after}).")


def _per_evaluator(evaluation, styles) -> list:
    story = [_p("Notes par critère et par évaluateur", styles.h2)]
    names = evaluation.names
    for leaf in evaluation.tree.qualitative_leaves:
        rows = [["Candidat", "Notes des évaluateurs (commentaire)", "Note retenue"]]
        for bid in sorted(evaluation.bids, key=lambda b: evaluation.consolidation.order.index(b.id)):
            key = (bid.id, leaf.id)
            notes = "\n".join(f"{n.evaluator} : {fmt(n.value)} — {n.comment}" for n in evaluation.notes.get(key, []))
            source = evaluation.consolidation.source.get(key, "")
            kept = fmt(evaluation.consolidation.leaf[key]) + (f" ({SOURCES[source]})" if source in SOURCES else "")
            if source == "committee":
                kept += f" : {evaluation.committee_notes[key].justification}"
            rows.append([names[bid.id], notes or "—", kept])
        story += [_p(f"{leaf.name} (sur {fmt(leaf.points)} points)", styles.body),
                  _table(rows, styles), Spacer(1, 6)]
    return story


def _consolidated(evaluation, styles) -> list:
    roots = evaluation.tree.roots
    rows = [["Rang", "Candidat", *(f"{c.name} /{fmt(c.points)}" for c in roots), "Total /100"]]
    for ranked in evaluation.ranking.ranked:
        rows.append([str(ranked.rank), ranked.bidder, *(fmt(s.score) for s in ranked.criteria), fmt(ranked.total)])
    story = [_p("Tableau consolidé et classement", styles.h2), _table(rows, styles)]
    story += [_p(tie.text, styles.body) for tie in evaluation.consolidation.ties]
    if evaluation.ranking.ranked:
        story.append(KeepTogether([Spacer(1, 8), _totals_chart(evaluation)]))
    return story


def _totals_chart(evaluation) -> Drawing:
    ranked = evaluation.ranking.ranked[:15]
    height = 40 + 18 * len(ranked)
    drawing = Drawing(17 * cm, height)
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 130, 20, 17 * cm - 160, height - 40
    chart.data = [[float(r.total) for r in reversed(ranked)]]
    chart.categoryAxis.categoryNames = [r.bidder[:28] for r in reversed(ranked)]
    chart.categoryAxis.labels.fontName = chart.valueAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 10
    chart.bars[0].fillColor = PALETTE[0]
    drawing.add(chart)
    drawing.add(String(0, height - 10, "Total sur 100 par candidat", fontName=BOLD, fontSize=8))
    return drawing


def _dispersion(evaluation, styles) -> list:
    flags = evaluation.consolidation.dispersion
    story = [_p("Dispersion des notes", styles.h2)]
    if not flags:
        return [*story, _p("Aucun écart entre évaluateurs au-delà du seuil.", styles.body)]
    names, criteria = evaluation.names, evaluation.tree.by_id
    rows = [["Candidat", "Critère", "Note la plus basse", "Note la plus haute", "Écart", "Seuil"]]
    rows += [[names[f.bid_id], criteria[f.criterion_id].name, fmt(f.low), fmt(f.high), fmt(f.spread),
              fmt(f.threshold)] for f in flags]
    return [*story, _table(rows, styles)]


def _sensitivity(evaluation, styles) -> list:
    result = evaluation.sensitivity
    story = [_p("Sensibilité du classement aux pondérations", styles.h2)]
    if result.winner_id is None or len(evaluation.bids) < 2:
        return [*story, _p("Sans objet : moins de deux offres classées.", styles.body)]
    names = evaluation.names
    story.append(_p("Pour chaque critère, la plus petite variation de ses points (les autres critères étant "
                    "ajustés en proportion pour garder 100) qui ferait passer une autre offre devant "
                    f"{names[result.winner_id]}.", styles.body))
    rows = [["Critère", "Points", "Variation", "Offre qui dépasserait"]]
    rows += [[item.name, fmt(item.points), item.label, names[item.overtaken_by] if item.overtaken_by else "—"]
             for item in result.criteria]
    story.append(_table(rows, styles))
    sensitive = result.most_sensitive
    if sensitive is not None:
        story.append(_p(f"Critère le plus sensible : {sensitive.name} ({sensitive.label}).", styles.body))
        story.append(KeepTogether([Spacer(1, 6), _sensitivity_chart(evaluation, sensitive)]))
    else:
        story.append(_p("Classement stable : aucune pondération entre 0 et 100 ne change le premier.", styles.body))
    return story


def _sensitivity_chart(evaluation, sensitive) -> Drawing:
    lines = evaluation.sensitivity.lines[sensitive.criterion_id]
    bids = [ranked.bid_id for ranked in evaluation.ranking.ranked[:len(PALETTE)]]
    drawing = Drawing(17 * cm, 7.5 * cm)
    plot = LinePlot()
    plot.x, plot.y, plot.width, plot.height = 40, 30, 11 * cm, 5.5 * cm
    top = float(evaluation.sensitivity.total_points)
    plot.data = [[(0, float(lines[b][0])), (top, float(lines[b][1]))] for b in bids]
    for index, _bid in enumerate(bids):
        plot.lines[index].strokeColor = PALETTE[index]
        plot.lines[index].strokeWidth = 1.5
    plot.xValueAxis.valueMin, plot.xValueAxis.valueMax = 0, top
    plot.yValueAxis.valueMin, plot.yValueAxis.valueMax = 0, 100
    for axis in (plot.xValueAxis, plot.yValueAxis):
        axis.labels.fontName, axis.labels.fontSize = FONT, 7
    drawing.add(plot)
    legend = Legend()
    legend.x, legend.y, legend.fontName, legend.fontSize = 11 * cm + 60, 5.5 * cm + 20, FONT, 7
    legend.colorNamePairs = [(PALETTE[i], evaluation.names[b][:26]) for i, b in enumerate(bids)]
    drawing.add(legend)
    drawing.add(String(40, 8, f"Total sur 100 selon les points de « {sensitive.name[:50]} » (actuellement "
                       f"{fmt(sensitive.points)})", fontName=FONT, fontSize=7))
    return drawing


def _abnormally_low(evaluation, styles) -> list:
    story = [_p("Offres anormalement basses", styles.h2), _p(evaluation.oab_method_text, styles.body)]
    names = evaluation.names
    keys = list(dict.fromkeys([f.key for f in evaluation.oab_flags] + list(evaluation.oab_reviews)))
    if not keys:
        return [*story, _p("Aucune offre détectée comme anormalement basse.", styles.body)]
    details = {f.key: f.explanation for f in evaluation.oab_flags}
    rows = [["Candidat", "Détection", "Justification", "Décision"]]
    for key in keys:
        review = evaluation.oab_reviews.get(key)
        if review is None:
            asked, decision = "non demandée", "à prendre avant l'attribution"
        else:
            asked = f"demandée le {review.justification_requested_on:%d/%m/%Y}" + (
                f", reçue le {review.justification_received_on:%d/%m/%Y}" if review.justification_received_on else "")
            decision = review.get_decision_display() + (
                f" : {review.reason}" if review.decision != AbnormallyLowDecision.PENDING else "")
        rows.append([names[key], details.get(key) or (review.detection_detail if review else ""), asked, decision])
    return [KeepTogether([*story, _table(rows, styles)])]
