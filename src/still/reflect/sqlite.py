"""Live SQLite database -> Snapshot, from table-valued pragmas and the stored DDL text.

Four queries whatever the number of tables: `sqlite_master` (names and the stored
`CREATE` text), then `pragma_table_xinfo`, `pragma_foreign_key_list` and
`pragma_index_xinfo` each joined with `sqlite_master`, so every table is read in the same
statement. What the pragmas do not report (constraint names, CHECKs, DEFERRABLE, COLLATE,
generated columns, index expressions and predicates) is read from the stored text by
`sqlite_ddl`.

Only the `main` database is read; attached databases, `sqlite_*` internal tables and
virtual tables are left out.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from typing import Iterable, Optional

from sqlalchemy.engine import Connection

from still import snapshot as s
from still.reflect import sqlite_ddl as ddl
from still.written import remember

SCHEMA = "main"

# Tables the user made: not SQLite's own, not virtual (their modules may be missing).
_USER_TABLES = (
    "m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
    "AND coalesce(m.sql, '') NOT LIKE 'CREATE VIRTUAL%'"
)
_MASTER = (
    "SELECT m.type, m.name, m.tbl_name, m.sql FROM main.sqlite_master m "
    "WHERE m.type IN ('table', 'index') AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
    "AND coalesce(m.sql, '') NOT LIKE 'CREATE VIRTUAL%'"
)
_COLUMNS = (
    "SELECT m.name, p.cid, p.name, p.type, p.\"notnull\", p.dflt_value, p.pk, p.hidden "
    "FROM main.sqlite_master m JOIN pragma_table_xinfo(m.name, 'main') p "
    f"WHERE {_USER_TABLES} ORDER BY m.name, p.cid"
)
_FOREIGN_KEYS = (
    "SELECT m.name, f.id, f.seq, f.\"table\", f.\"from\", f.\"to\", f.on_update, f.on_delete "
    "FROM main.sqlite_master m JOIN pragma_foreign_key_list(m.name, 'main') f "
    f"WHERE {_USER_TABLES} ORDER BY m.name, f.id, f.seq"
)
# The indexes CREATE INDEX made (origin 'c') are those with a stored text, which SQLite
# writes from `CREATE INDEX` or `CREATE UNIQUE INDEX` on (build.c): listed from
# sqlite_master, they need no pragma_index_list per table, and uniqueness is read off that
# text (a third of this query's time at 1,000 tables).
_INDEXES = (
    "SELECT i.tbl_name, i.name, ix.seqno, ix.cid, ix.name, ix.\"desc\" "
    "FROM main.sqlite_master i JOIN pragma_index_xinfo(i.name, 'main') ix "
    "WHERE i.type = 'index' AND i.sql IS NOT NULL AND i.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
    "AND ix.key = 1 ORDER BY i.tbl_name, i.name, ix.seqno"
)

_NO_OPTIONS, _AUTOINCREMENT = s.TableOptions(), s.TableOptions(autoincrement=True)
_SPACES = re.compile(r"\s+")
_GENERATED_SUFFIX = re.compile(r"\s*GENERATED\s+ALWAYS\s*$")  # SQLite < 3.31 left it in


# -- canonical spellings, shared with declare/sqlite.py -----------------------------------
@functools.lru_cache(maxsize=4096)
def canonical_type(text: Optional[str]) -> str:
    """`numeric( 10 ,3 )` -> `NUMERIC(10, 3)`: upper case, one space after commas, none
    around parentheses, runs of spaces as one."""
    text = _SPACES.sub(" ", (text or "").upper()).strip()
    text = _GENERATED_SUFFIX.sub("", text)
    text = re.sub(r"\s*\(\s*", "(", text)
    text = re.sub(r"\s*\)", ")", text)
    return re.sub(r"\s*,\s*", ", ", text)


# Spellings SQLite treats as one type. Only exact synonyms: VARCHAR(10) and TEXT share an
# affinity but are different declarations to the people who wrote them.
_SYNONYMS = {"INT": "INTEGER", "BOOL": "BOOLEAN", "DOUBLE PRECISION": "DOUBLE"}


def equivalent_types(a: str, b: str) -> bool:
    """Whether two canonical type spellings mean the same type (the diff's hook)."""
    return _SYNONYMS.get(a, a) == _SYNONYMS.get(b, b)


def canonical_collation(name: Optional[str]) -> Optional[str]:
    # SQLite compares collation names without regard to case
    return name.upper() if name else None


def _sqlexpr():
    from still import sqlexpr

    return sqlexpr


@functools.lru_cache(maxsize=4096)
def expression(text: str) -> str:
    return _sqlexpr().normalize(text)


@functools.lru_cache(maxsize=4096)
def normalized_default(text: Optional[str], type_: str) -> Optional[str]:
    """The canonical default of a column of (canonical) type `type_`: a quoted number is
    the number only where the column's affinity converts it to one (INTEGER, REAL,
    NUMERIC); on a TEXT or BLOB column `'007'` stays a string, and `007` would be 7."""
    if text is None:
        return None
    return _sqlexpr().normalize_default(text, numeric=numeric_affinity(type_))


def numeric_affinity(type_: str) -> bool:
    """SQLite's affinity rules (datatype3.html, 3.1), in their order."""
    upper = type_.upper()
    if "INT" in upper:
        return True
    if "CHAR" in upper or "CLOB" in upper or "TEXT" in upper:
        return False
    if "BLOB" in upper or not upper.strip():
        return False
    return True  # REAL (REAL, FLOA, DOUB) or NUMERIC


# -- reading ----------------------------------------------------------------------------
def reflect(connection: Connection, schemas: Optional[Iterable[str]] = None) -> s.Snapshot:
    if schemas is not None and SCHEMA not in schemas:
        return s.Snapshot(dialect="sqlite", default_schema=SCHEMA)
    run = connection.exec_driver_sql

    table_sql: dict[str, Optional[str]] = {}
    index_sql: dict[str, Optional[str]] = {}
    for kind, name, _table, sql in run(_MASTER).fetchall():
        (table_sql if kind == "table" else index_sql)[name] = sql

    columns: dict[str, list[tuple]] = defaultdict(list)
    for row in run(_COLUMNS).fetchall():
        columns[row[0]].append(row[1:])
    fk_rows: dict[str, list[tuple]] = defaultdict(list)
    for row in run(_FOREIGN_KEYS).fetchall():
        fk_rows[row[0]].append(row[1:])
    index_rows: dict[str, dict[str, list[tuple]]] = defaultdict(lambda: defaultdict(list))
    for table, index, seqno, cid, colname, desc in run(_INDEXES).fetchall():
        unique = (index_sql.get(index) or "").startswith("CREATE UNIQUE ")
        index_rows[table][index].append((unique, cid, colname, bool(desc)))

    # Real names by lower-cased name, and primary keys: FKs may spell either differently
    real_tables = {name.lower(): name for name in columns}
    real_columns = {t: {r[1].lower(): r[1] for r in rows} for t, rows in columns.items()}
    primary_keys = {t: tuple(r[1] for r in sorted((r for r in rows if r[5]), key=lambda r: r[5]))
                    for t, rows in columns.items()}

    tables = {}
    seen_columns: dict[tuple, s.Column] = {}
    seen_elements: dict[tuple, s.IndexElement] = {}
    for name in columns:
        text = ddl.parse_create_table(table_sql.get(name))
        tables[name] = s.Table(
            name=name,
            columns=_columns(columns[name], text, seen_columns),
            primary_key=_primary_key(primary_keys[name], text),
            foreign_keys=_foreign_keys(fk_rows.get(name, ()), text, real_tables, real_columns,
                                       primary_keys),
            unique_constraints=_uniques(text, real_columns[name]),
            check_constraints=tuple(s.CheckConstraint(name=n, expression=remember(expression(e), e))
                                    for n, e in text.checks),
            indexes=_indexes(index_rows.get(name, {}), index_sql, seen_elements),
            options=_AUTOINCREMENT if text.autoincrement else _NO_OPTIONS,
        )
    if not tables:  # as declared: a schema appears when it holds something
        return s.Snapshot(dialect="sqlite", default_schema=SCHEMA)
    return s.Snapshot(dialect="sqlite", default_schema=SCHEMA,
                      schemas={SCHEMA: s.Schema(name=SCHEMA, tables=tables)})


def _columns(rows: list[tuple], text: ddl.TableText,
             seen: dict[tuple, s.Column]) -> tuple[s.Column, ...]:
    pk_rows = [r for r in rows if r[5]]
    rowid_alias = None
    if len(pk_rows) == 1 and not text.without_rowid:
        only = pk_rows[0]
        parsed = text.columns.get(only[1].lower())
        if canonical_type(only[2]) == "INTEGER" and not (parsed and parsed.primary_key_desc):
            rowid_alias = only[1]
    out = []
    for _cid, name, type_, notnull, default, _pk, hidden in rows:
        if hidden == 1:  # a virtual table's hidden column
            continue
        parsed = text.columns.get(name.lower())
        generated = parsed.generated if parsed else None
        collation = parsed.collation if parsed else None
        # schemas repeat whole columns: equal ones are one (immutable) object
        key = (name, type_, notnull, default, hidden, name == rowid_alias, generated, collation)
        column = seen.get(key)
        if column is None:
            computed = None
            if hidden in (2, 3):
                computed = s.Computed(expression=remember(expression(generated or ""), generated),
                                      persisted=hidden == 3)
            column = seen[key] = s.Column(
                name=name,
                type=canonical_type(type_),
                nullable=not notnull and name != rowid_alias,
                default=remember(normalized_default(default, type_), default),
                autoincrement=name == rowid_alias,
                computed=computed,
                collation=canonical_collation(collation),
            )
        out.append(column)
    return tuple(out)


def _primary_key(columns: tuple[str, ...], text: ddl.TableText) -> Optional[s.PrimaryKey]:
    if not columns:
        return None
    return s.PrimaryKey(name=text.primary_key_name, columns=columns)


def _uniques(text: ddl.TableText, real: dict[str, str]) -> tuple[s.UniqueConstraint, ...]:
    return tuple(
        s.UniqueConstraint(name=name, columns=tuple(real.get(c.lower(), c) for c in cols))
        for name, cols in text.uniques
    )


def _action(value: Optional[str]) -> Optional[str]:
    value = (value or "").upper()
    return None if value in ("", "NO ACTION") else value


def _foreign_keys(rows, text: ddl.TableText, real_tables, real_columns, primary_keys):
    by_id: dict[int, list[tuple]] = defaultdict(list)
    for row in rows:
        by_id[row[0]].append(row)
    # The pragma lists foreign keys last-declared first; pair each with its text (for the
    # name and DEFERRABLE) by columns and target, in that order.
    spoken: dict[tuple, list[ddl.ForeignKeyText]] = defaultdict(list)
    for fk in reversed(text.foreign_keys):
        spoken[(tuple(c.lower() for c in fk.columns), fk.table.lower())].append(fk)
    out = []
    for fk_id in sorted(by_id):
        parts = sorted(by_id[fk_id], key=lambda r: r[1])
        target_written = parts[0][2]
        target = real_tables.get(target_written.lower(), target_written)
        cols = tuple(r[3] for r in parts)
        if any(r[4] is None for r in parts):  # REFERENCES t: the target's primary key
            referred = primary_keys.get(target, ())
        else:
            known = real_columns.get(target, {})
            referred = tuple(known.get(r[4].lower(), r[4]) for r in parts)
        matches = spoken.get((tuple(c.lower() for c in cols), target_written.lower()))
        said = matches.pop(0) if matches else None
        out.append(s.ForeignKey(
            name=said.name if said else None,
            columns=cols,
            referred_schema=SCHEMA,
            referred_table=target,
            referred_columns=referred,
            ondelete=_action(parts[0][6]),
            onupdate=_action(parts[0][5]),
            deferrable=said.deferrable if said else False,
            initially=said.initially if said else None,
        ))
    return tuple(out)


def _indexes(found: dict[str, list[tuple]], index_sql: dict[str, Optional[str]],
             seen: dict[tuple, s.IndexElement]):
    out = []
    for name, keys in found.items():
        text = ddl.parse_create_index(index_sql.get(name))
        elements = []
        for position, (_unique, cid, column, desc) in enumerate(keys):
            tokens = text.keys[position] if position < len(text.keys) else []
            if cid >= 0 and (not tokens or ddl.bare_name(tokens) is not None):
                # tables repeat index keys (`parent_id`, `created_at DESC`): one object each
                element = seen.get((column, desc))
                if element is None:
                    element = seen[(column, desc)] = s.IndexElement(column=column, descending=desc)
                elements.append(element)
                continue
            written = ddl.expression_text(tokens) if tokens else "rowid"
            elements.append(s.IndexElement(expression=remember(expression(written), written), descending=desc))
        out.append(s.Index(
            name=name,
            elements=tuple(elements),
            unique=keys[0][0],
            where=remember(expression(text.where), text.where) if text.where else None,
        ))
    return tuple(out)
