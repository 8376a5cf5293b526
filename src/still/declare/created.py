"""The schema-level objects a MetaData brings besides its tables: named types (enums,
domains) and sequences, found through public SQLAlchemy API only.

SQLAlchemy 2.1 lists them (`MetaData.get_schema_objects`); 2.0 has no public list, and
its private registries differ from 2.1's. What every version shares is `create_all`
itself, so the objects are the ones a `create_all` on a mock engine creates for no
tables: the metadata's own enums, domains and sequences and the named types its columns
use (each at most once, by the DDL runner's own memo). A column's sequence is created
with its table, so it is read from the column. A named type with `create_type=False` is
not created by `create_all`, yet the models still use it, so it is read from the columns
too: the database must have it, however it came there.
"""

from __future__ import annotations

import sqlalchemy as sa


def schema_objects(metadata: sa.MetaData, dialect) -> list:
    """Enums, domains and sequences of `metadata` for `dialect`, in the order create_all
    creates them, then the ones only columns refer to; an object may repeat."""
    created: list = []

    def record(ddl, *multiparams, **params) -> None:
        element = getattr(ddl, "element", None)
        if element is not None:
            created.append(element)

    url = sa.engine.URL.create(f"{dialect.name}+{dialect.driver}")
    metadata.create_all(sa.create_mock_engine(url, record), tables=[], checkfirst=False)
    for table in metadata.tables.values():
        for column in table.columns:
            if isinstance(column.default, sa.Sequence):
                created.append(column.default)
            created.extend(_named_types(column.type, dialect))
    return created


def _named_types(type_, dialect) -> list:
    """The schema types a column's type is or holds on `dialect`: through variants,
    TypeDecorators, array items and a domain's base type."""
    found = []
    pending = [type_]
    while pending:
        given = pending.pop()
        impl = given.dialect_impl(dialect)
        while isinstance(impl, sa.TypeDecorator):
            given, impl = impl.impl, impl.impl.dialect_impl(dialect)
        if isinstance(impl, sa.ARRAY):
            pending.append(impl.item_type)
        elif isinstance(impl, sa.types.SchemaType) and getattr(impl, "name", None):
            # a type already the dialect's own as given: SQLAlchemy 2.0's copy for the
            # dialect drops create_type=False
            impl = given if isinstance(given, type(impl)) else impl
            found.append(impl)
            data_type = getattr(impl, "data_type", None)  # a domain over an enum
            if data_type is not None:
                pending.append(data_type)
    return found
