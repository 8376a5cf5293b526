"""Reflection of PostgreSQL columns: type spelling, defaults, SERIAL and identity columns,
generated columns, collations and comments, for every table in one query."""

from __future__ import annotations

from dataclasses import dataclass, field

from still import snapshot as s
from still.canon.postgresql import own_sequence
from still.reflect.postgresql_schemas import WANTED_TABLES_CTE, Scope
from still.reflect.postgresql_sequences import sequence_options

# The sequences a column owns: `i` for an identity column, `a` for SERIAL (`OWNED BY`).
# They are read once for all tables and joined to the columns (a per-column subquery runs
# once per column with a default); a column owning several comes once per sequence, and
# `read_columns` keeps one (see `_owner`). Rows are sorted by table and column only: the
# few columns with several sequences are put in order by `_owner` (sorting every row by
# the sequence too costs the server a tenth of this query).
#
# A default is deparsed without its table (relid 0): a DEFAULT can name no column, and
# deparsing against the table would open it, which on a new connection costs more than
# all the rest of this query. A generated column's expression does name columns.
COLUMNS_SQL = f"""{WANTED_TABLES_CTE},
owned AS (
    SELECT dep.refobjid, dep.refobjsubid, sc.oid, dep.deptype,
           sc.oid::pg_catalog.regclass::pg_catalog.text AS seq_name, sc.relname AS seq_relname,
           pg_catalog.format_type(sq.seqtypid, NULL) AS seqtype, sq.seqstart,
           sq.seqincrement, sq.seqmin, sq.seqmax, sq.seqcache, sq.seqcycle
    FROM pg_catalog.pg_depend dep
    JOIN wanted w ON w.oid = dep.refobjid
    JOIN pg_catalog.pg_class sc ON sc.oid = dep.objid AND sc.relkind = 'S'
    JOIN pg_catalog.pg_sequence sq ON sq.seqrelid = sc.oid
    WHERE dep.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
      AND dep.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass
      AND dep.refobjsubid > 0
      AND dep.deptype IN ('a', 'i')
)
SELECT a.attrelid, a.attnum, a.attname,
       pg_catalog.format_type(a.atttypid, a.atttypmod) AS type,
       bn.nspname AS type_schema, pg_catalog.quote_ident(bn.nspname) AS type_schema_quoted,
       a.attnotnull,
       CASE WHEN a.attgenerated = '' THEN pg_catalog.pg_get_expr(ad.adbin, 0)
            ELSE pg_catalog.pg_get_expr(ad.adbin, ad.adrelid) END AS default_sql,
       a.attidentity, a.attgenerated,
       CASE WHEN a.attcollation <> t.typcollation THEN co.collname END AS collation,
       d.description,
       os.deptype AS seq_deptype,
       os.seqtype, os.seqstart, os.seqincrement, os.seqmin, os.seqmax, os.seqcache,
       os.seqcycle, os.oid AS seq_oid, os.seq_name, os.seq_relname
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
LEFT JOIN owned os ON os.refobjid = a.attrelid AND os.refobjsubid = a.attnum
ORDER BY a.attrelid, a.attnum
"""

# positions in a row
_DEFAULT, _SEQ_DEPTYPE, _SEQ_OID, _SEQ_NAME, _SEQ_RELNAME = 7, 12, 20, 21, 22
_SERIAL = object()  # a row's default when it calls its column's owned sequence, for _column


@dataclass
class Columns:
    columns: dict[int, list[s.Column]] = field(default_factory=dict)  # table oid -> columns
    names: dict[int, dict[int, str]] = field(default_factory=dict)  # table oid -> attnum -> name
    owned_sequences: set[int] = field(default_factory=set)  # behind SERIAL/identity columns


