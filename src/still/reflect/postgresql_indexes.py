"""Reflection of PostgreSQL indexes: keys and key expressions with their sort order and
operator class, INCLUDE columns, partial predicates, access methods and NULLS NOT
DISTINCT, for every table in one query. Indexes that back a primary key or unique
constraint belong to that constraint and are left out; the index behind an EXCLUDE
constraint is that constraint's definition, so the same query reads it (with the
constraint's operators and deferrability) as an ExcludeConstraint."""

from __future__ import annotations

from dataclasses import dataclass, field

from still import snapshot as s
from still.reflect.postgresql_schemas import WANTED_TABLES_CTE, Scope

# The key expressions come from unnest(indkey) rather than generate_series(1, indnkeyatts):
# the planner guesses 1,000 rows for a generate_series over a column, which makes this
# query look costly enough to JIT-compile (20 ms of the server's time on 1,000 tables).
# An operator class is named only when it is not its type's default or has parameters
# (`tsvector_ops(siglen=100)`, kept in the index column's attoptions), as pg_get_indexdef
# names it; indclass lists the key columns alone.
INDEXES_SQL = """{wanted}
SELECT i.indrelid, ic.relname, i.indisunique, i.indnkeyatts,
       i.indkey::pg_catalog.int2[] AS keys, i.indoption::pg_catalog.int2[] AS options,
       ARRAY(SELECT CASE WHEN k.attnum = 0
                         THEN pg_catalog.pg_get_indexdef(i.indexrelid, k.n::pg_catalog.int4, true)
                    END
             FROM pg_catalog.unnest(i.indkey::pg_catalog.int2[]) WITH ORDINALITY AS k(attnum, n)
             WHERE k.n <= i.indnkeyatts
             ORDER BY k.n) AS expressions,
       ARRAY(SELECT CASE WHEN NOT opc.opcdefault OR a.attoptions IS NOT NULL
                         THEN opc.opcname::pg_catalog.text || COALESCE(
                              '(' || pg_catalog.array_to_string(a.attoptions, ',') || ')', '')
                    END
             FROM pg_catalog.unnest(i.indclass::pg_catalog.oid[]) WITH ORDINALITY AS k(oid, n)
             JOIN pg_catalog.pg_opclass opc ON opc.oid = k.oid
             LEFT JOIN pg_catalog.pg_attribute a
               ON a.attrelid = i.indexrelid AND a.attnum = k.n::pg_catalog.int2
             ORDER BY k.n) AS opclasses,
       pg_catalog.pg_get_expr(i.indpred, i.indrelid, true) AS predicate,
       am.amname, {nulls_not_distinct} AS nulls_not_distinct,
       x.conname, x.condeferrable, x.condeferred,
       ARRAY(SELECT o.oprname::pg_catalog.text
             FROM pg_catalog.unnest(x.conexclop) WITH ORDINALITY AS k(oid, n)
             JOIN pg_catalog.pg_operator o ON o.oid = k.oid
             ORDER BY k.n) AS operators
FROM pg_catalog.pg_index i
JOIN wanted w ON w.oid = i.indrelid
JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
JOIN pg_catalog.pg_am am ON am.oid = ic.relam
LEFT JOIN pg_catalog.pg_constraint x
  ON x.conindid = i.indexrelid AND x.conrelid = i.indrelid AND x.contype = 'x'
WHERE NOT EXISTS (
      SELECT 1 FROM pg_catalog.pg_constraint con
      WHERE con.conindid = i.indexrelid AND con.conrelid = i.indrelid
        AND con.contype IN ('p', 'u'))
"""

INDOPTION_DESC = 1
INDOPTION_NULLS_FIRST = 2


@dataclass
class TableIndexes:
    indexes: list[s.Index] = field(default_factory=list)
    exclude_constraints: list[s.ExcludeConstraint] = field(default_factory=list)


def indexes_sql(server_version: tuple) -> str:
    nnd = "i.indnullsnotdistinct" if server_version >= (15,) else "false"
    return INDEXES_SQL.format(nulls_not_distinct=nnd, wanted=WANTED_TABLES_CTE)


def read_indexes(scope: Scope, names: dict[int, dict[int, str]]) -> dict[int, TableIndexes]:
    out: dict[int, TableIndexes] = {}
    for (relid, name, unique, n_keys, keys, options, expressions, opclasses, predicate, method,
         nulls_nd, exclude_name, deferrable, deferred, operators) \
            in scope.rows(indexes_sql(scope.server_version)):
        attnames = names.get(relid, {})
        elements = []
        for attnum, option, expression, opclass in zip(keys[:n_keys], options, expressions,
                                                       opclasses):
            descending = bool(option & INDOPTION_DESC)
            nulls_first = bool(option & INDOPTION_NULLS_FIRST)
            # only the non-default null ordering is kept: FIRST is DESC's default
            nulls = None
            if nulls_first != descending:
                nulls = "first" if nulls_first else "last"
            if attnum:
                elements.append(scope.index_element(attnames[attnum], None, descending, nulls,
                                                    opclass))
            else:
                elements.append(scope.index_element(None, scope.expression(expression),
                                                    descending, nulls, opclass))
        where = scope.expression(predicate) if predicate is not None else None
        found = out.get(relid)
        if found is None:
            found = out[relid] = TableIndexes()
        if exclude_name is not None:
            found.exclude_constraints.append(s.ExcludeConstraint(
                name=exclude_name,
                elements=tuple(s.ExcludeElement(**e.model_dump(), operator=op)
                               for e, op in zip(elements, operators)),
                method=method,
                where=where,
                deferrable=deferrable,
                initially=("DEFERRED" if deferred else "IMMEDIATE") if deferrable else None,
            ))
            continue
        found.indexes.append(s.Index(
            name=name,
            elements=tuple(elements),
            unique=unique,
            where=where,
            include=tuple(attnames[k] for k in keys[n_keys:]),
            method=None if method == "btree" else method,
            nulls_not_distinct=nulls_nd,
        ))
    return out
