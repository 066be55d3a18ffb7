"""Pure rendering of .docx templates: bytes and a context in, bytes out. Imports no domain app.

docxtpl renders with autoescape on (a « & » or « < » in a value stays text, never XML) and with
strict undefined values, so a misspelt variable fails instead of printing nothing. Every output is
checked: no Jinja tag may be left in it.
"""

from __future__ import annotations

import re
import zipfile
from io import BytesIO
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import Environment, StrictUndefined, TemplateError, TemplateSyntaxError, UndefinedError

# The parts of a .docx whose text the reader sees (body, headers, footers, notes).
TEXT_PARTS = re.compile(r"^word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml$")
LEFTOVER = re.compile(r"\{\{|\{%|\{#")
_UNDEFINED_NAME = re.compile(r"^'([^']+)' is undefined$")
_UNDEFINED_ATTRIBUTE = re.compile(r"has no attribute '([^']+)'$")


class RenderError(ValueError):
    """A template that cannot be rendered; the message is a French sentence for the user."""

    def __init__(self, message: str, *, variable: str = ""):
        self.variable = variable
        super().__init__(message)


def _environment() -> Environment:
    return Environment(undefined=StrictUndefined, autoescape=True)


def _explain(error: TemplateError) -> RenderError:
    text = str(error.message or error)
    if isinstance(error, UndefinedError):
        match = _UNDEFINED_NAME.match(text) or _UNDEFINED_ATTRIBUTE.search(text)
        name = match.group(1) if match else text
        return RenderError(f"le modèle utilise la variable « {name} », qui n'est pas fournie.", variable=name)
    if isinstance(error, TemplateSyntaxError):
        return RenderError(f"une balise du modèle est mal écrite ({text}).")
    return RenderError(f"le modèle ne peut pas être rendu ({text}).")


def _open(template_bytes: bytes) -> DocxTemplate:
    document = DocxTemplate(BytesIO(template_bytes))
    try:
        document.init_docx()
    except Exception as error:  # python-docx raises several kinds for a file that is not a .docx
        raise RenderError("le fichier n'est pas un document Word (.docx) lisible.") from error
    return document


def find_variables(template_bytes: bytes) -> set[str]:
    """The top-level names the template reads from its context (loop variables excluded)."""
    env = _environment()
    try:
        found = _open(template_bytes).get_undeclared_template_variables(jinja_env=env)
    except TemplateError as error:
        raise _explain(error) from error
    return set(found) - set(env.globals)


def leftover_tags(document_bytes: bytes) -> list[str]:
    """The parts of a rendered .docx that still hold ``{{``, ``{%`` or ``{#``."""
    with zipfile.ZipFile(BytesIO(document_bytes)) as archive:
        return [
            name for name in archive.namelist()
            if TEXT_PARTS.match(name) and LEFTOVER.search(archive.read(name).decode("utf-8", "replace"))
        ]


def render_docx(template_bytes: bytes, context: dict[str, Any]) -> bytes:
    """Renders the template with ``context``; raises RenderError with a French message."""
    document = _open(template_bytes)
    try:
        document.render(context, jinja_env=_environment(), autoescape=True)
    except TemplateError as error:
        raise _explain(error) from error
    except (TypeError, ValueError, AttributeError, KeyError, IndexError) as error:
        raise RenderError(f"le modèle ne peut pas être rendu ({error}).") from error
    output = BytesIO()
    document.save(output)
    data = output.getvalue()
    left = leftover_tags(data)
    if left:
        raise RenderError(f"des balises {{{{ ou {{% restent dans le document produit ({', '.join(left)}).")
    return data
