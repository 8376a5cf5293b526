"""Reflection of PostgreSQL table constraints: primary keys, unique constraints, foreign
keys and check constraints, for every table in one query (EXCLUDE constraints are read
with the indexes, which hold their definition)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from still import snapshot as s
from still.reflect.postgresql_schemas import WANTED_TABLES_CTE, Scope

# Referred column names come from the column names read for the reflected tables; a
# foreign key into a table outside them (another schema) gets them from that table's own
# attributes here.
CONSTRAINTS_SQL = """{wanted}
SELECT con.conrelid, con.conname, con.contype, con.conkey,
       con.confupdtype, con.confdeltype, con.condeferrable, con.condeferred, con.confmatchtype,
       rn.nspname AS referred_schema, rc.relname AS referred_table,
       con.confrelid, con.confkey,
       CASE WHEN con.contype = 'f'
             AND NOT con.confrelid = ANY (CAST(:tables AS pg_catalog.oid[]))
            THEN ARRAY(SELECT ra.attname::pg_catalog.text
                       FROM pg_catalog.unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
                       JOIN pg_catalog.pg_attribute ra
                         ON ra.attrelid = con.confrelid AND ra.attnum = k.attnum
                       ORDER BY k.ord) END AS referred_columns,
       CASE WHEN con.contype = 'c'
            THEN pg_catalog.pg_get_expr(con.conbin, con.conrelid) END AS check_sql,
       {nulls_not_distinct} AS nulls_not_distinct, {enforced} AS enforced
FROM pg_catalog.pg_constraint con
JOIN wanted w ON w.oid = con.conrelid
LEFT JOIN pg_catalog.pg_class rc ON rc.oid = con.confrelid
LEFT JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace
LEFT JOIN pg_catalog.pg_index ix ON ix.indexrelid = con.conindid AND con.contype = 'u'
WHERE con.contype IN ('p', 'u', 'f', 'c')
"""

FK_MATCH = {"s": None, "f": "FULL", "p": "PARTIAL"}
FK_ACTIONS = {"a": None, "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}


@dataclass
class TableConstraints:
    primary_key: Optional[s.PrimaryKey] = None
    foreign_keys: list[s.ForeignKey] = field(default_factory=list)
    unique_constraints: list[s.UniqueConstraint] = field(default_factory=list)
    check_constraints: list[s.CheckConstraint] = field(default_factory=list)


def constraints_sql(server_version: tuple) -> str:
    # UNIQUE NULLS NOT DISTINCT arrived in PostgreSQL 15
    nnd = "COALESCE(ix.indnullsnotdistinct, false)" if server_version >= (15,) else "false"
    # NOT ENFORCED (pg_constraint.conenforced) arrived in PostgreSQL 18
    enforced = "con.conenforced" if server_version >= (18,) else "true"
    return CONSTRAINTS_SQL.format(nulls_not_distinct=nnd, enforced=enforced, wanted=WANTED_TABLES_CTE)


def read_constraints(scope: Scope,
                     names: dict[int, dict[int, str]]) -> dict[int, TableConstraints]:
    out: dict[int, TableConstraints] = {}
    for row in scope.rows(constraints_sql(scope.server_version)):
        (relid, name, kind, keys, on_update, on_delete, deferrable, deferred, match,
         referred_schema, referred_table, referred_relid, referred_keys, referred_columns,
         check_sql, nulls_nd, enforced) = row
        found = out.get(relid)
        if found is None:
            found = out[relid] = TableConstraints()
        if keys:
            attnames = names[relid]
            columns = tuple([attnames[k] for k in keys])
        else:
            columns = ()
        initially = ("DEFERRED" if deferred else "IMMEDIATE") if deferrable else None
        if kind == "p":
            found.primary_key = s.PrimaryKey(name=name, columns=columns, deferrable=deferrable,
                                             initially=initially)
        elif kind == "u":
            found.unique_constraints.append(s.UniqueConstraint(
                name=name, columns=columns, nulls_not_distinct=nulls_nd, deferrable=deferrable,
                initially=initially))
        elif kind == "c":
            found.check_constraints.append(
                s.CheckConstraint(name=name, expression=scope.expression(check_sql), enforced=enforced))
        else:
            if referred_columns is None:  # a reflected table: its names are known
                referred = names[referred_relid]
                referred_columns = [referred[k] for k in referred_keys]
            found.foreign_keys.append(s.ForeignKey(
                name=name,
                columns=columns,
                referred_schema=referred_schema,
                referred_table=referred_table,
                referred_columns=tuple(referred_columns),
                ondelete=FK_ACTIONS[on_delete],
                onupdate=FK_ACTIONS[on_update],
                deferrable=deferrable,
                initially=initially,
                match=FK_MATCH[match],
                enforced=enforced,
            ))
    return out
