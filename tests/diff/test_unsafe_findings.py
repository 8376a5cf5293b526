"""Issue 23, item 5: what has no safe form says so (lock-unavoidable): the lock, what waits,
and the way around it; a table the plan creates, and a change that does not wait on the
rows, get no such finding. Pure: snapshots and operations, no database (the locks are
proven on real servers in tests/lint/test_costs.py)."""

from __future__ import annotations

from still import ops
from still import snapshot as s
from still.diff.safe_constraints import safe_constraints
from still.diff.unsafe_findings import unsafe_findings
from still.plan import Plan

SNAP = s.Snapshot.model_validate({"dialect": "postgresql", "default_schema": "public", "schemas": {"public": {
    "name": "public", "tables": {"users": {"name": "users", "columns": [
        {"name": "id", "type": "integer", "nullable": False}, {"name": "n", "type": "integer", "nullable": True},
        {"name": "email", "type": "character varying(100)", "nullable": True}]}}}}})
USERS = SNAP.table("users", "public")


def _alter(name: str, **change) -> ops.AlterColumn:
    old = next(c for c in USERS.columns if c.name == name)
    return ops.AlterColumn(schema_name="public", table_name="users", old=old, new=old.model_copy(update=change))


def _messages(*operations, dialect="postgresql", version=None) -> list[str]:
    return [f.message for f in unsafe_findings(Plan(operations=operations), SNAP, dialect, version)]


def test_a_rewrite_and_a_rename_say_why_and_what_to_do():
    rewrite = _messages(_alter("n", type="bigint"))
    assert len(rewrite) == 1 and "ACCESS EXCLUSIVE on users (blocks reads and writes), rewrites the table" \
        in rewrite[0] and "expand/contract" in rewrite[0], rewrite
    renamed = _messages(ops.RenameColumn(schema_name="public", table_name="users", old_name="n", new_name="m"))
    assert len(renamed) == 1 and "breaks" not in renamed[0] and "old name fails" in renamed[0], renamed
    table = _messages(ops.RenameTable(schema_name="public", old_name="users", new_name="people"))
    assert table and "table users is renamed to people" in table[0]
    assert _messages(_alter("n", type="bigint"), dialect="sqlite") == []


def test_what_waits_on_nothing_or_is_new_is_not_marked():
    assert _messages(_alter("email", type="character varying(200)")) == []  # no rewrite: widening
    assert _messages(_alter("n", comment="count")) == []
    new = s.Table(name="tags", columns=(s.Column(name="id", type="integer", nullable=False),))
    assert _messages(ops.CreateTable(schema_name="public", table=new),
                     ops.AddColumn(schema_name="public", table_name="tags",
                                   column=s.Column(name="x", type="integer", nullable=True))) == []


def test_set_not_null_is_safe_from_12_and_marked_before():
    plan = Plan(operations=(_alter("n", nullable=False),))
    safe = safe_constraints(plan, SNAP, (16,))
    assert [op.op for op in safe.operations] == ["add_constraint", "validate_constraint", "alter_column",
                                                 "drop_constraint"]
    assert safe.apply(SNAP) == plan.apply(SNAP)
    assert unsafe_findings(safe, SNAP, "postgresql", (16,)) == ()
    old = safe_constraints(plan, SNAP, (11,))
    assert old.operations == plan.operations
    assert [f.code.value for f in old.findings] == ["lock-unavoidable"]
