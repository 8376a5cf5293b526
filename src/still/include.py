"""env.py's `include_object` hook: leave tables, columns, indexes and constraints out of
a comparison, on both sides, before the diff sees them.

The hook is called once per object of each snapshot, with either signature:

- `include_object(obj)`: `obj` is a `Candidate` — `kind` ("table", "column", "index",
  "unique_constraint", "foreign_key_constraint", "check_constraint"),
  `name`, `table`, `schema`, `reflected` (True for the database's side, False for the
  models') and `definition` (the still.snapshot object);
- Alembic's `include_object(object, name, type_, reflected, compare_to)`: the same
  `Candidate` first, `type_` spelled as Alembic spells it, `compare_to` always None.

An object the hook rejects is simply not there on that side; a table takes everything in it
along. Primary keys are not offered: a table is compared with its own.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any, Callable, Optional

from still import snapshot as s
from still.errors import StillError


@dataclass(frozen=True)
class Candidate:
    kind: str
    name: Optional[str]
    table: Optional[str]
    schema: str
    reflected: bool
    definition: Any


def include_filter(hook: Optional[Callable]) -> Optional[Callable[[Candidate], bool]]:
    """The hook as a one-argument predicate (None when there is no hook)."""
    if hook is None:
        return None
    try:
        positional = [p for p in inspect.signature(hook).parameters.values()
                      if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        alembic_style = len(positional) >= 5
    except (TypeError, ValueError):
        alembic_style = False

    def predicate(candidate: Candidate) -> bool:
        try:
            if alembic_style:
                kept = hook(candidate, candidate.name, candidate.kind, candidate.reflected, None)
            else:
                kept = hook(candidate)
        except StillError as err:
            raise StillError(f"{err} (on {candidate.kind} {candidate.name!r})") from err
        except Exception as err:
            raise StillError(f"env.py: include_object failed on {candidate.kind} {candidate.name!r}: "
                             f"{type(err).__name__}: {err}") from None
        if not isinstance(kept, bool):
            # a hook that forgets its return gives None, which would leave everything out
            # and make `check` pass on any database
            raise StillError(f"env.py: include_object must return True or False, not "
                             f"{type(kept).__name__} (on {candidate.kind} {candidate.name!r})")
        return kept

    return predicate


def filter_snapshot(snap: s.Snapshot, include: Optional[Callable[[Candidate], bool]],
                    reflected: bool) -> s.Snapshot:
    """`snap` without what `include` rejects (the same snapshot when nothing is)."""
    if include is None:
        return snap
    schemas = {}
    changed = False
    for schema_name, schema in snap.schemas.items():
        tables = {}
        for name, table in schema.tables.items():
            if not include(Candidate("table", name, None, schema_name, reflected, table)):
                changed = True
                continue
            kept = _filter_table(table, schema_name, include, reflected)
            changed = changed or kept is not table
            tables[name] = kept
        schemas[schema_name] = schema.model_copy(update={"tables": tables}) if changed else schema
    return snap.model_copy(update={"schemas": schemas}) if changed else snap


_GROUPS = (("columns", "column"), ("indexes", "index"), ("unique_constraints", "unique_constraint"),
           ("foreign_keys", "foreign_key_constraint"), ("check_constraints", "check_constraint"),
           ("exclude_constraints", "exclude_constraint"))


def _filter_table(table: s.Table, schema: str, include, reflected: bool) -> s.Table:
    update = {}
    for field, kind in _GROUPS:
        items = getattr(table, field)
        kept = tuple(item for item in items
                     if include(Candidate(kind, item.name, table.name, schema, reflected, item)))
        if len(kept) != len(items):
            update[field] = kept
    return table.model_copy(update=update) if update else table
