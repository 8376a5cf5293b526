"""Index keys written as SQL text, split the way the database reads them."""

from __future__ import annotations

import re
from typing import Optional

_KEY_ORDER = re.compile(r"(?:\s+(ASC|DESC))?(?:\s+NULLS\s+(FIRST|LAST))?\s*$", re.I)


def split_index_keys(text: str) -> list[tuple[str, bool, Optional[str]]]:
    """`a, lower(b) DESC NULLS LAST` -> [(a, False, None), (lower(b), True, "last")]: the
    keys of an index written as text, split at top-level commas, each without its ordering."""
    parts, depth, quote, start = [], 0, None, 0
    for i, ch in enumerate(text):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    keys = []
    for part in parts:
        m = _KEY_ORDER.search(part)
        body = part[:m.start()].strip() if m.group(0).strip() else part.strip()
        if not body:  # nothing but a keyword: not an ordering
            body, m = part.strip(), None
        order = (m.group(1) or "").upper() if m else ""
        nulls = (m.group(2) or "").lower() or None if m else None
        keys.append((body, order == "DESC", nulls))
    return keys
