"""Reflection of PostgreSQL schemas (namespaces) and tables, and the scope every other
catalog query of one reflection is limited to."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterable, Optional

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from still.reflect.postgresql_literals import is_numeric

DEFAULT_SCHEMA = "public"

# The session's search_path rides along: it decides how pg_get_expr qualifies names.
SYSTEM_SCHEMAS_SQL = """
SELECT n.oid, n.nspname, pg_catalog.current_setting('search_path') AS search_path,
       pg_catalog.current_schemas(false)::pg_catalog.text[] AS effective_path
FROM pg_catalog.pg_namespace n
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\\_toast%'
  AND n.nspname NOT LIKE 'pg\\_temp\\_%'
"""

# The relations reflected as tables: ordinary and partitioned tables in the wanted schemas,
# leaving out those an extension owns (PostGIS's spatial_ref_sys is not the user's table).
TABLES_IN_SCOPE = """
c.relkind IN ('r', 'p')
AND c.relnamespace = ANY (CAST(:nsp AS pg_catalog.oid[]))
AND NOT EXISTS (
    SELECT 1 FROM pg_catalog.pg_depend e
    WHERE e.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
      AND e.objid = c.oid AND e.deptype = 'e')
"""

# Later queries start from the tables TABLES_SQL found, passed back as an array of oids
# (`Scope.found_tables`): every query covers the same tables, none works the set out again,
# and the planner knows how many there are.
WANTED_TABLES_CTE = """
WITH wanted AS MATERIALIZED (
    SELECT w.oid FROM pg_catalog.unnest(CAST(:tables AS pg_catalog.oid[])) AS w(oid)
)
"""

TABLES_SQL = f"""
SELECT c.oid, n.nspname, c.relname, d.description
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_description d
  ON d.objoid = c.oid AND d.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass
 AND d.objsubid = 0
WHERE {TABLES_IN_SCOPE}
"""


def read_schemas(connection: Connection,
                 schemas: Optional[Iterable[str]]) -> tuple[dict[int, str], Optional[tuple]]:
    """oid -> name of every non-system schema, or of those named in `schemas`; and the
    session's (search_path setting, effective path), None when there is nothing to read."""
    sql = SYSTEM_SCHEMAS_SQL
    params = {}
    if schemas is not None:
        sql += "  AND n.nspname = ANY (CAST(:names AS pg_catalog.text[]))\n"
        params["names"] = text_array(schemas)
    rows = connection.execute(sa.text(sql), params).all()
    path = (rows[0][2], list(rows[0][3])) if rows else None
    return {row[0]: row[1] for row in rows}, path


@contextmanager
def public_search_path(connection: Connection, path: Optional[tuple]):
    """Run the catalog queries with search_path = public, the path a snapshot is written
    for: pg_get_expr qualifies every name outside the path (`nextval('public.s')`), so
    another path would make the same schema read differently. In the usual session the
    path already is just public and nothing is executed."""
    if path is None or path[1] == [DEFAULT_SCHEMA]:
        yield
        return
    setting = "SELECT pg_catalog.set_config('search_path', :path, false)"
    connection.execute(sa.text(setting), {"path": DEFAULT_SCHEMA})
    try:
        yield
    except BaseException:
        # after a database error the transaction is aborted and its rollback undoes the
        # SET; only a failure on our side leaves a live transaction to restore
        try:
            connection.execute(sa.text(setting), {"path": path[0]})
        except Exception:
            pass
        raise
    connection.execute(sa.text(setting), {"path": path[0]})


class Scope:
    """The connection and the schemas one reflection covers, shared by every query."""

    def __init__(self, connection: Connection, schemas: dict[int, str]):
        self.connection = connection
        self.schemas = schemas
        self.server_version = connection.dialect.server_version_info or (0,)
        self.params = {"nsp": "{" + ",".join(str(oid) for oid in schemas) + "}",
                       "tables": "{}"}
        self._expressions: dict[str, str] = {}
        self._defaults: dict[tuple[str, bool], Optional[str]] = {}
        self._index_elements: dict[tuple, object] = {}

    def index_element(self, column: Optional[str], expression: Optional[str], descending: bool,
                      nulls: Optional[str], opclass: Optional[str] = None):
        """The IndexElement with these values; equal ones are one object (immutable)."""
        key = (column, expression, descending, nulls, opclass)
        found = self._index_elements.get(key)
        if found is None:
            from still.snapshot import IndexElement

            found = self._index_elements[key] = IndexElement(
                column=column, expression=expression, descending=descending, nulls=nulls,
                opclass=opclass)
        return found

    def found_tables(self, oids: Iterable[int]) -> None:
        """The tables the queries after TABLES_SQL read (WANTED_TABLES_CTE)."""
        self.params["tables"] = "{" + ",".join(str(oid) for oid in oids) + "}"

    def rows(self, sql: str, **params):
        return self.connection.execute(sa.text(sql), {**self.params, **params}).all()

    def expression(self, text: str) -> str:
        """sqlexpr.normalize, once per distinct text: schemas repeat their expressions."""
        if text not in self._expressions:
            from still.sqlexpr import normalize

            self._expressions[text] = normalize(text)
        return self._expressions[text]

    def default(self, text: Optional[str], type_name: str) -> Optional[str]:
        """sqlexpr.normalize_default, once per distinct text and kind of column."""
        if text is None:
            return None
        key = (text, is_numeric(type_name))
        if key not in self._defaults:
            from still.sqlexpr import normalize_default

            self._defaults[key] = normalize_default(text, numeric=key[1])
        return self._defaults[key]


@dataclass(frozen=True)
class TableRow:
    oid: int
    schema: str
    name: str
    comment: Optional[str]


def read_tables(scope: Scope) -> list[TableRow]:
    tables = [TableRow(*row) for row in scope.rows(TABLES_SQL)]
    scope.found_tables(table.oid for table in tables)
    return tables


def text_array(values: Iterable[str]) -> str:
    """A PostgreSQL array literal of strings, so that any driver can pass it as one text."""
    quoted = ('"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"' for v in values)
    return "{" + ",".join(quoted) + "}"
