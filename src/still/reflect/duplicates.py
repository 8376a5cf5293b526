"""Rows a new UNIQUE or PRIMARY KEY would refuse, counted on the live database.

Adding a unique constraint (or unique index, or primary key) to a table whose rows repeat
a value fails when it runs; a primary key also fails on NULLs. When a plan is made
against a live database, each such addition to a table that already exists is counted
here and reported as a finding (as the NOT NULL backfill one is), on every dialect. Read-only.
"""

from __future__ import annotations

import sqlalchemy as sa

from still import ops
from still import snapshot as s
from still.findings import Code, Finding
from still.plan import Plan


def _keys(op) -> tuple:
    """(kind, columns, nulls count as equal) of a unique addition, or None."""
    if isinstance(op, ops.AddConstraint) and op.kind in ("unique", "primary_key") and op.using_index is None:
        return op.kind, tuple(op.constraint.columns), getattr(op.constraint, "nulls_not_distinct", False)
    if isinstance(op, ops.CreateIndex) and op.index.unique and op.index.where is None \
            and all(e.column for e in op.index.elements):
        return "unique index", tuple(e.column for e in op.index.elements), op.index.nulls_not_distinct
    return None


def duplicate_findings(connection, plan: Plan, current: s.Snapshot) -> tuple[Finding, ...]:
    out: list[Finding] = []
    for op in plan.operations:
        keys = _keys(op)
        sch = current.schemas.get(op.schema_name)
        table = sch.tables.get(op.table_name) if sch is not None and keys else None
        if table is None or not set(keys[1]) <= {c.name for c in table.columns}:
            continue  # a new table or column: no rows to repeat yet
        kind, columns, nulls_equal = keys
        found = _count(connection, op.schema_name, op.table_name, columns, current.default_schema, nulls_equal)
        where = f"{op.table_name} ({', '.join(columns)})"
        name = getattr(getattr(op, "constraint", None), "name", None) or getattr(getattr(op, "index", None),
                                                                                 "name", None)
        what = {"primary_key": "PRIMARY KEY", "unique": "UNIQUE", "unique index": "unique index"}[kind]
        if found["groups"]:
            out.append(Finding.of(Code.DUPLICATE_ROWS, (
                f"{what} {name or ''} on {where}: {found['rows']} existing rows repeat {found['groups']} "
                f"value(s), so adding it fails; remove or merge the duplicates first").replace("  ", " "),
                op.schema_name, op.table_name))
        if kind == "primary_key" and found["nulls"]:
            out.append(Finding.of(Code.DUPLICATE_ROWS, (
                f"PRIMARY KEY {name or ''} on {where}: {found['nulls']} existing rows hold NULL in a key "
                f"column, so adding it fails; fill them first").replace("  ", " "), op.schema_name, op.table_name))
    return tuple(out)


def _count(connection, schema: str, table_name: str, columns: tuple, default_schema: str,
           nulls_equal: bool) -> dict:
    table = sa.table(table_name, *(sa.column(c) for c in columns),
                     schema=None if schema == default_schema else schema)
    cols = [table.c[c] for c in columns]
    grouped = sa.select(sa.func.count().label("n")).select_from(table)
    if not nulls_equal:  # NULLs are distinct: a row with a NULL key repeats nothing
        grouped = grouped.where(*(c.is_not(None) for c in cols))
    grouped = grouped.group_by(*cols).having(sa.func.count() > 1).subquery()
    groups, rows = connection.execute(
        sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(grouped.c.n), 0))).one()
    nulls = connection.execute(sa.select(sa.func.count()).select_from(table)
                               .where(sa.or_(*(c.is_(None) for c in cols)))).scalar()
    return {"groups": int(groups), "rows": int(rows), "nulls": int(nulls)}
