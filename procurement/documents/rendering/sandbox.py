"""Pure rendering of .docx templates: bytes and a context in, bytes out. Imports no domain app.

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

from __future__ import annotations

import re
import zipfile
from collections.abc import Collection, Iterator
from io import BytesIO
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, Undefined, UndefinedError, nodes
from jinja2.defaults import DEFAULT_FILTERS, DEFAULT_TESTS
from jinja2.sandbox import ImmutableSandboxedEnvironment

from procurement.core.numbers import THIN_SPACE, format_number

# The parts of a .docx whose text the reader sees (body, headers, footers, notes).
TEXT_PARTS = re.compile(r"^word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml$")
LEFTOVER = re.compile(r"\{\{|\{%|\{#")
_UNDEFINED_NAME = re.compile(r"^'([^']+)' is undefined$")
_UNDEFINED_ATTRIBUTE = re.compile(r"has no attribute '([^']+)'$")

# Formatting filters, with the number of arguments each may take: none of them reads an attribute
# by a name the template gives (``join`` would with a second argument, hence 1), calls a method,
# or builds a value larger than its input times a constant (``center``, ``indent``, ``format``,
# ``replace`` and ``wordwrap`` could, from a number or a text written in the template).
FILTERS: dict[str, int] = {
    "abs": 0, "capitalize": 0, "count": 0, "d": 2, "default": 2, "e": 0, "escape": 0, "first": 0,
    "float": 1, "int": 2, "join": 1, "last": 0, "length": 0, "lower": 0, "round": 2, "string": 0,
    "striptags": 0, "title": 0, "trim": 1, "truncate": 4, "upper": 0, "wordcount": 0,
}
TESTS: dict[str, int] = {
    "defined": 0, "undefined": 0, "none": 0, "true": 0, "false": 0, "boolean": 0, "number": 0,
    "integer": 0, "float": 0, "string": 0, "mapping": 0, "sequence": 0, "iterable": 0, "lower": 0,
    "upper": 0, "even": 0, "odd": 0, "divisibleby": 1, "in": 1, "eq": 1, "equalto": 1, "==": 1, "ne": 1,
    "!=": 1, "lt": 1, "lessthan": 1, "<": 1, "le": 1, "<=": 1, "gt": 1, "greaterthan": 1, ">": 1,
    "ge": 1, ">=": 1, "sameas": 1,
}
# A loop over a loop over a loop (lots, their criteria, their sub-criteria) is the deepest the
# documents need; deeper nesting over the same lists would multiply the work without bound.
MAX_LOOP_DEPTH = 3
# Loops run only over lists, and over this many items in all per document (a 10-lot DCE with 2,000
# price lines a lot is a fifth of it): three nested loops over long texts cannot spin for hours.
MAX_LOOP_ITEMS = 100_000
# Names Jinja resolves by itself, whatever the context holds.
RESERVED = frozenset({"self", "super", "caller", "varargs", "kwargs", "loop"})
LOOP_ATTRIBUTES = frozenset({"index", "index0", "revindex", "revindex0", "first", "last", "length",
                             "previtem", "nextitem", "depth", "depth0"})

_EXPRESSIONS = (nodes.Name, nodes.Const, nodes.Getattr, nodes.Getitem, nodes.Filter, nodes.Test, nodes.Not,
                nodes.And, nodes.Or, nodes.Compare, nodes.Operand, nodes.CondExpr, nodes.Concat, nodes.Tuple,
                nodes.List)
_STATEMENTS = (nodes.Template, nodes.Output, nodes.TemplateData, nodes.If, nodes.For)
_TAGS = {
    nodes.Assign: "set", nodes.AssignBlock: "set", nodes.Macro: "macro", nodes.CallBlock: "call",
    nodes.FilterBlock: "filter", nodes.With: "with", nodes.Include: "include", nodes.Import: "import",
    nodes.FromImport: "from … import", nodes.Extends: "extends", nodes.Block: "block",
    nodes.ScopedEvalContextModifier: "autoescape", nodes.EvalContextModifier: "autoescape",
    nodes.ExprStmt: "do", nodes.Break: "break", nodes.Continue: "continue",
    nodes.Scope: "autoescape",  # the parser wraps {% autoescape %} in a Scope
}
_OPERATORS = {"eq": "==", "ne": "!=", "gt": ">", "gteq": ">=", "lt": "<", "lteq": "<=", "in": "in",
              "notin": "not in"}


class RenderError(ValueError):
    """A template that cannot be rendered; the message is a French sentence for the user."""

    def __init__(self, message: str, *, variable: str = "", expression: str = ""):
        self.variable = variable
        self.expression = expression
        super().__init__(message)


class UnsafeTemplate(RenderError):
    """A template that does more than print the values it is given: refused before it is compiled."""


# Naming an expression ---------------------------------------------------------------------------

def describe(node: nodes.Node, limit: int = 120) -> str:
    """The expression as a template author would write it (shortened past ``limit`` characters)."""
    text = _text(node)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _arguments(node: nodes.Call | nodes.Filter | nodes.Test) -> str:
    parts = [_text(arg) for arg in node.args] + [f"{kw.key}={_text(kw.value)}" for kw in node.kwargs]
    if node.dyn_args is not None:
        parts.append(f"*{_text(node.dyn_args)}")
    if node.dyn_kwargs is not None:
        parts.append(f"**{_text(node.dyn_kwargs)}")
    return ", ".join(parts)


def _text(node: nodes.Node | None) -> str:
    if node is None:
        return ""
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Const):
        return repr(node.value)
    if isinstance(node, nodes.Getattr):
        return f"{_text(node.node)}.{node.attr}"
    if isinstance(node, nodes.Getitem):
        return f"{_text(node.node)}[{_text(node.arg)}]"
    if isinstance(node, nodes.Slice):
        return ":".join(_text(part) for part in (node.start, node.stop, node.step) if part is not None)
    if isinstance(node, nodes.Call):
        return f"{_text(node.node)}({_arguments(node)})"
    if isinstance(node, nodes.Filter | nodes.Test):
        head = f"{_text(node.node)}|" if isinstance(node, nodes.Filter) else f"{_text(node.node)} is "
        arguments = _arguments(node)
        return f"{head}{node.name}({arguments})" if arguments else f"{head}{node.name}"
    if isinstance(node, nodes.BinExpr):
        return f"{_text(node.left)} {node.operator} {_text(node.right)}"
    if isinstance(node, nodes.UnaryExpr):
        return f"{node.operator} {_text(node.node)}" if node.operator == "not" else f"{node.operator}{_text(node.node)}"
    if isinstance(node, nodes.Compare):
        return " ".join([_text(node.expr), *(f"{_OPERATORS.get(op.op, op.op)} {_text(op.expr)}" for op in node.ops)])
    if isinstance(node, nodes.Concat):
        return " ~ ".join(_text(part) for part in node.nodes)
    if isinstance(node, nodes.CondExpr):
        tail = f" else {_text(node.expr2)}" if node.expr2 is not None else ""
        return f"{_text(node.expr1)} if {_text(node.test)}{tail}"
    if isinstance(node, nodes.Tuple | nodes.List):
        inner = ", ".join(_text(item) for item in node.items)
        return f"[{inner}]" if isinstance(node, nodes.List) else f"({inner})"
    if isinstance(node, nodes.Dict):
        return "{" + ", ".join(f"{_text(pair.key)}: {_text(pair.value)}" for pair in node.items) + "}"
    return type(node).__name__


# The check --------------------------------------------------------------------------------------

def _private(name: str) -> bool:
    return name.startswith("_")


class _Inspection:
    """One walk over a template's syntax tree: the names it reads from its context (with the first
    expression that reads each), or an UnsafeTemplate on the first construct it may not use. Children
    are checked before their parent, so the innermost offending piece is the one named."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}

    def refuse(self, message: str, node: nodes.Node, statement: nodes.Node) -> UnsafeTemplate:
        expression = describe(statement)
        where = "" if statement is node else f" (dans « {expression} »)"
        return UnsafeTemplate(f"{message}{where}.", expression=expression)

    def statement(self, node: nodes.Node, *, bound: frozenset[str], loops: int) -> None:
        if type(node) in _TAGS:
            tag = f"{{% {_TAGS[type(node)]} %}}"
            line = f" (ligne {node.lineno})" if node.lineno else ""
            raise UnsafeTemplate(f"la balise « {tag} »{line} n'est pas autorisée : un modèle n'utilise que "
                                 "{{ … }}, {% if %} et {% for %}.", expression=tag)
        if isinstance(node, nodes.Output):
            for child in node.nodes:
                if not isinstance(child, nodes.TemplateData):
                    self.expression(child, bound=bound, statement=child)
        elif isinstance(node, nodes.If):
            self.expression(node.test, bound=bound, statement=node.test)
            for child in (*node.body, *node.elif_, *node.else_):
                self.statement(child, bound=bound, loops=loops)
        elif isinstance(node, nodes.For):
            self.loop(node, bound=bound, loops=loops)
        elif isinstance(node, nodes.Template):
            for child in node.body:
                self.statement(child, bound=bound, loops=loops)
        elif not isinstance(node, nodes.TemplateData):
            raise UnsafeTemplate(f"l'instruction « {type(node).__name__} » n'est pas autorisée dans un modèle.",
                                 expression=type(node).__name__)

    def loop(self, node: nodes.For, *, bound: frozenset[str], loops: int) -> None:
        self.expression(node.iter, bound=bound, statement=node.iter)
        head = f"for … in {describe(node.iter)}"
        if node.recursive:
            raise UnsafeTemplate(f"une boucle récursive (« {head} recursive ») n'est pas autorisée.", expression=head)
        if loops >= MAX_LOOP_DEPTH:
            raise UnsafeTemplate(f"la boucle « {head} » est imbriquée dans {loops} autres : {MAX_LOOP_DEPTH} niveaux "
                                 "de boucles au plus.", expression=head)
        targets = [node.target] if isinstance(node.target, nodes.Name) else getattr(node.target, "items", [])
        if not targets or not all(isinstance(target, nodes.Name) for target in targets):
            raise UnsafeTemplate(f"la variable de la boucle « {head} » doit être un simple nom.", expression=head)
        names = {target.name for target in targets}
        reserved = sorted(name for name in names if name in RESERVED or _private(name))
        if reserved:
            raise UnsafeTemplate(f"« {reserved[0]} » ne peut pas nommer la variable d'une boucle.", expression=head)
        inner = bound | names | {"loop"}
        if node.test is not None:
            self.expression(node.test, bound=inner, statement=node.test)
        for child in node.body:
            self.statement(child, bound=inner, loops=loops + 1)
        for child in node.else_:
            self.statement(child, bound=bound, loops=loops)

    def expression(self, node: nodes.Node, *, bound: frozenset[str], statement: nodes.Node) -> None:
        if isinstance(node, nodes.Name):
            self.name(node, bound=bound, statement=statement)
            return
        for child in node.iter_child_nodes():
            if isinstance(child, nodes.Keyword | nodes.Pair):
                for part in child.iter_child_nodes():
                    self.expression(part, bound=bound, statement=statement)
            else:
                self.expression(child, bound=bound, statement=statement)
        if not isinstance(node, _EXPRESSIONS):
            raise self.refused_expression(node, statement)
        if isinstance(node, nodes.Getattr):
            self.attribute(node, bound=bound, statement=statement)
        elif isinstance(node, nodes.Getitem):
            key = node.arg
            if not (isinstance(key, nodes.Const) and type(key.value) in (str, int)):
                raise self.refuse(f"l'indice de « {describe(node)} » doit être un nombre ou un texte écrit tel quel",
                                  node, statement)
            if isinstance(key.value, str) and _private(key.value):
                raise self.refuse(f"« {describe(node)} » lit « {key.value} », un attribut interne interdit dans un "
                                  "modèle", node, statement)
        elif isinstance(node, nodes.Filter | nodes.Test):
            self.filter_or_test(node, statement=statement)

    def name(self, node: nodes.Name, *, bound: frozenset[str], statement: nodes.Node) -> None:
        if node.name in bound:
            return
        if node.name in RESERVED or _private(node.name):
            raise self.refuse(f"« {node.name} » est un nom réservé, interdit dans un modèle", node, statement)
        self.names.setdefault(node.name, describe(statement))

    def attribute(self, node: nodes.Getattr, *, bound: frozenset[str], statement: nodes.Node) -> None:
        if _private(node.attr):
            raise self.refuse(f"« {describe(node)} » lit « {node.attr} », un attribut interne interdit dans un modèle",
                              node, statement)
        parent = node.node
        if isinstance(parent, nodes.Name) and parent.name == "loop" and "loop" in bound \
                and node.attr not in LOOP_ATTRIBUTES:
            raise self.refuse(f"« {describe(node)} » n'est pas une information de boucle possible "
                              f"({', '.join(sorted(LOOP_ATTRIBUTES))})", node, statement)

    def filter_or_test(self, node: nodes.Filter | nodes.Test, *, statement: nodes.Node) -> None:
        is_filter = isinstance(node, nodes.Filter)
        allowed = FILTERS if is_filter else TESTS
        word = "filtre" if is_filter else "test"
        if node.name not in allowed:
            raise self.refuse(
                f"le {word} « {node.name} » (« {describe(node)} ») n'est pas autorisé ; {word}s possibles : "
                f"{', '.join(sorted(allowed))}", node, statement)
        count = len(node.args) + len(node.kwargs)
        if node.dyn_args is not None or node.dyn_kwargs is not None or count > allowed[node.name] \
                or any(_private(keyword.key) or keyword.key == "attribute" for keyword in node.kwargs):
            raise self.refuse(f"« {describe(node)} » donne au {word} « {node.name} » des arguments qu'il ne prend "
                              "pas dans un modèle", node, statement)

    def refused_expression(self, node: nodes.Node, statement: nodes.Node) -> UnsafeTemplate:
        if isinstance(node, nodes.Call):
            return self.refuse(f"l'appel « {describe(node)} » est interdit : un modèle affiche des valeurs, il "
                               "n'appelle rien", node, statement)
        if isinstance(node, nodes.BinExpr | nodes.UnaryExpr):
            return self.refuse(f"le calcul « {describe(node)} » est interdit : les valeurs arrivent déjà calculées",
                               node, statement)
        return self.refuse(f"l'expression « {describe(node)} » n'est pas autorisée dans un modèle", node, statement)


