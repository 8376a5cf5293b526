"""Shared by the render tests: plans from model pairs, the revision file, ruff, replay."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from still.compare import declared_renames
from still.declare import declare
from still.diff import diff
from still.plan import Plan
from still.render import function_body, render_plan
from still.revisions.writer import write_revision
from still.runtime.executor import OfflineExecutor, active
from still.snapshot import Snapshot
from tests.helpers import unconnected

RUFF = Path(sys.executable).parent / "ruff"


def snapshots(a: sa.MetaData | None, b: sa.MetaData | None, dialect: str) -> tuple[Snapshot, Snapshot]:
    sa_, sb = (declare(m if m is not None else sa.MetaData(), unconnected(dialect)) for m in (a, b))
    return sa_, sb


def plan_of(a, b, dialect: str) -> Plan:
    """The plan from A to B, with renames declared on B's models (`renamed_from`), in the
    safe forms `generate` writes by default (PostgreSQL: indexes CONCURRENTLY)."""
    from still.diff.safe_forms import safe_forms

    current, target = snapshots(a, b, dialect)
    renames = declared_renames(b, target.default_schema) if b is not None else None
    return safe_forms(diff(current, target, renames), dialect)


def revision_text(plan: Plan, dialect: str, directory: Path, snaps: tuple = ()) -> str:
    """The whole revision file `generate` would write for `plan` (between `snaps`)."""
    rendered = render_plan(plan, dialect, snaps)
    directory = directory / "versions"
    directory.mkdir(exist_ok=True)
    path = write_revision(directory, "render test", rev_id="abc123",
                          upgrade_body=function_body(rendered.upgrade),
                          downgrade_body=function_body(rendered.downgrade), imports=rendered.imports)
    text = path.read_text()
    path.unlink()
    return text


def ruff_diff(text: str, directory: Path) -> str:
    path = directory / "rendered_revision.py"
    path.write_text(text)
    done = subprocess.run([str(RUFF), "format", "--isolated", "--diff", str(path)],
                          capture_output=True, text=True, check=False)
    return done.stdout + (done.stderr if done.returncode else "")


def replay(text: str, function: str, start: Snapshot, dialect: str) -> Snapshot:
    """Run the revision's upgrade() or downgrade() against a snapshot, offline."""
    namespace: dict = {}
    exec(compile(text, "<revision>", "exec"), namespace)  # noqa: S102 (the revision under test)
    executor = OfflineExecutor(unconnected(dialect), start, None)
    with active(executor):
        namespace[function]()
    return executor.snapshot
