"""A database's schema and rows as its own catalogs report them, for comparing two
databases reached by different tools: PostgreSQL's pg_catalog and information_schema
(columns, constraints, indexes, sequences with their options, enum labels in order,
domains with their base type, default, collation and checks, comments), SQLite's
PRAGMAs, MySQL's SHOW CREATE TABLE (which carries comments, ENUM values and checks). The version tables (and still's logs) are left out (their rows are compared apart)."""

from __future__ import annotations

import re

import sqlalchemy as sa

# with the applied-revisions logs still writes beside them
VERSION_TABLES = ("alembic_version", "still_version", "alembic_version_log", "still_version_log")


def catalog(url: str, rows_of: tuple[str, ...] = ()) -> dict:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            quote = conn.dialect.identifier_preparer.quote
            found = {"postgresql": _postgresql, "mysql": _mysql}.get(conn.dialect.name, _sqlite)(conn)
            present = set(sa.inspect(conn).get_table_names())
            for table in (t for t in rows_of if t in present):
                found[f"rows {table}"] = sorted(tuple(map(str, r)) for r in
                                                conn.exec_driver_sql(f"SELECT * FROM {quote(table)}"))
            return found
    finally:
        engine.dispose()


def _postgresql(conn) -> dict:
    def rows(sql: str) -> list:
        return sorted(tuple(r) for r in conn.exec_driver_sql(sql))

    skip = ", ".join(f"'{t}'" for t in VERSION_TABLES)
    return {
        "columns": rows(f"""SELECT c.relname, a.attname, a.attnum, format_type(a.atttypid, a.atttypmod),
                                   a.attnotnull, pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated
                            FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
                            LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                            WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'
                              AND a.attnum > 0 AND NOT a.attisdropped AND c.relname NOT IN ({skip})"""),
        # PostgreSQL 18 keeps NOT NULL as named constraints (`<table>_<column>_not_null`);
        # whether a column is NOT NULL is compared above (attnotnull), their names are not:
        # still neither reads nor renames them, so a table it renames keeps the old table's
        # (a known gap, shown by tests/diff/test_not_null_names.py, xfail strict)
        "constraints": rows(f"""SELECT conrelid::regclass::text, CASE WHEN contype = 'n' THEN '' ELSE conname END,
                                       contype, pg_get_constraintdef(oid)
                                FROM pg_constraint WHERE connamespace = 'public'::regnamespace
                                  AND conrelid::regclass::text NOT IN ({skip})"""),
        "indexes": rows(f"""SELECT tablename, indexname, indexdef FROM pg_indexes
                            WHERE schemaname = 'public' AND tablename NOT IN ({skip})"""),
        "sequences": rows("SELECT sequencename, data_type::text, start_value, min_value, max_value, increment_by, "
                          "cycle, cache_size FROM pg_sequences WHERE schemaname = 'public'"),
        "types": rows("""SELECT t.typname, t.typtype FROM pg_type t
                         WHERE t.typnamespace = 'public'::regnamespace AND t.typtype IN ('e', 'd')"""),
        # an enum's labels in their order
        "enums": rows("""SELECT t.typname, string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)
                         FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
                         WHERE t.typnamespace = 'public'::regnamespace GROUP BY t.typname"""),
        # a domain's base type, NOT NULL, default, collation and checks
        "domains": rows("""SELECT t.typname, format_type(t.typbasetype, t.typtypmod), t.typnotnull, t.typdefault,
                                  coll.collname,
                                  (SELECT string_agg(c.conname || ' ' || pg_get_constraintdef(c.oid), '; '
                                                     ORDER BY c.conname)
                                   FROM pg_constraint c WHERE c.contypid = t.oid)
                           FROM pg_type t LEFT JOIN pg_collation coll ON coll.oid = t.typcollation
                           WHERE t.typnamespace = 'public'::regnamespace AND t.typtype = 'd'"""),
        # comments on tables ('') and columns, by the column's name (its position moves when a
        # plan adds it again at the end)
        "comments": rows(f"""SELECT c.relname, COALESCE(a.attname, ''), d.description FROM pg_description d
                             JOIN pg_class c ON c.oid = d.objoid AND d.classoid = 'pg_class'::regclass
                             LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.objsubid
                                 AND d.objsubid > 0
                             WHERE c.relnamespace = 'public'::regnamespace AND c.relname NOT IN ({skip})"""),
    }