def inspect_template(template: nodes.Template) -> dict[str, str]:
    """The names a parsed template reads from its context (loop variables excluded), each with the
    first expression that reads it; raises UnsafeTemplate on anything a template may not do."""
    inspection = _Inspection()
    inspection.statement(template, bound=frozenset(), loops=0)
    return inspection.names


class TemplateEnvironment(ImmutableSandboxedEnvironment):
    """The one Jinja environment of the documents: a sandbox with no globals, the allowed filters and
    tests only, and a parser that refuses a template failing ``inspect_template`` — or, when
    ``names`` is given, reading a name outside it — before it is compiled."""

    def __init__(self, *, names: Collection[str] | None = None):
        super().__init__(undefined=StrictUndefined, autoescape=True)
        self.globals.clear()  # no lipsum, cycler, joiner, namespace, range, dict
        self.filters = {name: DEFAULT_FILTERS[name] for name in FILTERS}
        self.tests = {name: DEFAULT_TESTS[name] for name in TESTS}
        self.filters["_loop_items"] = self._loop_items
        self.names = None if names is None else frozenset(names)
        self.used: dict[str, str] = {}
        self.loop_items = 0

    def _loop_items(self, value: Any, expression: str) -> Any:
        if isinstance(value, Undefined):
            return value  # iterating it raises the usual « variable non fournie »
        if not isinstance(value, list | tuple):
            raise UnsafeTemplate(f"la boucle « for … in {expression} » ne parcourt pas une liste.",
                                 expression=expression)
        self.loop_items += len(value)
        if self.loop_items > MAX_LOOP_ITEMS:
            limit = format_number(MAX_LOOP_ITEMS, space=THIN_SPACE)
            raise UnsafeTemplate(f"les boucles du modèle parcourent plus de {limit} éléments (à « for … in "
                                 f"{expression} »).", expression=expression)
        return value

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        template = super()._parse(source, name, filename)
        self._check(template)
        return template

    def compile(self, source, name=None, filename=None, raw=False, defer_init=False):
        if isinstance(source, nodes.Template):  # a tree built by hand, not through _parse
            self._check(source)
        return super().compile(source, name, filename, raw, defer_init)

    def _check(self, template: nodes.Template) -> None:
        found = inspect_template(template)
        for loop in template.find_all(nodes.For):
            # Every loop draws its items through _loop_items, which counts them (added after the check,
            # so a template cannot name it).
            loop.iter = nodes.Filter(loop.iter, "_loop_items", [nodes.Const(describe(loop.iter))], [], None, None,
                                     lineno=loop.lineno)
        if self.names is not None:
            unknown = sorted(found.keys() - self.names)
            if unknown:
                name = unknown[0]
                raise UnsafeTemplate(
                    f"le modèle utilise la variable « {name} » (dans « {found[name]} »), qui n'est pas fournie.",
                    variable=name, expression=found[name])
        for key, expression in found.items():
            self.used.setdefault(key, expression)


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
