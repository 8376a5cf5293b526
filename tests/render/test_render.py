"""Rendering plans as revision files: golden output per operation kind, REVIEW and
DESTRUCTIVE comments, valid and ruff-stable Python, and replaying the rendered calls
through still.op gives back the plan's target (and its source on the way down)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from still.render import render_plan
from still.render.plan import place_findings
from tests.helpers import snapshot_differences
from tests.render.helpers import (
    RUFF,
    plan_of,
    replay,
    revision_text,
    ruff_diff,
    snapshots,
)
from tests.render.scenarios import SCENARIOS

GOLDEN = Path(__file__).resolve().parents[2] / "fixtures" / "golden" / "render"
UPDATE = os.environ.get("STILL_UPDATE_GOLDEN") == "1"


def _case(name):
    dialect, a, b, replayable = SCENARIOS[name]
    return dialect, a(), b(), replayable


def golden_text(name: str, tmp_path: Path) -> str:
    dialect, a, b, _ = _case(name)
    plan = plan_of(a, b, dialect)
    assert not plan.empty, name
    rendered = render_plan(plan, dialect)
    text = revision_text(plan, dialect, tmp_path, snapshots(a, b, dialect))
    # the date line changes on every run; the summary shows what a reviewer sees first
    lines = [line for line in text.splitlines() if not line.startswith("Create Date:")]
    header = "\n".join(f"# {line}" for line in rendered.summary.splitlines())
    return f"# dialect: {dialect}\n{header}\n" + "\n".join(lines) + "\n"


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_golden(name, tmp_path):
    text = golden_text(name, tmp_path)
    path = GOLDEN / f"{name}.py"
    if UPDATE or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        if not UPDATE:
            pytest.fail(f"{path} did not exist and was written; check it and run again")
    assert text == path.read_text()


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_compiles_and_is_ruff_stable(name, tmp_path):
    dialect, a, b, _ = _case(name)
    text = revision_text(plan_of(a, b, dialect), dialect, tmp_path, snapshots(a, b, dialect))
    compile(text, name, "exec")
    assert RUFF.exists(), "ruff is a test dependency (the [test] extra): it must sit next to the interpreter"
    assert ruff_diff(text, tmp_path) == ""


@pytest.mark.parametrize("name", sorted(n for n, case in SCENARIOS.items() if case[3]))
def test_replay_reaches_target_and_back(name, tmp_path):
    dialect, a, b, _ = _case(name)
    start, target = snapshots(a, b, dialect)
    text = revision_text(plan_of(a, b, dialect), dialect, tmp_path, (start, target))
    up = replay(text, "upgrade", start, dialect)
    assert snapshot_differences(up, target) == []
    down = replay(text, "downgrade", up, dialect)
    assert snapshot_differences(down, start) == []


def _with_findings() -> list[str]:
    """The scenarios whose plans carry a finding: the others have nothing to place."""
    out = []
    for name in sorted(SCENARIOS):
        dialect, a, b, _ = _case(name)
        if plan_of(a, b, dialect).findings:
            out.append(name)
    return out


WITH_FINDINGS = _with_findings()


@pytest.mark.parametrize("name", WITH_FINDINGS)
def test_findings_sit_above_their_operation(name):
    dialect, a, b, _ = _case(name)
    plan = plan_of(a, b, dialect)
    assert plan.findings
    rendered = render_plan(plan, dialect)
    lines = rendered.upgrade.splitlines()
    top, at = place_findings(plan)
    for finding in plan.findings:
        comment = f"    # REVIEW({finding.code.value}): {' '.join(finding.message.split())}"
        assert comment in lines, comment
        assert f"REVIEW({finding.code.value}): {' '.join(finding.message.split())}" in rendered.summary
        i = lines.index(comment)
        if finding in top:
            assert all(line.lstrip().startswith("#") or not line.strip() for line in lines[:i])
            continue
        # only comments between it and the operation's call
        following = next(line for line in lines[i + 1:] if not line.lstrip().startswith("#"))
        index = next(k for k, fs in at.items() if finding in fs)
        assert following.lstrip().startswith(f"op.{_call_name(plan.operations[index])}"), following


def _call_name(op) -> str:
    return {"set_table_comment": "create_table_comment" if op.op == "set_table_comment"
            and getattr(op, "new_comment", None) is not None else "drop_table_comment",
            "rename_column": "alter_column", "add_constraint": "create_", "drop_constraint": "drop_constraint",
            "create_schema": "execute", "drop_schema": "execute"}.get(op.op, op.op)


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_destructive_operations_are_marked_in_both_bodies(name):
    dialect, a, b, _ = _case(name)
    plan = plan_of(a, b, dialect)
    rendered = render_plan(plan, dialect)
    for body, ops in ((rendered.upgrade, plan.operations), (rendered.downgrade, plan.reverse().operations)):
        lines = body.splitlines()
        marks = [i for i, line in enumerate(lines) if line.strip().startswith("# DESTRUCTIVE: ")]
        assert len(marks) == sum(1 for op in ops if op.destructive)
        for i in marks:
            nxt = next(line for line in lines[i + 1:] if not line.lstrip().startswith("#"))
            assert nxt.startswith("    op."), nxt


def test_summary_counts_operations():
    dialect, a, b, _ = _case("drop_table")
    rendered = render_plan(plan_of(a, b, dialect), dialect)
    assert rendered.summary.splitlines()[0] == "2 operations: 2 drop_table"
    assert "REVIEW(drop-table): table main.posts is dropped with its data" in rendered.summary


def test_findings_without_an_operation_go_first():
    from still.findings import Code, Finding

    dialect, a, b, _ = _case("add_column")
    plan = plan_of(a, b, dialect)
    note = Finding.of(Code.UNVERIFIABLE, "something still cannot see", "main", "elsewhere")
    rendered = render_plan(plan.model_copy(update={"findings": (note,)}), dialect)
    assert rendered.upgrade.splitlines()[0] == "    # REVIEW(unverifiable): something still cannot see"


def test_empty_plan_renders_pass():
    from still.plan import Plan

    rendered = render_plan(Plan(), "sqlite")
    assert rendered.upgrade == "    pass" and rendered.downgrade == "    pass"
    assert rendered.summary == "0 operations"


@pytest.mark.parametrize(("before", "after"), [
    ({}, {"identity": True}),
    ({"identity": True}, {}),
    ({"computed": "a + 1"}, {"computed": "a + 2"}),
    ({"computed": "a + 1"}, {}),
    ({"autoincrement": False}, {"autoincrement": True}),
], ids=["add-identity", "drop-identity", "change-computed", "drop-computed", "add-serial"])
def test_identity_computed_and_serial_alters_replay(before, after, tmp_path):
    """op.alter_column takes them as Alembic does (server_default=sa.Identity/sa.Computed,
    autoincrement=): the rendered file reaches B and comes back to A."""
    import sqlalchemy as sa

    def models(spec):
        md = sa.MetaData()
        x = [sa.Identity()] if spec.get("identity") else []
        x += [sa.Computed(spec["computed"])] if spec.get("computed") else []
        sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True,
                                    autoincrement=spec.get("autoincrement", "auto")),
                 sa.Column("a", sa.Integer), sa.Column("x", sa.Integer, *x, nullable=False))
        return md

    a, b = snapshots(models(before), models(after), "postgresql")
    plan = plan_of(models(before), models(after), "postgresql")
    assert [op.op for op in plan.operations] == ["alter_column"]
    text = revision_text(plan, "postgresql", tmp_path)
    assert "TODO" not in text
    assert not snapshot_differences(replay(text, "upgrade", a, "postgresql"), b)
    assert not snapshot_differences(replay(text, "downgrade", b, "postgresql"), a)


