"""Adding, dropping, altering and renaming columns."""

from __future__ import annotations

from typing import Literal, Optional

from still import snapshot as s
from still.canon import owned_sequences
from still.ops.base import OperationBase, edit_table, replace


class AddColumn(OperationBase):
    op: Literal["add_column"] = "add_column"
    table_name: str
    column: s.Column

    def reverse(self) -> "DropColumn":
        return DropColumn(schema_name=self.schema_name, table_name=self.table_name, column=self.column)

    def apply(self, snap: s.Snapshot) -> s.Snapshot:
        return edit_table(snap, self.schema_name, self.table_name,
                          lambda t: replace(t, columns=t.columns + (self.column,)))


class DropColumn(OperationBase):
    op: Literal["drop_column"] = "drop_column"
    table_name: str
    column: s.Column  # the whole old definition

    @property
    def destructive(self) -> bool:
        return True

    def reverse(self) -> AddColumn:
        return AddColumn(schema_name=self.schema_name, table_name=self.table_name, column=self.column)

    def apply(self, snap: s.Snapshot) -> s.Snapshot:
        # a key of this column alone goes with it, on every database
        return edit_table(snap, self.schema_name, self.table_name, lambda t: replace(
            t, columns=tuple(c for c in t.columns if c.name != self.column.name),
            primary_key=None if t.primary_key and t.primary_key.columns == (self.column.name,) else t.primary_key))


ALTERABLE = ("type", "nullable", "default", "autoincrement", "identity", "computed", "comment", "collation")


class AlterColumn(OperationBase):
    """Any change to one column's definition; `old` and `new` are whole definitions with the
    same name, so the change reverses by swapping them."""

    op: Literal["alter_column"] = "alter_column"
    table_name: str
    old: s.Column
    new: s.Column
    # PostgreSQL: the expression that turns old values into the new type (Alembic's
    # postgresql_using=), instead of a cast; a reverse cannot know its own
    using: Optional[str] = None

    def changed(self) -> list[str]:
        """The attributes that differ, in a stable order."""
        return [f for f in ALTERABLE if getattr(self.old, f) != getattr(self.new, f)]

    def reverse(self) -> "AlterColumn":
        return AlterColumn(schema_name=self.schema_name, table_name=self.table_name,
                           old=self.new, new=self.old)  # the USING expression stays behind

    def apply(self, snap: s.Snapshot) -> s.Snapshot:
        return edit_table(snap, self.schema_name, self.table_name, lambda t: replace(
            t, columns=tuple(self.new if c.name == self.old.name else c for c in t.columns)))


class RenameColumn(OperationBase):
    op: Literal["rename_column"] = "rename_column"
    table_name: str
    old_name: str
    new_name: str

    def reverse(self) -> "RenameColumn":
        return RenameColumn(schema_name=self.schema_name, table_name=self.table_name,
                            old_name=self.new_name, new_name=self.old_name)

    def apply(self, snap: s.Snapshot) -> s.Snapshot:
        naming = owned_sequences(snap.dialect)
        snap = edit_table(snap, self.schema_name, self.table_name, lambda t: self._rename_in_table(t, naming))
        # foreign keys elsewhere follow the renamed column, as the database makes them
        for schema_name, table in list(snap.all_tables()):
            if any(self._targets(fk) for fk in table.foreign_keys):
                fks = tuple(
                    fk.model_copy(update={"referred_columns": self._swap(fk.referred_columns)})
                    if self._targets(fk) else fk
                    for fk in table.foreign_keys
                )
                snap = edit_table(snap, schema_name, table.name, lambda t, fks=fks: replace(t, foreign_keys=fks))
        return snap

    def _swap(self, names: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(self.new_name if n == self.old_name else n for n in names)

    def _targets(self, fk: s.ForeignKey) -> bool:
        return (fk.referred_schema, fk.referred_table) == (self.schema_name, self.table_name) \
            and self.old_name in fk.referred_columns

    def _rename_in_table(self, t: s.Table, naming) -> s.Table:
        swap = self._swap
        # expressions (checks, index expressions and predicates, generation expressions)
        # follow the column too: PostgreSQL and SQLite rewrite them on RENAME COLUMN
        from still.sqlexpr import rename_identifier

        def ex(text):
            return rename_identifier(text, self.old_name, self.new_name) if text else text

        def col(c: s.Column) -> s.Column:
            if c.name == self.old_name:
                c = c.model_copy(update={"name": self.new_name})
                if naming is not None:  # PostgreSQL: its sequence keeps the old column's name
                    c = naming.renamed(c, t.name, self.old_name, t.name)
            if c.computed:
                c = c.model_copy(update={"computed": c.computed.model_copy(
                    update={"expression": ex(c.computed.expression)})})
            return c

        def key(e: s.IndexElement) -> s.IndexElement:
            if e.column == self.old_name:
                return e.model_copy(update={"column": self.new_name})
            return e.model_copy(update={"expression": ex(e.expression)})

        return replace(
            t,
            columns=tuple(col(c) for c in t.columns),
            check_constraints=tuple(k.model_copy(update={"expression": ex(k.expression)})
                                    for k in t.check_constraints),
            primary_key=t.primary_key.model_copy(update={"columns": swap(t.primary_key.columns)})
            if t.primary_key else None,
            foreign_keys=tuple(fk.model_copy(update={"columns": swap(fk.columns)}) for fk in t.foreign_keys),
            unique_constraints=tuple(u.model_copy(update={"columns": swap(u.columns)})
                                     for u in t.unique_constraints),
            indexes=tuple(ix.model_copy(update={
                "elements": tuple(map(key, ix.elements)), "where": ex(ix.where),
                "include": swap(ix.include)}) for ix in t.indexes),
            exclude_constraints=tuple(x.model_copy(update={
                "elements": tuple(map(key, x.elements)), "where": ex(x.where)})
                for x in t.exclude_constraints),
        )
