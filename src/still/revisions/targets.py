"""Target resolution: the strings users type (`head`, `ae1+2`, `feature@-1`, ...) -> revision ids.

A target resolves to a tuple of revision ids; `()` is base. Accepted forms:
`base`, `head`, `heads`, a full id, a unique prefix of one, a branch label (its head),
`+N` / `-N` (relative to `current`), `<rev>+N` / `<rev>-N`, and `<branch>@head`,
`<branch>@+N`, `<branch>@-N`, `<branch>@base` (where `<branch>` is a label or a revision,
meaning the revisions that descend from it by history).

`<branch>@base` resolves to `()` like `base`; what sets it apart is downgrading (see
`branch_anchor` and `branch_extent`, used by `steps`): a target that names a branch moves
only that branch.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from still.errors import StillError
from still.revisions.ids import check_target, shown

if TYPE_CHECKING:
    from still.revisions.graph import RevisionGraph

_RELATIVE = re.compile(r"^([+-])(\d+)$")
_ANCHORED_RELATIVE = re.compile(r"^(.+?)([+-])(\d+)$")


def resolve(graph: RevisionGraph, target: str, current: tuple[str, ...] = ()) -> tuple[str, ...]:
    target = target.strip()
    if not target:
        raise StillError("empty revision target: name a revision, 'head', 'heads' or 'base'")
    check_target(target)
    if target == "base":
        return ()
    if target == "heads":
        return graph.heads
    if target == "head":
        return (single_head(graph),)
    match = _RELATIVE.match(target)
    if match:
        return _relative_to_current(graph, target, current, None)
    if target in graph.revisions:
        return (target,)
    if target in graph.branch_labels:
        return (_branch_head(graph, target, branch_universe(graph, target)[0]),)
    if "@" in target:
        return _branch_target(graph, target, current)
    match = _ANCHORED_RELATIVE.match(target)
    if match and _known(graph, match.group(1)):
        anchor = _single(graph, match.group(1))
        return _walk(graph, target, (anchor,), match.group(2), int(match.group(3)), None)
    return (_by_prefix(graph, target),)


def single_head(graph: RevisionGraph) -> str:
    heads = graph.heads
    if not heads:
        raise StillError("there are no revisions yet: create one with 'still revision'")
    if len(heads) > 1:
        raise StillError(f"multiple heads ({', '.join(heads)}): name one, use 'heads', "
                         f"or merge them with 'still merge'")
    return heads[0]


def _known(graph: RevisionGraph, text: str) -> bool:
    if text in ("head",) or text in graph.revisions or text in graph.branch_labels:
        return True
    return any(r.startswith(text) for r in graph.revisions)


def _single(graph: RevisionGraph, text: str) -> str:
    """One revision from an id, a prefix, a label (its head) or `head`."""
    if text == "head":
        return single_head(graph)
    if text in graph.revisions:
        return text
    if text in graph.branch_labels:
        return _branch_head(graph, text, branch_universe(graph, text)[0])
    return _by_prefix(graph, text)


def precheck(graph: RevisionGraph, target: str) -> None:
    """Raise now for a target that names nothing, before a run opens the database (a typo
    must touch nothing); what is relative to the database's current revision waits for it."""
    text = target.strip()
    if _RELATIVE.match(text):
        return
    if "@" in text:
        anchor = text.rpartition("@")[0]
        if anchor and not _known(graph, anchor):
            raise StillError(f"unknown revision '{anchor}'{did_you_mean(graph, anchor)}")
        return
    match = _ANCHORED_RELATIVE.match(text)
    if match and _known(graph, match.group(1)):
        return
    resolve(graph, text)


