"""Adding and dropping primary keys, foreign keys, unique, check and (PostgreSQL) EXCLUDE
constraints."""

from __future__ import annotations

from typing import Literal, Optional, Union

from pydantic import model_validator

from still import snapshot as s
from still.ops.base import OperationBase, edit_table, replace

ConstraintKind = Literal["primary_key", "foreign_key", "unique", "check", "exclude"]
AnyConstraint = Union[s.PrimaryKey, s.ForeignKey, s.UniqueConstraint, s.CheckConstraint,
                      s.ExcludeConstraint]

_MODEL = {"primary_key": s.PrimaryKey, "foreign_key": s.ForeignKey,
          "unique": s.UniqueConstraint, "check": s.CheckConstraint, "exclude": s.ExcludeConstraint}
_FIELD = {"foreign_key": "foreign_keys", "unique": "unique_constraints", "check": "check_constraints",
          "exclude": "exclude_constraints"}


def _by_kind(data):
    """`constraint` parsed by `kind`: a primary key and a unique constraint look alike."""
    if isinstance(data, dict) and isinstance(data.get("constraint"), dict) and data.get("kind") in _MODEL:
        data = {**data, "constraint": _MODEL[data["kind"]].model_validate(data["constraint"])}
    return data


class _ConstraintOp(OperationBase):
    table_name: str
    kind: ConstraintKind
    constraint: AnyConstraint

    @model_validator(mode="before")
    @classmethod
    def _typed(cls, data):
        return _by_kind(data)

    @model_validator(mode="after")
    def _kind_matches(self):
        if not isinstance(self.constraint, _MODEL[self.kind]):
            raise ValueError(f"kind {self.kind!r} does not match a {type(self.constraint).__name__}")
        return self

    def _args(self) -> dict:
        return {"schema_name": self.schema_name, "table_name": self.table_name,
                "kind": self.kind, "constraint": self.constraint}


class AddConstraint(_ConstraintOp):
    op: Literal["add_constraint"] = "add_constraint"
    # PostgreSQL: added NOT VALID, the rows already there unchecked (postgresql_not_valid=);
    # the snapshot keeps the constraint all the same, as the catalog lists it
    not_valid: bool = False
    # PostgreSQL: a unique or primary key made from an existing unique index (built
    # CONCURRENTLY before); the index becomes the constraint's and leaves the table's indexes
    using_index: Optional[str] = None

    def reverse(self) -> "DropConstraint":
        return DropConstraint(**self._args())

    def apply(self, snap: s.Snapshot) -> s.Snapshot:
        def add(t: s.Table) -> s.Table:
            if self.using_index is not None:
                t = replace(t, indexes=tuple(ix for ix in t.indexes if ix.name != self.using_index))
            if self.kind == "primary_key":
                return replace(t, primary_key=self.constraint)
            field = _FIELD[self.kind]
            return replace(t, **{field: getattr(t, field) + (self.constraint,)})

        return edit_table(snap, self.schema_name, self.table_name, add)


class DropConstraint(_ConstraintOp):
    op: Literal["drop_constraint"] = "drop_constraint"

    def reverse(self) -> AddConstraint:
        return AddConstraint(**self._args())

    def apply(self, snap: s.Snapshot) -> s.Snapshot:
        def drop(t: s.Table) -> s.Table:
            if self.kind == "primary_key":
                return replace(t, primary_key=None)
            field = _FIELD[self.kind]
            kept = list(getattr(t, field))
            kept.remove(self.constraint)  # by value: unnamed constraints have no other identity
            return replace(t, **{field: tuple(kept)})

        return edit_table(snap, self.schema_name, self.table_name, drop)


class RenameConstraint(OperationBase):
    """A constraint keeps its definition under a new name — what PostgreSQL leaves behind
    when a table is renamed (`users_pkey` on table `people`).

    On MySQL/MariaDB the index the server made for a foreign key is named after the key
    and is one thing with it: the key's rename takes it along. `old_index_name` and
    `new_index_name` say so (the dialect's DDL module decides, ops/ddl/mysql.py)."""

    op: Literal["rename_constraint"] = "rename_constraint"
    table_name: str
    kind: ConstraintKind
    old_name: str
    new_name: str
    old_index_name: Optional[str] = None
    new_index_name: Optional[str] = None

    def reverse(self) -> "RenameConstraint":
        return RenameConstraint(schema_name=self.schema_name, table_name=self.table_name, kind=self.kind,
                                old_name=self.new_name, new_name=self.old_name,
                                old_index_name=self.new_index_name, new_index_name=self.old_index_name)

    def apply(self, snap: s.Snapshot) -> s.Snapshot:
        def rename(t: s.Table) -> s.Table:
            if self.kind == "primary_key":
                return replace(t, primary_key=t.primary_key.model_copy(update={"name": self.new_name}))
            field = _FIELD[self.kind]
            renamed = {field: tuple(c.model_copy(update={"name": self.new_name})
                                    if c.name == self.old_name else c for c in getattr(t, field))}
            if self.old_index_name is not None:
                renamed["indexes"] = tuple(ix.model_copy(update={"name": self.new_index_name})
                                           if ix.name == self.old_index_name else ix for ix in t.indexes)
            return replace(t, **renamed)

        return edit_table(snap, self.schema_name, self.table_name, rename)


class ValidateConstraint(OperationBase):
    """PostgreSQL's VALIDATE CONSTRAINT: the rows a NOT VALID foreign key or check left
    unchecked are checked, under SHARE UPDATE EXCLUSIVE (reads and writes go on). The
    schema does not change; other dialects have nothing to do."""

    op: Literal["validate_constraint"] = "validate_constraint"
    table_name: str
    kind: Literal["foreign_key", "check"]
    constraint: Union[s.ForeignKey, s.CheckConstraint]

    @model_validator(mode="before")
    @classmethod
    def _typed(cls, data):
        return _by_kind(data)

    def reverse(self) -> "ValidateConstraint":
        return self  # nothing to undo: the schema is the same before and after

    def apply(self, snap: s.Snapshot) -> s.Snapshot:
        return snap
