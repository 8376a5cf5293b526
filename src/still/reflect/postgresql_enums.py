"""Reflection of PostgreSQL enum types, their labels in declared order."""

from __future__ import annotations

from still import snapshot as s
from still.reflect.postgresql_schemas import Scope

ENUMS_SQL = """
SELECT n.nspname, t.typname,
       ARRAY(SELECT e.enumlabel::pg_catalog.text FROM pg_catalog.pg_enum e
             WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder) AS labels
FROM pg_catalog.pg_type t
JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
WHERE t.typtype = 'e'
  AND t.typnamespace = ANY (CAST(:nsp AS pg_catalog.oid[]))
  AND NOT EXISTS (
      SELECT 1 FROM pg_catalog.pg_depend e
      WHERE e.classid = 'pg_catalog.pg_type'::pg_catalog.regclass
        AND e.objid = t.oid AND e.deptype = 'e')
"""


def read_enums(scope: Scope) -> dict[str, dict[str, s.Enum]]:
    out: dict[str, dict[str, s.Enum]] = {}
    for schema, name, labels in scope.rows(ENUMS_SQL):
        out.setdefault(schema, {})[name] = s.Enum(name=name, values=tuple(labels))
    return out
