"""op.batch_alter_table and the table-bound operations it hands out."""

from __future__ import annotations

import contextlib
from typing import Optional, Sequence

import sqlalchemy as sa

from still import ops
from still import snapshot as s
from still.errors import StillError
from still.op.batch_options import (
    apply_reflect_args,
    refuse_position,
    refuse_unsupported,
)
from still.op.columns import add_column, alter_column, drop_column
from still.op.common import constraints_of
from still.op.constraints import (
    create_check_constraint,
    create_foreign_key,
    create_primary_key,
    create_unique_constraint,
    drop_constraint,
)
from still.op.indexes import create_index, drop_index, rename_index
from still.op.postgresql import create_exclude_constraint
from still.op.tables import create_table_comment, drop_table_comment
from still.runtime import build
from still.runtime.executor import current as _ex


class BatchOperations:
    """`op.batch_alter_table(t)` hands this out: the operations of `op` bound to one table.
    Every change runs at once; on SQLite each already rebuilds the table when ALTER cannot
    do it (batch_options says which of Alembic's options that honours, and which it refuses).

    Where Alembic's batch mode recreates the table (on SQLite, or with
    recreate="always"), creating a constraint under a name the table already has replaces
    it, as there (and with recreate="always" an index too); `naming_convention=` names the
    table's unnamed constraints so that `drop_constraint` can find them by those names."""

    def __init__(self, table_name: str, schema: Optional[str], naming_convention: Optional[dict] = None,
                 recreate: str = "auto"):
        self.table_name = table_name
        self.schema = schema
        self.naming_convention = naming_convention or {}
        self.recreate = recreate
        self._reflect_args: list = []  # see _rebuilding
        # what drop_column took along (indexes, unique and foreign keys over the column):
        # Alembic's batch mode recreates the table once at the end, so one whose columns
        # all exist again then (the column was added back) is kept; see _finish
        self._collateral: list = []
        # indexes over columns the block adds later: where Alembic recreates the table, its
        # indexes are made after every column change of the block, so order does not matter
        self._deferred: list = []

    def _rebuilding(self) -> None:
        """Before the first operation that makes Alembic rebuild the table: the columns of
        reflect_args= replace the table's own, as in Alembic's new table."""
        if self._reflect_args:
            columns, self._reflect_args = self._reflect_args, []
            apply_reflect_args(_ex(), self.table_name, self.schema, columns)

    def _recreates(self) -> bool:
        return self.recreate == "always" or (self.recreate == "auto" and _ex().dialect.name == "sqlite")

    def __getattr__(self, name: str):
        # what is not bound to a table (f, execute, get_bind, get_context, ...) is op's own
        if name.startswith("_") or name in _TABLE_BOUND:
            raise AttributeError(name)
        import still.op

        if name not in still.op.__all__ or name in ("batch_alter_table", "BatchOperations"):
            raise AttributeError(f"batch operations have no {name!r}")
        return getattr(still.op, name)

    def _table(self) -> s.Table:
        return build.table_of(_ex(), self.table_name, self.schema)

    def _replace(self, constraint_name) -> None:
        if constraint_name is None or not self._recreates():
            return
        named = [(kind, cons) for kind, cons in constraints_of(self._table()) if cons.name == constraint_name]
        if len(named) == 1:
            kind, cons = named[0]
            ex = _ex()
            ex.run(ops.DropConstraint(schema_name=ex.schema(self.schema), table_name=self.table_name,
                                      kind=kind, constraint=cons))

    def add_column(self, column: sa.Column, insert_before: Optional[str] = None,
                   insert_after: Optional[str] = None, if_not_exists: Optional[bool] = None, **kw) -> None:
        # Alembic places the column only where it rebuilds the table, and refuses it elsewhere
        refuse_position(self.table_name, f"add_column({column.name!r}", insert_before, insert_after, True)
        add_column(self.table_name, column, schema=self.schema, if_not_exists=if_not_exists)

    def drop_column(self, column_name: str, if_exists: Optional[bool] = None, **kw) -> None:
        self._rebuilding()
        table = self._table()
        if if_exists and not any(c.name == column_name for c in table.columns):
            return
        self._collateral += [("index", ix) for ix in table.indexes
                             if any(e.column == column_name for e in ix.elements) or column_name in ix.include]
        self._collateral += [(kind, cons) for kind, group in (("unique", table.unique_constraints),
                                                              ("foreign_key", table.foreign_keys))
                             for cons in group if column_name in cons.columns]
        drop_column(self.table_name, column_name, schema=self.schema, if_exists=if_exists)

    def _finish(self) -> None:
        for index_name, columns, kw in self._deferred:
            create_index(index_name, self.table_name, columns, schema=self.schema, **kw)
        if not self._collateral:
            return
        ex = _ex()
        table = self._table()
        present = {c.name for c in table.columns}
        names = {ix.name for ix in table.indexes} | {c.name for _, c in constraints_of(table)}
        for kind, item in self._collateral:
            columns = [e.column for e in item.elements if e.column] + list(item.include) if kind == "index" \
                else list(item.columns)
            if not set(columns) <= present or (item.name is not None and item.name in names):
                continue
            if kind == "index":
                ex.run(ops.CreateIndex(schema_name=ex.schema(self.schema), table_name=self.table_name, index=item))
            else:
                ex.run(ops.AddConstraint(schema_name=ex.schema(self.schema), table_name=self.table_name,
                                         kind=kind, constraint=item))

    def _forget(self, name: Optional[str]) -> bool:
        """A drop of what drop_column already took along: nothing left to do."""
        for entry in self._collateral:
            if name is not None and entry[1].name == name:
                self._collateral.remove(entry)
                return True
        return False

    def alter_column(self, column_name: str, insert_before: Optional[str] = None,
                     insert_after: Optional[str] = None, **kw) -> None:
        # where Alembic alters in place it lets the position be; where it rebuilds it moves the column
        refuse_position(self.table_name, f"alter_column({column_name!r}", insert_before, insert_after,
                        self._recreates())
        self._rebuilding()
        # a table batch mode recreates takes the column from the table, not restated from
        # the call (Alembic's MySQL CHANGE/MODIFY, see mysql_restate)
        alter_column(self.table_name, column_name, schema=self.schema, _restate=not self._recreates(), **kw)

    def create_index(self, index_name: str, columns, **kw) -> None:
        if self.recreate == "always" and any(ix.name == index_name for ix in self._table().indexes):
            drop_index(index_name, self.table_name, schema=self.schema)
        present = {c.name for c in self._table().columns}
        if self._recreates() and any(isinstance(c, str) and c not in present for c in columns):
            self._deferred.append((index_name, columns, kw))
            return
        create_index(index_name, self.table_name, columns, schema=self.schema, **kw)

    def drop_index(self, index_name: str, **kw) -> None:
        for entry in self._deferred:
            if entry[0] == index_name:
                self._deferred.remove(entry)
                return
        if self._forget(index_name) and not any(ix.name == index_name for ix in self._table().indexes):
            return
        drop_index(index_name, self.table_name, schema=self.schema, **kw)

    def rename_index(self, index_name: str, new_index_name: str) -> None:
        rename_index(index_name, self.table_name, new_index_name, schema=self.schema)

    def create_unique_constraint(self, constraint_name, columns, **kw) -> None:
        self._rebuilding()
        self._replace(constraint_name)
        create_unique_constraint(constraint_name, self.table_name, columns, schema=self.schema, **kw)

    def create_check_constraint(self, constraint_name, condition, **kw) -> None:
        self._rebuilding()
        self._replace(constraint_name)
        create_check_constraint(constraint_name, self.table_name, condition, schema=self.schema, **kw)

    def create_primary_key(self, constraint_name, columns) -> None:
        self._rebuilding()
        table = self._table()
        if table.primary_key is not None:
            ex = _ex()
            ex.run(ops.DropConstraint(schema_name=ex.schema(self.schema), table_name=self.table_name,
                                      kind="primary_key", constraint=table.primary_key))
        create_primary_key(constraint_name, self.table_name, columns, schema=self.schema)

    def create_foreign_key(self, constraint_name, referent_table, local_cols, remote_cols, **kw) -> None:
        self._rebuilding()
        self._replace(constraint_name)
        create_foreign_key(constraint_name, self.table_name, referent_table, local_cols, remote_cols,
                           source_schema=self.schema, **kw)

    def create_exclude_constraint(self, constraint_name, *elements, **kw) -> None:
        create_exclude_constraint(constraint_name, self.table_name, *elements, schema=self.schema, **kw)

    def drop_constraint(self, constraint_name: Optional[str], type_: Optional[str] = None,
                        columns: Optional[Sequence[str]] = None, condition: Optional[str] = None) -> None:
        self._rebuilding()
        table = self._table()
        if self._forget(constraint_name) and not any(c.name == constraint_name for _, c in constraints_of(table)):
            return
        if self.naming_convention and constraint_name is not None \
                and not any(c.name == constraint_name for _, c in constraints_of(table)):
            from still.runtime.conventions import convention_name

            for kind, cons in constraints_of(table):
                if cons.name is None and convention_name(self.naming_convention, kind, table, cons) == constraint_name:
                    ex = _ex()
                    ex.run(ops.DropConstraint(schema_name=ex.schema(self.schema), table_name=self.table_name,
                                              kind=kind, constraint=cons))
                    return
        drop_constraint(constraint_name, self.table_name, type_=type_, schema=self.schema, columns=columns,
                        condition=condition)

    def create_table_comment(self, comment, existing_comment=None) -> None:
        self._rebuilding()
        create_table_comment(self.table_name, comment, schema=self.schema)

    def drop_table_comment(self, existing_comment=None) -> None:
        self._rebuilding()
        drop_table_comment(self.table_name, schema=self.schema)


