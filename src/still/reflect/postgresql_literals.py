"""How PostgreSQL stores a string literal given as a column default.

`server_default="0"` is sent as `DEFAULT '0'`: a literal of unknown type, which
PostgreSQL converts to the column's type when the table is created and stores as a
constant of that type. `pg_get_expr` then prints the constant's output form: `false`
on a boolean, `7` for `'007'` on an integer, `'00:00:00'::interval` for `'0'`. This module
works out that output form from the literal and the column's type (as `format_type`
spells it), in the canonical text `sqlexpr.normalize_default` gives for what
`pg_get_expr` prints. It covers the input syntax of the built-in scalar types that
models use; any other literal (or one whose value depends on the session, like
`'now'` or a `timestamptz`) is left as sent.
"""

from __future__ import annotations

import json
import re
import struct
import uuid
from decimal import Decimal, InvalidOperation
from typing import Callable, Optional

_INTEGERS = frozenset({"smallint", "integer", "bigint"})
_NUMERIC_TYPES = _INTEGERS | {"numeric", "real", "double precision"}
_PARAMS = re.compile(r"\(.*\)")


def base_type(type_name: str) -> str:
    """`numeric(10,2)` -> `numeric`, `timestamp(3) without time zone` -> `timestamp
    without time zone`."""
    return " ".join(_PARAMS.sub("", type_name).split())


def is_numeric(type_name: str) -> bool:
    """Whether a column of this type stores a quoted number as a bare number."""
    return base_type(type_name) in _NUMERIC_TYPES


def stored_literal(type_name: str, value: str) -> Optional[str]:
    """The canonical text of the constant PostgreSQL stores for `DEFAULT '<value>'` on a
    column of `type_name`; None when it is not worked out here (the caller keeps the
    literal as sent)."""
    if type_name.endswith("[]"):
        from still.reflect.postgresql_arrays import stored_array

        convert = _CONVERTERS.get(base_type(type_name[:-2].rstrip("[]")))
        try:
            return stored_array(value, convert and (lambda item: _array_element(convert(item))))
        except (ValueError, InvalidOperation, OverflowError, struct.error):
            return None
    convert = _CONVERTERS.get(base_type(type_name))
    if convert is None:
        return None
    try:
        return convert(value)
    except (ValueError, InvalidOperation, OverflowError, struct.error):
        return None  # PostgreSQL rejects it too: create_all fails before any comparison


def _array_element(canonical: str) -> str:
    """An element's text inside an array literal, from its canonical constant: booleans
    print as t/f there, quoted constants without their quotes."""
    if canonical in ("true", "false"):
        return canonical[0]
    if len(canonical) >= 2 and canonical[0] == canonical[-1] == "'":
        return canonical[1:-1].replace("''", "'")
    return canonical


def quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# -- boolean -----------------------------------------------------------------------------
_TRUE = ("true", "yes", "on", "1")
_FALSE = ("false", "no", "off", "0")


def _boolean(value: str) -> str:
    """boolin: t/true/y/yes/on/1 and f/false/n/no/off/0, any case, surrounding white
    space ignored, any unique prefix of a word."""
    text = value.strip().lower()
    if text:
        if any(word.startswith(text) for word in _TRUE) and text not in ("o",):
            return "true"
        if any(word.startswith(text) for word in _FALSE) and text not in ("o",):
            return "false"
    raise ValueError(value)


# -- numbers -----------------------------------------------------------------------------
def _integer(value: str) -> str:
    text = value.strip()
    if not re.fullmatch(r"[-+]?\d+", text):
        raise ValueError(value)
    return str(int(text))


def _numeric(value: str) -> str:
    number = Decimal(value.strip())
    if not number.is_finite():
        if number.is_nan():
            return "'NaN'"
        return "'-Infinity'" if number < 0 else "'Infinity'"
    if number == 0:
        number = abs(number)
    return format(number, "f")


def _special_float(number: float) -> Optional[str]:
    if number != number:
        return "'NaN'"
    if number in (float("inf"), float("-inf")):
        return "'-Infinity'" if number < 0 else "'Infinity'"
    return None


def _shortest(number: float, fits: Callable[[str], bool], limit: int) -> str:
    """float4out/float8out (PostgreSQL 12 on): the fewest digits that read back as the
    same value; fixed notation for decimal exponents -4 .. limit-1, else `1.5e+20`."""
    special = _special_float(number)
    if special:
        return special
    if number == 0:
        return "-0" if str(number).startswith("-") else "0"
    for precision in range(0, 17):
        text = f"{number:.{precision}e}"
        if fits(text):
            break
    mantissa, _, exponent = text.partition("e")
    exp = int(exponent)
    if -4 <= exp < limit:
        fixed = format(Decimal(text), "f")
        return fixed.rstrip("0").rstrip(".") if "." in fixed else fixed
    if "." in mantissa:
        mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa}e{'-' if exp < 0 else '+'}{abs(exp):02d}"


