"""op.create_index, drop_index, rename_index."""

from __future__ import annotations

from typing import Any, Optional, Sequence, Union

import sqlalchemy as sa

from still import ops
from still import snapshot as s
from still.errors import NoSuchObject, StillError
from still.op import guards
from still.runtime import build
from still.runtime.executor import current as _ex


def create_index(index_name: Optional[str], table_name: str, columns: Sequence[Union[str, Any]],
                 schema: Optional[str] = None, unique: bool = False, if_not_exists: Optional[bool] = None,
                 **kw) -> None:
    ex = _ex()
    build.table_of(ex, table_name, schema)
    table = build.scratch_table(ex, table_name, schema)
    keys = []
    for col in columns:
        if isinstance(col, str):
            keys.append(table.c[col] if col in table.c else sa.text(col))
        else:
            keys.append(col)
    concurrently = _concurrently(ex, kw.pop("postgresql_concurrently", False), "CREATE INDEX")
    made = sa.Index(index_name, *keys, unique=unique, _table=table, **kw)
    final = ex.rules.name_of(made)  # a naming convention may name it (metadata_naming_convention)
    if concurrently and not ex.offline:
        _drop_invalid(ex, final, ex.schema(schema))
    if if_not_exists and guards.index_named(ex, final, table_name, schema):
        guards.skipped(ex, lambda: guards.create_index_sql(ex, made))
        return
    declared = build.declared(ex, table)
    index = next((ix for ix in declared.indexes if ix.name == final), None)
    if index is None:  # MySQL keeps a unique index on plain columns as a unique key
        ex.run(ops.AddConstraint(schema_name=ex.schema(schema), table_name=table_name, kind="unique",
                                 constraint=next(u for u in declared.unique_constraints if u.name == final)))
        return
    ex.run(ops.CreateIndex(schema_name=ex.schema(schema), table_name=table_name, index=index,
                           concurrently=concurrently))


_INVALID = """
SELECT NOT i.indisvalid FROM pg_catalog.pg_index i
JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relname = :name AND n.nspname = :schema
"""


def _drop_invalid(ex, name: Optional[str], schema: str) -> None:
    """A CREATE INDEX CONCURRENTLY that failed (a duplicate in a unique index, a lock
    timeout, a cancelled run) leaves its index behind, marked INVALID: never used by
    queries, yet kept up to date by every write, and its name taken. Building it again is
    what the rerun is for, so such an index is dropped (concurrently) first; a valid index
    of that name stays, and the CREATE fails on it as any duplicate does."""
    if name is None:
        return
    found = ex.conn.execute(sa.text(_INVALID), {"name": name, "schema": schema}).scalar()
    if not found:
        return
    import sys

    print(f"note: index {schema}.{name} is INVALID (left by a failed concurrent build): dropping it "
          f"to build it again", file=sys.stderr)
    for table in ex.snapshot.schemas.get(schema, s.Schema(name=schema)).tables.values():
        for ix in table.indexes:
            if ix.name == name:
                ex.run(ops.DropIndex(schema_name=schema, table_name=table.name, index=ix, concurrently=True))
                return
    quoted = ex.dialect.identifier_preparer
    ex.emit(f"DROP INDEX CONCURRENTLY {quoted.quote_schema(schema)}.{quoted.quote(name)}", "drop_index")


def _concurrently(ex, asked, statement: str) -> bool:
    """postgresql_concurrently=True, as Alembic takes it: only PostgreSQL has it, and only
    outside a transaction, so the call must sit in `with op.autocommit_block():`."""
    if not asked or ex.dialect.name != "postgresql":
        return False
    if not ex.in_autocommit:
        raise StillError(f"{statement} CONCURRENTLY cannot run inside a transaction: put the call in "
                         "'with op.autocommit_block():'")
    return True


def drop_index(index_name: str, table_name: Optional[str] = None, schema: Optional[str] = None,
               if_exists: Optional[bool] = None, **kw) -> None:
    ex = _ex()
    schema_name = ex.schema(schema)
    if if_exists and not guards.index_named(ex, index_name, table_name, schema):
        guards.skipped(ex, lambda: guards.drop_index_sql(ex, index_name, table_name, schema))
        return
    tables = ([build.table_of(ex, table_name, schema)] if table_name
              else list(ex.snapshot.schemas.get(schema_name, s.Schema(name=schema_name)).tables.values()))
    concurrently = _concurrently(ex, kw.pop("postgresql_concurrently", False), "DROP INDEX")
    for table in tables:
        for ix in table.indexes:
            if ix.name == index_name:
                ex.run(ops.DropIndex(schema_name=schema_name, table_name=table.name, index=ix,
                                     concurrently=concurrently))
                return
    if any((schema_name, t.name, index_name) in ex.dropped_by_server for t in tables):
        return  # the database dropped it by itself already (a foreign key's own index)
    if ex.dialect.name == "mysql":  # a unique index there is a unique key
        for table in tables:
            for cons in table.unique_constraints:
                if cons.name == index_name:
                    ex.run(ops.DropConstraint(schema_name=schema_name, table_name=table.name, kind="unique",
                                              constraint=cons))
                    return
        for table in tables:
            for fk in table.foreign_keys:
                if fk.name == index_name:
                    # the index the foreign key made for itself, gone when another key took
                    # over: the statement says IF EXISTS on MariaDB (as `still generate` writes
                    # the drop after the key that takes over)
                    ex.run(ops.DropIndex(schema_name=schema_name, table_name=table.name, index=s.Index(
                        name=index_name, elements=tuple(s.IndexElement(column=c) for c in fk.columns))))
                    return
    raise NoSuchObject(f"index {index_name!r} does not exist" + (f" on table {table_name!r}" if table_name else ""))


def rename_index(index_name: str, table_name: str, new_index_name: str, schema: Optional[str] = None) -> None:
    """Give an index another name, keeping its definition (not in Alembic: there it takes
    op.execute). PostgreSQL renames it in place; SQLite builds it again."""
    ex = _ex()
    table = build.table_of(ex, table_name, schema)
    if ex.renamed_along.get((ex.schema(schema), table_name, index_name)) == new_index_name and \
            any(ix.name == new_index_name for ix in table.indexes):
        return  # renamed already, with its foreign key (op.rename_constraint on MySQL)
    if not any(ix.name == index_name for ix in table.indexes):
        raise NoSuchObject(f"index {index_name!r} does not exist on table {table_name!r}")
    ex.run(ops.RenameIndex(schema_name=ex.schema(schema), table_name=table_name, old_name=index_name,
                           new_name=new_index_name))
