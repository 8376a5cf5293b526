"""What `plan` and `generate` add to a plan for a live database (issue 23): PostgreSQL's
safe forms for constraints (config `safe_forms`, default on) and findings for what has no
safe form. (The rows a new constraint would refuse are counted by still.lint.rows.)"""

from __future__ import annotations

from typing import Callable, Optional

from still.plan import Plan
from still.snapshot import Snapshot


def constraint_forms(cfg, dialect) -> Optional[Callable[[Plan, Snapshot], Plan]]:
    """The rewrite `generate` applies to upgrade() and to downgrade() (each from the
    snapshot it starts at): on PostgreSQL with `safe_forms` on, the safe forms; on every
    server dialect, the findings of what cannot be made safe. None on SQLite."""
    if dialect.name == "sqlite":
        return None
    from still.diff.safe_constraints import safe_constraints
    from still.diff.unsafe_findings import unsafe_findings

    version = getattr(dialect, "server_version_info", None)
    safe = dialect.name == "postgresql" and getattr(cfg, "safe_forms", True)

    def rewrite(plan: Plan, before: Snapshot) -> Plan:
        if safe:
            plan = safe_constraints(plan, before, version)
        return _add(plan, unsafe_findings(plan, before, dialect.name, version))

    return rewrite


def for_live(cfg, plan: Plan, before: Snapshot, dialect) -> Plan:
    """The plan as `plan` shows it: in the safe forms generate writes, with the findings
    of what cannot be made safe."""
    rewrite = constraint_forms(cfg, dialect)
    return rewrite(plan, before) if rewrite is not None else plan


def _add(plan: Plan, findings) -> Plan:
    new = tuple(f for f in findings if f not in plan.findings)
    return plan.model_copy(update={"findings": plan.findings + new}) if new else plan
