"""Alembic's `if_exists=` / `if_not_exists=` (create_table, drop_table, add_column,
drop_column, create_index, drop_index, drop_constraint): the operation runs only where
the thing is missing (a create) or there (a drop).

The snapshot answers that: online it is the database itself (read again after raw DDL),
in a replay (`--against history`) it is the history, where a guarded drop of what is not
there is a no-op. Offline it is the history too, but the script may meet a database that
differs from it (raw SQL the history cannot follow made or dropped the thing), so where
an operation is left out the script still carries the guarded statement Alembic writes,
on the dialects whose SQL has the guard.
"""

from __future__ import annotations

from typing import Callable, Optional

import sqlalchemy as sa

from still import snapshot as s


def table_in(ex, table_name: str, schema: Optional[str]) -> Optional[s.Table]:
    found = ex.reread().schemas.get(ex.schema(schema))
    return found.tables.get(table_name) if found is not None else None


def index_named(ex, index_name: Optional[str], table_name: Optional[str], schema: Optional[str]) -> bool:
    """Whether the name is taken where the dialect looks for it: an index name is the
    schema's on PostgreSQL and SQLite, the table's on MySQL (where a unique index is a
    unique key, and a foreign key's own index bears the key's name)."""
    found = ex.reread().schemas.get(ex.schema(schema))
    if found is None or index_name is None:
        return False
    per_table = ex.dialect.name == "mysql"
    tables = [t for t in found.tables.values() if not per_table or t.name == table_name]
    if per_table:
        return any(index_name in {c.name for c in (*t.indexes, *t.unique_constraints, *t.foreign_keys)}
                   for t in tables)
    # PostgreSQL makes an index for a unique constraint (and a primary key) under its name
    return any(index_name in {c.name for c in (*t.indexes, *t.unique_constraints)}
               or (t.primary_key is not None and t.primary_key.name == index_name) for t in tables)


def skipped(ex, guarded: Callable[[], Optional[str]]) -> None:
    """An operation left out by its guard; offline, the guarded statement instead."""
    if ex.offline:
        sql = guarded()
        if sql:
            ex.write(sql)


def _compile(ex, element) -> str:
    return str(element.compile(dialect=ex.dialect))


def _table(ex, table_name: str, schema: Optional[str]) -> str:
    from still.runtime.build import sa_schema

    return ex.dialect.identifier_preparer.format_table(sa.table(table_name, schema=sa_schema(ex, schema)))


def _column_guard(ex) -> bool:
    # SQLite's ALTER TABLE has no IF [NOT] EXISTS for columns; PostgreSQL and MariaDB have
    return ex.dialect.name in ("postgresql", "mysql")


def create_table_sql(ex, table: sa.Table) -> str:
    return _compile(ex, sa.schema.CreateTable(table, if_not_exists=True))


def drop_table_sql(ex, table_name: str, schema: Optional[str]) -> str:
    from still.runtime.build import sa_schema

    return _compile(ex, sa.schema.DropTable(sa.Table(table_name, sa.MetaData(), schema=sa_schema(ex, schema)),
                                            if_exists=True))


def add_column_sql(ex, table_name: str, schema: Optional[str], column: sa.Column) -> Optional[str]:
    if not _column_guard(ex):
        return None
    spec = ex.dialect.ddl_compiler(ex.dialect, None).get_column_specification(column)
    return f"ALTER TABLE {_table(ex, table_name, schema)} ADD COLUMN IF NOT EXISTS {spec}"


def drop_column_sql(ex, table_name: str, schema: Optional[str], column_name: str) -> Optional[str]:
    if not _column_guard(ex):
        return None
    quoted = ex.dialect.identifier_preparer.quote(column_name)
    return f"ALTER TABLE {_table(ex, table_name, schema)} DROP COLUMN IF EXISTS {quoted}"


def create_index_sql(ex, index: sa.Index) -> str:
    return _compile(ex, sa.schema.CreateIndex(index, if_not_exists=True))


def drop_index_sql(ex, index_name: str, table_name: Optional[str], schema: Optional[str]) -> Optional[str]:
    from still.runtime.build import sa_schema

    if table_name is None and ex.dialect.name == "mysql":
        return None  # DROP INDEX there names the table
    table = sa.Table(table_name or "_", sa.MetaData(), schema=sa_schema(ex, schema))
    return _compile(ex, sa.schema.DropIndex(sa.Index(index_name, _table=table), if_exists=True))


def drop_constraint_sql(ex, constraint_name: Optional[str], table_name: str, schema: Optional[str]) -> Optional[str]:
    # as Alembic: only PostgreSQL's DROP CONSTRAINT takes the guard (SQLAlchemy writes none
    # for MySQL's DROP FOREIGN KEY / INDEX / CHECK, and SQLite has no DROP CONSTRAINT)
    if ex.dialect.name != "postgresql" or constraint_name is None:
        return None
    quoted = ex.dialect.identifier_preparer.quote(constraint_name)
    return f"ALTER TABLE {_table(ex, table_name, schema)} DROP CONSTRAINT IF EXISTS {quoted}"