def read_columns(scope: Scope, tables: dict[int, str]) -> Columns:
    """The columns of the tables (oid -> name) the scope found."""
    out = Columns()
    names, columns, owned_sequences = out.names, out.columns, out.owned_sequences
    # Schemas repeat whole columns (`id`, `created_at`, ...): a row that reads like an
    # earlier one, but for its table, position and owned sequence, makes the same Column
    # (snapshots are immutable, so one object serves every table).
    seen: dict[tuple, tuple[s.Column, bool]] = {}
    rows = scope.rows(COLUMNS_SQL)
    current = table_names = table_columns = None
    for i, row in enumerate(rows):
        relid, attnum = row[0], row[1]
        if relid != current:
            current = relid
            table_names = names.setdefault(relid, {})
            table_columns = columns.setdefault(relid, [])
        elif attnum in table_names:
            continue  # a further sequence of the column before, weighed by _owner
        table_names[attnum] = row[2]
        deptype = row[_SEQ_DEPTYPE]
        if deptype is not None:
            if i + 1 < len(rows) and rows[i + 1][0] == relid and rows[i + 1][1] == attnum:
                row = _owner(rows, i)
                deptype = row[_SEQ_DEPTYPE]
            if deptype == "a" and _calls_nextval(row[_DEFAULT], row[_SEQ_NAME]):
                row = row[:_DEFAULT] + (_SERIAL,) + row[_DEFAULT + 1:]
        key = row[2:_SEQ_OID]  # all but table, position and sequence oid and name
        found = seen.get(key)
        if found is None:
            found = seen[key] = _column(scope, key)
        column, owns_sequence = found
        if owns_sequence:
            owned_sequences.add(row[_SEQ_OID])
            # a sequence made for the table under an old name (of table or column) keeps it
            kept = own_sequence(row[_SEQ_RELNAME], tables[relid], column.name)
            if kept is not None:
                column = column.model_copy(update={"sequence": kept})
        table_columns.append(column)
    return out


def _owner(rows, i: int):
    """Of the rows of one column (one per sequence it owns, from rows[i] on): the identity
    sequence's, else that of the sequence its default calls, else the oldest's."""
    relid, attnum = rows[i][0], rows[i][1]
    mine = []
    while i < len(rows) and rows[i][0] == relid and rows[i][1] == attnum:
        mine.append(rows[i])
        i += 1
    mine.sort(key=lambda row: (row[_SEQ_DEPTYPE] != "i", row[_SEQ_OID]))  # identity, then oldest
    if mine[0][_SEQ_DEPTYPE] == "i":
        return mine[0]
    return next((row for row in mine if _calls_nextval(row[_DEFAULT], row[_SEQ_NAME])), mine[0])


def _calls_nextval(default, sequence: str) -> bool:
    """Whether a default is exactly `nextval()` of the sequence (by its regclass text), as
    pg_get_expr prints it: the name quoted as a literal, quotes doubled, and backslashes
    too where standard_conforming_strings is off."""
    if default is None or not default.startswith("nextval("):
        return False
    literal = sequence.replace("'", "''")
    if default == f"nextval('{literal}'::regclass)":
        return True
    return "\\" in sequence and \
        default == "nextval('" + literal.replace("\\", "\\\\") + "'::regclass)"


def _column(scope: Scope, values: tuple) -> tuple[s.Column, bool]:
    """The Column a row describes (from its name on), and whether the column owns the
    row's sequence."""
    (name, type_, type_schema, type_schema_quoted, notnull, default, identity_kind, generated,
     collation, comment, seq_deptype, seqtype, start, increment, minvalue, maxvalue, cache,
     cycle) = values
    identity = computed = None
    autoincrement = owns_sequence = False
    if identity_kind in ("a", "d") and seq_deptype == "i":
        identity = s.Identity(always=identity_kind == "a", cycle=cycle, **sequence_options(
            seqtype, start, increment, minvalue, maxvalue, cache))
        owns_sequence = True
    elif seq_deptype == "a" and default is _SERIAL:
        # SERIAL: the owned sequence and its nextval() are how PostgreSQL spells it
        autoincrement = True
        default = None
        owns_sequence = True
    if generated:
        computed = s.Computed(expression=scope.expression(default), persisted=generated == "s")
        default = None
    type_ = spelled_type(type_, type_schema, type_schema_quoted)
    return s.Column(
        name=name,
        type=type_,
        nullable=not notnull,
        default=scope.default(default, type_),
        autoincrement=autoincrement,
        identity=identity,
        computed=computed,
        comment=comment,
        collation=collation,
    ), owns_sequence


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
