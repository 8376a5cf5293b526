"""The Snapshot: one immutable description of a database schema.

Reflection, declaration and replay all produce this model, and everything downstream
(diff, render, execute) consumes it. Collections that have no meaningful order in the
database (tables, constraints, indexes) are kept sorted by name so that two snapshots of
the same schema compare equal and serialise to the same JSON; column order and the
column order inside keys and indexes are meaningful and kept as given.
"""

from __future__ import annotations

import json
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from still.written import Sql

Name = str


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    def __eq__(self, other) -> bool:
        # What pydantic's comparison comes down to for these models (no private
        # attributes, no extras, nothing in __dict__ but the fields), without its generic
        # checks: a diff compares tens of thousands of them.
        if self is other:
            return True
        if type(other) is not type(self):
            return super().__eq__(other)
        return self.__dict__ == other.__dict__


class Identity(_Frozen):
    """A SQL-standard identity column (PostgreSQL `GENERATED ... AS IDENTITY`)."""

    always: bool = False
    start: int = 1
    increment: int = 1
    minvalue: Optional[int] = None
    maxvalue: Optional[int] = None
    cycle: bool = False
    cache: int = 1


class Computed(_Frozen):
    """A generated column: its normalised expression and whether it is stored."""

    expression: Sql
    persisted: bool = True


class Column(_Frozen):
    name: Name
    type: str  # the dialect's canonical SQL spelling, e.g. "character varying(50)"
    nullable: bool = True
    default: Optional[Sql] = None  # normalised server default SQL (see still.written)
    autoincrement: bool = False  # SERIAL on PostgreSQL, INTEGER PRIMARY KEY rowid on SQLite
    identity: Optional[Identity] = None
    computed: Optional[Computed] = None
    comment: Optional[str] = None
    collation: Optional[str] = None
    # PostgreSQL: the name of the sequence a SERIAL or identity column owns, only when it is
    # not one PostgreSQL chooses for the column as named now (canon/postgresql.py): a
    # renamed table or column keeps its sequence under the old name
    sequence: Optional[Name] = None


Initially = Optional[Literal["DEFERRED", "IMMEDIATE"]]  # None unless deferrable


class PrimaryKey(_Frozen):
    name: Optional[Name] = None
    columns: tuple[Name, ...]
    deferrable: bool = False
    initially: Initially = None


class ForeignKey(_Frozen):
    name: Optional[Name] = None
    columns: tuple[Name, ...]
    referred_schema: Name
    referred_table: Name
    referred_columns: tuple[Name, ...]
    ondelete: Optional[str] = None  # upper case, None for NO ACTION
    onupdate: Optional[str] = None
    deferrable: bool = False
    initially: Initially = None
    match: Optional[Literal["FULL", "PARTIAL"]] = None  # None: SIMPLE, the default
    enforced: bool = True  # PostgreSQL 18's NOT ENFORCED, as on CheckConstraint


class UniqueConstraint(_Frozen):
    name: Optional[Name] = None
    columns: tuple[Name, ...]
    nulls_not_distinct: bool = False
    deferrable: bool = False
    initially: Initially = None


class CheckConstraint(_Frozen):
    name: Optional[Name] = None
    expression: Sql  # normalised
    # PostgreSQL 18's NOT ENFORCED: kept in the catalog, never checked against a row
    enforced: bool = True


class IndexElement(_Frozen):
    """One key of an index: a column or an expression, with its sort order."""

    column: Optional[Name] = None
    expression: Optional[Sql] = None
    descending: bool = False
    nulls: Optional[Literal["first", "last"]] = None  # only when not the default
    opclass: Optional[str] = None  # PostgreSQL operator class, only when not the type's default


class ExcludeElement(IndexElement):
    """One key of a PostgreSQL EXCLUDE constraint: an index key and the operator two rows'
    values must not both satisfy."""

    operator: str


class ExcludeConstraint(_Frozen):
    """A PostgreSQL EXCLUDE constraint: its keys, access method, predicate, deferrability."""

    name: Optional[Name] = None
    elements: tuple[ExcludeElement, ...]
    method: str = "gist"
    where: Optional[Sql] = None  # normalised
    deferrable: bool = False
    initially: Initially = None


class Index(_Frozen):
    name: Name
    elements: tuple[IndexElement, ...]
    unique: bool = False
    where: Optional[Sql] = None  # partial index predicate, normalised
    include: tuple[Name, ...] = ()
    method: Optional[str] = None  # PostgreSQL access method when not btree
    nulls_not_distinct: bool = False

    def leading_columns(self) -> tuple[Name, ...]:
        """The plain columns the index starts with (up to its first expression key): what
        it can serve a foreign key or a lookup with."""
        out = []
        for element in self.elements:
            if element.column is None:
                break
            out.append(element.column)
        return tuple(out)


