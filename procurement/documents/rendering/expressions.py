"""Naming an expression of a template as its author would write it, for the refusals' sentences."""

from __future__ import annotations

from jinja2 import nodes

_OPERATORS = {"eq": "==", "ne": "!=", "gt": ">", "gteq": ">=", "lt": "<", "lteq": "<=", "in": "in",
              "notin": "not in"}


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
