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
from still.revisions.targets import branch_anchor, branch_extent, branch_universe

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

    A target that names a branch (`<branch>@-N`, `<branch>@base`, ...) moves that branch
    only; see `_branch_removal`.
    """
    current = graph.check_current(current)
    targets = graph.resolve(target, current)
    applied = graph.applied(current)
    missing = [t for t in targets if t not in applied]
    if missing:
        raise StillError(f"cannot downgrade to {', '.join(missing)}: it is not applied "
                         f"(the database is at {', '.join(current) or 'base'}); use 'still upgrade'")
    anchor = branch_anchor(graph, target)
    if anchor is not None:
        remove = _branch_removal(graph, applied, targets, anchor, target)
    elif targets:
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


def _branch_removal(graph: RevisionGraph, applied: set[str], targets: tuple[str, ...], anchor: str,
                    target: str) -> set[str]:
    """What a downgrade to `<anchor>@...` un-applies: the branch's applied revisions after
    the target (its line of history, shared ancestors included) and whatever needs them,
    but never a revision that another applied head still needs, so the other heads' rows stay.

    `<anchor>@base` goes down to where the branch starts (`branch_extent`) and stops short
    of anything another head needs; any other target must be reachable without touching
    such a revision, or it is an error.
    """
    members, universe = branch_universe(graph, anchor)
    to_base = target.strip().rpartition("@")[2] == "base"
    if to_base:
        wanted = applied & branch_extent(graph, anchor)
    else:
        wanted = (applied & universe) - set(targets) - graph.ancestors(targets)
    others = [r for r in graph.version_rows(applied) if r not in universe]
    needed = _needed_outside(graph, others, members)
    blocked = wanted & needed
    if blocked and not to_base:
        shown = ", ".join(sorted(blocked, key=graph.sort_key))
        needing = [r for r in others if _needed_outside(graph, [r], members) & blocked]
        raise StillError(f"cannot downgrade to '{target}': {shown} {'is' if len(blocked) == 1 else 'are'} "
                         f"also needed by {', '.join(needing)} on another branch; downgrade that "
                         f"branch too, or use '{anchor}@base' to stop where the branch starts")
    wanted -= needed
    return (wanted | graph.descendants(wanted)) & applied


def _needed_outside(graph: RevisionGraph, rows: list[str], members: set[str]) -> set[str]:
    """`rows` and what they need, not counting what they need only through `members`
    (a revision that needs one of the branch's own revisions goes with it)."""
    found = set(rows)
    stack = list(rows)
    while stack:
        for parent in graph.revisions[stack.pop()].parents:
            if parent not in found and parent not in members:
                found.add(parent)
                stack.append(parent)
    return found


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
    descendants); rows on unrelated branches stay. `base` clears the table; a target that
    names a branch (`<branch>@...`) replaces that branch's rows only. With
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
        anchor = branch_anchor(graph, target)
        if anchor is not None:
            kept = _stamp_branch(graph, kept, ids, anchor, target)
            continue
        if not ids:
            kept.clear()
            continue
        related = set(ids) | graph.ancestors(ids) | graph.descendants(ids)
        kept = {r for r in kept if r not in related} | set(ids)
    final = set(graph.version_rows(kept))
    delete = tuple(sorted(set(current) - final)) if not purge else tuple(sorted(set(current)))
    insert = tuple(sorted(final - set(current))) if not purge else tuple(sorted(final))
    return delete, insert


def _stamp_branch(graph: RevisionGraph, kept: set[str], ids: tuple[str, ...], anchor: str,
                  target: str) -> set[str]:
    """The rows after stamping `<anchor>@...`: only rows on that branch's line move."""
    universe = branch_universe(graph, anchor)[1]
    if not ids:
        applied = set(kept) | graph.ancestors(kept)
        return set(graph.version_rows(applied - _branch_removal(graph, applied, (), anchor, target)))
    related = (set(ids) | graph.ancestors(ids) | graph.descendants(ids)) & universe
    rows = {r for r in kept if r not in related} | set(ids)
    return set(graph.version_rows(rows | graph.ancestors(rows)))
