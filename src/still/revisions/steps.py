"""Steps: which revisions to run, in which order, and how each changes the version table.

The version table holds the heads of the applied set (see `RevisionGraph.version_rows`).
Each step says which rows it deletes and inserts when it completes, so the runtime can
write them in the same transaction as the revision's DDL:

- upgrade, linear:      delete (parent,)             insert (self,)
- upgrade, branch point: delete ()  (the parent's row went with the first branch) insert (self,)
- upgrade, merge:       delete (every parent row)    insert (self,)
- downgrades mirror these: delete (self,), insert the parents that become heads again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from still.errors import StillError
from still.revisions.header import Revision

if TYPE_CHECKING:
    from still.revisions.graph import RevisionGraph


@dataclass(frozen=True)
class Step:
    revision: Revision
    direction: Literal["up", "down"]
    delete: tuple[str, ...]
    insert: tuple[str, ...]

    @property
    def is_upgrade(self) -> bool:
        return self.direction == "up"


def upgrade_steps(graph: RevisionGraph, current: tuple[str, ...], target: str) -> list[Step]:
    """Apply every not-yet-applied revision the target needs, each after what it needs."""
    current = graph.check_current(current)
    targets = graph.resolve(target, current)
    applied = graph.applied(current)
    wanted = (set(targets) | graph.ancestors(targets)) - applied
    rows = set(graph.version_rows(applied))
    steps = []
    for rev_id in sorted(wanted, key=graph.sort_key):
        rev = graph.revisions[rev_id]
        delete = tuple(p for p in rev.parents if p in rows)
        rows.difference_update(delete)
        rows.add(rev_id)
        steps.append(Step(rev, "up", tuple(sorted(delete)), (rev_id,)))
    return steps


def downgrade_steps(graph: RevisionGraph, current: tuple[str, ...], target: str) -> list[Step]:
    """Un-apply every applied revision that comes after the target, newest first.

    "After" means: later on the target's line of history (by `down_revision`), or needing
    something that is. Revisions on other branches stay, even ones that depend on the
    target itself, as in Alembic. `base` removes everything.
    """
    current = graph.check_current(current)
    targets = graph.resolve(target, current)
    applied = graph.applied(current)
    missing = [t for t in targets if t not in applied]
    if missing:
        raise StillError(f"cannot downgrade to {', '.join(missing)}: it is not applied "
                         f"(the database is at {', '.join(current) or 'base'}); use 'still upgrade'")
    if targets:
        later = _later_in_history(graph, targets)
        remove = ((later | graph.descendants(later)) & applied) - set(targets) - graph.ancestors(targets)
    else:
        remove = set(applied)
    remaining = set(applied)
    steps = []
    for rev_id in sorted(remove, key=graph.sort_key, reverse=True):
        rev = graph.revisions[rev_id]
        remaining.discard(rev_id)
        insert = tuple(p for p in rev.parents
                       if p in remaining and not any(d in remaining for d in graph._dependents[p]))
        steps.append(Step(rev, "down", (rev_id,), tuple(sorted(insert))))
    return steps


def _later_in_history(graph: RevisionGraph, targets: tuple[str, ...]) -> set[str]:
    found: set[str] = set()
    stack = list(targets)
    while stack:
        for child in graph._children[stack.pop()]:
            if child not in found:
                found.add(child)
                stack.append(child)
    return found


def stamp_change(graph: RevisionGraph, current: tuple[str, ...], targets: list[str],
                 purge: bool = False) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(rows to delete, rows to insert) to mark the database as being at `targets`, running nothing.

    Each target replaces the current rows on its own line of history (its ancestors and
    descendants); rows on unrelated branches stay. `base` clears the table. With
    `purge`, every current row goes first (also rows no revision file defines), so a row
    may be both deleted and inserted: apply the deletes before the inserts.
    """
    current = tuple(current)
    if purge:
        kept: set[str] = set()
        context: tuple[str, ...] = ()
    else:
        context = graph.check_current(current)
        kept = set(current)
    if not targets:
        raise StillError("stamp needs a revision: name one, 'head', 'heads' or 'base'")
    for target in targets:
        ids = graph.resolve(target, context)
        if not ids:
            kept.clear()
            continue
        related = set(ids) | graph.ancestors(ids) | graph.descendants(ids)
        kept = {r for r in kept if r not in related} | set(ids)
    final = set(graph.version_rows(kept))
    delete = tuple(sorted(set(current) - final)) if not purge else tuple(sorted(set(current)))
    insert = tuple(sorted(final - set(current))) if not purge else tuple(sorted(final))
    return delete, insert
