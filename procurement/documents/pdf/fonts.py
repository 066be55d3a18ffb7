"""The fonts of the PDF reports: Vera, bundled with reportlab, has the French accents."""

from __future__ import annotations

import os

import reportlab
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

# The names the fonts are registered under (the award report registered them first).
FONT, BOLD = "EvalVera", "EvalVera-Bold"


def register_fonts() -> None:
    """Registers ``FONT`` and ``BOLD`` with reportlab, once per process."""
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    folder = os.path.join(os.path.dirname(reportlab.__file__), "fonts")
    pdfmetrics.registerFont(TTFont(FONT, os.path.join(folder, "Vera.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, os.path.join(folder, "VeraBd.ttf")))
