"""The name a SQLAlchemy naming convention gives an unnamed constraint, for
`batch_alter_table(naming_convention=...)`: Alembic projects use it to drop SQLite
constraints that were created without names."""

from __future__ import annotations

import re
from typing import Optional

from still import snapshot as s

_KEYS = {"primary_key": ("pk", "PrimaryKeyConstraint"), "foreign_key": ("fk", "ForeignKeyConstraint"),
         "unique": ("uq", "UniqueConstraint"), "check": ("ck", "CheckConstraint")}
_TOKEN = re.compile(r"%\((\w+)\)s")
_COLUMN = re.compile(r"^(referred_)?column_0(N|_N)?_(name|key|label)$")


def convention_name(convention: dict, kind: str, table: s.Table, cons) -> Optional[str]:
    """The name `convention` gives `cons` (of `kind`) on `table`, or None when it has no
    pattern for that kind or the pattern needs what an unnamed constraint lacks."""
    pattern = next((convention[k] for k in _KEYS[kind] if k in convention), None)
    if not isinstance(pattern, str):
        return None
    try:
        return _TOKEN.sub(lambda m: _token(m.group(1), table, cons), pattern)
    except LookupError:
        return None


def _token(token: str, table: s.Table, cons) -> str:
    if token == "table_name":
        return table.name
    if token == "referred_table_name":
        return cons.referred_table
    match = _COLUMN.match(token)
    if match is None:
        raise LookupError(token)  # constraint_name (None here) or a custom token
    referred, many, part = match.groups()
    columns = list(getattr(cons, "referred_columns" if referred else "columns", ()))
    if not columns:
        raise LookupError(token)
    if part == "label" and not referred:
        columns = [f"{table.name}_{c}" for c in columns]
    if many is None:
        return columns[0]
    return ("_" if many == "_N" else "").join(columns)


_TYPES = {"check": "ck", "unique": "uq", "foreignkey": "fk", "primary": "pk"}


def given_name(convention: Optional[dict], type_: Optional[str], table_name: str, name):
    """The name a revision's `op.drop_constraint(name, table, type_)` means under the
    run's naming convention, as in Alembic (which builds the constraint in target_metadata's
    MetaData): a pattern with %(constraint_name)s wraps a given name that op.f() did not mark
    final; any other name is as given."""
    from sqlalchemy.schema import conv

    if not convention or name is None or isinstance(name, conv) or not type_:
        return name
    pattern = convention.get(_TYPES.get(type_.lower(), ""))
    if not isinstance(pattern, str) or "%(constraint_name)s" not in pattern:
        return name
    values = {"constraint_name": name, "table_name": table_name}
    if any(token not in values for token in _TOKEN.findall(pattern)):
        return name
    return _TOKEN.sub(lambda m: values[m.group(1)], pattern)
