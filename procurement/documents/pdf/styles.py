"""The paragraph styles the PDF reports share: body text, title and section headings in the
reports' fonts; each report chooses its sizes."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet

from procurement.documents.pdf.fonts import BOLD, FONT, register_fonts


@dataclass(frozen=True)
class ReportStyles:
    body: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle


def report_styles(*, body: tuple[float, float] = (9, 12), h1: tuple[float, float] = (15, 19),
                  h2: tuple[float, float] = (11.5, 14), h2_space_before: float = 10) -> ReportStyles:
    """Styles from reportlab's sample sheet in ``FONT`` / ``BOLD`` (registered here); each size is
    (font size, leading) in points."""
    register_fonts()
    base = getSampleStyleSheet()
    return ReportStyles(
        body=ParagraphStyle("body", parent=base["BodyText"], fontName=FONT, fontSize=body[0], leading=body[1]),
        h1=ParagraphStyle("h1", parent=base["Title"], fontName=BOLD, fontSize=h1[0], leading=h1[1]),
        h2=ParagraphStyle("h2", parent=base["Heading2"], fontName=BOLD, fontSize=h2[0], leading=h2[1],
                          spaceBefore=h2_space_before),
    )
