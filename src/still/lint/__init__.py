"""What each operation costs a live database, per dialect and server version (the lock it
takes, what that lock blocks, whether the table is scanned, rewritten or copied), and, as
it grows, the rules that lint revisions. One file per dialect's costs, one per rule."""

from __future__ import annotations

import importlib
from typing import Iterable, Optional

from still.lint.cost import Cost
from still.snapshot import Snapshot

__all__ = ["Cost", "costs", "cost_of"]


def _module(dialect_name: str):
    return importlib.import_module(f"still.lint.costs_{dialect_name}")


def cost_of(op, before: Snapshot, dialect_name: str, version: Optional[tuple] = None) -> Cost:
    """The cost of `op` applied to `before`, on a server of `version` (None: a current one)."""
    return _module(dialect_name).cost(op, before, version)


def costs(operations: Iterable, before: Snapshot, dialect_name: str, version: Optional[tuple] = None) -> list[Cost]:
    """The cost of each operation in order, each on the snapshot the ones before it left."""
    module = _module(dialect_name)
    out, snap = [], before
    for op in operations:
        out.append(module.cost(op, snap, version))
        snap = op.apply(snap)
    return out
