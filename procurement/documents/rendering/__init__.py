"""Pure rendering of .docx templates (``docx``): bytes and a context in, bytes out. Imports no domain app.

docxtpl renders with autoescape on (a « & » or « < » in a value stays text, never XML) and with
strict undefined values, so a misspelt variable fails instead of printing nothing. Every output is
checked: no Jinja tag may be left in it.

Templates are uploaded by users, so a template may only print values: every Jinja source docxtpl
compiles (body, headers, footers, notes, document properties) goes through ``TemplateEnvironment``,
an immutable sandbox without globals whose parser checks the syntax tree (``inspect_template``)
before anything is compiled, let alone run. The check allows values, attributes and constant keys
that are not private, ``if`` and ``for`` (three loops deep at most), comparisons, ``and``/``or``/
``not``, ``~`` and a short list of formatting filters and tests; anything else (a call, a calculation,
``set``, ``macro``, ``include``, ``autoescape``, a ``__dunder__`` or ``_private`` name…) is refused
with a French sentence naming the expression.
"""

from procurement.documents.rendering.docx import variable_uses  # named by migration 0005, which cannot change

__all__ = ["variable_uses"]
