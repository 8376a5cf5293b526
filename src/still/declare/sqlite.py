"""What SQLite stores for what `create_all` sends it.

SQLite keeps the `CREATE TABLE` text as sent and reports the declared type as written, so
most rules only bring both sides to one spelling (`reflect.sqlite.canonical_type`, the
normalised expression text). The storage rules proper: a single-column `INTEGER PRIMARY
KEY` is the rowid (never NULL, always auto-assigned), a generated column without
STORED is VIRTUAL, unnamed constraints stay unnamed, and there are no comments.
"""

from __future__ import annotations

import re
from typing import Optional

import sqlalchemy as sa

from still import snapshot as s
from still.declare.base import DeclareRules, default_index_elements, index_element
from still.written import remember
from still.reflect import sqlite_ddl as ddl
from still.reflect.sqlite import (SCHEMA, canonical_collation, canonical_type, expression,
                                 normalized_default)

_COLLATE = re.compile(r"\s+COLLATE\s+.*$", re.S | re.I)


class Rules(DeclareRules):
    default_schema = SCHEMA
    supports_comments = False

    # -- columns ------------------------------------------------------------------------
    def column_type(self, column: sa.Column) -> str:
        return self.per_type("type", column, self._column_type)

    def _column_type(self, column: sa.Column) -> str:
        return canonical_type(_COLLATE.sub("", self.compiled_type(column)))

    def _rowid_alias(self, column: sa.Column) -> bool:
        if not column.primary_key:  # set on every column of the table's primary key
            return False
        table = column.table
        pk = list(table.primary_key.columns)
        return (len(pk) == 1 and pk[0] is column and _with_rowid(table)
                and self.column_type(column) == "INTEGER")

    def autoincrement(self, column: sa.Column) -> bool:
        return self._rowid_alias(column)

    def nullable(self, column: sa.Column) -> bool:
        # the DDL compiler writes NOT NULL exactly when `nullable` is false (primary key
        # columns default to false); the rowid can never be NULL, and a WITHOUT ROWID
        # table makes its primary key columns NOT NULL itself
        if column.primary_key and not _with_rowid(column.table):
            return False
        return bool(column.nullable) and not self._rowid_alias(column)

    def server_default(self, column: sa.Column) -> Optional[str]:
        if column.server_default is None:
            return None
        sent = self.compiled_default(column)
        return remember(normalized_default(sent, self.column_type(column)), sent)

    def computed(self, column: sa.Column) -> Optional[s.Computed]:
        if column.computed is None:
            return None
        # no STORED keyword (persisted None) makes a VIRTUAL column on SQLite
        return s.Computed(expression=self.expression(self.sql(column.computed.sqltext)),
                          persisted=column.computed.persisted is True)

    def collation(self, column: sa.Column) -> Optional[str]:
        return self.per_type("collation", column, self._collation)

    def _collation(self, column: sa.Column) -> Optional[str]:
        impl = column.type.dialect_impl(self.dialect)
        while isinstance(impl, sa.TypeDecorator):
            impl = impl.impl.dialect_impl(self.dialect)
        return canonical_collation(getattr(impl, "collation", None))

    def expression(self, text: str) -> str:
        return remember(expression(text), text)

    # -- constraints --------------------------------------------------------------------
    def name_of(self, item) -> Optional[str]:
        if isinstance(item, sa.PrimaryKeyConstraint) and _key_written_inline(item):
            return None
        return super().name_of(item)

    def table_constraints(self, table: sa.Table, existing: frozenset = frozenset()) -> list:
        # CHECKs given on a column are written inline with it; SQLite keeps them all
        inline = [c for col in table.columns for c in col.constraints]
        return inline + list(table.constraints)

    # -- indexes ------------------------------------------------------------------------
    def index_where(self, index: sa.Index) -> Optional[str]:
        where = index.dialect_options["sqlite"]["where"]
        return None if where is None else self.expression(self.sql(where))

    def index_elements(self, index: sa.Index) -> tuple[s.IndexElement, ...]:
        real = {c.name.lower(): c.name for c in index.table.columns}
        return tuple(self._index_element(key, real) for e in index.expressions
                     for key in default_index_elements(self, e))

    def _index_element(self, element: s.IndexElement, real: dict[str, str]) -> s.IndexElement:
        if element.expression is None:
            return element
        # SQLite stores a key that only names a column (`desc("at")`, `text("email")`)
        # as that column, under the column's own spelling
        name = ddl.bare_name(ddl.tokenize(element.expression))
        if name is not None and name.lower() in real:
            return index_element(self, column=real[name.lower()], descending=element.descending,
                                 nulls=element.nulls)
        return element


def _key_written_inline(key: sa.PrimaryKeyConstraint) -> bool:
    """Under sqlite_autoincrement=True the DDL compiler writes a one-column integer key
    that is no foreign key inline, `id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT`, and
    leaves out the table's CONSTRAINT clause with the key's name: SQLite never sees it."""
    columns = list(key.columns)
    if len(columns) != 1 or not key.table.dialect_options["sqlite"]["autoincrement"]:
        return False
    column = columns[0]
    impl = column.type
    while isinstance(impl, sa.TypeDecorator):
        impl = impl.impl_instance
    return isinstance(impl, sa.Integer) and not column.foreign_keys


def _with_rowid(table: sa.Table) -> bool:
    return table.dialect_options["sqlite"]["with_rowid"] is not False
