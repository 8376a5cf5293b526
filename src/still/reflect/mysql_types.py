"""Canonical MySQL/MariaDB spellings of types, defaults and expressions.

`information_schema` and SQLAlchemy's MySQL compiler spell the same column differently
(`int(11)` / `INTEGER`, `tinyint(1)` / `BOOL`, `decimal(10,3)` / `NUMERIC(10, 3)`,
backquoted names in CHECKs). Reflection and declaration both pass their text through
these functions (defaults: mysql_defaults.py), so one column has one spelling.

Types: lower case, the name MariaDB's COLUMN_TYPE uses, arguments without spaces, then
`unsigned`/`zerofill`; an integer's display width only when it is not the type's
default (`int(11)` is `int`, `int(5)` stays), `tinyint(1)` always (it is a boolean).
A JSON column is `json` (MariaDB stores it as a checked LONGTEXT).
"""

from __future__ import annotations

import re
from typing import Optional

# the display width MySQL gives an integer type when none is written: (signed, unsigned)
DEFAULT_WIDTHS = {"tinyint": (4, 3), "smallint": (6, 5), "mediumint": (9, 8), "int": (11, 10),
                  "bigint": (20, 20)}
INTEGER_TYPES = frozenset(DEFAULT_WIDTHS)
_SYNONYMS = {
    "integer": "int", "int4": "int", "int1": "tinyint", "int2": "smallint", "int3": "mediumint",
    "middleint": "mediumint", "int8": "bigint", "numeric": "decimal", "dec": "decimal",
    "fixed": "decimal", "real": "double", "double precision": "double", "float4": "float",
    "float8": "double", "character": "char", "character varying": "varchar",
    "national char": "char", "national varchar": "varchar", "nchar": "char",
    "nvarchar": "varchar", "national character": "char", "long varbinary": "mediumblob",
    "long varchar": "mediumtext", "long": "mediumtext",
}
NUMERIC_TYPES = INTEGER_TYPES | {"decimal", "float", "double", "year", "bit"}
_TYPE = re.compile(r"^\s*([a-z][a-z0-9 ]*?)\s*(?:\((.*)\))?((?:\s+(?:unsigned|signed|zerofill))*)\s*$", re.S)
_CHARSET = re.compile(r"\s+(?:CHARACTER\s+SET|CHARSET)\s+\w+|\s+COLLATE\s+\w+|\s+BINARY\b", re.I)


def split_type(text: str) -> tuple[str, list[str], set[str]]:
    """`DECIMAL(12, 4) UNSIGNED` -> ("decimal", ["12", "4"], {"unsigned"}), synonyms resolved."""
    text = _CHARSET.sub("", text.strip())
    m = _TYPE.match(_lower_outside_quotes(text))
    if not m:
        return " ".join(text.lower().split()), [], set()
    name, args, attrs = m.group(1), m.group(2), set(m.group(3).split()) - {"signed"}
    name = " ".join(name.split())
    name = _SYNONYMS.get(name, name)
    params = _split_args(args) if args is not None and args.strip() else []
    return name, params, attrs


def canonical_type(text: str, drops_widths: bool = False) -> str:
    """The canonical spelling of a column type. `drops_widths` for MySQL 8.0.19 and
    later, which no longer keeps integer display widths (but `tinyint(1)`)."""
    name, params, attrs = split_type(text)
    if name in ("bool", "boolean"):
        return "tinyint(1)"
    if "zerofill" in attrs:
        attrs.add("unsigned")
    if name in INTEGER_TYPES:
        unsigned = "unsigned" in attrs
        if params and not (name == "tinyint" and params == ["1"] and not attrs):
            if drops_widths or int(params[0]) == DEFAULT_WIDTHS[name][unsigned]:
                params = []
    elif name == "decimal":
        params = (params + ["10", "0"][len(params):])[:2] if len(params) < 2 else params
    elif name == "float" and params:
        if len(params) == 1:
            name, params = ("float" if int(params[0]) <= 24 else "double"), []
    elif name in ("char", "binary", "bit") and not params:
        params = ["1"]
    elif name == "year":
        params = []
    elif name in ("datetime", "timestamp", "time") and params == ["0"]:
        params = []
    out = name + (f"({','.join(params)})" if params else "")
    for attr in ("unsigned", "zerofill"):
        if attr in attrs:
            out += f" {attr}"
    return out


