"""What `still lint` reports: one finding per risky statement, with where it is written."""

from __future__ import annotations

from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict

Severity = Literal["info", "warning", "danger"]
_RANK = {"info": 0, "warning": 1, "danger": 2}


class LintFinding(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str  # stable: what `# still: ignore CODE` names
    severity: Severity
    message: str
    revision: str
    path: str
    line: Optional[int] = None
    statement: Optional[str] = None  # the raw SQL it is about, when it came from op.execute

    def at_least(self, severity: str) -> bool:
        return _RANK[self.severity] >= _RANK[severity]


class LintReport(BaseModel):
    """What `still lint --format json` prints."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    dialect: str
    revisions: tuple[str, ...]  # the revisions linted, oldest first
    findings: tuple[LintFinding, ...]