_TABLE_BOUND = frozenset(("create_table", "drop_table", "rename_table", "add_column", "drop_column",
                          "create_index", "drop_index", "create_foreign_key", "drop_constraint"))


@contextlib.contextmanager
def batch_alter_table(table_name: str, schema: Optional[str] = None, recreate: str = "auto",
                      partial_reordering: Optional[tuple] = None, copy_from: Optional[sa.Table] = None,
                      table_args: tuple = (), table_kwargs: Optional[dict] = None,
                      reflect_args: tuple = (), reflect_kwargs: Optional[dict] = None,
                      naming_convention: Optional[dict] = None):
    """Alembic's batch_alter_table: see BatchOperations and batch_options for what each
    option does here."""
    if recreate not in ("auto", "always", "never"):
        raise StillError(f"batch_alter_table recreate={recreate!r}: expected 'auto', 'always' or 'never'")
    ex = _ex()
    batch = BatchOperations(table_name, schema, naming_convention, recreate)
    table_kwargs = dict(table_kwargs or {})
    # SQLite's AUTOINCREMENT is in the snapshot: the recreated table has it or not, as said
    autoincrement = table_kwargs.pop("sqlite_autoincrement", None) if ex.dialect.name == "sqlite" else None
    refuse_unsupported(ex.dialect.name, table_name, batch._recreates(), partial_reordering, table_args,
                       table_kwargs, reflect_kwargs)
    if batch._recreates():
        batch._reflect_args = list(reflect_args)
        if recreate == "always":
            batch._rebuilding()
    yield batch
    batch._finish()
    if autoincrement is not None and batch._recreates():
        _set_autoincrement(ex, table_name, schema, bool(autoincrement))


def _set_autoincrement(ex, table_name: str, schema: Optional[str], value: bool) -> None:
    table = build.table_of(ex, table_name, schema)
    if table.options.autoincrement != value:
        ex.run(ops.SetTableOptions.of(ex.schema(schema), table,
                                      table.options.model_copy(update={"autoincrement": value})))