def _by_name(items):
    # named items sort by name; unnamed ones (SQLite) by their content, so order is stable
    items = tuple(items)
    if len(items) < 2:
        return items
    if all(c.name is not None for c in items):
        return tuple(sorted(items, key=_name))
    return tuple(sorted(items, key=lambda c: (c.name is None, c.name or "",
                                              _sort_key(c) if c.name is None else "")))


def _name(item) -> str:
    return item.name


def _sort_key(item) -> str:
    return json.dumps(item.model_dump(mode="json"), sort_keys=True)


class TableOptions(_Frozen):
    """Table options, each only where it differs from the database's default. MySQL/MariaDB:
    the engine as the server spells it, the table's default collation (its character set
    is implied). SQLite: AUTOINCREMENT on its INTEGER PRIMARY KEY (rowids are never reused;
    changing it rebuilds the table)."""

    engine: Optional[str] = None
    collation: Optional[str] = None
    autoincrement: bool = False

    def changed(self, other: "TableOptions") -> list[str]:
        return [f for f in ("engine", "collation", "autoincrement") if getattr(self, f) != getattr(other, f)]


class Table(_Frozen):
    name: Name
    columns: tuple[Column, ...]
    primary_key: Optional[PrimaryKey] = None
    foreign_keys: tuple[ForeignKey, ...] = ()
    unique_constraints: tuple[UniqueConstraint, ...] = ()
    check_constraints: tuple[CheckConstraint, ...] = ()
    exclude_constraints: tuple[ExcludeConstraint, ...] = ()
    indexes: tuple[Index, ...] = ()
    comment: Optional[str] = None
    options: TableOptions = TableOptions()

    @field_validator("foreign_keys", "unique_constraints", "check_constraints", "exclude_constraints",
                     "indexes")
    @classmethod
    def _sorted(cls, v: tuple) -> tuple:
        return _by_name(v)

    def column(self, name: Name) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)


class Enum(_Frozen):
    """A PostgreSQL enum type; values keep their declared order."""

    name: Name
    values: tuple[str, ...]


class Domain(_Frozen):
    """A PostgreSQL domain: a base type (as format_type spells it) with its own default,
    NOT NULL and CHECK constraints (`VALUE` names the value), kept sorted by name."""

    name: Name
    type: str
    not_null: bool = False
    default: Optional[Sql] = None  # normalised as column defaults are
    checks: tuple[CheckConstraint, ...] = ()
    collation: Optional[str] = None  # only when not the base type's

    @field_validator("checks")
    @classmethod
    def _sorted(cls, v: tuple) -> tuple:
        return _by_name(v)


class Sequence(_Frozen):
    """A standalone sequence (sequences owned by SERIAL/identity columns are not listed:
    their column has them, see Column.sequence)."""

    name: Name
    start: int = 1
    increment: int = 1
    minvalue: Optional[int] = None
    maxvalue: Optional[int] = None
    cycle: bool = False
    cache: int = 1


class Schema(_Frozen):
    name: Name
    tables: dict[Name, Table] = {}
    enums: dict[Name, Enum] = {}
    domains: dict[Name, Domain] = {}
    sequences: dict[Name, Sequence] = {}

    @field_validator("tables", "enums", "domains", "sequences")
    @classmethod
    def _sorted_keys(cls, v: dict) -> dict:
        return {k: v[k] for k in sorted(v)}


class Snapshot(_Frozen):
    dialect: str
    default_schema: Name
    schemas: dict[Name, Schema] = {}

    @field_validator("schemas")
    @classmethod
    def _sorted_keys(cls, v: dict) -> dict:
        return {k: v[k] for k in sorted(v)}

    @model_validator(mode="after")
    def _default_schema_listed(self):
        # The default schema always exists, so every snapshot lists it, empty or not; other
        # schemas appear when they hold something.
        if self.default_schema not in self.schemas:
            schemas = {**self.schemas, self.default_schema: Schema(name=self.default_schema)}
            object.__setattr__(self, "schemas", self._sorted_keys(schemas))
        return self

    def to_json(self, indent: Optional[int] = 2) -> str:
        return json.dumps(self.model_dump(mode="json"), indent=indent, sort_keys=False)

    @classmethod
    def from_json(cls, text: str) -> "Snapshot":
        return cls.model_validate_json(text)

    def table(self, name: Name, schema: Optional[Name] = None) -> Table:
        return self.schemas[schema or self.default_schema].tables[name]

    def all_tables(self):
        for schema in self.schemas.values():
            for table in schema.tables.values():
                yield schema.name, table
