"""MySQL/MariaDB canonical type spellings (reflect/mysql_types.py) -> SQLAlchemy.

Each entry renders a type that `declare` spells back exactly as it was given.
"""

from __future__ import annotations

import re

from still.errors import StillError
from still.reflect.mysql_types import split_type
from still.render.pyfmt import py_str

DEFAULT_SCHEMA = ""
# a lone integer primary key gets AUTO_INCREMENT unless the column says autoincrement=False
EXPLICIT_AUTOINCREMENT = True
MYSQL = "from sqlalchemy.dialects import mysql"
# a new table's indexes are created with it: a foreign key then uses the index the
# snapshot holds for it instead of making one of its own
INDEXES_IN_CREATE_TABLE = True
# FULLTEXT and SPATIAL indexes, as SQLAlchemy's MySQL dialect takes them
INDEX_METHOD_KEYWORD = "mysql_prefix"
INDEX_LENGTH_KEYWORD = "mysql_length"

_PLAIN = {
    "int": "sa.Integer()", "bigint": "sa.BigInteger()", "smallint": "sa.SmallInteger()",
    "tinyint(1)": "sa.Boolean()", "text": "sa.Text()", "date": "sa.Date()", "time": "sa.Time()",
    "datetime": "sa.DateTime()", "float": "sa.Float()", "blob": "sa.LargeBinary()",
    "json": "sa.JSON()", "uuid": "sa.UUID()",
}
_INTEGERS = {"tinyint": "TINYINT", "smallint": "SMALLINT", "mediumint": "MEDIUMINT", "int": "INTEGER",
             "bigint": "BIGINT"}
_MYSQL_PLAIN = {"tinytext": "TINYTEXT", "mediumtext": "MEDIUMTEXT", "longtext": "LONGTEXT",
                "tinyblob": "TINYBLOB", "mediumblob": "MEDIUMBLOB", "longblob": "LONGBLOB",
                "double": "DOUBLE", "year": "YEAR", "timestamp": "TIMESTAMP", "geometry": "GEOMETRY"}
_SIZED = {"varchar": "sa.String", "char": "sa.CHAR", "varbinary": "sa.VARBINARY", "binary": "sa.BINARY"}
_FRACTIONAL = {"datetime": "DATETIME", "timestamp": "TIMESTAMP", "time": "TIME"}
_VALUE = re.compile(r"'((?:[^']|'')*)'")
_PREFIX_KEY = re.compile(r"^([A-Za-z_][A-Za-z0-9_$]*|`(?:[^`]|``)+`)\((\d+)\)$")


def prefix_key(expression: str):
    """(column, length) for a key on a column's first characters (`login(10)`), else None."""
    m = _PREFIX_KEY.match(expression)
    if not m:
        return None
    name = m[1][1:-1].replace("``", "`") if m[1].startswith("`") else m[1]
    return name, int(m[2])


def render_type(text: str) -> tuple[str, set[str]]:
    if text in _PLAIN:
        return _PLAIN[text], set()
    name, params, attrs = split_type(text)
    flags = "".join(f", {a}=True" for a in ("unsigned", "zerofill") if a in attrs)
    if name in _INTEGERS and len(params) <= 1:
        width = [f"display_width={params[0]}"] if params else []
        args = ", ".join(width + [f"{a}=True" for a in ("unsigned", "zerofill") if a in attrs])
        return f"mysql.{_INTEGERS[name]}({args})", {MYSQL}
    if name == "decimal" and len(params) == 2:
        if attrs:
            return f"mysql.DECIMAL(precision={params[0]}, scale={params[1]}{flags})", {MYSQL}
        return f"sa.Numeric(precision={params[0]}, scale={params[1]})", set()
    if name in ("float", "double") and not params:
        return f"mysql.{name.upper()}({flags[2:]})", {MYSQL}
    if name in _MYSQL_PLAIN and not params and not attrs:
        return f"mysql.{_MYSQL_PLAIN[name]}()", {MYSQL}
    if name in _SIZED and len(params) == 1 and not attrs:
        return f"{_SIZED[name]}(length={params[0]})", set()
    if name in _FRACTIONAL and len(params) == 1 and not attrs:
        return f"mysql.{_FRACTIONAL[name]}(fsp={params[0]})", {MYSQL}
    if name == "bit" and len(params) == 1:
        return f"mysql.BIT({params[0]})", {MYSQL}
    if name in ("enum", "set") and params:
        values = [_VALUE.fullmatch(p) for p in params]
        if all(values):
            rendered = ", ".join(py_str(v.group(1).replace("''", "'")) for v in values)
            return f"mysql.{name.upper()}({rendered})", {MYSQL}
    raise StillError(f"still cannot render the MySQL type {text!r} as SQLAlchemy; "
                     f"write it by hand in the revision")
