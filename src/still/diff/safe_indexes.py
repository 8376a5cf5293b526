"""The safe form of index operations on PostgreSQL: CREATE/DROP INDEX CONCURRENTLY.

A plain CREATE INDEX holds a SHARE lock on its table for the whole build, so every write
to the table waits until the index is built; DROP INDEX takes ACCESS EXCLUSIVE, which
also queues reads. The CONCURRENTLY forms take SHARE UPDATE EXCLUSIVE (nothing the
application does waits), at the price of running outside a transaction: `generate`
writes them in `op.get_context().autocommit_block()`, in place, so the order the plan
needs (an index before the foreign key that relies on it, after the column it covers)
is kept.

Left plain, inside the revision's transaction:
- an index on a table created in the same plan: the table is new and empty, there is no
  traffic to spare, and building it inside the transaction keeps the revision all or
  nothing (a failed CREATE TABLE leaves no half-built table behind);
- an index on a table dropped in the same plan, for the same reason in the downgrade,
  which recreates the table.
"""

from __future__ import annotations

from still.plan import Plan

DIALECTS = ("postgresql",)


def concurrent_indexes(plan: Plan, dialect: str) -> Plan:
    """`plan` with each CREATE/DROP INDEX on an existing table made concurrent (PostgreSQL)."""
    if dialect not in DIALECTS:
        return plan
    fresh = {(op.schema_name, op.table.name) for op in plan.operations if op.op in ("create_table", "drop_table")}
    changed = False
    out = []
    for op in plan.operations:
        if op.op in ("create_index", "drop_index") and not op.concurrently \
                and (op.schema_name, op.table_name) not in fresh:
            op = op.model_copy(update={"concurrently": True})
            changed = True
        out.append(op)
    return plan.model_copy(update={"operations": tuple(out)}) if changed else plan
