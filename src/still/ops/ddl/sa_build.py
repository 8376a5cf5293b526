"""Snapshot objects -> SQLAlchemy schema objects, so DDL comes from SQLAlchemy's compilers.

Types are carried over as their canonical text (valid DDL on the dialect that produced
the snapshot), defaults and expressions as SQL text.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.types import UserDefinedType

from still import snapshot as s
from still.written import written


class SnapshotType(UserDefinedType):
    """A column type rendered exactly as the snapshot spells it."""

    cache_ok = True

    def __init__(self, text: str):
        self.text = text

    def get_col_spec(self, **kw) -> str:
        return self.text


def build_column(col: s.Column, primary_key: bool = False, type_=None) -> sa.Column:
    args: list = []
    if col.identity:
        i = col.identity
        args.append(sa.Identity(always=i.always, start=i.start, increment=i.increment,
                                minvalue=i.minvalue, maxvalue=i.maxvalue, cycle=i.cycle, cache=i.cache))
    if col.computed:
        args.append(sa.Computed(sa.text(written(col.computed.expression)), persisted=col.computed.persisted))
    # the collation is part of the column's type in DDL: `name VARCHAR(20) COLLATE "C"`
    spec = col.type + (' COLLATE "' + col.collation.replace('"', '""') + '"' if col.collation else "")
    return sa.Column(
        col.name, type_ if type_ is not None else SnapshotType(spec), *args,
        nullable=col.nullable,
        primary_key=primary_key,
        # SERIAL is spelled by the PostgreSQL DDL itself; SQLAlchemy refuses False next to Identity
        autoincrement="auto" if col.identity else (col.autoincrement if primary_key else False),
        server_default=sa.text(written(col.default)) if col.default is not None else None,
        comment=col.comment,
    )


def _deferrability(cons) -> dict:
    return {"deferrable": cons.deferrable or None, "initially": cons.initially}


def build_constraint(kind: str, cons, default_schema: str) -> sa.schema.Constraint:
    if kind == "primary_key":
        return sa.PrimaryKeyConstraint(*cons.columns, name=cons.name, **_deferrability(cons))
    if kind == "unique":
        return sa.UniqueConstraint(*cons.columns, name=cons.name, **_deferrability(cons),
                                   postgresql_nulls_not_distinct=cons.nulls_not_distinct or None)
    if kind == "exclude":
        return build_exclude(cons)
    if kind == "check":
        return sa.CheckConstraint(sa.text(written(cons.expression)), name=cons.name)
    prefix = "" if cons.referred_schema == default_schema else f"{cons.referred_schema}."
    return sa.ForeignKeyConstraint(
        list(cons.columns),
        [f"{prefix}{cons.referred_table}.{c}" for c in cons.referred_columns],
        name=cons.name, ondelete=cons.ondelete, onupdate=cons.onupdate, **_deferrability(cons),
    )


def build_exclude(cons: s.ExcludeConstraint) -> sa.schema.Constraint:
    from sqlalchemy.dialects.postgresql import ExcludeConstraint

    # each key as the text CREATE INDEX reads (operator class and ordering included): an
    # ExcludeConstraint has no way to put an ordering on a key
    elements = [(sa.literal_column(key_sql(e)), e.operator) for e in cons.elements]
    return ExcludeConstraint(*elements, name=cons.name, using=cons.method,
                             where=sa.text(written(cons.where)) if cons.where else None,
                             **_deferrability(cons))


def key_sql(e: s.IndexElement) -> str:
    """An index key as SQL text: `"col" opclass DESC NULLS LAST`; an expression in
    parentheses, which every index key may have and any but a function call needs."""
    from sqlalchemy.dialects.postgresql import dialect

    quote = dialect.preparer(dialect()).quote
    text = quote(e.column) if e.column is not None else f"({written(e.expression)})"
    if e.opclass:
        name, paren, params = e.opclass.partition("(")  # parameters: `tsvector_ops(siglen=100)`
        text += f" {quote(name)}{paren}{params}"
    if e.descending:
        text += " DESC"
    if e.nulls:
        text += f" NULLS {e.nulls.upper()}"
    return text


def build_table(metadata: sa.MetaData, schema: str, table: s.Table, default_schema: str) -> sa.Table:
    """A sa.Table for `table`; foreign keys point at stub tables in the same metadata."""
    pk = set(table.primary_key.columns) if table.primary_key else set()
    # SQLite writes AUTOINCREMENT only on a key of SQLAlchemy's integer affinity
    key = next(iter(pk)) if table.options.autoincrement and len(pk) == 1 else None
    items: list = [build_column(c, c.name in pk, sa.Integer() if c.name == key and c.type == "INTEGER" else None)
                   for c in table.columns]
    if table.primary_key:
        items.append(build_constraint("primary_key", table.primary_key, default_schema))
    for kind, group in (("unique", table.unique_constraints), ("check", table.check_constraints),
                        ("foreign_key", table.foreign_keys), ("exclude", table.exclude_constraints)):
        for cons in group:
            if kind == "foreign_key" and (cons.referred_schema, cons.referred_table) != (schema, table.name):
                _stub(metadata, cons, default_schema)
            items.append(build_constraint(kind, cons, default_schema))
    sa_schema = None if schema == default_schema else schema
    options = {"sqlite_autoincrement": True} if table.options.autoincrement else {}
    built = sa.Table(table.name, metadata, *items, schema=sa_schema, comment=table.comment, **options)
    for ix in table.indexes:
        build_index(built, ix)
    return built


def _stub(metadata: sa.MetaData, fk: s.ForeignKey, default_schema: str) -> None:
    """A referred table only needs its referred columns to exist for the FK to compile."""
    schema = None if fk.referred_schema == default_schema else fk.referred_schema
    key = f"{schema}.{fk.referred_table}" if schema else fk.referred_table
    existing = metadata.tables.get(key)
    if existing is None:
        existing = sa.Table(fk.referred_table, metadata, schema=schema)
    for col in fk.referred_columns:
        if col not in existing.c:
            existing.append_column(sa.Column(col, sa.Integer))


def build_index(table: sa.Table, ix: s.Index) -> sa.Index:
    keys = []
    for el in ix.elements:
        if el.opclass:  # SQLAlchemy writes a class only after a key with a name
            keys.append(sa.literal_column(key_sql(el)))
            continue
        key = table.c[el.column] if el.column else sa.text(written(el.expression))
        if el.descending:
            key = sa.desc(key)
        if el.nulls == "first":
            key = sa.nulls_first(key)
        elif el.nulls == "last":
            key = sa.nulls_last(key)
        keys.append(key)
    kwargs = {}
    if ix.where:
        kwargs["postgresql_where"] = sa.text(written(ix.where))
        kwargs["sqlite_where"] = sa.text(written(ix.where))
    if ix.include:
        kwargs["postgresql_include"] = list(ix.include)
    if ix.method:
        kwargs["postgresql_using"] = ix.method
    if ix.nulls_not_distinct:
        kwargs["postgresql_nulls_not_distinct"] = True
    return sa.Index(ix.name, *keys, unique=ix.unique, _table=table, **kwargs)
