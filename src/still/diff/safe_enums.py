"""The safe form of new enum values on PostgreSQL: `ALTER TYPE ... ADD VALUE IF NOT
EXISTS` in an autocommit block, committed before the rest of the revision.

PostgreSQL (12 and later) runs ADD VALUE inside a transaction but refuses to use the new
value until that transaction commits ("unsafe use of new value"); before 12 it refuses
ADD VALUE in a transaction block at all. So a plan whose new value is used by the same
migration (a default, a CHECK, an index predicate) recreates the type instead
(ReplaceEnum: every column of the type is rewritten under ACCESS EXCLUSIVE). Committed
first, the value is usable by what follows, and no table is touched: ADD VALUE only
changes the catalog. IF NOT EXISTS lets a revision that failed after the block run again.

Left as they are: a removed or reordered value, which ADD VALUE cannot express (the type
is recreated, with its finding).
"""

from __future__ import annotations

from still.findings import Code
from still.ops import AddEnumValue
from still.plan import Plan

DIALECTS = ("postgresql",)


def committed_enum_values(plan: Plan, dialect: str) -> Plan:
    """`plan` with each enum change that only adds values done by ADD VALUE IF NOT EXISTS,
    outside the transaction (PostgreSQL)."""
    if dialect not in DIALECTS:
        return plan
    out, dropped, changed = [], set(), False
    for op in plan.operations:
        if op.op == "add_enum_value" and not op.if_not_exists:
            op, changed = op.model_copy(update={"if_not_exists": True}), True
        elif op.op == "replace_enum" and _only_added(op.old_values, op.new_values):
            out += _additions(op)
            dropped.add(f"enum {op.schema_name}.{op.enum_name} ")
            changed = True
            continue
        out.append(op)
    if not changed:
        return plan
    findings = tuple(f for f in plan.findings
                     if not (f.code == Code.ENUM_RECREATED and any(f.message.startswith(d) for d in dropped)))
    return plan.model_copy(update={"operations": tuple(out), "findings": findings})


def _only_added(old, new) -> bool:
    return [v for v in new if v in old] == list(old) and len(new) > len(old)


def _additions(op) -> list[AddEnumValue]:
    """One ADD VALUE per new value, each placed before the next value the type has by then."""
    values, out = list(op.old_values), []
    for i, value in enumerate(op.new_values):
        if value in values:
            continue
        following = next((v for v in op.new_values[i + 1:] if v in values), None)
        out.append(AddEnumValue(schema_name=op.schema_name, enum_name=op.enum_name, value=value, before=following,
                                old_values=tuple(values), if_not_exists=True))
        values.insert(values.index(following) if following else len(values), value)
    return out
