"""Operations -> DDL statements for a dialect, and running them on a connection.

Each dialect's rules live in `ops/ddl/<dialect>.py` as `statements(op, before, dialect)`;
`before` is the snapshot the operation applies to, which an operation needs when the
dialect must rebuild a whole table (SQLite) or look up a type's users (PostgreSQL enums).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Iterator

from still.errors import StillError
from still.snapshot import Snapshot

if TYPE_CHECKING:  # a run of revisions compiles operations, never a Plan: not imported for it
    from still.plan import Plan


def _module(dialect_name: str):
    try:
        return importlib.import_module(f"still.ops.ddl.{dialect_name}")
    except ModuleNotFoundError as err:
        if err.name != f"still.ops.ddl.{dialect_name}":
            raise
        raise StillError(f"still cannot write DDL for dialect {dialect_name!r}") from None


def plan_statements(plan: Plan, before: Snapshot, dialect) -> Iterator[tuple[object, list[str]]]:
    """(operation, its statements) in plan order; `before` advances as operations apply.
    A dialect may batch adjacent operations (its own `plan_statements`)."""
    module = _module(dialect.name)
    if hasattr(module, "plan_statements"):
        yield from module.plan_statements(plan.operations, before, dialect)
        return
    snap = before
    for op in plan.operations:
        yield op, module.statements(op, snap, dialect)
        snap = op.apply(snap)


def execute_plan(plan: Plan, before: Snapshot, connection) -> Snapshot:
    """Run a plan's DDL on `connection` inside the caller's transaction (open it with
    `still.db.migration_engine` so DDL is transactional on SQLite too); returns the
    snapshot the database should now reflect to. A failing statement raises StillError
    naming the operation and the statement."""
    from sqlalchemy import exc

    around = getattr(_module(connection.dialect.name), "online_around", None)
    for op, stmts in plan_statements(plan, before, connection.dialect):
        for sql in around(connection, stmts) if around is not None else stmts:
            try:
                connection.exec_driver_sql(sql)
            except exc.DBAPIError as err:
                reason = str(err.orig).strip().splitlines()[0] if err.orig else str(err)
                raise StillError(f"{op.op} failed: {reason} (statement: {sql.strip().splitlines()[0]}...)") from err
    after = getattr(_module(connection.dialect.name), "after_plan", None)
    if after is not None:
        after(connection)
    return plan.apply(before)
