"""The one rule for revision ids and branch labels, and the shape of a revision target.

An id or a label is letters, digits and `_`, starting with a letter or a digit (a file
starting with `_` is not read as a revision), with single dots allowed between them
(Optuna's shipped history is `v0.9.0.a` -> `v1.2.0.a` -> ...), at most as long as the
version table's `version_num` column holds. That keeps every id usable as a file name
(no `/`, no `..`, nothing hidden), as a target (`@ + - :` are target syntax) and as a
version row, and keeps every message that quotes one on one line. `base`, `head`,
`heads` and `current` are target words, so they name no revision and no branch.

The rule is checked wherever an id or a label comes in: options of `revision`,
`generate` and `merge`, the header of every revision file, and each part of a target.
"""

from __future__ import annotations

import re
from typing import Iterable

from still.errors import StillError

VERSION_NUM_LENGTH = 32  # the version table's column: Alembic's alembic_version.version_num is VARCHAR(32) too
MAX_LENGTH = VERSION_NUM_LENGTH
RESERVED = ("base", "head", "heads", "current")

_NAME = r"[A-Za-z0-9][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*"
_ID = re.compile(_NAME)
# [<branch>@][<revision or prefix>][+N|-N]: every target form targets.py resolves
_TARGET = re.compile(rf"(?:(?P<anchor>{_NAME})@)?(?P<name>{_NAME})?(?:[+-]\d+)?")
RULE = (f"letters, digits and '_' (starting with a letter or digit; dots only between them), "
        f"at most {MAX_LENGTH} characters")


def shown(text: str, limit: int = 60) -> str:
    """`text` quoted for a one-line message: control characters escaped, long text cut."""
    cut = text if len(text) <= limit else text[:limit] + "..."
    return repr(cut)


def problem(value: object) -> str | None:
    """Why `value` is not a valid id or label, or None when it is."""
    if not isinstance(value, str):
        return f"it is {type(value).__name__}, not a string"
    if not value:
        return "it is empty"
    if len(value) > MAX_LENGTH:
        return f"it is {len(value)} characters long; the version table holds {MAX_LENGTH}"
    if not _ID.fullmatch(value):
        return f"use {RULE}"
    if value in RESERVED:
        return f"'{value}' is a target word ({', '.join(RESERVED)})"
    return None


def check_id(value: str, what: str = "revision id") -> str:
    """`value` when it is a valid revision id (or label: `what` names it), else a StillError."""
    reason = problem(value)
    if reason is not None:
        raise StillError(f"invalid {what} {shown(str(value))}: {reason}")
    return value


def check_new_revision(rev_id: str | None, branch_labels: Iterable[str] = ()) -> None:
    """The options a command that writes a revision takes, checked before any work."""
    if rev_id is not None:
        check_id(rev_id, "revision id")
    for label in branch_labels:
        check_id(label, "branch label")
        if label == rev_id:
            raise StillError(f"branch label '{label}' is the revision's own id: a label must name a branch, "
                             f"not a revision")


def check_target(target: str) -> str:
    """`target` (already stripped) when it has a target's shape, else a StillError: what
    resolves is decided by the graph, this only keeps out what cannot name anything."""
    match = _TARGET.fullmatch(target)
    if match is None or not target:
        raise StillError(f"invalid revision target {shown(target)}: name a revision id or prefix, a "
                         f"branch label, head, heads, base, +N, -N, <rev>+N or <branch>@head (ids are "
                         f"letters, digits and '_')")
    for part in (match.group("anchor"), match.group("name")):
        if part is not None and len(part) > MAX_LENGTH:
            raise StillError(f"invalid revision target {shown(target)}: no revision id or branch label "
                             f"is longer than {MAX_LENGTH} characters")
    return target


def check_targets(texts: Iterable[str]) -> None:
    """Targets as the migration commands take them (`--sql` also START:END), checked
    before anything connects: a target that cannot name anything touches no database."""
    for text in texts:
        parts = text.split(":") if ":" in text else [text]
        if len(parts) > 2:
            raise StillError(f"invalid revision target {shown(text)}: at most one ':' (START:END)")
        for part in parts:
            if part.strip():
                check_target(part.strip())
