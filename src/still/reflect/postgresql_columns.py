"""Reflection of PostgreSQL columns: type spelling, defaults, SERIAL and identity columns,
generated columns, collations and comments, for every table in one query."""

from __future__ import annotations

from dataclasses import dataclass, field

from still import snapshot as s
from still.reflect.postgresql_schemas import WANTED_TABLES_CTE, Scope
from still.reflect.postgresql_sequences import sequence_options

# The sequence a column owns: `i` for an identity column, `a` for SERIAL (`OWNED BY`).
# `is_default` says whether the column's default is exactly `nextval()` of it, which is
# what makes an owned sequence a SERIAL rather than a sequence that merely belongs to it.
COLUMNS_SQL = f"""{WANTED_TABLES_CTE}
SELECT a.attrelid, a.attnum, a.attname,
       pg_catalog.format_type(a.atttypid, a.atttypmod) AS type,
       bn.nspname AS type_schema, pg_catalog.quote_ident(bn.nspname) AS type_schema_quoted,
       a.attnotnull,
       pg_catalog.pg_get_expr(ad.adbin, ad.adrelid) AS default_sql,
       a.attidentity, a.attgenerated,
       CASE WHEN a.attcollation <> t.typcollation THEN co.collname END AS collation,
       d.description,
       os.oid AS seq_oid, os.deptype AS seq_deptype, os.is_default AS seq_is_default,
       os.seqtype, os.seqstart, os.seqincrement, os.seqmin, os.seqmax, os.seqcache,
       os.seqcycle
FROM wanted w
JOIN pg_catalog.pg_attribute a ON a.attrelid = w.oid AND a.attnum > 0 AND NOT a.attisdropped
JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
JOIN pg_catalog.pg_type bt
  ON bt.oid = CASE WHEN t.typcategory = 'A' AND t.typelem <> 0 THEN t.typelem ELSE t.oid END
JOIN pg_catalog.pg_namespace bn ON bn.oid = bt.typnamespace
LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
LEFT JOIN pg_catalog.pg_collation co ON co.oid = a.attcollation
LEFT JOIN pg_catalog.pg_description d
  ON d.objoid = a.attrelid AND d.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass
 AND d.objsubid = a.attnum
LEFT JOIN LATERAL (
    SELECT sc.oid, dep.deptype,
           COALESCE(pg_catalog.pg_get_expr(ad.adbin, ad.adrelid) = 'nextval('
                    || pg_catalog.quote_literal(sc.oid::pg_catalog.regclass::pg_catalog.text)
                    || '::regclass)', false) AS is_default,
           pg_catalog.format_type(sq.seqtypid, NULL) AS seqtype, sq.seqstart,
           sq.seqincrement, sq.seqmin, sq.seqmax, sq.seqcache, sq.seqcycle
    FROM pg_catalog.pg_depend dep
    JOIN pg_catalog.pg_class sc ON sc.oid = dep.objid AND sc.relkind = 'S'
    JOIN pg_catalog.pg_sequence sq ON sq.seqrelid = sc.oid
    WHERE (a.attidentity <> '' OR ad.adbin IS NOT NULL)  -- SERIAL or identity at all
      AND dep.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
      AND dep.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass
      AND dep.refobjid = a.attrelid AND dep.refobjsubid = a.attnum
      AND dep.deptype IN ('a', 'i')
    ORDER BY dep.deptype DESC, is_default DESC, sc.oid
    LIMIT 1
) os ON true
ORDER BY a.attrelid, a.attnum
"""


@dataclass
class Columns:
    columns: dict[int, list[s.Column]] = field(default_factory=dict)  # table oid -> columns
    names: dict[int, dict[int, str]] = field(default_factory=dict)  # table oid -> attnum -> name
    owned_sequences: set[int] = field(default_factory=set)  # behind SERIAL/identity columns


def read_columns(scope: Scope) -> Columns:
    out = Columns()
    for row in scope.rows(COLUMNS_SQL):
        (relid, attnum, name, type_, type_schema, type_schema_quoted, notnull, default,
         identity_kind, generated, collation, comment, seq_oid, seq_deptype, seq_is_default,
         seqtype, start, increment, minvalue, maxvalue, cache, cycle) = row
        out.names.setdefault(relid, {})[attnum] = name
        identity = computed = None
        autoincrement = False
        if identity_kind in ("a", "d") and seq_deptype == "i":
            identity = s.Identity(always=identity_kind == "a", cycle=cycle, **sequence_options(
                seqtype, start, increment, minvalue, maxvalue, cache))
            out.owned_sequences.add(seq_oid)
        elif seq_deptype == "a" and seq_is_default:
            # SERIAL: the owned sequence and its nextval() are how PostgreSQL spells it
            autoincrement = True
            default = None
            out.owned_sequences.add(seq_oid)
        if generated:
            computed = s.Computed(expression=scope.expression(default), persisted=generated == "s")
            default = None
        out.columns.setdefault(relid, []).append(s.Column(
            name=name,
            type=spelled_type(type_, type_schema, type_schema_quoted),
            nullable=not notnull,
            default=scope.default(default),
            autoincrement=autoincrement,
            identity=identity,
            computed=computed,
            comment=comment,
            collation=collation,
        ))
    return out


def spelled_type(formatted: str, schema: str, schema_quoted: str) -> str:
    """`format_type` output, made independent of the session's search_path.

    format_type qualifies a user-defined type (enum, domain, extension type) only when it
    is not visible on the search_path; the snapshot qualifies it exactly when it lives
    outside `public`, whatever the session's path.
    """
    if schema == "pg_catalog":
        return formatted
    prefix = schema_quoted + "."
    if formatted.startswith(prefix):
        formatted = formatted[len(prefix):]
    return formatted if schema == "public" else prefix + formatted
