"""The safe forms `generate` and `plan` use on a live server (config `safe_forms`, on by
default): each is a pass over the plan that keeps its operations and their order, and
asks for the form of each that does not lock the application out."""

from __future__ import annotations

from still.diff.safe_indexes import concurrent_indexes
from still.plan import Plan


def safe_forms(plan: Plan, dialect: str, enabled: bool = True) -> Plan:
    """`plan` in its safe forms for `dialect` (unchanged when `enabled` is false)."""
    if not enabled:
        return plan
    return concurrent_indexes(plan, dialect)
