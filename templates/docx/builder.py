"""Helpers that write the .docx templates with python-docx (see build.py)."""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

HERE = Path(__file__).resolve().parent
BRAND = RGBColor(0x1F, 0x3A, 0x5F)


class B(str):
    """A bold part of a paragraph."""


class Builder:
    def __init__(self, *, title: str, footer: str):
        self.doc = Document()
        section = self.doc.sections[0]
        section.page_height, section.page_width = Cm(29.7), Cm(21)
        section.left_margin = section.right_margin = Cm(2.2)
        section.top_margin = section.bottom_margin = Cm(2)
        normal = self.doc.styles["Normal"]
        normal.font.name, normal.font.size = "Liberation Sans", Pt(10.5)
        normal.paragraph_format.space_after = Pt(5)
        for name, size in (("Title", 20), ("Heading 1", 14), ("Heading 2", 12), ("Heading 3", 11)):
            style = self.doc.styles[name]
            style.font.name, style.font.size, style.font.color.rgb = "Liberation Sans", Pt(size), BRAND
        properties = self.doc.core_properties
        properties.title, properties.author, properties.language = title, "Achats publics", "fr-FR"
        properties.comments = "Modèle livré avec l'application ; variables : page « Modèles de documents »."
        self._footer(footer)

    def _footer(self, text: str) -> None:
        paragraph = self.doc.sections[0].footer.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(f"{text} — page ")
        run.font.size = Pt(8)
        field = OxmlElement("w:fldSimple")
        field.set(qn("w:instr"), "PAGE")
        number = OxmlElement("w:r")
        text_element = OxmlElement("w:t")
        text_element.text = "1"
        number.append(text_element)
        field.append(number)
        paragraph._p.append(field)

    def title(self, text: str, subtitle: str = "") -> None:
        self.doc.add_paragraph(text, style="Title")
        if subtitle:
            self.p(B(subtitle))

    def h(self, text: str, level: int = 1) -> None:
        self.doc.add_heading(text, level=level)

    def p(self, *parts: str, align: str = "", style: str | None = None, size: float = 0):
        paragraph = self.doc.add_paragraph(style=style)
        if align == "right":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        elif align == "center":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif align == "justify":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        for part in parts:
            run = paragraph.add_run(str(part))
            run.bold = isinstance(part, B)
            if size:
                run.font.size = Pt(size)
        return paragraph

    def text(self, *parts: str) -> None:
        """A justified body paragraph."""
        self.p(*parts, align="justify")

    def bullet(self, *parts: str) -> None:
        self.p(*parts, style="List Bullet")

    def tag(self, tag: str) -> None:
        """A paragraph holding only a ``{%p … %}`` tag: docxtpl removes it when rendering."""
        self.doc.add_paragraph(tag)

    def table(self, headers: list[str], rows: list[list[str]], widths: list[float] | None = None) -> None:
        table = self.doc.add_table(rows=1, cols=len(headers))
        table.style = "Table Grid"
        for cell, header in zip(table.rows[0].cells, headers, strict=True):
            cell.text = ""
            run = cell.paragraphs[0].add_run(header)
            run.bold = True
        for values in rows:
            cells = table.add_row().cells
            for cell, value in zip(cells, [*values, *[""] * (len(headers) - len(values))], strict=True):
                cell.text = value
        if widths:
            # The grid's column widths too: LibreOffice reads them, not the cells' own.
            table.autofit = False
            for column, width in zip(table.columns, widths, strict=True):
                column.width = Cm(width)
            for row in table.rows:
                for cell, width in zip(row.cells, widths, strict=True):
                    cell.width = Cm(width)
        self.doc.add_paragraph()

    def facts(self, pairs: list[tuple[str, str]]) -> None:
        table = self.doc.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        for label, value in pairs:
            cells = table.add_row().cells
            cells[0].text = ""
            cells[0].paragraphs[0].add_run(label).bold = True
            cells[1].text = value
            cells[0].width, cells[1].width = Cm(5.5), Cm(11)
        self.doc.add_paragraph()

    def save(self, name: str, folder: Path = HERE) -> Path:
        path = folder / f"{name}.docx"
        self.doc.save(path)
        return path


def letter_head(doc: Builder, *, recipient: bool = True) -> None:
    """The sender, the recipient and the date, as a French administrative letter sets them."""
    doc.p(B("{{ authority.name }}"))
    doc.p("{{ authority.address }}", size=9)
    doc.p("Affaire suivie par {{ tender.buyer_name }} — {{ tender.buyer_email }}", size=9)
    if recipient:
        doc.p(B("{{ bidder.name }}"), align="right")
        doc.p("{{ bidder.address }}", align="right")
        doc.p("SIRET {{ bidder.siret }}", align="right", size=9)
    doc.p("Le {{ sent_on }}", align="right")
    doc.p("Envoi par voie électronique (profil d'acheteur)", align="right", size=9)
