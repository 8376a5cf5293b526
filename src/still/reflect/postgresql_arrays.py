"""How PostgreSQL stores a string literal given as the default of an array column.

`server_default="{Odd Case}"` on a `text[]` column is read by array_in and printed by
array_out: `'{"Odd Case"}'`. array_in takes elements between commas, with white space
around an unquoted one dropped, `"..."` quoting with backslash escapes, `NULL` (any case)
for a null, nested braces for more dimensions; array_out quotes an element that is empty,
is `NULL`, or holds white space or any of `{}",\\`. Each element is converted as its type
converts a literal (`007` is `7` in an `integer[]`, `yes` is `t` in a `boolean[]`).
"""

from __future__ import annotations

from typing import Callable, Optional

_SPECIAL = set('{}",\\')


def stored_array(value: str, element: Optional[Callable[[str], str]]) -> str:
    """The canonical text (a quoted literal) of the array `value` PostgreSQL stores, with
    `element` giving an element's canonical text (None: kept as written). ValueError when
    array_in would reject it."""
    parsed, end = _parse(value, _skip(value, 0))
    if _skip(value, end) != len(value):
        raise ValueError(value)
    text = _render(parsed, element)
    return "'" + text.replace("'", "''") + "'"


def _skip(text: str, i: int) -> int:
    while i < len(text) and text[i].isspace():
        i += 1
    return i


def _parse(text: str, i: int):
    """(list of elements: str, None for NULL, or nested lists), index after the '}'."""
    if i >= len(text) or text[i] != "{":
        raise ValueError(text)
    items: list = []
    i = _skip(text, i + 1)
    if i < len(text) and text[i] == "}":
        return items, i + 1
    while True:
        i = _skip(text, i)
        if i < len(text) and text[i] == "{":
            item, i = _parse(text, i)
        elif i < len(text) and text[i] == '"':
            item, i = _quoted(text, i + 1)
        else:
            item, i = _bare(text, i)
        items.append(item)
        i = _skip(text, i)
        if i >= len(text):
            raise ValueError(text)
        if text[i] == "}":
            return items, i + 1
        if text[i] != ",":
            raise ValueError(text)
        i += 1


def _quoted(text: str, i: int):
    out = []
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            out.append(text[i + 1])
            i += 2
        elif ch == '"':
            return "".join(out), i + 1
        else:
            out.append(ch)
            i += 1
    raise ValueError(text)


def _bare(text: str, i: int):
    out, kept = [], 0  # kept: length up to the last character that was not white space
    escaped = False  # a backslash makes NULL a string
    while i < len(text) and text[i] not in ",}":
        ch = text[i]
        if ch in '{"':
            raise ValueError(text)
        if ch == "\\" and i + 1 < len(text):
            out.append(text[i + 1])
            i += 2
            kept, escaped = len(out), True
            continue
        out.append(ch)
        if not ch.isspace():
            kept = len(out)
        i += 1
    word = "".join(out[:kept])
    if not word:
        raise ValueError(text)
    return (None if word.upper() == "NULL" and not escaped else word), i


def _render(items: list, element) -> str:
    parts = []
    for item in items:
        if isinstance(item, list):
            parts.append(_render(item, element))
        elif item is None:
            parts.append("NULL")
        else:
            parts.append(_out(element(item) if element else item))
    return "{" + ",".join(parts) + "}"


def _out(text: str) -> str:
    if text == "" or text.upper() == "NULL" or any(ch.isspace() or ch in _SPECIAL for ch in text):
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text
