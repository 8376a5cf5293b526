"""Is a column type change safe? Widening is silent; narrowing is danger; the rest a warning.

Types here are the canonical spellings from reflect/declare (`character varying(50)` on
PostgreSQL, `VARCHAR(50)` on SQLite), so this works on the base name and its arguments.
"""

from __future__ import annotations

import re
from typing import Optional

_INT_RANK = {"tinyint": 0, "smallint": 1, "int2": 1, "mediumint": 1.5, "integer": 2, "int": 2, "int4": 2,
             "bigint": 3, "int8": 3}
_STRING = {"character varying", "varchar", "nvarchar", "character", "char", "bpchar", "text", "clob",
           "tinytext", "mediumtext", "longtext"}
_UNBOUNDED_STRING = {"text", "clob", "mediumtext", "longtext"}
_VALUE = re.compile(r"'((?:[^']|'')*)'")


def _values(type_text: str) -> Optional[list[str]]:
    """The values of a MySQL `enum('a','b')` or `set(...)`, None for any other type."""
    match = re.fullmatch(r"\s*(enum|set)\s*\((.*)\)\s*", type_text, re.S | re.I)
    return [v.replace("''", "'") for v in _VALUE.findall(match.group(2))] if match else None


def _unsigned(type_text: str) -> tuple[str, bool]:
    """MySQL's `int unsigned` / `int(5) unsigned zerofill`: the type without them, and
    whether it is unsigned."""
    words = type_text.split()
    flags = {w.lower() for w in words[1:]} & {"unsigned", "zerofill"}
    if not flags or any(w.lower() not in ("unsigned", "zerofill") for w in words[1:]):
        return type_text, False
    return words[0], True
_NUMERIC = {"numeric", "decimal"}
# MySQL spells single precision `float` (PostgreSQL never does: it reflects `real`)
_FLOAT_RANK = {"real": 1, "float4": 1, "float": 1, "double precision": 2, "double": 2, "float8": 2}


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
    old_values, new_values = _values(old), _values(new)
    if old_values is not None and new_values is not None:
        # MySQL converts ENUM and SET values by their text: only a value that goes is lost
        return None if set(old_values) <= set(new_values) and old[:3] == new[:3] else "narrowing"
    (old, old_unsigned), (new, new_unsigned) = _unsigned(old), _unsigned(new)
    (ob, oa), (nb, na) = _split(old), _split(new)
    if ob in _INT_RANK and nb in _INT_RANK:
        if old_unsigned == new_unsigned:
            return None if _INT_RANK[nb] >= _INT_RANK[ob] else "narrowing"
        # unsigned loses the negatives; signed the top half, unless the next size up
        return None if old_unsigned and _INT_RANK[nb] > _INT_RANK[ob] else "narrowing"
    if old_unsigned or new_unsigned:
        return "change"
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
