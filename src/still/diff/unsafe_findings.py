"""Operations still has no safe form for say so (issue 23, item 5): a finding with the lock
they take, what waits, and the way around it (expand/contract, README "Changes that
cannot be made safe"). Tables created by the same plan are new and empty: left alone."""

from __future__ import annotations

from typing import Optional

from still import ops
from still import snapshot as s
from still.findings import Code, Finding
from still.plan import Plan

_EXPAND = ("expand/contract: add the new column beside the old one, backfill it in batches, switch the "
           "code over, then drop the old one in a later revision")
_CODE = ("code still running with the old name fails until it is deployed; expand/contract: add the new "
         "name beside the old (a view or a second column kept in sync), deploy, then drop the old")


def unsafe_findings(plan: Plan, before: s.Snapshot, dialect_name: str,
                    version: Optional[tuple] = None) -> tuple[Finding, ...]:
    if dialect_name == "sqlite":  # one process's file: nothing else waits on it
        return ()
    from still.lint import cost_of

    out: list[Finding] = []
    snap = before
    for op in plan.operations:
        table = getattr(op, "table_name", None) or getattr(op, "old_name", None)
        existed = table is not None and op.schema_name in before.schemas \
            and (table in before.schemas[op.schema_name].tables
                 or (isinstance(op, ops.RenameTable) and op.old_name in before.schemas[op.schema_name].tables))
        if existed:
            message = _why(op, cost_of(op, snap, dialect_name, version))
            if message:
                column = getattr(getattr(op, "new", None), "name", None) or getattr(op, "old_name", None) \
                    if not isinstance(op, ops.RenameTable) else None
                out.append(Finding.of(Code.LOCK_UNAVOIDABLE, message, op.schema_name,
                                      op.new_name if isinstance(op, ops.RenameTable) else op.table_name,
                                      column if isinstance(op, (ops.AlterColumn, ops.RenameColumn)) else None))
        snap = op.apply(snap)
    return tuple(out)


def _why(op, cost) -> Optional[str]:
    if isinstance(op, ops.RenameTable):
        return f"table {op.old_name} is renamed to {op.new_name} under {cost.lock} (brief): {_CODE}"
    if isinstance(op, ops.RenameColumn):
        return (f"column {op.table_name}.{op.old_name} is renamed to {op.new_name} under {cost.lock} (brief): "
                f"{_CODE}")
    if not cost.matters:
        return None
    if isinstance(op, ops.AlterColumn):
        return f"column {op.table_name}.{op.new.name}: {cost.text()}; no safe form: {_EXPAND}"
    if isinstance(op, ops.AddColumn):
        return (f"column {op.table_name}.{op.column.name} is added with {cost.text()}; no safe form: add it "
                f"nullable without the default, backfill in batches, then set the default and NOT NULL")
    if isinstance(op, ops.AddConstraint) and op.kind == "exclude":
        return (f"EXCLUDE constraint on {op.table_name}: {cost.text()}; no safe form: build a new table with "
                f"it and copy the rows over")
    return None