def base_name(type_text: str) -> str:
    return type_text.split("(", 1)[0].split(" ", 1)[0]


def equivalent_types(a: str, b: str) -> bool:
    return a == b


def _lower_outside_quotes(text: str) -> str:
    parts = re.split(r"('(?:[^']|'')*')", text)
    return "".join(p if i % 2 else p.lower() for i, p in enumerate(parts))


def _split_args(args: str) -> list[str]:
    out, current, quote = [], "", False
    for ch in args:
        if ch == "'":
            quote = not quote
        if ch == "," and not quote:
            out.append(current.strip())
            current = ""
        else:
            current += ch
    out.append(current.strip())
    return out


# -- expressions -------------------------------------------------------------------------
_EXPR_TOKEN = re.compile(r"('(?:[^'\\]|''|\\.)*')|(`(?:[^`]|``)+`)|(\"(?:[^\"]|\"\")+\")|([A-Za-z_][A-Za-z0-9_$]*)(?=\s*\()")
# functions MariaDB prints under another of their names
_FUNCTION_ALIASES = {"ucase": "upper", "lcase": "lower", "now": "current_timestamp",
                     "localtime": "current_timestamp", "localtimestamp": "current_timestamp",
                     "character_length": "char_length", "substr": "substring",
                     # MariaDB keeps a CHECK's length() as octet_length(): both count bytes
                     "octet_length": "length"}


def _sqlexpr():
    from still import sqlexpr

    return sqlexpr


def _to_standard(text: str) -> str:
    """Backquoted names as double-quoted ones, function aliases resolved: the text
    sqlexpr reads."""
    def sub(m):
        if m.group(1):
            return m.group(1)
        if m.group(2):
            return '"' + m.group(2)[1:-1].replace("``", "`").replace('"', '""') + '"'
        if m.group(3):  # MySQL reads "x" as a string, and so would SQLAlchemy's text
            return "'" + m.group(3)[1:-1].replace('""', '"').replace("'", "''") + "'"
        return _FUNCTION_ALIASES.get(m.group(4).lower(), m.group(4))
    return _EXPR_TOKEN.sub(sub, text)


_STD_TOKEN = re.compile(r"('(?:[^']|'')*')|(\"(?:[^\"]|\"\")+\")")


def _to_mysql(text: str) -> str:
    """sqlexpr's double-quoted names back to MySQL's backquotes."""
    def sub(m):
        if m.group(1):
            return m.group(1)
        return "`" + m.group(2)[1:-1].replace('""', '"').replace("`", "``") + "`"
    return _STD_TOKEN.sub(sub, text)


def expression(text: Optional[str]) -> Optional[str]:
    """A CHECK, generated column or index expression in canonical form, valid MySQL."""
    if text is None:
        return None
    return _to_mysql(_sqlexpr().normalize(_to_standard(text)))


# -- collations --------------------------------------------------------------------------
# the collation a character set gets when none is named (MariaDB 10.x and MySQL 5.7)
DEFAULT_COLLATIONS = {"utf8mb4": "utf8mb4_general_ci", "utf8mb3": "utf8mb3_general_ci",
                      "utf8": "utf8mb3_general_ci", "latin1": "latin1_swedish_ci",
                      "ascii": "ascii_general_ci", "binary": "binary", "ucs2": "ucs2_general_ci",
                      "utf16": "utf16_general_ci", "utf32": "utf32_general_ci",
                      "latin2": "latin2_general_ci", "cp1251": "cp1251_general_ci"}


def charset_collation(charset: str) -> str:
    """The collation a character set gets when none is named (MariaDB's defaults)."""
    charset = charset.lower()
    return DEFAULT_COLLATIONS.get(charset, charset + "_general_ci")


def canonical_collation(name: Optional[str]) -> Optional[str]:
    if not name:
        return None
    name = name.lower()
    return "utf8mb3" + name[4:] if name.startswith("utf8_") else name
