"""Creating, dropping and renaming tables, and table comments."""

from __future__ import annotations

from typing import Literal, Optional

from still import snapshot as s
from still.canon import owned_sequences
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
        # PostgreSQL: the sequences the table's columns own keep the old table's name
        naming = owned_sequences(snap.dialect)

        def rename(tables: dict) -> dict:
            table = tables.pop(self.old_name)
            columns = table.columns if naming is None else tuple(
                naming.renamed(c, self.old_name, c.name, self.new_name) for c in table.columns)
            tables[self.new_name] = table.model_copy(update={"name": self.new_name, "columns": columns})
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


class SetTableOptions(OperationBase):
    """A MySQL/MariaDB table's engine or default collation (snapshot.Table.options; None
    is the database's default). A new collation converts every text column
    (`CONVERT TO CHARACTER SET`); `columns` are the ones the conversion would change beyond
    the collation they follow (a collation of their own, a TEXT it widens), given back their
    definition right after it. SQLite's AUTOINCREMENT makes the primary key a column
    constraint, which SQLAlchemy writes without a name: `primary_key` is the named key that
    setting it unnames, named again when it goes."""

    op: Literal["set_table_options"] = "set_table_options"
    table_name: str
    old_options: s.TableOptions = s.TableOptions()
    new_options: s.TableOptions = s.TableOptions()
    columns: tuple[s.Column, ...] = ()
    primary_key: Optional[s.PrimaryKey] = None

    @classmethod
    def of(cls, schema: str, have: s.Table, options: s.TableOptions) -> "SetTableOptions":
        """`have` given `options`, with the columns a conversion would take."""
        from still.reflect.mysql_tables import taken_by_conversion

        converts = have.options.collation != options.collation
        unnamed = options.autoincrement and not have.options.autoincrement and have.primary_key \
            and have.primary_key.name is not None
        return cls(schema_name=schema, table_name=have.name, old_options=have.options, new_options=options,
                   columns=tuple(c for c in have.columns if taken_by_conversion(c)) if converts else (),
                   primary_key=have.primary_key if unnamed else None)

    def collation_changes(self) -> bool:
        return self.old_options.collation != self.new_options.collation

    def reverse(self) -> "SetTableOptions":
        return SetTableOptions(schema_name=self.schema_name, table_name=self.table_name,
                               old_options=self.new_options, new_options=self.old_options,
                               columns=self.columns, primary_key=self.primary_key)

    def apply(self, snap: s.Snapshot) -> s.Snapshot:
        def change(t: s.Table) -> s.Table:
            columns = t.columns
            if self.collation_changes():
                new = self.new_options.collation
                own = {c.name: c.collation for c in self.columns}
                # converted: a column keeps a collation of its own only where it is given one back
                columns = tuple(c.model_copy(update={"collation": own.get(c.name) if own.get(c.name) != new
                                                     else None}) for c in t.columns)
            key = t.primary_key
            if key is not None and self.primary_key is not None and key.columns == self.primary_key.columns:
                key = key.model_copy(update={"name": None if self.new_options.autoincrement else self.primary_key.name})
            return t.model_copy(update={"options": self.new_options, "columns": columns, "primary_key": key})

        return edit_table(snap, self.schema_name, self.table_name, change)
