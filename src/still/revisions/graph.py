"""The revision graph: revisions linked by `down_revision` (history) and `depends_on`.

Two kinds of edge, as in Alembic:
- `down_revision` makes history: children, heads, bases and branch membership follow it.
- `depends_on` only orders: a dependency must be applied first, but the depending
  revision does not continue the dependency's branch (which keeps its own head).

"Ancestors" follow both kinds. The version table holds the heads of the applied set
under that full ancestry: a dependency that something applied depends on is implied and
has no row of its own (see `version_rows`).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from pathlib import Path
from typing import Optional

from still.errors import StillError
from still.revisions.header import Revision


class RevisionGraph:
    """A validated set of revisions; every query is pure and never touches a database."""

    def __init__(self, revisions: Iterable[Revision]):
        by_id: dict[str, Revision] = {}
        for rev in revisions:
            other = by_id.get(rev.revision)
            if other is not None:
                raise StillError(f"duplicate revision id '{rev.revision}' in {other.path} and {rev.path}")
            by_id[rev.revision] = rev
        self.revisions: dict[str, Revision] = by_id
        self._children: dict[str, list[str]] = {r: [] for r in by_id}
        self._dependents: dict[str, list[str]] = {r: [] for r in by_id}
        for rev in by_id.values():
            for down in rev.down_revisions:
                if down not in by_id:
                    raise StillError(f"revision '{rev.revision}' ({rev.path}) revises '{down}', "
                                     f"which no revision file defines")
                self._children[down].append(rev.revision)
            for dep in rev.depends_on:
                if dep not in by_id:
                    raise StillError(f"revision '{rev.revision}' ({rev.path}) depends on '{dep}', "
                                     f"which no revision file defines")
            for parent in rev.parents:
                self._dependents[parent].append(rev.revision)
        for kids in self._children.values():
            kids.sort()
        self._topological = self._sort()
        self._position = {r: i for i, r in enumerate(self._topological)}
        labels: dict[str, str] = {}
        for rev_id in self._topological:
            for label in by_id[rev_id].branch_labels:
                if label in labels:
                    raise StillError(f"branch label '{label}' is declared twice: by '{labels[label]}' "
                                     f"({by_id[labels[label]].path}) and '{rev_id}' ({by_id[rev_id].path})")
                if label in by_id:
                    raise StillError(f"branch label '{label}' of revision '{rev_id}' is also a revision id")
                labels[label] = rev_id
        self.branch_labels: dict[str, str] = labels
        self._labels_by_revision: Optional[dict[str, list[str]]] = None  # labels_of, built on first use
        self._heads = tuple(sorted(r for r, kids in self._children.items() if not kids))
        self._bases = tuple(sorted(r for r, rev in by_id.items() if not rev.down_revisions))
        self.parsed_files = 0  # revision files read to build this graph (see load)

    @classmethod
    def load(cls, directories: Iterable[Path | str]) -> RevisionGraph:
        """Every `*.py` file not starting with `_` in the version directories (not recursive).

        A directory listed twice (by any spelling) is read once; the same id in two
        directories is an error. Headers come from the index beside each directory
        (revisions.header_index): only files changed since it was written are read;
        `parsed_files` says how many."""
        from still.revisions.header_index import load_headers

        revisions = []
        parsed = 0
        seen: set[Path] = set()
        for directory in directories:
            directory = Path(directory)
            if not directory.is_dir():
                raise StillError(f"revision directory {directory} does not exist: run 'still init' "
                                 f"or check 'script_location' and 'version_locations'")
            if directory.resolve() in seen:
                continue
            seen.add(directory.resolve())
            found, count = load_headers(directory)
            revisions.extend(found)
            parsed += count
        graph = cls(revisions)
        graph.parsed_files = parsed
        return graph

    # -- shape -----------------------------------------------------------------

    def _sort(self) -> list[str]:
        """Bases first; ties broken by create date then id so the order is stable."""
        remaining = {r: len(rev.parents) for r, rev in self.revisions.items()}
        key = {r: (rev.create_date or "", r) for r, rev in self.revisions.items()}
        ready = [key[r] for r, n in remaining.items() if n == 0]
        heapq.heapify(ready)
        order: list[str] = []
        while ready:
            _, rev_id = heapq.heappop(ready)
            order.append(rev_id)
            for child in self._dependents[rev_id]:
                remaining[child] -= 1
                if remaining[child] == 0:
                    heapq.heappush(ready, key[child])
        if len(order) != len(self.revisions):
            cycle = self._find_cycle({r for r, n in remaining.items() if n > 0})
            raise StillError(f"the revisions form a cycle: {' -> '.join(cycle)}: "
                             f"fix 'down_revision' or 'depends_on' in one of them")
        return order

    def _find_cycle(self, stuck: set[str]) -> list[str]:
        # Every stuck revision has a stuck parent, so walking parents must come back round.
        start = min(stuck)
        path, seen = [start], {start: 0}
        node = start
        while True:
            node = min(p for p in self.revisions[node].parents if p in stuck)
            if node in seen:
                cycle = path[seen[node]:] + [node]
                return list(reversed(cycle))
            seen[node] = len(path)
            path.append(node)

    @property
    def heads(self) -> tuple[str, ...]:
        """Revisions nothing revises (by `down_revision`), sorted by id."""
        return self._heads

    @property
    def bases(self) -> tuple[str, ...]:
        """Revisions that revise nothing, sorted by id."""
        return self._bases

    def get(self, rev_id: str) -> Revision:
        try:
            return self.revisions[rev_id]
        except KeyError:
            raise StillError(f"unknown revision '{rev_id}'") from None

    def __contains__(self, rev_id: object) -> bool:
        return rev_id in self.revisions

    def __len__(self) -> int:
        return len(self.revisions)

    def children(self, rev_id: str) -> tuple[str, ...]:
        """Revisions whose `down_revision` names this one, sorted by id."""
        self.get(rev_id)
        return tuple(self._children[rev_id])

    def dependents(self, rev_id: str) -> tuple[str, ...]:
        """Revisions that revise or depend on this one."""
        self.get(rev_id)
        return tuple(self._dependents[rev_id])

    def ancestors(self, ids: Iterable[str]) -> set[str]:
        """Everything the given revisions need (through down revisions and dependencies), excluding them."""
        return self._walk(ids, lambda r: self.revisions[r].parents)

    def descendants(self, ids: Iterable[str]) -> set[str]:
        """Everything that needs one of the given revisions, excluding them."""
        return self._walk(ids, lambda r: self._dependents[r])

    def _walk(self, ids: Iterable[str], step) -> set[str]:
        start = list(ids)
        for rev_id in start:
            self.get(rev_id)
        found: set[str] = set()
        stack = list(start)
        while stack:
            for nxt in step(stack.pop()):
                if nxt not in found:
                    found.add(nxt)
                    stack.append(nxt)
        return found

    def topological(self) -> list[str]:
        """Every revision id, each after all it needs (bases first)."""
        return list(self._topological)

    def sort_key(self, rev_id: str) -> int:
        return self._position[rev_id]

    def branch_members(self, label: str) -> set[str]:
        """The revision declaring `label` and everything after it by `down_revision`."""
        root = self.branch_labels[label]
        found, stack = {root}, [root]
        while stack:
            for child in self._children[stack.pop()]:
                if child not in found:
                    found.add(child)
                    stack.append(child)
        return found

    def labels_of(self, rev_id: str) -> tuple[str, ...]:
        """The branch labels a revision belongs to: declared on it or on an ancestor by
        `down_revision` (the members `label@...` targets move among), as Alembic shows them."""
        found = self._labels_by_revision
        if found is None:  # one walk per label, on first use
            found = {}
            for label in sorted(self.branch_labels):
                for member in self.branch_members(label):
                    found.setdefault(member, []).append(label)
            self._labels_by_revision = found
        return tuple(found.get(rev_id, ()))

    def check_new(self, rev_id: Optional[str], labels: Iterable[str] = ()) -> None:
        """A new revision's id and labels must not be taken (in any version directory), as
        a revision id or as a label: the file would be written, and then no graph loads."""
        names = [("revision id", rev_id)] if rev_id is not None else []
        for kind, name in names + [("branch label", label) for label in labels]:
            if name in self.revisions:
                taken = "already exists in" if kind == "revision id" else "is already the id of"
                raise StillError(f"{kind} '{name}' {taken} {self.revisions[name].path}: choose another")
            if name in self.branch_labels:
                owner = self.revisions[self.branch_labels[name]]
                raise StillError(f"{kind} '{name}' is already a branch label of {owner.revision} ({owner.path}): "
                                 f"choose another")

    # -- the applied set and the version table ---------------------------------

    def check_current(self, current: Iterable[str]) -> tuple[str, ...]:
        current = tuple(current)
        for rev_id in current:
            if rev_id not in self.revisions:
                raise StillError(f"the database is at revision '{rev_id}', which no revision file defines: "
                                 f"restore the file or fix the version table with 'still stamp --purge'")
        return current

    def applied(self, current: Iterable[str]) -> set[str]:
        """Every revision the version rows `current` imply are applied."""
        current = self.check_current(current)
        return set(current) | self.ancestors(current)

    def version_rows(self, applied: Iterable[str]) -> tuple[str, ...]:
        """The version-table rows for an applied set: its members nothing else in it needs."""
        applied = set(applied)
        needed = set()
        for rev_id in applied:
            needed.update(self.revisions[rev_id].parents)
        return tuple(sorted(applied - needed))

    def is_up_to_date(self, current: Iterable[str]) -> bool:
        """Whether every revision is applied."""
        return len(self.applied(current)) == len(self.revisions)

    # -- targets, history, steps (in their own modules) --------------------------

    def resolve(self, target: str, current: Iterable[str] = ()) -> tuple[str, ...]:
        from still.revisions.targets import resolve

        return resolve(self, target, tuple(current))

    def history(self, start: str | None = None, end: str | None = None) -> list[Revision]:
        """Revisions from `start` to `end` (targets, both included), newest first."""
        if end is None or end == "heads":
            upper = set(self.revisions)
        else:
            tops = self.resolve(end)
            upper = set(tops) | self.ancestors(tops)
        if start is not None and start != "base":
            bottoms = self.resolve(start)
            if bottoms:  # `<branch>@base` resolves to base as well
                upper &= set(bottoms) | self.descendants(bottoms)
        return [self.revisions[r] for r in reversed(self._topological) if r in upper]

    def upgrade_steps(self, current: Iterable[str], target: str):
        from still.revisions.steps import upgrade_steps

        return upgrade_steps(self, tuple(current), target)

    def downgrade_steps(self, current: Iterable[str], target: str):
        from still.revisions.steps import downgrade_steps

        return downgrade_steps(self, tuple(current), target)

    def stamp_change(self, current: Iterable[str], targets: Iterable[str], purge: bool = False):
        from still.revisions.steps import stamp_change

        return stamp_change(self, tuple(current), list(targets), purge)