def _mysql(conn) -> dict:
    tables = [r[0] for r in conn.exec_driver_sql(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY table_name")
        if r[0] not in VERSION_TABLES]
    found: dict = {"tables": tables}
    for table in tables:
        text = conn.exec_driver_sql(f"SHOW CREATE TABLE `{table.replace('`', '``')}`").one()[1]
        # the next AUTO_INCREMENT value counts rows ever inserted, not schema; lines are
        # compared in any order, so without the comma that only the last one lacks
        found[f"table {table}"] = sorted(line.rstrip(",") for line in
                                         re.sub(r" AUTO_INCREMENT=\d+", "", text).splitlines())
    return found


def _sqlite(conn) -> dict:
    tables = [r[0] for r in conn.exec_driver_sql(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        if r[0] not in VERSION_TABLES]
    found: dict = {"tables": tables}
    for table in tables:
        q = table.replace('"', '""')
        found[f"columns {table}"] = [tuple(r) for r in conn.exec_driver_sql(f'PRAGMA table_info("{q}")')]
        found[f"foreign keys {table}"] = sorted(tuple(r)[2:] for r in
                                                conn.exec_driver_sql(f'PRAGMA foreign_key_list("{q}")'))
        indexes = []
        for ix in conn.exec_driver_sql(f'PRAGMA index_list("{q}")'):
            name, unique, origin, partial = ix[1], ix[2], ix[3], ix[4]
            columns = tuple(r[2] for r in conn.exec_driver_sql(f'PRAGMA index_info("{name}")'))
            # automatic indexes are named by SQLite after their order of creation
            indexes.append((None if name.startswith("sqlite_autoindex_") else name, unique, origin, partial, columns))
        found[f"indexes {table}"] = sorted(indexes, key=repr)
        sql = conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?",
                                   (table,)).scalar()
        found[f"check clauses {table}"] = sorted(sqlite_checks(sql))
    return found


_CONSTRAINT_NAME = re.compile(r'CONSTRAINT\s+("(?:[^"]|"")+"|`[^`]+`|\[[^\]]+\]|\w+)\s*$', re.I)


def sqlite_checks(sql: str) -> list[tuple]:
    """(name or None, expression with its spaces collapsed) of each CHECK in a CREATE TABLE
    text as SQLite keeps it: SQLite has no catalog of them, only this text. Read here with a
    scanner of its own (quotes and nested parentheses), not with still's parser."""
    out, i, n = [], 0, len(sql)
    while i < n:
        ch = sql[i]
        if ch in "'\"`[":  # a quoted literal or name: skipped whole
            close = "]" if ch == "[" else ch
            j = i + 1
            while j < n and not (sql[j] == close and (close == "]" or sql[j + 1:j + 2] != close)):
                j += 2 if sql[j] == close else 1
            i = j + 1
            continue
        if sql[i:i + 5].upper() == "CHECK" and (i == 0 or not (sql[i - 1].isalnum() or sql[i - 1] == "_")) \
                and not (sql[i + 5:i + 6].isalnum() or sql[i + 5:i + 6] == "_"):
            start = sql.index("(", i + 5)
            depth, j = 0, start
            while True:
                c = sql[j]
                if c in "'\"`":
                    j = sql.index(c, j + 1)
                    while sql[j + 1:j + 2] == c:  # a doubled quote inside
                        j = sql.index(c, j + 2)
                elif c == "(":
                    depth += 1
                elif c == ")":
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            named = _CONSTRAINT_NAME.search(sql[:i].rstrip())
            name = named.group(1).strip('"`[]').replace('""', '"') if named else None
            out.append((name, " ".join(sql[start + 1:j].split())))
            i = j + 1
            continue
        i += 1
    return out


def differences(left: dict, right: dict) -> list[str]:
    out = []
    for key in sorted(set(left) | set(right)):
        a, b = left.get(key), right.get(key)
        if a != b:
            if isinstance(a, list) and isinstance(b, list):
                only_a = [x for x in a if x not in b]
                only_b = [x for x in b if x not in a]
                out.append(f"{key}: only left {only_a}; only right {only_b}")
            else:
                out.append(f"{key}: {a!r} != {b!r}")
    return out


def version_rows(url: str, table: str = "alembic_version") -> list:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        rows = sorted(r[0] for r in conn.exec_driver_sql(f"SELECT version_num FROM {table}"))
    engine.dispose()
    return rows
