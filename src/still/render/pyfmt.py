"""Python source for rendered revisions: string literals and statement layout.

The renderer writes each statement flat; `format_statement` then lays it out the way
`ruff format` (Black's style) would, so a generated file is stable under the formatter:
a call that fits stays on one line; otherwise its arguments go on one indented line if
they fit there, else one per line with a trailing comma, each laid out the same way.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

LINE_LENGTH = 88


def py_str(value: str) -> str:
    """A string literal as ruff writes it: double quotes unless that needs more escapes."""
    quote = "'" if value.count('"') > value.count("'") else '"'
    out = []
    for ch in value:
        if ch == "\\":
            out.append("\\\\")
        elif ch == quote:
            out.append("\\" + ch)
        elif ch.isprintable():
            out.append(ch)
        else:
            out.append(repr(ch)[1:-1])
    return quote + "".join(out) + quote


def py_value(value) -> str:
    """A literal for a str, bool, None, int or a list/tuple of them."""
    if isinstance(value, str):
        return py_str(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(py_value(v) for v in value) + "]"
    return repr(value)


@dataclass
class _Atom:
    text: str

    def flat(self) -> str:
        return self.text


@dataclass
class _Group:
    """A call `head(...)`, a list `[...]` or a dict `{...}`: something ruff may split inside
    its brackets."""

    head: str  # "op.create_table(", "[" or "{"
    close: str
    items: list  # of (prefix, node): prefix is "", "name=" or "key: "

    def flat(self) -> str:
        return self.head + ", ".join(p + n.flat() for p, n in self.items) + self.close


_Node = _Atom | _Group


def _node(expr: ast.expr) -> _Node:
    if isinstance(expr, ast.Call) and not any(isinstance(a, ast.Starred) for a in expr.args):
        items = [("", _node(a)) for a in expr.args]
        items += [(f"{k.arg}=" if k.arg else "**", _node(k.value)) for k in expr.keywords]
        return _Group(ast.unparse(expr.func) + "(", ")", items)
    if isinstance(expr, ast.List):
        return _Group("[", "]", [("", _node(e)) for e in expr.elts])
    if isinstance(expr, ast.Tuple) and len(expr.elts) > 1:  # (column, operator) of an EXCLUDE
        return _Group("(", ")", [("", _node(e)) for e in expr.elts])
    if isinstance(expr, ast.Dict) and all(k is not None for k in expr.keys):
        return _Group("{", "}", [(_node(k).flat() + ": ", _node(v)) for k, v in zip(expr.keys, expr.values)])
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return _Atom(py_str(expr.value))
    if isinstance(expr, ast.Dict) and all(k is not None for k in expr.keys):
        return _Atom("{" + ", ".join(f"{_node(k).flat()}: {_node(v).flat()}"
                                     for k, v in zip(expr.keys, expr.values)) + "}")
    return _Atom(ast.unparse(expr))


def _lay_out(node: _Node, indent: int, column: int, trail: int) -> str:
    """`node` starting at `column` on a line indented by `indent`, followed by `trail`
    more characters on its last line."""
    flat = node.flat()
    if isinstance(node, _Atom) or not node.items or column + len(flat) + trail <= LINE_LENGTH:
        return flat
    inner = indent + 4
    pad = " " * inner
    body = ", ".join(p + n.flat() for p, n in node.items)
    if inner + len(body) <= LINE_LENGTH:
        return f"{node.head}\n{pad}{body}\n{' ' * indent}{node.close}"
    lines = [
        pad + p + _lay_out(n, inner, inner + len(p), 1) + ","
        for p, n in node.items
    ]
    return node.head + "\n" + "\n".join(lines) + "\n" + " " * indent + node.close


def format_statement(code: str, indent: int = 4) -> str:
    """One flat expression statement laid out at `indent` (the first line unindented)."""
    tree = ast.parse(code, mode="eval")
    return _lay_out(_node(tree.body), indent, indent, 0)


def format_with(head: str, body: str = "pass", indent: int = 4) -> str:
    """`with <call> as <name>:` and its one statement (flat, as format_statement takes
    it), laid out at `indent` as ruff would."""
    call, _, name = head.rpartition(" as ") if " as " in head else (head, "", "")
    target = f" as {name}" if name else ""
    tree = ast.parse(call, mode="eval")
    call = _lay_out(_node(tree.body), indent, indent + len("with "), len(f"{target}:"))
    inner = indent + 4
    statement = body if body == "pass" else format_statement(body, inner)
    return f"with {call}{target}:\n{' ' * inner}{statement}"