def _double(value: str) -> str:
    number = float(value.strip())
    return _shortest(number, lambda t: float(t) == number, 15)


def _real(value: str) -> str:
    number = struct.unpack("f", struct.pack("f", float(value.strip())))[0]

    def fits(text: str) -> bool:
        return struct.unpack("f", struct.pack("f", float(text)))[0] == number

    return _shortest(number, fits, 6)


# -- dates and times ---------------------------------------------------------------------
_DATE = r"(\d{1,4})-(\d{1,2})-(\d{1,2})"
_TIME = r"(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,6}))?)?"


def _date_text(m) -> str:
    year, month, day = (int(g) for g in m)
    import datetime

    datetime.date(year, month, day)  # ValueError when there is no such day
    return f"{year:04d}-{month:02d}-{day:02d}"


def _time_text(hour, minute, second, fraction) -> str:
    hour, minute, second = int(hour), int(minute), int(second or 0)
    if hour > 24 or minute > 59 or second > 60 or (hour == 24 and (minute or second or fraction)):
        raise ValueError(hour)
    text = f"{hour:02d}:{minute:02d}:{second:02d}"
    fraction = (fraction or "").rstrip("0")
    return text + ("." + fraction if fraction else "")


def _date(value: str) -> str:
    m = re.fullmatch(_DATE, value.strip())
    if not m:
        raise ValueError(value)
    return quoted(_date_text(m.groups()))


def _timestamp(value: str) -> str:
    m = re.fullmatch(_DATE + r"(?:[ T]+" + _TIME + r")?", value.strip())
    if not m:
        raise ValueError(value)
    groups = m.groups()
    return quoted(_date_text(groups[:3]) + " " + _time_text(*(g or "0" if i < 2 else g
                                                                for i, g in enumerate(groups[3:]))))


def _time(value: str) -> str:
    m = re.fullmatch(_TIME, value.strip())
    if not m:
        raise ValueError(value)
    return quoted(_time_text(*m.groups()))


# -- interval ----------------------------------------------------------------------------
_UNITS = {  # unit -> (months, days, microseconds) per one
    "year": (12, 0, 0), "month": (1, 0, 0), "week": (0, 7, 0), "day": (0, 1, 0),
    "hour": (0, 0, 3_600_000_000), "minute": (0, 0, 60_000_000), "second": (0, 0, 1_000_000),
    "millisecond": (0, 0, 1000), "microsecond": (0, 0, 1),
}
_UNIT_NAMES = {
    "y": "year", "yr": "year", "yrs": "year", "year": "year", "years": "year",
    "mon": "month", "mons": "month", "month": "month", "months": "month",
    "w": "week", "week": "week", "weeks": "week",
    "d": "day", "day": "day", "days": "day",
    "h": "hour", "hr": "hour", "hrs": "hour", "hour": "hour", "hours": "hour",
    "m": "minute", "min": "minute", "mins": "minute", "minute": "minute", "minutes": "minute",
    "s": "second", "sec": "second", "secs": "second", "second": "second", "seconds": "second",
    "ms": "millisecond", "msec": "millisecond", "msecs": "millisecond",
    "millisecond": "millisecond", "milliseconds": "millisecond",
    "us": "microsecond", "usec": "microsecond", "usecs": "microsecond",
    "microsecond": "microsecond", "microseconds": "microsecond",
}
_INTERVAL_TOKEN = re.compile(
    r"\s*(?:(?P<clock>[-+]?\d+:\d+(?::\d+(?:\.\d+)?)?)"
    r"|(?P<number>[-+]?(?:\d+\.?\d*|\.\d+))\s*(?P<unit>[a-z]+)?)", re.I)


