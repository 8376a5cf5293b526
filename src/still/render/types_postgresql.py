"""PostgreSQL canonical type spellings (as `format_type` prints them) -> SQLAlchemy.

Each entry renders a type that `declare` spells back exactly as it was given.
"""

from __future__ import annotations

import re
from typing import Optional

from sqlalchemy.dialects import postgresql as _pg

from still.errors import StillError
from still.render.pyfmt import py_str

DEFAULT_SCHEMA = "public"
# a lone integer primary key becomes SERIAL unless the column says autoincrement=False
EXPLICIT_AUTOINCREMENT = True
PG = "from sqlalchemy.dialects import postgresql"

_PLAIN = {
    "integer": "sa.Integer()",
    "bigint": "sa.BigInteger()",
    "smallint": "sa.SmallInteger()",
    "text": "sa.Text()",
    "boolean": "sa.Boolean()",
    "date": "sa.Date()",
    "timestamp without time zone": "sa.DateTime()",
    "timestamp with time zone": "sa.DateTime(timezone=True)",
    "time without time zone": "sa.Time()",
    "time with time zone": "sa.Time(timezone=True)",
    "numeric": "sa.Numeric()",
    "double precision": "sa.Float()",
    "real": "sa.REAL()",
    "bytea": "sa.LargeBinary()",
    "json": "sa.JSON()",
    "uuid": "sa.Uuid()",
    "interval": "sa.Interval()",
    "character varying": "sa.String()",
    "character": "sa.CHAR()",
}
_PG_ONLY = {"jsonb": "postgresql.JSONB()"}

_VARCHAR = re.compile(r"character varying\((\d+)\)")
_CHAR = re.compile(r"character\((\d+)\)")
_NUMERIC = re.compile(r"numeric\((\d+),(\d+)\)")
_TIMESTAMP = re.compile(r"(timestamp|time)\((\d+)\) (with|without) time zone")
_IDENT = r'(?:[a-z_][a-z0-9_$]*|"(?:[^"]|"")+")'
_NAMED = re.compile(rf"(?:({_IDENT})\.)?({_IDENT})")


def _unquote(ident: str) -> str:
    return ident[1:-1].replace('""', '"') if ident.startswith('"') else ident


def render_type(text: str, domains: Optional[dict] = None) -> tuple[str, set[str]]:
    """`domains`: (schema, name) -> Domain of the snapshots the types come from; a named
    type among them renders as a DOMAIN over its base type, any other as an ENUM."""
    if text.endswith("[]"):
        inner, imports = render_type(text[:-2], domains)
        return f"postgresql.ARRAY({inner})", imports | {PG}
    if text in _PLAIN:
        return _PLAIN[text], set()
    if text in _PG_ONLY:
        return _PG_ONLY[text], {PG}
    if m := _VARCHAR.fullmatch(text):
        return f"sa.String(length={m[1]})", set()
    if m := _CHAR.fullmatch(text):
        return f"sa.CHAR(length={m[1]})", set()
    if m := _NUMERIC.fullmatch(text):
        return f"sa.Numeric(precision={m[1]}, scale={m[2]})", set()
    if m := _TIMESTAMP.fullmatch(text):
        cls = "TIMESTAMP" if m[1] == "timestamp" else "TIME"
        tz = ", timezone=True" if m[3] == "with" else ""
        return f"postgresql.{cls}(precision={m[2]}{tz})", {PG}
    upper = text.upper().replace(" ", "_")
    if upper.isidentifier() and isinstance(getattr(_pg, upper, None), type) and upper != "ENUM":
        return f"postgresql.{upper}()", {PG}
    if m := _NAMED.fullmatch(text):
        # a user-defined type name: a domain of the snapshot, else an enum (the only other
        # named type a snapshot holds)
        name = _unquote(m[2])
        schema = f", schema={py_str(_unquote(m[1]))}" if m[1] else ""
        domain = (domains or {}).get((_unquote(m[1]) if m[1] else DEFAULT_SCHEMA, name))
        if domain is not None:
            base, imports = render_type(domain.type, domains)
            return f"postgresql.DOMAIN({py_str(name)}, {base}{schema}, create_type=False)", imports | {PG}
        return f"postgresql.ENUM(name={py_str(name)}{schema}, create_type=False)", {PG}
    raise StillError(f"still cannot render the PostgreSQL type {text!r} as SQLAlchemy; "
                     f"write it by hand in the revision")
