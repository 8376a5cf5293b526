"""What `create_all` sends for a table's constraints and indexes on a dialect, asked of
SQLAlchemy itself through its public entry points rather than read from the private state
it decides by (a Boolean's or Enum's create rule, `ddl_if`, creation order), which
differs between versions.

- A table's constraints: the dialect's own DDL compiler runs `create_table_constraints`
  (the part of CREATE TABLE that lists them), with `process` answered by a recorder
  instead of SQL text. It hands over, in the order it sends them, exactly the ones CREATE
  TABLE creates: the primary key first, then the rest in creation order.
- An index: its `CreateIndex`, which carries the index's `ddl_if`, is run as a DDL
  listener against a mock connection of the dialect, as create_all runs it.
- An EXCLUDE constraint's elements: the dialect compiles the constraint with a SQL
  compiler that records each element's expression and answers with a marker, so the
  operator written after each marker is read off the DDL.
"""

from __future__ import annotations

import copy
import re
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.engine.mock import MockConnection


def _recorder_class(ddl_compiler: type) -> type:
    found = _RECORDERS.get(ddl_compiler)
    if found is None:
        def process(self, obj, **kw):
            self.recorded.append(obj)
            return None  # create_table_constraints leaves out what compiles to None

        found = _RECORDERS[ddl_compiler] = type(
            f"Recording{ddl_compiler.__name__}", (ddl_compiler,), {"process": process})
    return found


_RECORDERS: dict[type, type] = {}


class TableAsCreated:
    """The constraints CREATE TABLE creates for a table on one dialect. `constraints`
    works them out afresh (a table of the `op` API changes between declares); `creates`
    answers from the last table worked out while it is the one asked about."""

    def __init__(self, dialect):
        # A foreign key with use_alter is created by an ALTER TABLE right after, on a
        # dialect with ALTER; it still belongs to the table's list, in its place: the
        # recorder's dialect says there is no ALTER, so CREATE TABLE lists it inline.
        inline = copy.copy(dialect)
        inline.supports_alter = False
        self._compiler = _recorder_class(dialect.ddl_compiler)(inline, None)
        self._table: Optional[sa.Table] = None
        self._ordered: tuple = ()
        self._created: frozenset = frozenset()

    def constraints(self, table: sa.Table) -> tuple:
        """The table-level constraints CREATE TABLE creates, in the order it sends them
        (the primary key first)."""
        compiler = self._compiler
        compiler.recorded = recorded = []
        compiler.create_table_constraints(table)
        self._ordered = tuple(recorded)
        self._created = frozenset(recorded)
        self._table = table
        return self._ordered

    def creates(self, constraint) -> bool:
        """Whether CREATE TABLE creates the constraint. One given on a column is sent
        with its column whatever it is (CreateColumn asks nothing of it)."""
        parent = getattr(constraint, "parent", None)
        if isinstance(parent, sa.Column):
            return True
        if not isinstance(parent, sa.Table):
            return False
        if parent is not self._table:
            self.constraints(parent)
        return constraint in self._created


class IndexesAsCreated:
    """Whether create_all creates an index on a dialect (`Index.ddl_if`): the index's
    CreateIndex runs as create_all runs it, with a mock connection of the dialect as its
    bind (a ddl_if callable gets that connection, and no compiler, as under create_all)."""

    def __init__(self, dialect):
        self._sent: list = []
        self._bind = MockConnection(dialect, lambda ddl, *args, **kw: self._sent.append(ddl))

    def creates(self, index: sa.Index) -> bool:
        sent = self._sent
        sent.clear()
        sa.schema.CreateIndex(index)(index, self._bind)
        return bool(sent)


def column_constraints(column: sa.Column) -> list:
    """A column's own constraints in the order CREATE TABLE sends them with the column
    (it walks `Column.constraints` as it is)."""
    return list(column.constraints)


def exclude_elements(dialect, constraint) -> list[tuple]:
    """(expression, operator) of each element of an ExcludeConstraint, in order, as the
    dialect's DDL compiler sends them."""
    recorder = _ElementRecorder()
    compiler = _exclude_compiler_class(dialect.ddl_compiler)(dialect, None)
    compiler.recorder = recorder
    text = compiler.process(constraint)
    # "... (M0[ opclass] WITH op0, M1 WITH op1) WHERE (M2)<deferrability>"
    pieces = _MARKER.split(text)
    count = len(recorder) - (constraint.where is not None)
    after = pieces[2::2]  # the text after each marker, up to the next one
    out = []
    for i in range(count):
        segment = after[i]
        if i < count - 1:
            end = ", "
        elif constraint.where is not None:
            end = ") WHERE ("
        else:
            end = ")" + compiler.define_constraint_deferrability(constraint)
        if not segment.endswith(end) or " WITH " not in segment:
            raise ValueError(f"unexpected EXCLUDE DDL from SQLAlchemy: {text!r}")
        operator = segment[:len(segment) - len(end)].split(" WITH ", 1)[1]
        out.append((recorder[i], operator))
    return out


_MARKER = re.compile("\x00([0-9]+)\x00")


class _ElementRecorder(list):
    def process(self, element, **kw) -> str:
        self.append(element)
        return f"\x00{len(self) - 1}\x00"


def _exclude_compiler_class(ddl_compiler: type) -> type:
    found = _EXCLUDE_COMPILERS.get(ddl_compiler)
    if found is None:
        found = _EXCLUDE_COMPILERS[ddl_compiler] = type(
            f"Elements{ddl_compiler.__name__}", (ddl_compiler,),
            {"sql_compiler": property(lambda self: self.recorder)})
    return found


_EXCLUDE_COMPILERS: dict[type, type] = {}
