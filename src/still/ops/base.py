"""What every operation shares, and the pure snapshot edits their `apply` is built from."""

from __future__ import annotations

from abc import abstractmethod
from typing import Callable, Optional

from pydantic import BaseModel, ConfigDict

from still import snapshot as s


class OperationBase(BaseModel):
    """A reversible schema change. Subclasses set `op` (the discriminator) and implement
    `reverse()` and `apply(snapshot)`; DDL and rendering are looked up by `op` elsewhere."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    schema_name: str

    @abstractmethod
    def reverse(self) -> "OperationBase":
        """The operation that undoes this one."""

    @abstractmethod
    def apply(self, snap: s.Snapshot) -> s.Snapshot:
        """The snapshot after this operation (pure: no database)."""

    @property
    def target_table(self) -> Optional[str]:
        """The table this operation is about, for grouping (None for schema-level objects)."""
        return getattr(self, "table_name", None)

    @property
    def destructive(self) -> bool:
        return False


def edit_schema(snap: s.Snapshot, schema: str, fn: Callable[[s.Schema], s.Schema]) -> s.Snapshot:
    current = snap.schemas.get(schema) or s.Schema(name=schema)
    schemas = dict(snap.schemas)
    schemas[schema] = fn(current)
    return snap.model_copy(update={"schemas": s.Snapshot._sorted_keys(schemas)})


def edit_tables(snap: s.Snapshot, schema: str, fn: Callable[[dict], dict]) -> s.Snapshot:
    return edit_schema(snap, schema, lambda sch: sch.model_copy(
        update={"tables": s.Schema._sorted_keys(fn(dict(sch.tables)))}))


def edit_table(snap: s.Snapshot, schema: str, table: str,
               fn: Callable[[s.Table], s.Table]) -> s.Snapshot:
    # the names stay as they are, so the (sorted) order of schemas and tables does too:
    # nothing to sort again, which every operation on a table of a large schema would
    current = snap.schemas.get(schema)
    if current is None or table not in current.tables:
        raise KeyError(f"table {schema}.{table} is not in the snapshot")
    tables = dict(current.tables)
    tables[table] = fn(tables[table])
    schemas = dict(snap.schemas)
    schemas[schema] = current.model_copy(update={"tables": tables})
    return snap.model_copy(update={"schemas": schemas})


def replace(table: s.Table, **fields) -> s.Table:
    """A copy of `table` with fields replaced, re-validated so collections stay sorted."""
    data = {name: getattr(table, name) for name in s.Table.model_fields}
    data.update(fields)
    return s.Table(**data)
