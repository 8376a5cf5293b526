"""SQLite: a rebuild never changes a stored value silently.

SQLite keeps any value in any column, but a column's type gives it an affinity, and the
rebuild's `INSERT ... SELECT` converts each copied value to the new column's affinity:
text `'007'` becomes the integer 7 in an INTEGER column, `'1.50'` the real 1.5 in a REAL
one. Before a rebuild that changes a column's affinity, its values are copied into a
temporary table beside a column of the new type; a trigger aborts at the first value that
came out different, so the rebuild fails before the table is touched.

A value is the same when it compares equal without affinity (`+v IS +o`: 7 and 7.0 are
equal, 7 and '7' are not) or when both print the same text (7 -> '7' keeps the value, and
'007' -> 7 does not).
"""

from __future__ import annotations

from still import snapshot as s

_SCRATCH = '"_still_values"'


def affinity(type_text: str) -> str:
    """SQLite's rules for a declared type's affinity, in their order."""
    t = type_text.upper()
    if "INT" in t:
        return "INTEGER"
    if any(word in t for word in ("CHAR", "CLOB", "TEXT")):
        return "TEXT"
    if "BLOB" in t or not t.strip():
        return "BLOB"
    if any(word in t for word in ("REAL", "FLOA", "DOUB")):
        return "REAL"
    return "NUMERIC"


def guard(quote, table_sql: str, label: str, old: s.Column, new: s.Column) -> list[str]:
    """Statements that fail when copying column `old` of `table_sql` into `new` would change
    a value (none when the affinity stays, or the new one converts nothing)."""
    if affinity(old.type) == affinity(new.type) or affinity(new.type) == "BLOB":
        return []
    message = (f"still: a value of {label} would change converting {old.type} to {new.type} "
               f"(SQLite converts it to {affinity(new.type)}); nothing was changed: fix or convert "
               f"those rows first").replace("'", "''")
    return [f"CREATE TEMP TABLE {_SCRATCH} (o, v {new.type})",
            f'CREATE TEMP TRIGGER "_still_values_guard" AFTER INSERT ON {_SCRATCH} '
            f"WHEN NOT (+NEW.v IS +NEW.o OR CAST(NEW.v AS TEXT) IS CAST(NEW.o AS TEXT)) "
            f"BEGIN SELECT RAISE(ABORT, '{message}'); END",
            f"INSERT INTO {_SCRATCH} (o, v) SELECT {quote(old.name)}, {quote(old.name)} FROM {table_sql}",
            f"DROP TABLE {_SCRATCH}"]