def did_you_mean(graph: RevisionGraph, text: str) -> str:
    """` (did you mean 'head'?)` for the closest keyword, label or revision id, or ''."""
    import difflib

    words = ["head", "heads", "base", *graph.branch_labels, *graph.revisions]
    close = difflib.get_close_matches(text, words, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _by_prefix(graph: RevisionGraph, prefix: str) -> str:
    matches = sorted(r for r in graph.revisions if r.startswith(prefix))
    if not matches:
        raise StillError(f"unknown revision '{prefix}'{did_you_mean(graph, prefix)}")
    if len(matches) > 1:
        shown = ", ".join(matches[:8]) + (", ..." if len(matches) > 8 else "")
        raise StillError(f"ambiguous revision prefix '{prefix}': matches {shown}; type more characters")
    return matches[0]


def branch_anchor(graph: RevisionGraph, target: str) -> str | None:
    """The `<branch>` of a `<branch>@...` target (a label or a revision), else None."""
    target = target.strip()
    if "@" not in target or target in graph.revisions or target in graph.branch_labels:
        return None
    anchor = target.rpartition("@")[0]
    return anchor if anchor and _known(graph, anchor) else None


def branch_universe(graph: RevisionGraph, anchor: str) -> tuple[set[str], set[str]]:
    """(members, universe): the revisions on the branch, and those plus everything before it."""
    members, root = _branch_members(graph, anchor)
    return members, members | graph.ancestors([root])


def branch_extent(graph: RevisionGraph, anchor: str) -> set[str]:
    """What `<branch>@base` takes away: the branch's members and, below its first revision,
    the run of revisions that lead only to it (each has the next as its one child by
    history). It stops at a branch point, a merge or a base: shared history stays."""
    members, node = _branch_members(graph, anchor)
    extent = set(members)
    while len(graph.revisions[node].down_revisions) == 1:
        parent = graph.revisions[node].down_revisions[0]
        if graph._children[parent] != [node]:
            break
        extent.add(parent)
        node = parent
    return extent


def _branch_members(graph: RevisionGraph, anchor: str) -> tuple[set[str], str]:
    """(members, root): the revision a label or anchor names and all after it by history."""
    if anchor in graph.branch_labels:
        return graph.branch_members(anchor), graph.branch_labels[anchor]
    root = _single(graph, anchor)
    members = {root}
    stack = [root]
    while stack:
        for child in graph._children[stack.pop()]:
            if child not in members:
                members.add(child)
                stack.append(child)
    return members, root


def _branch_head(graph: RevisionGraph, name: str, members: set[str]) -> str:
    heads = [h for h in graph.heads if h in members]
    if len(heads) > 1:
        raise StillError(f"branch '{name}' has multiple heads ({', '.join(heads)}): name one "
                         f"or merge them with 'still merge'")
    return heads[0]


def _branch_target(graph: RevisionGraph, target: str, current: tuple[str, ...]) -> tuple[str, ...]:
    anchor, _, where = target.rpartition("@")
    if not anchor or not _known(graph, anchor):
        raise StillError(f"unknown revision '{target}'")
    members, universe = branch_universe(graph, anchor)
    if where == "head":
        return (_branch_head(graph, anchor, members),)
    if where == "base":
        return ()
    match = _RELATIVE.match(where)
    if not match:
        raise StillError(f"unknown revision '{target}': after '@' use 'head', 'base', '+N' or '-N'")
    return _relative_to_current(graph, target, current, universe)


def _relative_to_current(graph: RevisionGraph, target: str, current: tuple[str, ...],
                         universe: set[str] | None) -> tuple[str, ...]:
    relative = target.rpartition("@")[2]
    sign, count = relative[0], int(relative[1:])
    applied = graph.applied(current)
    if universe is not None:
        applied &= universe
    position = graph.version_rows(applied)
    if len(position) > 1:
        raise StillError(f"'{target}' is ambiguous: the database has several heads ({', '.join(position)}); "
                         f"use <branch>@{sign}{count} or name a revision")
    return _walk(graph, target, position, sign, count, universe)


def _walk(graph: RevisionGraph, target: str, start: tuple[str, ...], sign: str, count: int,
          universe: set[str] | None) -> tuple[str, ...]:
    if sign == "+":
        position = start[0] if start else None
        for _ in range(count):
            if position is None:
                options = [b for b in graph.bases if universe is None or b in universe]
            else:
                options = [c for c in graph._children[position] if universe is None or c in universe]
            if not options:
                at = f"the head '{position}'" if position else "an empty history"
                raise StillError(f"relative revision '{target}' goes past {at}")
            if len(options) > 1:
                raise StillError(f"relative revision '{target}' is ambiguous: the history branches "
                                 f"into {', '.join(options)}; name one")
            position = options[0]
        return (position,) if position is not None else ()
    positions = set(start)
    for _ in range(count):
        if not positions:
            raise StillError(f"relative revision '{target}' goes past base")
        positions = {down for p in positions for down in graph.revisions[p].down_revisions}
    return tuple(sorted(positions))


def history_range(graph: RevisionGraph, rev_range: str, current) -> set[str]:
    """The revisions `history -r START:END` lists, as Alembic reads the range: either end
    may be left out (base, heads); `current` is where the database is (`current()` reads
    it, only when the range needs it), `current+N` / `current-N` count from there; a START
    of `-N` is N revisions below END, an END of `+N` is N revisions above START."""
    if ":" not in rev_range:
        raise StillError(f"-r {shown(rev_range)}: expected START:END, e.g. base:head, -2: or current:")
    start, _, end = (part.strip() for part in rev_range.partition(":"))
    for part in (start, end):
        if part:
            check_target(part)
    if _RELATIVE.match(end) and end.startswith("-"):
        raise StillError(f"-r {rev_range!r}: END cannot be {end} (counted from START it must go up); "
                         f"use {end}: for the head and the {end[1:]} below it")
    if _RELATIVE.match(start) and start.startswith("+"):
        raise StillError(f"-r {rev_range!r}: START cannot be {start}: name a revision, 'current', "
                         f"or -N (N revisions below END)")
    lower: tuple[str, ...] = ()
    if start and not _RELATIVE.match(start):
        lower = _bound(graph, start, current)
    if _RELATIVE.match(end):
        upper = _walk(graph, end, lower, "+", int(end[1:]), None)
    elif end and end != "heads":
        upper = _bound(graph, end, current)
    else:
        upper = graph.heads
    if _RELATIVE.match(start):
        lower = _walk(graph, start, upper, "-", int(start[1:]), None)
    members = set(upper) | graph.ancestors(upper) if upper else set()
    if lower:
        members &= set(lower) | graph.descendants(lower)
    return members


_CURRENT_RELATIVE = re.compile(r"^current([+-])(\d+)$")


def _bound(graph: RevisionGraph, text: str, current) -> tuple[str, ...]:
    if text == "current":
        return tuple(current())
    match = _CURRENT_RELATIVE.match(text)
    if match:
        return _walk(graph, text, tuple(current()), match.group(1), int(match.group(2)), None)
    needs_current = "@" in text and _RELATIVE.match(text.rpartition("@")[2])
    return resolve(graph, text, tuple(current()) if needs_current else ())
