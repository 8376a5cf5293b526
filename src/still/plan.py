"""A Plan: the ordered operations that turn one snapshot into another, plus findings."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from still.findings import Finding
from still.lint.cost import Cost
from still.ops import Operation
from still.snapshot import Snapshot


class Plan(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    operations: tuple[Operation, ...] = ()
    findings: tuple[Finding, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.operations

    def reverse(self) -> "Plan":
        """The plan that undoes this one: each operation reversed, in reverse order."""
        return Plan(operations=tuple(op.reverse() for op in reversed(self.operations)))

    def apply(self, snap: Snapshot) -> Snapshot:
        for op in self.operations:
            snap = op.apply(snap)
        return snap


class PlanReport(BaseModel):
    """What `still plan --format json` and `still check --format json` print."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    dialect: str
    url: str  # the --from state: the database URL (password masked), a snapshot file, history, ...
    to: str = "models"  # the --to state, named the same way
    drift: bool
    operations: tuple[Operation, ...]
    findings: tuple[Finding, ...]
    statements: tuple[str, ...] = ()
    costs: tuple[Cost, ...] = ()  # what each operation costs a live database, in operation order
