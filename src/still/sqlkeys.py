"""Index keys written as SQL text, read with sqlexpr's tokenizer and parser: the function
a key calls (PostgreSQL names an unnamed constraint after it) and the operator class
written after a key."""

from __future__ import annotations

from typing import Optional

from still.sqlexpr import _KEYWORDS, _TOKEN, _parse


def called_function(text: str) -> Optional[str]:
    """The name of the function an expression is a call of (`tsrange(a, b)` -> tsrange),
    without its schema; None for any other expression."""
    try:
        node = _parse(text)
    except Exception:
        return None
    return node.val[0][-1] if node.kind == "call" else None


def split_opclass(text: str) -> tuple[str, Optional[str]]:
    """`lower(b) text_pattern_ops` -> (`lower(b)`, `text_pattern_ops`): an index key
    written with an operator class after it, and its parameters as written
    (`doc tsvector_ops (siglen = 100)` -> (`doc`, `tsvector_ops (siglen = 100)`));
    (text, None) when there is none."""
    tokens = [(m.lastgroup, m.group(), m.start()) for m in _TOKEN.finditer(text)
              if m.lastgroup not in ("ws", "bad")]
    if len(tokens) < 2:
        return text, None
    end = len(tokens) - 1
    if tokens[end][1] == ")":  # parameters: back to the "(" that opens them
        depth = 0
        for end in range(len(tokens) - 1, -1, -1):
            depth += {")": 1, "(": -1}.get(tokens[end][1], 0)
            if depth == 0:
                break
        end -= 1
    if end < 1:
        return text, None
    kind, name, at = tokens[end]
    before = tokens[end - 1]
    if kind not in ("word", "qid") or (kind == "word" and name.lower() in _KEYWORDS) \
            or (before[0] == "op" and before[1] != ")"):
        return text, None
    body = text[:at].strip()
    try:
        _parse(body)
    except Exception:
        return text, None
    try:
        _parse(text)
        return text, None  # the whole is an expression already
    except Exception:
        pass
    return body, text[at:].strip()
