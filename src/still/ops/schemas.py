"""Creating and dropping database schemas (namespaces)."""

from __future__ import annotations

from typing import Literal

from still import snapshot as s
from still.ops.base import OperationBase


class CreateSchema(OperationBase):
    op: Literal["create_schema"] = "create_schema"

    def reverse(self) -> "DropSchema":
        return DropSchema(schema_name=self.schema_name)

    def apply(self, snap: s.Snapshot) -> s.Snapshot:
        schemas = {**snap.schemas, self.schema_name: s.Schema(name=self.schema_name)}
        return snap.model_copy(update={"schemas": s.Snapshot._sorted_keys(schemas)})


class DropSchema(OperationBase):
    """Drops an empty schema: a plan drops what it holds first, each with its definition."""

    op: Literal["drop_schema"] = "drop_schema"

    def reverse(self) -> CreateSchema:
        return CreateSchema(schema_name=self.schema_name)

    def apply(self, snap: s.Snapshot) -> s.Snapshot:
        schemas = {k: v for k, v in snap.schemas.items() if k != self.schema_name}
        return snap.model_copy(update={"schemas": schemas})

    @property
    def destructive(self) -> bool:
        return True
