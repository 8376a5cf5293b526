"""Creating, dropping and renaming tables, and table comments."""

from __future__ import annotations

from typing import Literal, Optional

from still import snapshot as s
from still.ops.base import OperationBase, edit_table, edit_tables, replace


class CreateTable(OperationBase):
    op: Literal["create_table"] = "create_table"
    table: s.Table

    @property
    def target_table(self) -> str:
        return self.table.name

    def reverse(self) -> "DropTable":
        return DropTable(schema_name=self.schema_name, table=self.table)

    def apply(self, snap: s.Snapshot) -> s.Snapshot:
        return edit_tables(snap, self.schema_name, lambda t: {**t, self.table.name: self.table})


class DropTable(OperationBase):
    op: Literal["drop_table"] = "drop_table"
    table: s.Table  # the whole old definition, so the drop can be reversed

    @property
    def target_table(self) -> str:
        return self.table.name

    @property
    def destructive(self) -> bool:
        return True

    def reverse(self) -> CreateTable:
        return CreateTable(schema_name=self.schema_name, table=self.table)

    def apply(self, snap: s.Snapshot) -> s.Snapshot:
        return edit_tables(snap, self.schema_name,
                           lambda t: {k: v for k, v in t.items() if k != self.table.name})


class RenameTable(OperationBase):
    op: Literal["rename_table"] = "rename_table"
    old_name: str
    new_name: str

    @property
    def target_table(self) -> str:
        return self.new_name

    def reverse(self) -> "RenameTable":
        return RenameTable(schema_name=self.schema_name, old_name=self.new_name, new_name=self.old_name)

    def apply(self, snap: s.Snapshot) -> s.Snapshot:
        def rename(tables: dict) -> dict:
            table = tables.pop(self.old_name)
            tables[self.new_name] = table.model_copy(update={"name": self.new_name})
            return tables

        snap = edit_tables(snap, self.schema_name, rename)
        # the database repoints foreign keys that referred to the old name
        for schema_name, table in list(snap.all_tables()):
            if any(_refers(fk, self.schema_name, self.old_name) for fk in table.foreign_keys):
                fks = tuple(
                    fk.model_copy(update={"referred_table": self.new_name})
                    if _refers(fk, self.schema_name, self.old_name) else fk
                    for fk in table.foreign_keys
                )
                snap = edit_table(snap, schema_name, table.name, lambda t, fks=fks: replace(t, foreign_keys=fks))
        return snap


def _refers(fk: s.ForeignKey, schema: str, table: str) -> bool:
    return fk.referred_schema == schema and fk.referred_table == table


class SetTableComment(OperationBase):
    op: Literal["set_table_comment"] = "set_table_comment"
    table_name: str
    old_comment: Optional[str] = None
    new_comment: Optional[str] = None

    def reverse(self) -> "SetTableComment":
        return SetTableComment(schema_name=self.schema_name, table_name=self.table_name,
                               old_comment=self.new_comment, new_comment=self.old_comment)

    def apply(self, snap: s.Snapshot) -> s.Snapshot:
        return edit_table(snap, self.schema_name, self.table_name,
                          lambda t: t.model_copy(update={"comment": self.new_comment}))
