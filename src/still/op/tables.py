"""op.create_table, drop_table, rename_table, table comments and options."""

from __future__ import annotations

from typing import Optional

import sqlalchemy as sa

from still import ops
from still.errors import StillError
from still.op import guards
from still.op.common import UNSET
from still.runtime import build
from still.runtime.executor import current as _ex


def create_table(table_name: str, *columns_and_constraints, schema: Optional[str] = None,
                 if_not_exists: Optional[bool] = None, **kw) -> sa.Table:
    ex = _ex()
    metadata = build.op_metadata(ex)
    table = sa.Table(table_name, metadata, *columns_and_constraints,
                     schema=build.sa_schema(ex, schema), **kw)
    if if_not_exists and guards.table_in(ex, table_name, schema) is not None:
        guards.skipped(ex, lambda: guards.create_table_sql(ex, table))
        return table
    # as CREATE TABLE in SQLAlchemy and Alembic: a foreign key with use_alter=True is left
    # out (a revision adds it afterwards with create_foreign_key, when its target exists)
    # where the dialect can add one with ALTER; SQLite cannot, so there it is written inline
    for fk in [c for c in table.foreign_key_constraints if c.use_alter and ex.dialect.supports_alter]:
        table.constraints.discard(fk)
        for column in fk.columns:
            column.foreign_keys.difference_update(fk.elements)
        table.foreign_keys.difference_update(fk.elements)
    declared = build.declared(ex, table)
    schema_name = ex.schema(schema)
    create_missing_enums(ex, metadata, schema_name)
    ex.run(ops.CreateTable(schema_name=schema_name, table=declared))
    return table


def create_missing_enums(ex, metadata: sa.MetaData, schema_name: str) -> None:
    # a native Enum or DOMAIN column brings its type along unless create_type=False (what
    # generated revisions say), as create_table does in SQLAlchemy and so in Alembic
    for enum_schema, enums in ex.rules.enums(metadata, None, created_only=True).items():
        present = ex.snapshot.schemas.get(enum_schema)
        for name, enum in enums.items():
            if present is None or name not in present.enums:
                ex.run(ops.CreateEnum(schema_name=enum_schema, enum=enum))
    for domain_schema, domains in ex.rules.domains(metadata, None, created_only=True).items():
        present = ex.snapshot.schemas.get(domain_schema)
        for name, domain in domains.items():
            if present is None or name not in present.domains:
                ex.run(ops.CreateDomain(schema_name=domain_schema, domain=domain))


def drop_table(table_name: str, schema: Optional[str] = None, if_exists: Optional[bool] = None, **kw) -> None:
    ex = _ex()
    if if_exists and guards.table_in(ex, table_name, schema) is None:
        guards.skipped(ex, lambda: guards.drop_table_sql(ex, table_name, schema))
        return
    table = build.table_of(ex, table_name, schema)
    ex.run(ops.DropTable(schema_name=ex.schema(schema), table=table))


def rename_table(old_table_name: str, new_table_name: str, schema: Optional[str] = None) -> None:
    ex = _ex()
    build.table_of(ex, old_table_name, schema)
    ex.run(ops.RenameTable(schema_name=ex.schema(schema), old_name=old_table_name, new_name=new_table_name))


def create_table_comment(table_name: str, comment: Optional[str], existing_comment: Optional[str] = None,
                         schema: Optional[str] = None) -> None:
    ex = _ex()
    table = build.table_of(ex, table_name, schema)
    ex.run(ops.SetTableComment(schema_name=ex.schema(schema), table_name=table_name,
                               old_comment=table.comment, new_comment=ex.rules.comment(comment)))


def drop_table_comment(table_name: str, existing_comment: Optional[str] = None,
                       schema: Optional[str] = None) -> None:
    create_table_comment(table_name, None, existing_comment, schema)


def alter_table_options(table_name: str, engine: Optional[str] = UNSET, collation: Optional[str] = UNSET,
                        schema: Optional[str] = None) -> None:
    """MySQL/MariaDB: a table's engine and default collation (None: the database's
    default). A new collation converts the table's text columns (CONVERT TO CHARACTER SET);
    the ones with a collation of their own keep it."""
    from still.reflect import mysql_tables as tableinfo
    from still.reflect.mysql_types import canonical_collation

    ex = _ex()
    if ex.snapshot.dialect not in ("mysql", "mariadb"):
        raise StillError(f"alter_table_options is for MySQL and MariaDB, not {ex.snapshot.dialect}")
    table = build.table_of(ex, table_name, schema)
    where = ex.schema(schema)
    default_engine, default_collation = tableinfo.defaults(ex.rules.dialect, where)
    engine = (table.options.engine or default_engine) if engine is UNSET else engine or default_engine
    if collation is UNSET:
        collation = table.options.collation or default_collation
    elif collation is None:
        collation = default_collation
    options = tableinfo.relative_options(engine, canonical_collation(collation), default_engine, default_collation)
    ex.run(ops.SetTableOptions.of(where, table, options))
