"""Rendering a .docx template: bytes and a context in, bytes out, through the sandbox; the variables
a template reads; what a rendered document still holds (Jinja tags, parts left to complete)."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from io import BytesIO
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import TemplateError, TemplateSyntaxError, UndefinedError

from procurement.documents.rendering.errors import RenderError
from procurement.documents.rendering.sandbox import TemplateEnvironment

# The parts of a .docx whose text the reader sees (body, headers, footers, notes).
TEXT_PARTS = re.compile(r"^word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml$")
LEFTOVER = re.compile(r"\{\{|\{%|\{#")
_UNDEFINED_NAME = re.compile(r"^'([^']+)' is undefined$")
_UNDEFINED_ATTRIBUTE = re.compile(r"has no attribute '([^']+)'$")


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


# The document properties docxtpl renders as templates (``DocxTemplate.render_properties``).
PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")
FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"


def _sources(document: DocxTemplate) -> Iterator[str]:
    """Every text docxtpl compiles when it renders ``document``: body, headers and footers, footnotes,
    document properties (``get_undeclared_template_variables`` reads only the first three)."""
    yield document.patch_xml(document.get_xml())
    for uri in (document.HEADER_URI, document.FOOTER_URI):
        for _key, part in document.get_headers_footers(uri):
            yield document.patch_xml(document.get_part_xml(part))
    for part in document.docx.part.package.parts:
        if part.content_type == FOOTNOTES:
            blob = part.blob
            yield document.patch_xml(blob.decode("utf-8") if isinstance(blob, bytes) else blob)
    for name in PROPERTIES:
        yield getattr(document.docx.core_properties, name) or ""


def variable_uses(template_bytes: bytes) -> dict[str, str]:
    """The top-level names the template reads from its context (loop variables excluded), each with
    the first expression that reads it. Raises RenderError (UnsafeTemplate) on a template that does
    more than print values."""
    document = _open(template_bytes)
    env = TemplateEnvironment()
    try:
        for source in _sources(document):
            env.parse(source)
    except TemplateError as error:
        raise _explain(error) from error
    return env.used


def find_variables(template_bytes: bytes) -> set[str]:
    """The top-level names the template reads from its context (loop variables excluded)."""
    return set(variable_uses(template_bytes))


def leftover_tags(document_bytes: bytes) -> list[str]:
    """The parts of a rendered .docx that still hold ``{{``, ``{%`` or ``{#``."""
    with zipfile.ZipFile(BytesIO(document_bytes)) as archive:
        return [
            name for name in archive.namelist()
            if TEXT_PARTS.match(name) and LEFTOVER.search(archive.read(name).decode("utf-8", "replace"))
        ]


# A part left to complete, as templates mark it: « [À compléter : …] », « [Niveau de service…] », « […] ».
PLACEHOLDER = re.compile(r"\[\s*(?:[^\W\d_][^\[\]]{0,300}|…|\.\.\.)\]")
_PARAGRAPH = re.compile(r"<w:p[ >].*?</w:p>", re.S)
_TEXT = re.compile(r"<w:t(?: [^>]*)?>([^<]*)</w:t>")


def placeholders(document_bytes: bytes) -> list[str]:
    """The bracketed parts left to complete in a .docx (body, headers, footers, notes), each once, in
    their order; a run split across the brackets is read whole, paragraph by paragraph."""
    from html import unescape

    found: dict[str, None] = {}
    with zipfile.ZipFile(BytesIO(document_bytes)) as archive:
        for name in archive.namelist():
            if not TEXT_PARTS.match(name):
                continue
            xml = archive.read(name).decode("utf-8", "replace")
            for paragraph in _PARAGRAPH.findall(xml):
                text = unescape("".join(_TEXT.findall(paragraph)))
                for match in PLACEHOLDER.findall(text):
                    found.setdefault(match, None)
    return list(found)


def render_docx(template_bytes: bytes, context: dict[str, Any]) -> bytes:
    """Renders the template with ``context``; raises RenderError with a French message. Whatever its
    origin, the template is checked before any of it is compiled, and may read only ``context``."""
    document = _open(template_bytes)
    try:
        document.render(context, jinja_env=TemplateEnvironment(names=context.keys()), autoescape=True)
    except RenderError:
        raise
    except TemplateError as error:
        raise _explain(error) from error
    except (TypeError, ValueError, AttributeError, KeyError, IndexError, ArithmeticError) as error:
        raise RenderError(f"le modèle ne peut pas être rendu ({error}).") from error
    output = BytesIO()
    document.save(output)
    data = output.getvalue()
    left = leftover_tags(data)
    if left:
        raise RenderError(f"des balises {{{{ ou {{% restent dans le document produit ({', '.join(left)}).")
    return data
