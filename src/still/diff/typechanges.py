"""Is a column type change safe? Widening is silent; narrowing is danger; the rest a warning.

Types here are the canonical spellings from reflect/declare (`character varying(50)` on
PostgreSQL, `VARCHAR(50)` on SQLite), so this works on the base name and its arguments.
"""

from __future__ import annotations

import re
from typing import Optional

_INT_RANK = {"smallint": 1, "int2": 1, "integer": 2, "int": 2, "int4": 2, "bigint": 3, "int8": 3}
_STRING = {"character varying", "varchar", "nvarchar", "character", "char", "bpchar", "text", "clob"}
_UNBOUNDED_STRING = {"text", "clob"}
_NUMERIC = {"numeric", "decimal"}
_FLOAT_RANK = {"real": 1, "float4": 1, "float": 2, "double precision": 2, "double": 2, "float8": 2}


def _split(type_text: str) -> tuple[str, list[int]]:
    match = re.fullmatch(r"\s*([a-zA-Z][\w ]*?)\s*(?:\(([\d\s,]*)\))?\s*(\[\])?\s*", type_text)
    if not match:
        return type_text.strip().lower(), []
    base = match.group(1).lower() + ("[]" if match.group(3) else "")
    args = [int(a) for a in (match.group(2) or "").replace(" ", "").split(",") if a]
    return base, args


def classify(old: str, new: str) -> Optional[str]:
    """None when `new` holds every value of `old`; "narrowing" when it surely does not;
    "change" when still cannot tell."""
    if old == new:
        return None
    (ob, oa), (nb, na) = _split(old), _split(new)
    if ob in _INT_RANK and nb in _INT_RANK:
        return None if _INT_RANK[nb] >= _INT_RANK[ob] else "narrowing"
    if ob in _INT_RANK and nb in _NUMERIC:
        return None if not na or na[0] - (na[1] if len(na) > 1 else 0) >= 19 else "change"
    if ob in _STRING and nb in _STRING:
        if nb in _UNBOUNDED_STRING or not na:
            return None
        if ob in _UNBOUNDED_STRING or not oa:
            return "narrowing"
        return None if na[0] >= oa[0] else "narrowing"
    if ob in _NUMERIC and nb in _NUMERIC:
        if not na:
            return None
        if not oa:
            return "narrowing"
        o_scale, n_scale = (oa[1] if len(oa) > 1 else 0), (na[1] if len(na) > 1 else 0)
        if n_scale >= o_scale and na[0] - n_scale >= oa[0] - o_scale:
            return None
        return "narrowing"
    if ob in _FLOAT_RANK and nb in _FLOAT_RANK:
        return None if _FLOAT_RANK[nb] >= _FLOAT_RANK[ob] else "narrowing"
    if (ob in _FLOAT_RANK or ob in _NUMERIC) and nb in _INT_RANK:
        return "narrowing"
    if nb in _UNBOUNDED_STRING:
        return None  # anything prints to text
    return "change"
