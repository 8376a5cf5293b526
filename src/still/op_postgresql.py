"""The `op` calls that exist on PostgreSQL alone: EXCLUDE constraints.

Kept apart from `still.op`, which re-exports them, so that the op API's modules stay
small; they run through the same executor as every op.* call."""

from __future__ import annotations

from typing import Optional

from still import ops
from still.errors import StillError
from still.runtime import build
from still.runtime.executor import current


_EXCLUDE_KEYWORDS = frozenset({"deferrable", "initially", "using", "where", "ops", "info"})


def create_exclude_constraint(constraint_name: Optional[str], table_name: str, *elements, **kw) -> None:
    """PostgreSQL's EXCLUDE constraint, as Alembic's op.create_exclude_constraint takes it:
    `elements` are (column name or expression, operator) pairs; `using=`, `where=`, `ops=`,
    `deferrable=`, `initially=`, `schema=` as in sqlalchemy's ExcludeConstraint."""
    from sqlalchemy.dialects.postgresql import ExcludeConstraint

    ex = current()
    if ex.dialect.name != "postgresql":
        raise StillError(f"EXCLUDE constraints exist on PostgreSQL only, not on {ex.dialect.name}")
    schema = kw.pop("schema", None)
    unknown = sorted(set(kw) - _EXCLUDE_KEYWORDS)
    if unknown:  # ExcludeConstraint would pass over them without a word
        raise StillError(f"create_exclude_constraint on {table_name!r}: unexpected keyword "
                         f"argument(s) {', '.join(unknown)}; it takes {', '.join(sorted(_EXCLUDE_KEYWORDS))}")
    build.table_of(ex, table_name, schema)
    table = build.scratch_table(ex, table_name, schema)
    try:
        cons = ExcludeConstraint(*elements, name=constraint_name, **kw)
    except (TypeError, ValueError) as error:
        raise StillError(f"create_exclude_constraint on {table_name!r}: {error}") from None
    table.append_constraint(cons)
    declared = build.declared(ex, table)
    # the scratch table holds only this constraint, named as the database will name it
    ex.run(ops.AddConstraint(schema_name=ex.schema(schema), table_name=table_name, kind="exclude",
                             constraint=declared.exclude_constraints[0]))
