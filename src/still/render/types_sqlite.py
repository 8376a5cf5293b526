"""SQLite canonical type spellings (as declared, upper case) -> SQLAlchemy.

Each entry renders a type that `declare` spells back exactly as it was given.
"""

from __future__ import annotations

import re

import sqlalchemy as _sa

from still.errors import StillError

DEFAULT_SCHEMA = "main"
# the rowid alias follows from the table's shape, not from autoincrement
EXPLICIT_AUTOINCREMENT = False

_PLAIN = {
    "INTEGER": "sa.Integer()",
    "BIGINT": "sa.BigInteger()",
    "SMALLINT": "sa.SmallInteger()",
    "TEXT": "sa.Text()",
    "BOOLEAN": "sa.Boolean()",
    "DATE": "sa.Date()",
    "DATETIME": "sa.DateTime()",
    "TIME": "sa.Time()",
    "NUMERIC": "sa.Numeric()",
    "FLOAT": "sa.Float()",
    "REAL": "sa.REAL()",
    "BLOB": "sa.LargeBinary()",
    "JSON": "sa.JSON()",
    "VARCHAR": "sa.String()",
    "CHAR": "sa.CHAR()",
}

_SIZED = re.compile(r"(VARCHAR|CHAR|NCHAR|NVARCHAR)\((\d+)\)")
_SIZED_CLASS = {"VARCHAR": "sa.String", "CHAR": "sa.CHAR", "NCHAR": "sa.NCHAR", "NVARCHAR": "sa.NVARCHAR"}
_DECIMAL = re.compile(r"(NUMERIC|DECIMAL)\((\d+), (\d+)\)")
_DECIMAL_CLASS = {"NUMERIC": "sa.Numeric", "DECIMAL": "sa.DECIMAL"}


def render_type(text: str) -> tuple[str, set[str]]:
    if text in _PLAIN:
        return _PLAIN[text], set()
    if m := _SIZED.fullmatch(text):
        return f"{_SIZED_CLASS[m[1]]}(length={m[2]})", set()
    if m := _DECIMAL.fullmatch(text):
        return f"{_DECIMAL_CLASS[m[1]]}(precision={m[2]}, scale={m[3]})", set()
    if text.isidentifier() and text.isupper() and isinstance(getattr(_sa, text, None), type):
        return f"sa.{text}()", set()
    raise StillError(f"still cannot render the SQLite type {text!r} as SQLAlchemy; "
                     f"write it by hand in the revision")
