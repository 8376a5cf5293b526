"""Canonical text of MySQL/MariaDB server defaults: what the server stores and reports
for `DEFAULT <text>` on a column of a type (canonical, see mysql_types.py).

MariaDB quotes a literal and converts it to the column's type first: `'7'` on an integer
is `7`, `'1.5'` on DECIMAL(8,2) is `1.50`, `'2020-1-2'` on a DATETIME is
`'2020-01-02 00:00:00'`, a number on a string column is text. `now()`, `CURRENT_TIMESTAMP`
and their kin are `current_timestamp()` (with their precision), and an `ON UPDATE` stays
in the default, as models write it (`server_default=text("... ON UPDATE ...")`).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Optional

from still.reflect.mysql_types import NUMERIC_TYPES, base_name, expression, split_type

_ON_UPDATE = re.compile(r"\s+on\s+update\s+", re.I)
_NOW = re.compile(r"^(?:current_timestamp|now|localtime|localtimestamp)\s*(?:\(\s*(\d*)\s*\))?$", re.I)
_NUMBER = re.compile(r"^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$")
_BIT_OR_HEX = re.compile(r"^([bBxX])'([0-9a-fA-F]*)'$")


def canonical_default(text: Optional[str], type_text: str) -> Optional[str]:
    """The canonical text of a server default on a column of `type_text` (canonical):
    what MariaDB stores and reports for `DEFAULT <text>`."""
    if text is None:
        return None
    text = text.strip()
    parts = _split_on_update(text)
    if len(parts) == 2:
        first = canonical_default(parts[0], type_text)
        return f"{first} on update {_now(parts[1]) or expression(parts[1])}"
    while _wrapped(text):
        text = text[1:-1].strip()
    if text.upper() == "NULL":
        return None
    now = _now(text)
    if now is not None:
        return now
    bits = _BIT_OR_HEX.match(text)
    if bits:
        return f"{bits.group(1).lower()}'{bits.group(2).lower()}'"
    name = base_name(type_text)
    lowered = text.lower()
    if lowered in ("true", "false"):
        text = "1" if lowered == "true" else "0"
    if text.startswith("'") and text.endswith("'") and len(text) >= 2:
        value = text[1:-1].replace("''", "'")
        if name in NUMERIC_TYPES and name != "bit":
            number = _number(value, type_text)
            if number is not None:
                return number
        return quoted(_temporal(value, type_text) or (value.lower() if name == "uuid" else value))
    if _NUMBER.match(text):
        if name in NUMERIC_TYPES:
            return _number(text, type_text) or text
        return quoted(text)  # a number as the default of a string column is stored as text
    return expression(text)


def quoted(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _now(text: str) -> Optional[str]:
    m = _NOW.match(text.strip())
    if not m:
        return None
    digits = m.group(1)
    return f"current_timestamp({digits})" if digits and digits != "0" else "current_timestamp()"


def _number(value: str, type_text: str) -> Optional[str]:
    try:
        number = Decimal(value.strip())
    except InvalidOperation:
        return None
    name, params, _ = split_type(type_text)
    if name == "decimal":
        scale = int(params[1]) if len(params) > 1 else 0
        return str(number.quantize(Decimal(1).scaleb(-scale)))
    if name in ("float", "double"):
        # a FLOAT keeps single precision: the server prints its default to 6 digits (FLT_DIG)
        out = repr(float(f"{float(number):.6g}") if name == "float" else float(number))
        return out[:-2] if out.endswith(".0") else out
    if number == number.to_integral_value():
        return str(int(number))
    return str(number)


_DATE = r"(\d{1,4})-(\d{1,2})-(\d{1,2})"
_CLOCK = r"(\d{1,3}):(\d{1,2})(?::(\d{1,2})(?:\.(\d*))?)?"
_DATE_VALUE = re.compile(rf"^{_DATE}$")
_DATETIME_VALUE = re.compile(rf"^{_DATE}(?:[ T]{_CLOCK})?$")
_TIME_VALUE = re.compile(rf"^(-?){_CLOCK}$")


def _temporal(value: str, type_text: str) -> Optional[str]:
    """A date/time literal as the server prints the value it stored: in full, the
    fraction cut (not rounded) to the column's precision; None when it is not one."""
    name, params, _ = split_type(type_text)
    if name not in ("date", "datetime", "timestamp", "time"):
        return None
    fsp = int(params[0]) if params and params[0].isdigit() else 0
    value = value.strip()

    def clock(hours, minutes, seconds, fraction) -> str:
        out = f"{int(hours):02d}:{int(minutes):02d}:{int(seconds or 0):02d}"
        if fsp:
            out += "." + (fraction or "").ljust(fsp, "0")[:fsp]
        return out

    if name == "date" and (m := _DATE_VALUE.match(value)):
        return f"{int(m[1]):04d}-{int(m[2]):02d}-{int(m[3]):02d}"
    if name in ("datetime", "timestamp") and (m := _DATETIME_VALUE.match(value)):
        return f"{int(m[1]):04d}-{int(m[2]):02d}-{int(m[3]):02d} " + clock(m[4] or 0, m[5] or 0, m[6], m[7])
    if name == "time" and (m := _TIME_VALUE.match(value)):
        return m[1] + clock(m[2], m[3], m[4], m[5])
    return None


def _wrapped(text: str) -> bool:
    if not (text.startswith("(") and text.endswith(")")):
        return False
    depth, quote = 0, False
    for i, ch in enumerate(text):
        if ch == "'":
            quote = not quote
        elif not quote:
            if ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
                if depth == 0 and i != len(text) - 1:
                    return False
    return True


def _split_on_update(text: str) -> list[str]:
    quote = False
    for i, ch in enumerate(text):
        if ch == "'":
            quote = not quote
        elif not quote and ch in " \t\n":
            m = _ON_UPDATE.match(text, i)
            if m:
                return [text[:i], text[m.end():]]
    return [text]
