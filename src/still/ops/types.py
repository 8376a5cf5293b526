"""PostgreSQL enum types, domains and sequences."""

from __future__ import annotations

from typing import Literal, Optional

from still import snapshot as s
from still.canon import owned_sequences
from still.ops.base import OperationBase, edit_schema, edit_table, replace


def _set_named(snap: s.Snapshot, schema: str, field: str, name: str, obj) -> s.Snapshot:
    """Put `obj` under `name` in the schema's `enums` or `sequences` (None removes it)."""
    def change(sch: s.Schema) -> s.Schema:
        items = {k: v for k, v in getattr(sch, field).items() if k != name}
        if obj is not None:
            items[name] = obj
        return sch.model_copy(update={field: s.Schema._sorted_keys(items)})

    return edit_schema(snap, schema, change)


def _set_enum(snap: s.Snapshot, schema: str, name: str, enum: Optional[s.Enum]) -> s.Snapshot:
    return _set_named(snap, schema, "enums", name, enum)


class CreateEnum(OperationBase):
    op: Literal["create_enum"] = "create_enum"
    enum: s.Enum

    def reverse(self) -> "DropEnum":
        return DropEnum(schema_name=self.schema_name, enum=self.enum)

    def apply(self, snap: s.Snapshot) -> s.Snapshot:
        return _set_enum(snap, self.schema_name, self.enum.name, self.enum)


class DropEnum(OperationBase):
    op: Literal["drop_enum"] = "drop_enum"
    enum: s.Enum

    @property
    def destructive(self) -> bool:
        return True

    def reverse(self) -> CreateEnum:
        return CreateEnum(schema_name=self.schema_name, enum=self.enum)

    def apply(self, snap: s.Snapshot) -> s.Snapshot:
        return _set_enum(snap, self.schema_name, self.enum.name, None)


class AddEnumValue(OperationBase):
    """`ALTER TYPE ... ADD VALUE`. PostgreSQL cannot remove a value, so the reverse is
    `replace_enum`, which recreates the type with the old values.

    `if_not_exists`: `ADD VALUE IF NOT EXISTS`, the form `generate` writes in an autocommit
    block (diff/safe_enums.py): committed before the rest of the revision, which can then
    use the value, and found done when a revision that failed later is run again."""

    op: Literal["add_enum_value"] = "add_enum_value"
    enum_name: str
    value: str
    before: Optional[str] = None  # the value it goes before; None appends it
    old_values: tuple[str, ...]
    if_not_exists: bool = False

    def new_values(self) -> tuple[str, ...]:
        values = list(self.old_values)
        if self.value in values:  # IF NOT EXISTS, there already
            return tuple(values)
        values.insert(values.index(self.before) if self.before else len(values), self.value)
        return tuple(values)

    def reverse(self) -> "ReplaceEnum":
        return ReplaceEnum(schema_name=self.schema_name, enum_name=self.enum_name,
                           old_values=self.new_values(), new_values=self.old_values)

    def apply(self, snap: s.Snapshot) -> s.Snapshot:
        return _set_enum(snap, self.schema_name, self.enum_name,
                         s.Enum(name=self.enum_name, values=self.new_values()))


class ReplaceEnum(OperationBase):
    """Recreate an enum type with other values (removed or reordered ones): rename the old
    type away, create the new one, convert the columns through text, drop the old."""

    op: Literal["replace_enum"] = "replace_enum"
    enum_name: str
    old_values: tuple[str, ...]
    new_values: tuple[str, ...]

    @property
    def destructive(self) -> bool:
        return not set(self.old_values) <= set(self.new_values)

    def reverse(self) -> "ReplaceEnum":
        return ReplaceEnum(schema_name=self.schema_name, enum_name=self.enum_name,
                           old_values=self.new_values, new_values=self.old_values)

    def apply(self, snap: s.Snapshot) -> s.Snapshot:
        return _set_enum(snap, self.schema_name, self.enum_name,
                         s.Enum(name=self.enum_name, values=self.new_values))


def _set_domain(snap: s.Snapshot, schema: str, name: str, domain: Optional[s.Domain]) -> s.Snapshot:
    return _set_named(snap, schema, "domains", name, domain)


class CreateDomain(OperationBase):
    op: Literal["create_domain"] = "create_domain"
    domain: s.Domain

    def reverse(self) -> "DropDomain":
        return DropDomain(schema_name=self.schema_name, domain=self.domain)

    def apply(self, snap: s.Snapshot) -> s.Snapshot:
        return _set_domain(snap, self.schema_name, self.domain.name, self.domain)


