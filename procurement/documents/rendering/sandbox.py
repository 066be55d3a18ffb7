"""The sandbox every template of the documents is parsed in: ``inspect_template`` walks the syntax
tree and refuses, with a French sentence naming the expression, anything but printing values (see
the package's docstring); ``TemplateEnvironment`` runs that check before anything is compiled and
counts the items the loops go over."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from jinja2 import StrictUndefined, Undefined, nodes
from jinja2.defaults import DEFAULT_FILTERS, DEFAULT_TESTS
from jinja2.sandbox import ImmutableSandboxedEnvironment

from procurement.core.numbers import THIN_SPACE, format_number
from procurement.documents.rendering.errors import UnsafeTemplate
from procurement.documents.rendering.expressions import describe

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
