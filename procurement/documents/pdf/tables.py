"""Tables for the PDF reports (reportlab), as pure rendering: header cells are Paragraphs that wrap
between words and never inside one, and the column widths are computed from the text so that the
longest word of every column fits, the rest of the page width going to the columns with the most text
(as a browser lays out a table)."""

from __future__ import annotations

import re

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph, Table

CELL_PADDING = 6  # reportlab's default left and right padding of a table cell
_SPACES = re.compile(r"[ \t\r\n]+")


def header_style(parent: ParagraphStyle, *, font: str) -> ParagraphStyle:
    """``parent`` in ``font`` (the bold one), wrapping at spaces only: a word too long for its column
    overflows rather than splits (``column_widths`` makes every word fit)."""
    return ParagraphStyle(f"{parent.name}-header", parent=parent, fontName=font, splitLongWords=0)


def _measure(cell, font: str, size: float) -> tuple[float, float]:
    """(width of the longest word, width of the whole text on one line) of a cell: a Paragraph in its
    style's font, any other value as text in ``font`` (it does not wrap: its whole text is its word)."""
    if isinstance(cell, Paragraph):
        text, font, size = cell.getPlainText(), cell.style.fontName, cell.style.fontSize
        words = [word for word in _SPACES.split(text) if word]
        longest = max((stringWidth(word, font, size) for word in words), default=0.0)
        return longest, stringWidth(" ".join(words), font, size)
    whole = stringWidth(str(cell), font, size)
    return whole, whole


def column_widths(rows: list[list], *, available: float, font: str, size: float) -> list[float]:
    """Widths (points) for the columns of ``rows``: each at least its longest word, at most its text on
    one line; when that is wider than ``available``, the columns give up width in proportion to what
    they can spare above their longest word."""
    count = max(len(row) for row in rows)
    minimum, desired = [0.0] * count, [0.0] * count
    for row in rows:
        for index, cell in enumerate(row):
            longest, whole = _measure(cell, font, size)
            minimum[index] = max(minimum[index], longest + 2 * CELL_PADDING + 1)
            desired[index] = max(desired[index], whole + 2 * CELL_PADDING + 1)
    excess = sum(desired) - available
    if excess <= 0:
        return desired
    slack = [d - m for d, m in zip(desired, minimum, strict=True)]
    spare = sum(slack)
    if spare <= excess:
        return minimum
    return [d - excess * s / spare for d, s in zip(desired, slack, strict=True)]


def fitted_table(
    header: list[str],
    body: list[list],
    *,
    available: float,
    style: ParagraphStyle,
    bold: str,
    font: str,
    size: float,
    escape=str,
    **options,
) -> Table:
    """A table whose header labels wrap at spaces (Paragraphs in ``bold``), the columns sized by
    ``column_widths``; ``escape`` prepares a label for Paragraph markup; ``options`` go to Table."""
    heading = header_style(style, font=bold)
    rows = [[Paragraph(escape(label), heading) for label in header], *body]
    return Table(rows, colWidths=column_widths(rows, available=available, font=font, size=size), **options)
