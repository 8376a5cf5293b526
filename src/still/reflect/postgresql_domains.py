"""Reflection of PostgreSQL domains: base type, default, NOT NULL, CHECKs and collation,
for every schema in one query."""

from __future__ import annotations

from still import snapshot as s
from still.reflect.postgresql_columns import spelled_type
from still.reflect.postgresql_schemas import Scope

# A domain's CHECKs are pg_constraint rows with contypid set (contype 'c'; from PostgreSQL
# 17 a NOT NULL is one too, as contype 'n', and typnotnull says it already). The base
# type's schema (its element's for an array) qualifies its name as for a column.
DOMAINS_SQL = """
SELECT n.nspname, t.typname,
       pg_catalog.format_type(t.typbasetype, t.typtypmod) AS type,
       en.nspname AS type_schema, pg_catalog.quote_ident(en.nspname) AS type_schema_quoted,
       t.typnotnull,
       pg_catalog.pg_get_expr(t.typdefaultbin, 0) AS default_sql,
       CASE WHEN t.typcollation <> b.typcollation THEN co.collname END AS collation,
       ARRAY(SELECT ARRAY[c.conname::pg_catalog.text, pg_catalog.pg_get_expr(c.conbin, 0)]
             FROM pg_catalog.pg_constraint c
             WHERE c.contypid = t.oid AND c.contype = 'c'
             ORDER BY c.conname) AS checks
FROM pg_catalog.pg_type t
JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
JOIN pg_catalog.pg_type b ON b.oid = t.typbasetype
JOIN pg_catalog.pg_type e
  ON e.oid = CASE WHEN b.typcategory = 'A' AND b.typelem <> 0 THEN b.typelem ELSE b.oid END
JOIN pg_catalog.pg_namespace en ON en.oid = e.typnamespace
LEFT JOIN pg_catalog.pg_collation co ON co.oid = t.typcollation
WHERE t.typtype = 'd'
  AND t.typnamespace = ANY (CAST(:nsp AS pg_catalog.oid[]))
  AND NOT EXISTS (
      SELECT 1 FROM pg_catalog.pg_depend x
      WHERE x.classid = 'pg_catalog.pg_type'::pg_catalog.regclass
        AND x.objid = t.oid AND x.deptype = 'e')
"""


def read_domains(scope: Scope) -> dict[str, dict[str, s.Domain]]:
    out: dict[str, dict[str, s.Domain]] = {}
    for (schema, name, type_, type_schema, type_schema_quoted, notnull, default, collation,
         checks) in scope.rows(DOMAINS_SQL):
        type_ = spelled_type(type_, type_schema, type_schema_quoted)
        out.setdefault(schema, {})[name] = s.Domain(
            name=name,
            type=type_,
            not_null=notnull,
            default=scope.default(default, type_),
            checks=tuple(s.CheckConstraint(name=check_name, expression=scope.expression(sql))
                         for check_name, sql in checks or ()),
            collation=collation,
        )
    return out
