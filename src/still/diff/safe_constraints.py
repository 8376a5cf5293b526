"""PostgreSQL's safe forms for constraints on tables that already hold rows (issue 23).

A plan in, the same change out, with each constraint added to an existing table in the
form that does not stop the application while the rows are checked:

- FOREIGN KEY / CHECK: ADD ... NOT VALID (no scan), then VALIDATE CONSTRAINT in a later
  transaction (SHARE UPDATE EXCLUSIVE: reads and writes go on).
- SET NOT NULL (PostgreSQL 12+): a helper CHECK (col IS NOT NULL) added NOT VALID and
  validated, then SET NOT NULL (which trusts the validated check and scans nothing), then
  the helper dropped. Before 12 the plain form stays and a finding says why.
- UNIQUE / PRIMARY KEY: CREATE UNIQUE INDEX CONCURRENTLY (outside a transaction), then
  ADD CONSTRAINT ... USING INDEX (catalog only).

A table created by the same plan is new and empty: its constraints stay as they are.
The schema each plan ends at is the same as the plain plan's.
"""

from __future__ import annotations

from typing import Optional

from still import ops
from still import snapshot as s
from still.findings import Code, Finding
from still.plan import Plan

_MAX_NAME = 63  # PostgreSQL's identifier length


def safe_constraints(plan: Plan, before: s.Snapshot, version: Optional[tuple] = None) -> Plan:
    """`plan` (which starts at `before`) with the safe forms; `version`: the server's
    (None: a current one)."""
    version = version or (99,)
    out: list = []
    findings: list[Finding] = []
    snap = before
    for op in plan.operations:
        made = _safe(op, snap, before, version, findings)
        for step in made:
            out.append(step)
            snap = step.apply(snap)
    if out == list(plan.operations) and not findings:
        return plan
    return plan.model_copy(update={"operations": tuple(out), "findings": plan.findings + tuple(findings)})


def _existed(before: s.Snapshot, schema: str, table: str) -> bool:
    sch = before.schemas.get(schema)
    return sch is not None and table in sch.tables


def _safe(op, snap: s.Snapshot, before: s.Snapshot, version: tuple, findings: list) -> list:
    if not _existed(before, op.schema_name, getattr(op, "table_name", None) or ""):
        return [op]
    if isinstance(op, ops.AddConstraint) and not op.not_valid and op.using_index is None:
        if op.kind in ("foreign_key", "check") and op.constraint.name and op.constraint.enforced:
            return [op.model_copy(update={"not_valid": True}),
                    ops.ValidateConstraint(schema_name=op.schema_name, table_name=op.table_name, kind=op.kind,
                                           constraint=op.constraint)]
        if op.kind in ("unique", "primary_key"):
            return _through_index(op, snap)
    if isinstance(op, ops.AlterColumn) and op.old.nullable and not op.new.nullable \
            and not {"type", "computed"} & set(op.changed()):
        if version < (12,):
            findings.append(Finding.of(
                Code.LOCK_UNAVOIDABLE, f"column {op.table_name}.{op.new.name} becomes NOT NULL with a scan "
                f"under ACCESS EXCLUSIVE (reads and writes wait): PostgreSQL before 12 cannot use a validated "
                f"CHECK instead", op.schema_name, op.table_name, op.new.name))
            return [op]
        return _not_null_through_check(op, snap)
    return [op]


def _taken(table: s.Table) -> set:
    names = {ix.name for ix in table.indexes}
    names |= {c.name for c in (*table.foreign_keys, *table.unique_constraints, *table.check_constraints,
                               *table.exclude_constraints) if c.name}
    if table.primary_key and table.primary_key.name:
        names.add(table.primary_key.name)
    return names


def _free_name(base: str, taken: set) -> str:
    name, n = base[:_MAX_NAME], 1
    while name in taken:
        n += 1
        tail = f"_{n}"
        name = base[:_MAX_NAME - len(tail)] + tail
    return name


def _through_index(op: ops.AddConstraint, snap: s.Snapshot) -> list:
    table = snap.table(op.table_name, op.schema_name)
    c = op.constraint
    name = c.name or f"{op.table_name}_pkey"
    if name in {ix.name for ix in table.indexes}:  # an index of that name is there: leave it be
        return [op]
    if c.name is None:
        c = c.model_copy(update={"name": name})
    index = s.Index(name=name, elements=tuple(s.IndexElement(column=col) for col in c.columns), unique=True,
                    nulls_not_distinct=getattr(c, "nulls_not_distinct", False))
    return [ops.CreateIndex(schema_name=op.schema_name, table_name=op.table_name, index=index, concurrently=True),
            op.model_copy(update={"constraint": c, "using_index": name})]


def not_null_check(column: str) -> str:
    from sqlalchemy.dialects import postgresql

    return f"{postgresql.dialect().identifier_preparer.quote(column)} IS NOT NULL"


def _not_null_through_check(op: ops.AlterColumn, snap: s.Snapshot) -> list:
    table = snap.table(op.table_name, op.schema_name)
    name = _free_name(f"{op.table_name}_{op.new.name}_not_null", _taken(table))
    check = s.CheckConstraint(name=name, expression=not_null_check(op.old.name))
    where = dict(schema_name=op.schema_name, table_name=op.table_name, kind="check", constraint=check)
    return [ops.AddConstraint(**where, not_valid=True), ops.ValidateConstraint(**where), op,
            ops.DropConstraint(**where)]
