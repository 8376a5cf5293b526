"""SQLite: one writer at a time. Any migration holds the database's write lock until it
commits, so every operation blocks other writers; what differs is the work: ALTER TABLE
adds and renames without touching rows, DROP COLUMN rewrites the table's rows, and
everything else rebuilds the table (a new copy of every row, see ops/ddl/sqlite.py)."""

from __future__ import annotations

from typing import Optional

from still import ops
from still import snapshot as s
from still.lint.cost import Cost

LOCK = "database write lock"


def cost(op, before: s.Snapshot, version: Optional[tuple]) -> Cost:
    from sqlalchemy.dialects import sqlite

    from still.ops.ddl.sqlite import _direct

    table = op.target_table
    if table is None:
        return Cost(lock=LOCK, blocks="writes")
    if isinstance(op, (ops.CreateTable, ops.DropTable)):
        return Cost(lock=LOCK, blocks="writes", tables=(table,))
    direct = _direct(op, before, sqlite.dialect())
    if direct is None:
        return Cost(lock=LOCK, blocks="writes", work="copy", tables=(table,))
    if isinstance(op, ops.DropColumn):
        return Cost(lock=LOCK, blocks="writes", work="rewrite", tables=(table,))
    if isinstance(op, ops.CreateIndex):
        return Cost(lock=LOCK, blocks="writes", work="index build", tables=(table,))
    return Cost(lock=LOCK, blocks="writes", tables=(table,))
