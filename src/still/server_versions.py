"""Which PostgreSQL server a plan is for, and what each version lacks.

A connected dialect knows its server's version. The paths that do not connect (replaying
revision files for `check`/`generate --against history`, `upgrade --sql`, `snapshot
--metadata`) take it from the `postgresql_version` setting; without it the version is
unknown, never assumed: a decision that depends on it is an error saying to set it, and
a feature check that needs it is skipped.
"""

from __future__ import annotations

from typing import Callable, Iterable, Iterator, Optional

from still import snapshot as s
from still.errors import StillError
from still.findings import Code, Finding

Version = tuple[int, ...]


def shown(version: Version) -> str:
    return ".".join(str(part) for part in version)


def for_server(dialect, postgresql_version: Optional[Version]):
    """An unconnected dialect told the server version it writes for, as connecting would
    tell it: SQLAlchemy 2.1 sends a Computed without `persisted=` with no keyword (VIRTUAL)
    only to PostgreSQL 18 and later."""
    if dialect.name != "postgresql" or postgresql_version is None:
        return dialect
    dialect.server_version_info = postgresql_version
    if hasattr(dialect, "supports_virtual_generated_columns"):  # SQLAlchemy 2.1
        dialect.supports_virtual_generated_columns = postgresql_version >= (18,)
    return dialect


def computed_is_virtual(dialect, where: str) -> bool:
    """What PostgreSQL makes of a Computed without `persisted=`: SQLAlchemy 2.0 always
    sends STORED; 2.1 sends no keyword to 18 and later, where that means VIRTUAL."""
    if not hasattr(dialect, "supports_virtual_generated_columns"):
        return False
    if dialect.server_version_info is None:
        raise StillError(
            f"the computed column {where} has no persisted=: PostgreSQL makes it STORED before 18 and "
            f"VIRTUAL from 18, and there is no server to ask: set postgresql_version in the "
            f"configuration (e.g. postgresql_version = 18), or persisted= on the column")
    return bool(dialect.supports_virtual_generated_columns)


# -- features a plan may need that an older server lacks ---------------------------------

class Feature:
    """A PostgreSQL feature, the version that brought it, and how to see it in an object
    (a column, a constraint, an index) the plan creates."""

    def __init__(self, label: str, since: Version, kind: type, used: Callable[[object], bool]):
        self.label, self.since, self.kind, self.used = label, since, kind, used


FEATURES = (
    Feature("UNIQUE ... NULLS NOT DISTINCT", (15,), s.UniqueConstraint, lambda u: u.nulls_not_distinct),
    Feature("an index with NULLS NOT DISTINCT", (15,), s.Index, lambda ix: ix.nulls_not_distinct),
    Feature("CHECK ... NOT ENFORCED", (18,), s.CheckConstraint, lambda c: not c.enforced),
    Feature("FOREIGN KEY ... NOT ENFORCED", (18,), s.ForeignKey, lambda c: not c.enforced),
    Feature("a VIRTUAL generated column", (18,), s.Column,
            lambda c: c.computed is not None and not c.computed.persisted),
)


def _created(op) -> Iterator[tuple[str, object]]:
    """(table, object) for what an operation brings into being; drops bring nothing."""
    kind = op.op
    if kind == "create_table":
        table = op.table
        yield from ((table.name, item) for item in (*table.columns, *table.unique_constraints,
                                                     *table.check_constraints, *table.foreign_keys,
                                                     *table.indexes))
    elif kind == "add_column":
        yield op.table_name, op.column
    elif kind == "alter_column":
        yield op.table_name, op.new
    elif kind == "add_constraint":
        yield op.table_name, op.constraint
    elif kind == "create_index":
        yield op.table_name, op.index


def lacking(operations: Iterable, dialect) -> list[Finding]:
    """A finding for each feature the operations use that the server's version lacks."""
    version = dialect.server_version_info if dialect.name == "postgresql" else None
    if not version:
        return []
    out = []
    for op in operations:
        for table, item in _created(op):
            for feature in FEATURES:
                if isinstance(item, feature.kind) and version < feature.since and feature.used(item):
                    name = getattr(item, "name", None) or "(unnamed)"
                    out.append(Finding.of(
                        Code.SERVER_TOO_OLD,
                        f"{table}.{name} needs {feature.label}, which PostgreSQL has from "
                        f"{shown(feature.since)}; this server is {shown(version)}",
                        getattr(op, "schema_name", None), table,
                        item.name if isinstance(item, s.Column) else None))
    return out
