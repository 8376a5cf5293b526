"""What the rows already in a live database say of a plan: the constraints it adds that
those rows break, counted before anything runs.

A UNIQUE (or unique index, or primary key) over values that repeat, a CHECK some row fails,
a FOREIGN KEY some row has no parent for: each makes the upgrade fail half-way on a
database with rows, though the plan is right on an empty one. `row_findings` asks the
database with one read-only count per such constraint (on a table that exists before the
plan; a new table is empty) and returns a `rows-break-constraint` finding for each count
above zero. A question the database cannot answer as asked (a CHECK over a column the plan
adds or renames first) is left out, never guessed.
"""

from __future__ import annotations

from typing import Optional

import sqlalchemy as sa

from still import snapshot as s
from still.findings import Code, Finding
from still.ops.columns import AddColumn, RenameColumn
from still.ops.constraints import AddConstraint
from still.ops.indexes import CreateIndex
from still.ops.tables import CreateTable, RenameTable


class _Names:
    """Where a table and its columns are in the database before the plan: the plan's
    renames walked back, the tables and columns it creates known as new."""

    def __init__(self, operations):
        self.tables: dict[tuple[str, str], str] = {}
        self.columns: dict[tuple[str, str, str], str] = {}
        self.new_tables: set[tuple[str, str]] = set()
        self.new_columns: set[tuple[str, str, str]] = set()
        for op in operations:
            if isinstance(op, RenameTable):
                old = self.tables.pop((op.schema_name, op.old_name), op.old_name)
                self.tables[(op.schema_name, op.new_name)] = old
            elif isinstance(op, RenameColumn):
                key = (op.schema_name, op.table_name)
                old = self.columns.pop((*key, op.old_name), op.old_name)
                self.columns[(*key, op.new_name)] = old
            elif isinstance(op, CreateTable):
                self.new_tables.add((op.schema_name, op.table.name))
            elif isinstance(op, AddColumn):
                self.new_columns.add((op.schema_name, op.table_name, op.column.name))

    def table(self, schema: str, name: str) -> Optional[str]:
        """The table's name before the plan, or None when the plan creates it."""
        return None if (schema, name) in self.new_tables else self.tables.get((schema, name), name)

    def column(self, schema: str, table: str, name: str) -> Optional[str]:
        if (schema, table, name) in self.new_columns:
            return None
        return self.columns.get((schema, table, name), name)


def _table(schema: str, name: str, default_schema: str, columns) -> sa.TableClause:
    return sa.table(name, *(sa.column(c) for c in columns),
                    schema=None if schema == default_schema else schema)


def _repeats(t: sa.TableClause, columns: list[str], nulls_count: bool) -> sa.Select:
    """How many groups of rows share a value of `columns` (NULLs apart unless `nulls_count`)."""
    cols = [t.c[c] for c in columns]
    inner = sa.select(*cols).group_by(*cols).having(sa.func.count() > 1)
    if not nulls_count:
        inner = inner.where(*(c.is_not(None) for c in cols))
    return sa.select(sa.func.count()).select_from(inner.subquery())


def _questions(op, names: _Names, current: s.Snapshot):
    """(count query, what a row that counts does wrong) for one operation, or None."""
    if not isinstance(op, (AddConstraint, CreateIndex)):
        return None
    schema = op.schema_name
    table = names.table(schema, op.table_name)
    if table is None or table not in getattr(current.schemas.get(schema), "tables", {}):
        return None

    def old(columns) -> Optional[list[str]]:
        out = [names.column(schema, op.table_name, c) for c in columns]
        return None if None in out else out

    default = current.default_schema
    if isinstance(op, CreateIndex):
        index = op.index
        columns = [e.column for e in index.elements]
        if not index.unique or index.where is not None or None in columns or old(columns) is None:
            return None
        t = _table(schema, table, default, old(columns))
        return (_repeats(t, old(columns), index.nulls_not_distinct),
                f"unique index {index.name} on {op.table_name} ({', '.join(columns)}): {{values}} "
                f"repeated in the rows there")
    c, label = op.constraint, f"{op.kind.replace('_', ' ')} {op.constraint.name or '(unnamed)'}"
    if op.kind in ("unique", "primary_key"):
        columns = old(c.columns)
        if columns is None:
            return None
        t = _table(schema, table, default, columns)
        question = _repeats(t, columns, op.kind == "primary_key" or c.nulls_not_distinct)
        what = f"{label} on {op.table_name} ({', '.join(c.columns)}): {{values}} repeated in the rows there"
        if op.kind == "primary_key":  # NULLs too: a key column is NOT NULL
            nulls = sa.select(sa.func.count()).select_from(t).where(sa.or_(*(t.c[x].is_(None) for x in columns)))
            question = sa.select(question.scalar_subquery() + nulls.scalar_subquery())
            what = f"{label} on {op.table_name} ({', '.join(c.columns)}): {{values}} repeated or NULL"
        return question, what
    if op.kind == "check":
        t = sa.table(table, schema=None if schema == default else schema)
        return (sa.select(sa.func.count()).select_from(t).where(sa.literal_column(f"NOT ({c.expression})")),
                f"{label} on {op.table_name} ({c.expression}): {{rows}} {{fail}} it")
    if op.kind == "foreign_key":
        columns = old(c.columns)
        if columns is None:
            return None
        child = _table(schema, table, default, columns).alias("child")
        present = [child.c[x].is_not(None) for x in columns]
        parent_name = names.table(c.referred_schema, c.referred_table)
        what = (f"{label} on {op.table_name} ({', '.join(c.columns)}) to {c.referred_table}: {{rows}} "
                f"{{refer}} to no row there")
        if parent_name is None:  # the plan creates the parent: it is empty
            return sa.select(sa.func.count()).select_from(child).where(*present), what
        referred = [names.column(c.referred_schema, c.referred_table, x) for x in c.referred_columns]
        if None in referred:
            return None
        parent = _table(c.referred_schema, parent_name, default, referred).alias("parent")
        match = sa.select(sa.literal(1)).select_from(parent).where(
            *(parent.c[p] == child.c[x] for p, x in zip(referred, columns)))
        return sa.select(sa.func.count()).select_from(child).where(*present, ~match.exists()), what
    return None


def row_findings(connection, plan_operations, current: s.Snapshot) -> list[Finding]:
    """One `rows-break-constraint` finding per constraint the plan adds that rows there break."""
    names = _Names(plan_operations)
    out = []
    for op in plan_operations:
        question = _questions(op, names, current)
        if question is None:
            continue
        query, what = question
        try:
            with connection.begin_nested():  # a question it cannot answer aborts nothing else
                count = connection.execute(query).scalar()
        except sa.exc.DBAPIError:
            continue
        if count:
            one = count == 1
            for word, said in (("{values}", f"{count} value" + ("" if one else "s")),
                               ("{rows}", f"{count} row" + ("" if one else "s")),
                               ("{fail}", "fails" if one else "fail"), ("{refer}", "refers" if one else "refer")):
                what = what.replace(word, said)
            out.append(Finding.of(Code.ROWS_BREAK, f"{what}: the upgrade fails until {'it is' if one else 'they are'} "
                                  f"fixed", op.schema_name, op.table_name))
    return out
