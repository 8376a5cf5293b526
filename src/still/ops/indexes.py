"""Creating, dropping and renaming indexes."""

from __future__ import annotations

from typing import Literal

from still import snapshot as s
from still.ops.base import OperationBase, edit_table, replace


class CreateIndex(OperationBase):
    op: Literal["create_index"] = "create_index"
    table_name: str
    index: s.Index
    # PostgreSQL builds the index without locking out writes (outside any transaction)
    concurrently: bool = False

    def reverse(self) -> "DropIndex":
        return DropIndex(schema_name=self.schema_name, table_name=self.table_name, index=self.index,
                         concurrently=self.concurrently)

    def apply(self, snap: s.Snapshot) -> s.Snapshot:
        return edit_table(snap, self.schema_name, self.table_name,
                          lambda t: replace(t, indexes=t.indexes + (self.index,)))


class DropIndex(OperationBase):
    op: Literal["drop_index"] = "drop_index"
    table_name: str
    index: s.Index  # the whole old definition
    concurrently: bool = False

    def reverse(self) -> CreateIndex:
        return CreateIndex(schema_name=self.schema_name, table_name=self.table_name, index=self.index,
                           concurrently=self.concurrently)

    def apply(self, snap: s.Snapshot) -> s.Snapshot:
        return edit_table(snap, self.schema_name, self.table_name, lambda t: replace(
            t, indexes=tuple(ix for ix in t.indexes if ix.name != self.index.name)))


class RenameIndex(OperationBase):
    """An index keeps its definition under a new name (a model renamed it): PostgreSQL
    renames it in place instead of building it again; SQLite, which cannot rename an
    index, drops and creates it."""

    op: Literal["rename_index"] = "rename_index"
    table_name: str
    old_name: str
    new_name: str

    def reverse(self) -> "RenameIndex":
        return RenameIndex(schema_name=self.schema_name, table_name=self.table_name,
                           old_name=self.new_name, new_name=self.old_name)

    def apply(self, snap: s.Snapshot) -> s.Snapshot:
        return edit_table(snap, self.schema_name, self.table_name, lambda t: replace(
            t, indexes=tuple(ix.model_copy(update={"name": self.new_name}) if ix.name == self.old_name else ix
                             for ix in t.indexes)))
