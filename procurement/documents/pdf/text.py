"""Text for reportlab's Paragraph markup."""

from __future__ import annotations


def clean(text) -> str:
    """The bundled font has no narrow no-break space; XML characters are escaped for Paragraph."""
    text = str(text).replace("\u202f", "\u00a0")
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
