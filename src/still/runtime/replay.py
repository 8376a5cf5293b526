"""The state at head without a database: run every revision's upgrade() against a
recorder that applies each `op` call to a Snapshot, starting from an empty schema.

Raw SQL (`op.execute`, `op.bulk_insert`) cannot be applied to a snapshot; a DDL statement
there is a finding naming the revision, never a silent gap.
"""

from __future__ import annotations

from still import snapshot as s
from still.findings import Code, Finding
from still.runtime.executor import OfflineExecutor

_DDL_WORDS = ("create", "alter", "drop", "rename", "comment")


class RecordingExecutor(OfflineExecutor):
    """Applies operations to the snapshot and notes what it cannot apply."""

    def __init__(self, dialect, snapshot: s.Snapshot):
        super().__init__(dialect, snapshot, None)
        self.revision = None
        self.findings: list[Finding] = []

    def execute(self, statement, execution_options=None) -> None:
        text = " ".join(self.literal_sql(statement).split())
        if text.lower().startswith(_DDL_WORDS):
            self.findings.append(Finding.of(
                Code.UNVERIFIABLE,
                f"revision {self.revision} runs raw SQL that cannot be replayed ({text[:60]}): "
                f"the state from history may miss what it does"))

    def bulk_insert(self, table, rows, multiinsert: bool = True) -> None:
        """Data, not schema: nothing to replay."""


def replay(run, dialect, target: str = "heads") -> tuple[s.Snapshot, list[Finding], tuple[str, ...]]:
    """(snapshot at `target`, findings, the revisions it stands on) from the revision files
    of `run`: the heads by default, or any upgrade target (`history@REV`)."""
    from still.declare import rules_for

    empty = s.Snapshot(dialect=dialect.name, default_schema=rules_for(dialect).default_schema)
    executor = RecordingExecutor(dialect, empty)
    steps = run.graph.upgrade_steps((), target) if run.graph.revisions else []
    for step in steps:
        executor.revision = step.revision.revision
        run.run_step(step, executor)
    reached = tuple(run.graph.heads) if target == "heads" else run.graph.resolve(target)
    return executor.snapshot, executor.findings, reached