def _interval(value: str) -> str:
    """Postgres-style interval output (IntervalStyle's default) for the traditional input
    syntax: `N unit` pairs, `[-]H:M[:S]`, a bare number of seconds, optional `@` and
    `ago`. Fractions of years, months, weeks and days are not worked out here."""
    text = value.strip().lower()
    iso = _ISO_INTERVAL.fullmatch(text)
    if iso and text not in ("p", "pt"):
        y, mo, w, d, h, mi, sec = (Decimal(g) if g else Decimal(0) for g in iso.groups())
        if any(v != v.to_integral_value() for v in (y, mo, w, d)):
            raise ValueError(value)
        micros = int(((h * 60 + mi) * 60 + sec) * 1_000_000)
        return quoted(_interval_out(int(y) * 12 + int(mo), int(w) * 7 + int(d), micros))
    ago = text.endswith(" ago")
    text = (text[:-4] if ago else text).lstrip("@").strip()
    if not text:
        raise ValueError(value)
    months = days = micros = 0
    pos = 0
    while pos < len(text):
        m = _INTERVAL_TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise ValueError(value)
        pos = m.end()
        if m.group("clock"):
            micros += _clock(m.group("clock"))
            continue
        number, unit = Decimal(m.group("number")), m.group("unit")
        unit = "second" if unit is None else _UNIT_NAMES.get(unit)
        if unit is None:
            raise ValueError(value)
        per = _UNITS[unit]
        if per[2] == 0 and number != number.to_integral_value():
            raise ValueError(value)
        months += int(number) * per[0]
        days += int(number) * per[1]
        micros += int((number * per[2]).to_integral_value())
    if ago:
        months, days, micros = -months, -days, -micros
    return quoted(_interval_out(months, days, micros))


_N = r"(-?\d+(?:\.\d+)?)"
_ISO_INTERVAL = re.compile(
    rf"p(?:{_N}y)?(?:{_N}m)?(?:{_N}w)?(?:{_N}d)?(?:t(?:{_N}h)?(?:{_N}m)?(?:{_N}s)?)?")


def _clock(text: str) -> int:
    negative = text.startswith("-")
    parts = text.lstrip("+-").split(":")
    hours, minutes = int(parts[0]), int(parts[1])
    seconds = Decimal(parts[2]) if len(parts) > 2 else Decimal(0)
    if minutes > 59 or seconds >= 60:
        raise ValueError(text)
    micros = (hours * 3600 + minutes * 60) * 1_000_000 + int(seconds * 1_000_000)
    return -micros if negative else micros


def _interval_out(months: int, days: int, micros: int) -> str:
    """EncodeInterval, INTSTYLE_POSTGRES."""
    years, mons = int(months / 12), months - 12 * int(months / 12)
    out: list[str] = []
    before = False  # a negative field came before
    zero = True
    for count, unit in ((years, "year"), (mons, "mon"), (days, "day")):
        if count == 0:
            continue
        sign = "+" if before and count > 0 else ""
        out.append(f"{sign}{count} {unit}{'' if count == 1 else 's'}")
        before, zero = count < 0, False
    if zero or micros != 0:
        minus = micros < 0
        whole, fraction = divmod(abs(micros), 1_000_000)
        hours, rest = divmod(whole, 3600)
        minutes, seconds = divmod(rest, 60)
        clock = f"{'-' if minus else ('+' if before else '')}{hours:02d}:{minutes:02d}:{seconds:02d}"
        if fraction:
            clock += "." + f"{fraction:06d}".rstrip("0")
        out.append(clock)
    return " ".join(out)


# -- uuid, jsonb -------------------------------------------------------------------------
def _uuid(value: str) -> str:
    text = value.strip()
    if text.lower().startswith("urn:"):
        raise ValueError(value)
    return quoted(str(uuid.UUID(text)))


def _jsonb(value: str) -> str:
    """jsonb_out: object keys by length then bytes (the last of equal keys kept), `", "`
    and `": "` as separators, numbers as numeric prints them."""
    parsed = json.loads(value, parse_float=Decimal, parse_int=Decimal,
                        parse_constant=_no_constant, object_pairs_hook=dict)
    return quoted(_json_text(parsed))


def _no_constant(name: str):
    raise ValueError(name)


def _json_text(item) -> str:
    if isinstance(item, dict):
        keys = sorted(item, key=lambda k: (len(k.encode("utf-8")), k.encode("utf-8")))
        return "{" + ", ".join(f"{_json_string(k)}: {_json_text(item[k])}" for k in keys) + "}"
    if isinstance(item, list):
        return "[" + ", ".join(_json_text(v) for v in item) + "]"
    if isinstance(item, Decimal):
        return format(abs(item) if item == 0 else item, "f")
    if isinstance(item, str):
        return _json_string(item)
    return json.dumps(item)  # true, false, null


def _json_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


_CONVERTERS: dict[str, Callable[[str], str]] = {
    "boolean": _boolean,
    "smallint": _integer, "integer": _integer, "bigint": _integer,
    "numeric": _numeric, "double precision": _double, "real": _real,
    "interval": _interval,
    "date": _date, "timestamp without time zone": _timestamp, "time without time zone": _time,
    "uuid": _uuid,
    "jsonb": _jsonb,
}
