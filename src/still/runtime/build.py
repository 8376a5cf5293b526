"""SQLAlchemy objects given to `still.op` -> snapshot objects, through the dialect's
declare rules, so an operation spells types, defaults and expressions exactly as the
database will report them (and as `declare` does for models)."""

from __future__ import annotations

from typing import Iterable, Optional

import sqlalchemy as sa

from still import snapshot as s
from still.declare.base import declare_table
from still.errors import StillError
from still.ops.ddl.sa_build import build_column


def sa_schema(executor, schema: Optional[str]) -> Optional[str]:
    return None if schema in (None, executor.default_schema) else schema


def table_of(executor, name: str, schema: Optional[str]) -> s.Table:
    snap = executor.snapshot
    schema_name = executor.schema(schema)
    try:
        return snap.schemas[schema_name].tables[name]
    except KeyError:
        where = "" if schema_name == snap.default_schema else f" in schema {schema_name}"
        raise StillError(f"table {name!r} does not exist{where}") from None


def column_of(table: s.Table, name: str) -> s.Column:
    try:
        return table.column(name)
    except KeyError:
        raise StillError(f"column {name!r} does not exist in table {table.name!r}") from None


def stub_referents(metadata: sa.MetaData, table: sa.Table) -> None:
    """Foreign keys given as 'table.column' strings need a referred table in the same
    MetaData to resolve; its columns' types are irrelevant to the declared snapshot."""
    for fk in list(table.foreign_keys):
        spec = fk.target_fullname
        parts = spec.split(".")
        column = parts[-1]
        ref_schema = parts[0] if len(parts) == 3 else None
        ref_name = parts[-2]
        key = f"{ref_schema}.{ref_name}" if ref_schema else ref_name
        ref = metadata.tables.get(key)
        if ref is None:
            ref = sa.Table(ref_name, metadata, schema=ref_schema)
        if column not in ref.c:
            ref.append_column(sa.Column(column, sa.Integer))


def declared(executor, sa_table: sa.Table) -> s.Table:
    """`sa_table` as the database will hold it; a name the database gives what is unnamed
    avoids the names the table of that name has already (op.* calls add to it)."""
    stub_referents(sa_table.metadata, sa_table)
    schema = executor.snapshot.schemas.get(executor.schema(sa_table.schema))
    existing = schema.tables.get(sa_table.name) if schema is not None else None
    names = frozenset()
    if existing is not None:
        names = frozenset(n for n in [existing.primary_key.name if existing.primary_key else None,
                                      *(c.name for group in (existing.unique_constraints, existing.check_constraints,
                                                            existing.foreign_keys, existing.exclude_constraints,
                                                            existing.indexes) for c in group)]
                          if n is not None)
    return declare_table(executor.rules, sa_table, names)


def existing_columns(table: Optional[s.Table]) -> list[sa.Column]:
    if table is None:
        return []
    pk = set(table.primary_key.columns) if table.primary_key else set()
    # only names matter here; a SnapshotType cannot carry autoincrement
    return [build_column(c.model_copy(update={"autoincrement": False, "identity": None}), c.name in pk)
            for c in table.columns]


def op_metadata(executor) -> sa.MetaData:
    """A MetaData for what a revision's op.* call builds: with the naming convention the
    run follows (`metadata_naming_convention`), as Alembic's carries target_metadata's."""
    convention = getattr(executor, "naming_convention", None)
    return sa.MetaData(naming_convention=convention) if convention else sa.MetaData()


def scratch_table(executor, name: str, schema: Optional[str], *items, with_existing: bool = True) -> sa.Table:
    """A throwaway sa.Table carrying the existing columns of `name` (from the snapshot)
    plus `items`, for declaring a constraint or index against it."""
    existing = None
    if with_existing:
        existing = executor.snapshot.schemas.get(executor.schema(schema), s.Schema(name="")).tables.get(name)
    metadata = op_metadata(executor)
    columns = existing_columns(existing)
    names = {c.name for c in columns}
    for item in items:
        if isinstance(item, sa.Column) and item.name in names:
            raise StillError(f"column {item.name!r} already exists in table {name!r}")
    return sa.Table(name, metadata, *columns, *items, schema=sa_schema(executor, schema))


def declared_column(executor, table_name: str, column: sa.Column, schema: Optional[str]) -> tuple[s.Column, s.Table]:
    table = sa.Table(table_name, op_metadata(executor), column, schema=sa_schema(executor, schema))
    decl = declared(executor, table)
    return decl.column(column.name), decl


def column_names(columns: Iterable) -> list[str]:
    return [c if isinstance(c, str) else c.name for c in columns]
