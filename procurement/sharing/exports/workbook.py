"""The whole table of shares as a workbook (openpyxl): a row per member, the amounts as numbers in euros,
a total row equal to the finance schedule's figure; a second sheet says which key, which convention and
where the total comes from. Every text a user typed (a member's name, a key's label) is written through
``core.exports`` so that nothing in it runs as a formula."""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from procurement.core.exports import xlsx_append
from procurement.sharing.enums import COST_BASIS_WORDS, CostBasis
from procurement.sharing.presentation import bound_label, source_sentence, tier_label
from procurement.sharing.selectors.shares import Sharing

MONEY_FORMAT = '#,##0.00 "€"'
PERCENT_FORMAT = '0.00 "%"'
NUMBER_FORMAT = "#,##0"
HEADERS = ["Membre", "Nature", "Strate", "Population", "Population (%)", "Usages", "Usages (%)", "Part TTC",
           "Part (%)", "Coût par usage", "Tenu à"]
FORMATS = {4: NUMBER_FORMAT, 5: PERCENT_FORMAT, 6: NUMBER_FORMAT, 7: PERCENT_FORMAT, 8: MONEY_FORMAT,
           9: PERCENT_FORMAT, 10: MONEY_FORMAT}
WIDTHS = [28, 12, 22, 13, 15, 12, 12, 16, 10, 15, 26]


def shares_xlsx(sharing: Sharing) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = f"Répartition {sharing.year}"
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in sharing.members:
        xlsx_append(sheet, [row.member.name, row.member.get_kind_display(), tier_label(row.tier), row.population,
                            row.population_percent, row.uses, row.uses_percent, row.share_ttc, row.share_percent,
                            row.cost_per_use, bound_label(row, sharing.key)])
    xlsx_append(sheet, ["Total", "", "", sharing.total_population, None, sharing.total_uses, None, sharing.total_ttc,
                        None, None, ""])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for column, number_format in FORMATS.items():
        for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
            cell.number_format = number_format
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = width
    sheet.freeze_panes = "B2"

    about = book.create_sheet("Clé et source")
    agreement, key = sharing.agreement, sharing.key
    for label, value in (
        ("Convention", f"{agreement.name} ({agreement.start_year}–{agreement.end_year})"),
        ("Référence de la convention", agreement.convention_reference),
        ("Délibération", str(agreement.council_act) if agreement.council_act_id else ""),
        ("Programme", f"{agreement.programme.reference} — {agreement.programme.name}"),
        ("Exercice", sharing.year),
        ("Clé", key.name),
        ("Libellé de la clé", key.label),
        ("Composantes (poids)", key.description),
        ("Montant réparti", str(COST_BASIS_WORDS[CostBasis(sharing.cost.basis)])),
        ("Total TTC", sharing.total_ttc),
        ("Source du total", source_sentence(sharing)),
        ("Règle d'arrondi", sharing.rounding_rule),
    ):
        xlsx_append(about, [label, value])
    about.cell(row=10, column=2).number_format = MONEY_FORMAT
    about.column_dimensions["A"].width = 28
    about.column_dimensions["B"].width = 110
    for (cell,) in about.iter_rows(min_col=1, max_col=1):
        cell.font = Font(bold=True)
    for (cell,) in about.iter_rows(min_col=2, max_col=2):
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    lines = book.create_sheet("Dépenses partagées")
    lines.append(["Marché", "Objet", "Ligne budgétaire", "Coût TTC"])
    for cell in lines[1]:
        cell.font = Font(bold=True)
    for line in sharing.cost.lines:
        xlsx_append(lines, [line.contract.reference, line.contract.title, line.budget_line.label, line.cost_ttc])
    xlsx_append(lines, ["Total", "", "", sharing.total_ttc])
    for (cell,) in lines.iter_rows(min_row=2, min_col=4, max_col=4):
        cell.number_format = MONEY_FORMAT
    for letter, width in zip("ABCD", (18, 60, 30, 16), strict=True):
        lines.column_dimensions[letter].width = width
    output = BytesIO()
    book.save(output)
    return output.getvalue()