class DropDomain(OperationBase):
    op: Literal["drop_domain"] = "drop_domain"
    domain: s.Domain

    @property
    def destructive(self) -> bool:
        return True

    def reverse(self) -> CreateDomain:
        return CreateDomain(schema_name=self.schema_name, domain=self.domain)

    def apply(self, snap: s.Snapshot) -> s.Snapshot:
        return _set_domain(snap, self.schema_name, self.domain.name, None)


class AlterDomain(OperationBase):
    """What ALTER DOMAIN changes in place: the default, NOT NULL, the CHECKs. Base type
    and collation it cannot change, so old and new share them."""

    op: Literal["alter_domain"] = "alter_domain"
    old: s.Domain
    new: s.Domain

    def reverse(self) -> "AlterDomain":
        return AlterDomain(schema_name=self.schema_name, old=self.new, new=self.old)

    def apply(self, snap: s.Snapshot) -> s.Snapshot:
        return _set_domain(snap, self.schema_name, self.new.name, self.new)

    def dropped_checks(self) -> tuple[s.CheckConstraint, ...]:
        """The old CHECKs gone or changed (dropped before the new ones are added)."""
        return tuple(c for c in self.old.checks if c not in self.new.checks)

    def added_checks(self) -> tuple[s.CheckConstraint, ...]:
        return tuple(c for c in self.new.checks if c not in self.old.checks)


def _set_sequence(snap: s.Snapshot, schema: str, name: str, seq: Optional[s.Sequence]) -> s.Snapshot:
    return _set_named(snap, schema, "sequences", name, seq)


class CreateSequence(OperationBase):
    op: Literal["create_sequence"] = "create_sequence"
    sequence: s.Sequence

    def reverse(self) -> "DropSequence":
        return DropSequence(schema_name=self.schema_name, sequence=self.sequence)

    def apply(self, snap: s.Snapshot) -> s.Snapshot:
        return _set_sequence(snap, self.schema_name, self.sequence.name, self.sequence)


class AlterSequence(OperationBase):
    """Changes a sequence's options in place (ALTER SEQUENCE): its current value stays."""
    op: Literal["alter_sequence"] = "alter_sequence"
    old: s.Sequence
    new: s.Sequence

    def reverse(self) -> "AlterSequence":
        return AlterSequence(schema_name=self.schema_name, old=self.new, new=self.old)

    def apply(self, snap: s.Snapshot) -> s.Snapshot:
        return _set_sequence(snap, self.schema_name, self.new.name, self.new)


class DropSequence(OperationBase):
    op: Literal["drop_sequence"] = "drop_sequence"
    sequence: s.Sequence

    @property
    def destructive(self) -> bool:
        return True

    def reverse(self) -> CreateSequence:
        return CreateSequence(schema_name=self.schema_name, sequence=self.sequence)

    def apply(self, snap: s.Snapshot) -> s.Snapshot:
        return _set_sequence(snap, self.schema_name, self.sequence.name, None)


class RenameSequence(OperationBase):
    """ALTER SEQUENCE ... RENAME TO, which changes nothing but the name (the current value
    stays): a standalone sequence, or the one a SERIAL or identity column owns
    (`table_name`, `column_name`), which keeps its name when its table or column is renamed."""

    op: Literal["rename_sequence"] = "rename_sequence"
    old_name: str
    new_name: str
    table_name: Optional[str] = None
    column_name: Optional[str] = None

    def reverse(self) -> "RenameSequence":
        return self.model_copy(update={"old_name": self.new_name, "new_name": self.old_name})

    def apply(self, snap: s.Snapshot) -> s.Snapshot:
        if self.table_name is None:
            seq = snap.schemas[self.schema_name].sequences[self.old_name]
            snap = _set_sequence(snap, self.schema_name, self.old_name, None)
            return _set_sequence(snap, self.schema_name, self.new_name, seq.model_copy(update={"name": self.new_name}))
        naming = owned_sequences(snap.dialect)

        def rename(t: s.Table) -> s.Table:
            return replace(t, columns=tuple(
                c.model_copy(update={"sequence": naming.own_sequence(self.new_name, t.name, c.name)})
                if c.name == self.column_name else c for c in t.columns))

        return edit_table(snap, self.schema_name, self.table_name, rename)
