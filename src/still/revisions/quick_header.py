"""A line reader for the plain header shape that `still revision` and Alembic write:

    \"\"\"message ... \"\"\"          (a docstring without backslashes)
    from still import op          (imports, comments, blank lines)
    revision = "abc"              (string, None, or a one-line tuple/list of strings,
    down_revision = ("a", "b")     optionally annotated: `revision: str = "abc"`)

It gives up (returns None) on anything else — a continuation line, an escape, a string
prefix, any other statement — and `ast` reads the file instead. So it is never wrong, only
sometimes not used; it exists because parsing a thousand headers with `ast` costs more than
everything else `still heads` does.
"""

from __future__ import annotations

import re
from typing import Optional, Union

Value = Union[str, None, tuple[str, ...]]

_NAMES = ("revision", "down_revision", "branch_labels", "depends_on")
_STRING = r"""(?:"[^"\\\n]*"|'[^'\\\n]*')"""
_ASSIGN = re.compile(
    r"(?P<name>[A-Za-z_][A-Za-z0-9_]*)[ \t]*(?::[^=\n]*)?=[ \t]*(?P<value>[^#\n]*?)[ \t]*(?:#[^\n]*)?$")
_SIMPLE = re.compile(rf"None|{_STRING}")
_SEQUENCE = re.compile(rf"(?P<open>[(\[])[ \t]*(?P<items>(?:{_STRING}[ \t]*,[ \t]*)*(?:{_STRING})?)[ \t]*[)\]]")
_ITEM = re.compile(_STRING)
_IMPORT = re.compile(r"(?:from[ \t]+[\w.]+[ \t]+import[ \t]+[\w, \t.]+|import[ \t]+[\w, \t.]+)(?:#[^\n]*)?$")


def quick_values(text: str) -> Optional[tuple[dict[str, Value], str]]:
    """({header name: value}, docstring) or None when `text` is not in the plain shape."""
    if "\\" in text or "\r" in text.replace("\r\n", ""):
        return None
    lines = text.replace("\r\n", "\n").split("\n")
    docstring, index = _docstring(lines)
    if index is None:
        return None
    values: dict[str, Value] = {}
    for line in lines[index:]:
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if line[0] in " \t":
            return None  # a continuation or a block: not the plain shape
        if _IMPORT.match(line):
            continue
        match = _ASSIGN.match(line)
        if match is None:
            return None
        value = _value(match.group("value"))
        if value is _NOT_LITERAL:
            return None
        if match.group("name") in _NAMES:
            if match.group("name") == "revision" and not isinstance(value, str):
                return None
            values[match.group("name")] = value
    return values, docstring


_NOT_LITERAL = object()


def _value(text: str):
    if _SIMPLE.fullmatch(text):
        return None if text == "None" else text[1:-1]
    match = _SEQUENCE.fullmatch(text)
    if match is None:
        return _NOT_LITERAL
    items = tuple(item[1:-1] for item in _ITEM.findall(match.group("items")))
    if match.group("open") == "(" and len(items) == 1 and not match.group("items").rstrip().endswith(","):
        return items[0]  # ("a") is just a parenthesised string
    return items


def _docstring(lines: list[str]) -> tuple[str, Optional[int]]:
    """The module docstring and the index of the first line after it; (.., None) when the
    opening of the file is not a plain triple-quoted docstring or nothing at all."""
    for index, line in enumerate(lines):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        quote = line[:3]
        if quote not in ('"""', "'''"):
            return "", index  # no docstring: the statements start here
        rest = "\n".join(lines[index:])[3:]
        end = rest.find(quote)
        if end < 0:
            return "", None
        after = rest[end + 3:]
        tail, _, _ = after.partition("\n")
        if tail.strip() and not tail.strip().startswith("#"):
            return "", None  # e.g. implicit concatenation or `; x = 1`
        consumed = rest[: end + 3 + len(tail)].count("\n") + 1
        return rest[:end], index + consumed
    return "", len(lines)
