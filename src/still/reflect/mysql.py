"""Live MySQL/MariaDB database -> Snapshot, from `information_schema`.

Six queries whatever the number of tables: the current database (with the defaults a
table made without options gets), then tables, check
constraints, columns, keys (STATISTICS) and foreign keys, each across every wanted
schema (a MySQL schema is a database). The connection's current database is the
snapshot's default schema, keyed "" (DEFAULT_SCHEMA) so that a snapshot does not depend
on the database's name: `app_dev` and `app` with the same tables are the same snapshot,
and a table of another database is keyed by that database's name.
"""

from __future__ import annotations

from typing import Iterable, Optional

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from still import snapshot as s
from still.errors import StillError
from still.reflect import mysql_columns as columns_
from still.reflect import mysql_constraints as constraints_
from still.reflect import mysql_indexes as indexes_
from still.reflect import mysql_tables as tableinfo
from still.reflect.mysql_types import equivalent_types  # noqa: F401  (diff asks for it here)

DEFAULT_SCHEMA = ""

def server_traits(dialect) -> tuple[bool, bool, bool]:
    """(MariaDB, drops integer display widths, keeps descending index keys). A dialect that
    has not met its server (declare by name, offline --sql) assumes a current one that
    keeps the widths: MariaDB 10.8 or later."""
    version = dialect.server_version_info
    mariadb = bool(getattr(dialect, "is_mariadb", False))
    if version is None:
        return mariadb, False, True
    if mariadb:
        return True, False, version >= (10, 8)
    return False, version >= (8, 0, 19), version >= (8,)


def reflect(connection: Connection, schemas: Optional[Iterable[str]] = None) -> s.Snapshot:
    current, default_engine, default_collation = connection.exec_driver_sql(tableinfo.FIRST_SQL).one()
    tableinfo.remember_defaults(connection.dialect, default_engine, {DEFAULT_SCHEMA: default_collation})
    if schemas is None:
        if current is None:
            raise StillError("the MySQL URL names no database: add one (mysql+pymysql://.../NAME)")
        wanted = [current]
    else:
        wanted = [current if name == DEFAULT_SCHEMA else name for name in schemas]
        wanted = [name for name in wanted if name is not None]
    name = connection.dialect.name  # "mariadb" for mariadb:// URLs, as declare says too
    if not wanted:
        return s.Snapshot(dialect=name, default_schema=DEFAULT_SCHEMA)

    def key(name: Optional[str]) -> str:
        return DEFAULT_SCHEMA if name == current else name

    mariadb, drops_widths, descending = server_traits(connection.dialect)
    params = {"schemas": tuple(wanted)}

    def rows(sql: str):
        stmt = sa.text(sql).bindparams(sa.bindparam("schemas", expanding=True))
        return connection.execute(stmt, params).all()

    tables = rows(tableinfo.TABLES_SQL)
    collations = {(t[0], t[1]): t[2] for t in tables}
    tableinfo.remember_defaults(connection.dialect, default_engine,
                               {key(t[0]): t[5] for t in tables if t[0] != current})
    version = connection.dialect.server_version_info or (0,)
    if mariadb or version >= (8, 0, 16):
        check_rows = rows(constraints_.MARIADB_CHECKS_SQL if mariadb else constraints_.MYSQL_CHECKS_SQL)
    else:
        check_rows = []
    checks, json_checks = constraints_.read_checks(check_rows)
    cols = columns_.read_columns(rows(columns_.COLUMNS_SQL), collations, json_checks, mariadb, drops_widths)
    keys = indexes_.read_keys(rows(indexes_.STATISTICS_SQL), descending)
    fks = constraints_.read_foreign_keys(rows(constraints_.FOREIGN_KEYS_SQL), key)

    by_schema: dict[str, dict[str, s.Table]] = {}
    nothing = indexes_.TableKeys()
    for schema, table, collation, comment, engine, schema_collation in tables:
        found = keys.get((schema, table), nothing)
        by_schema.setdefault(key(schema), {})[table] = s.Table(
            name=table,
            columns=tuple(cols.get((schema, table), ())),
            primary_key=found.primary_key,
            foreign_keys=tuple(fks.get((schema, table), ())),
            unique_constraints=tuple(found.unique_constraints),
            check_constraints=tuple(checks.get((schema, table), ())),
            indexes=tuple(found.indexes),
            comment=comment or None,
            options=tableinfo.relative_options(engine, collation, default_engine, schema_collation),
        )
    return s.Snapshot(
        dialect=name,
        default_schema=DEFAULT_SCHEMA,
        schemas={schema: s.Schema(name=schema, tables=tables_) for schema, tables_ in by_schema.items()},
    )
