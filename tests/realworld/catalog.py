"""A database's schema read straight from its catalogs, independent of still and of Alembic.

`schema(url)` gives {"tables": {table: {"columns", "indexes", "constraints", "comment"}},
"enums", "sequences"}: PostgreSQL from pg_catalog (format_type, pg_get_expr, pg_get_indexdef,
pg_get_constraintdef), SQLite from its PRAGMAs and the CREATE text in sqlite_master (CHECK
clauses and partial-index WHERE clauses exist nowhere else), MySQL/MariaDB from information_schema
(COLUMNS with COLUMN_TYPE, STATISTICS, TABLE_CONSTRAINTS, KEY_COLUMN_USAGE,
REFERENTIAL_CONSTRAINTS, CHECK_CONSTRAINTS). On PostgreSQL an index that backs a constraint is the
constraint's (pg_get_constraintdef), and a sequence owned by a column (serial, identity) is
the column's: a serial's name is in its nextval() default, an identity's is read beside it. MySQL keeps no difference between a unique constraint and a unique index: a
unique key on whole columns in ascending order is read as a constraint (`UNIQUE (a, b)`), any
other key, and the index the server adds for a foreign key, as an index. `differences(a, b)` lists the
objects that differ, as keys still's operations can be matched with (see `op_keys`).

Column defaults are compared as the database evaluates them, with three equivalences and no
others: whitespace outside string literals is collapsed, and dropped next to parentheses and
commas (SQLite keeps the text as written);
on PostgreSQL `now()` is `CURRENT_TIMESTAMP` (both are transaction_timestamp()); on SQLite
a quoted number on a column of numeric affinity is that number (affinity converts the
default when a row is stored, e.g. BOOLEAN DEFAULT '0' stores 0). SQLite expressions (defaults,
CHECK clauses, partial-index WHERE clauses) are also compared in one letter case, SQLite
folding keywords and identifiers, and without parentheses around the whole expression; an
index's `ASC` (the default order) is dropped.
"""

from __future__ import annotations

import re
import sqlite3

import sqlalchemy as sa

PG_TABLES = """
SELECT c.oid, c.relname, obj_description(c.oid, 'pg_class') FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')"""
PG_COLUMNS = """
SELECT a.attrelid, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
       pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated,
       CASE WHEN a.attcollation <> t.typcollation THEN co.collname END,
       col_description(a.attrelid, a.attnum),
       CASE WHEN a.attidentity <> '' THEN pg_get_serial_sequence(a.attrelid::regclass::text, a.attname) END
FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
LEFT JOIN pg_collation co ON co.oid = a.attcollation
WHERE a.attnum > 0 AND NOT a.attisdropped AND a.attrelid = ANY(%(oids)s)"""
PG_INDEXES = """
SELECT i.indrelid, c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i
JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = ANY(%(oids)s)
AND NOT EXISTS (SELECT FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid)"""
PG_CONSTRAINTS = """
SELECT conrelid, conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = ANY(%(oids)s)"""
PG_ENUMS = """
SELECT t.typname, array_agg(e.enumlabel ORDER BY e.enumsortorder) FROM pg_type t
JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE n.nspname = 'public' GROUP BY t.typname"""
PG_SEQUENCES = """
SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND c.relkind = 'S' AND NOT EXISTS (
  SELECT FROM pg_depend d WHERE d.objid = c.oid AND d.refobjsubid > 0 AND d.deptype IN ('a', 'i'))"""


def schema(url: str) -> dict:
    """The schema by the catalogs, without Alembic's version table: it belongs to the
    migration tool, not to the models (still leaves it out of every comparison)."""
    if url.startswith("sqlite"):
        found = _sqlite(url.split(":///", 1)[1])
    else:
        found = _mysql(url) if url.startswith("mysql") else _postgresql(url)
    found["tables"].pop("alembic_version", None)
    found["tables"].pop("alembic_version_log", None)  # still's applied-revisions log
    return found


def _postgresql(url: str) -> dict:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        rows = lambda sql, **params: raw.execute(sql, params).fetchall()
        names, tables = {}, {}
        for oid, name, comment in rows(PG_TABLES):
            names[oid] = name
            tables[name] = {"columns": {}, "indexes": {}, "constraints": {}, "comment": comment}
        oids = list(names)
        for oid, name, type_, notnull, default, *spec in rows(PG_COLUMNS, oids=oids):
            default = default if default is None else _expression(default).replace("now()", "CURRENT_TIMESTAMP")
            tables[names[oid]]["columns"][name] = (type_, notnull, default, *spec)
        for oid, name, definition in rows(PG_INDEXES, oids=oids):
            tables[names[oid]]["indexes"][name] = definition
        for oid, name, definition in rows(PG_CONSTRAINTS, oids=oids):
            tables[names[oid]]["constraints"][name] = _pg_check(definition)
        enums = {name: tuple(labels) for name, labels in rows(PG_ENUMS)}
        sequences = sorted(name for (name,) in rows(PG_SEQUENCES))
    engine.dispose()
    return {"tables": tables, "enums": enums, "sequences": sequences}


MY_TABLES = """
SELECT TABLE_NAME, TABLE_COMMENT FROM information_schema.TABLES
WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE'"""
MY_COLUMNS = """
SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE = 'NO', COLUMN_DEFAULT, EXTRA, COLLATION_NAME,
       GENERATION_EXPRESSION, COLUMN_COMMENT
FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()"""
MY_KEYS = """
SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, COLUMN_NAME, SUB_PART, COLLATION, INDEX_TYPE
FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE()
ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX"""
MY_FOREIGN_KEYS = """
SELECT k.TABLE_NAME, k.CONSTRAINT_NAME, k.COLUMN_NAME, k.REFERENCED_TABLE_SCHEMA = DATABASE(),
       k.REFERENCED_TABLE_NAME, k.REFERENCED_COLUMN_NAME, r.UPDATE_RULE, r.DELETE_RULE
FROM information_schema.TABLE_CONSTRAINTS t
JOIN information_schema.KEY_COLUMN_USAGE k ON k.CONSTRAINT_SCHEMA = t.CONSTRAINT_SCHEMA
 AND k.TABLE_NAME = t.TABLE_NAME AND k.CONSTRAINT_NAME = t.CONSTRAINT_NAME
JOIN information_schema.REFERENTIAL_CONSTRAINTS r ON r.CONSTRAINT_SCHEMA = t.CONSTRAINT_SCHEMA
 AND r.TABLE_NAME = t.TABLE_NAME AND r.CONSTRAINT_NAME = t.CONSTRAINT_NAME
WHERE t.TABLE_SCHEMA = DATABASE() AND t.CONSTRAINT_TYPE = 'FOREIGN KEY'
ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION"""
MY_CHECKS = """
SELECT t.TABLE_NAME, t.CONSTRAINT_NAME, c.CHECK_CLAUSE FROM information_schema.TABLE_CONSTRAINTS t
JOIN information_schema.CHECK_CONSTRAINTS c ON c.CONSTRAINT_SCHEMA = t.CONSTRAINT_SCHEMA
 AND c.TABLE_NAME = t.TABLE_NAME AND c.CONSTRAINT_NAME = t.CONSTRAINT_NAME
WHERE t.TABLE_SCHEMA = DATABASE() AND t.CONSTRAINT_TYPE = 'CHECK'"""


def _mysql(url: str) -> dict:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        rows = lambda sql: conn.exec_driver_sql(sql).all()
        tables = {name: {"columns": {}, "indexes": {}, "constraints": {}, "comment": comment or None}
                  for name, comment in rows(MY_TABLES)}
        for table, name, *spec, comment in rows(MY_COLUMNS):
            tables[table]["columns"][name] = (*spec[:1], bool(spec[1]), *spec[2:], comment or None)
        keys = {}
        for table, name, non_unique, column, sub_part, order, method in rows(MY_KEYS):
            keys.setdefault((table, name), [bool(non_unique), method, []])[2].append((column, sub_part, order))
        for (table, name), (non_unique, method, parts) in keys.items():
            columns = ", ".join(c for c, _, _ in parts)
            whole = method not in ("FULLTEXT", "SPATIAL") and all(sub is None and order != "D" for _, sub, order in parts)
            if name == "PRIMARY":
                tables[table]["constraints"][name] = f"PRIMARY KEY ({columns})"
            elif not non_unique and whole:
                tables[table]["constraints"][name] = f"UNIQUE ({columns})"
            else:
                tables[table]["indexes"][name] = (not non_unique, method, tuple(parts))
        fks = {}
        for table, name, column, local, target, referred, on_update, on_delete in rows(MY_FOREIGN_KEYS):
            fk = fks.setdefault((table, name), [[], target if local else f"<other>.{target}", [], on_update, on_delete])
            fk[0].append(column)
            fk[2].append(referred)
        for (table, name), (columns, target, referred, on_update, on_delete) in fks.items():
            tables[table]["constraints"][name] = (f"FOREIGN KEY ({', '.join(columns)}) REFERENCES {target} "
                                                  f"({', '.join(referred)}) ON UPDATE {on_update} ON DELETE {on_delete}")
        # the index the server makes for a foreign key is named by the server (after the key,
        # or after its column when the key came later): its name is no part of the schema
        for (table, name), (columns, *_rest) in fks.items():
            for iname, (unique, _method, parts) in tables[table]["indexes"].items():
                if not unique and [p[0] for p in parts][:len(columns)] == columns:
                    tables[table].setdefault("server_named", set()).add(iname)
        for table, name, clause in rows(MY_CHECKS):
            tables[table]["constraints"][name] = f"CHECK ({clause})"
    engine.dispose()
    return {"tables": tables, "enums": {}, "sequences": []}


def _sqlite(path: str) -> dict:
    conn = sqlite3.connect(path)
    tables = {}
    for name, sql in conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table' "
                                  "AND name NOT LIKE 'sqlite_%'").fetchall():
        q = name.replace('"', '""')
        columns = {c[1]: (c[2].upper(), bool(c[3]), _sqlite_default(c[2].upper(), c[4]), c[6])
                   for c in conn.execute(f'PRAGMA table_xinfo("{q}")')}
        pk = [c[1] for c in sorted(conn.execute(f'PRAGMA table_info("{q}")'), key=lambda c: c[5]) if c[5]]
        constraints = {"primary key": tuple(pk)}
        fks = {}
        for fid, seq, target, src, dst, on_update, on_delete, match in conn.execute(
                f'PRAGMA foreign_key_list("{q}")'):
            fks.setdefault(fid, [target, [], [], on_update, on_delete])
            fks[fid][1].append(src)
            fks[fid][2].append(dst)
        constraints["foreign keys"] = sorted(
            f"({', '.join(s)}) -> {t}({', '.join(d)}) ON UPDATE {u} ON DELETE {x}" for t, s, d, u, x in fks.values())
        indexes, uniques = {}, []
        for _, iname, unique, origin, partial in conn.execute(f'PRAGMA index_list("{q}")'):
            keys = tuple((k[2] if k[1] >= 0 else "<expression>", bool(k[3]), k[4])
                         for k in conn.execute(f'PRAGMA index_xinfo("{iname}")') if k[5])
            if origin == "u":
                uniques.append(str([k[0] for k in keys]))
            elif origin == "c":
                isql = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?",
                                    (iname,)).fetchone()[0]
                where = _sqlite_expression(re.split(r"\sWHERE\s", isql, flags=re.IGNORECASE)[1]) if partial else None
                exprs = None
                if any(k[0] == "<expression>" for k in keys):
                    exprs = re.sub(r"(?<=\))ASC\b|\s+ASC\b", "", _sqlite_expression(isql[isql.index("("):]))
                indexes[iname] = (bool(unique), keys, where, exprs)
        constraints["unique"] = sorted(uniques)
        constraints["check"] = sorted(_checks(sql))
        constraints["autoincrement"] = bool(re.search(r"\bAUTOINCREMENT\b", sql, re.IGNORECASE))
        constraints["names"] = sorted(f"{m.group(1).strip(chr(34))} {m.group(2).upper()}" for m in re.finditer(
            r"CONSTRAINT\s+(\"[^\"]+\"|\w+)\s+(PRIMARY KEY|UNIQUE|FOREIGN KEY|CHECK)", sql, re.IGNORECASE))
        tables[name] = {"columns": columns, "indexes": indexes, "constraints": constraints, "comment": None}
    conn.close()
    return {"tables": tables, "enums": {}, "sequences": []}


def _expression(sql: str) -> str:
    """Whitespace runs outside string literals collapsed to one space."""
    parts = re.split(r"('(?:[^']|'')*')", sql)
    return "".join(p if i % 2 else re.sub(r"\s*([(),])\s*", r"\1", re.sub(r"\s+", " ", p))
                   for i, p in enumerate(parts)).strip()


def _pg_check(definition: str) -> str:
    """A CHECK as PostgreSQL deparses it, without the casts it adds to make a varchar
    column meet a text array: `x IN (...)` comes back as `(x)::text = ANY ((ARRAY['a'::character
    varying])::text[])` or as `ANY (ARRAY[('a'::character varying)::text])` depending on how
    it was created; both are the same predicate. Other constraints are left as they are."""
    if not definition.startswith("CHECK"):
        return definition
    parts = re.split(r"('(?:[^']|'')*')", definition)
    out = "".join(p if i % 2 else re.sub(r"::(character varying|text)(\[\])?", "", p) for i, p in enumerate(parts))
    return re.sub(r"[()\s]", "", out)  # parentheses as PostgreSQL placed them carry no meaning here


def _sqlite_expression(sql: str) -> str:
    """SQLite's text of an expression as it evaluates: whitespace as `_expression`, keywords
    and identifiers in one case (SQLite folds both), one pair of parentheses around the
    whole expression dropped (a DEFAULT expression must be written in them)."""
    parts = re.split(r"('(?:[^']|'')*')", _expression(sql))
    sql = "".join(p if i % 2 else p.upper() for i, p in enumerate(parts))
    while sql.startswith("(") and sql.endswith(")") and _balanced(sql[1:-1]):
        sql = sql[1:-1]
    return sql


def _balanced(sql: str) -> bool:
    depth = 0
    for part in re.split(r"'(?:[^']|'')*'", sql):
        for ch in part:
            depth += {"(": 1, ")": -1}.get(ch, 0)
            if depth < 0:
                return False
    return depth == 0


def _sqlite_default(type_: str, default):
    if default is None:
        return None
    default = _sqlite_expression(default)
    textual = any(word in type_ for word in ("CHAR", "CLOB", "TEXT", "BLOB")) or not type_
    if not textual and re.fullmatch(r"'[-+]?\d+(\.\d+)?'", default):
        return default[1:-1]
    return default


def _checks(sql: str) -> list[str]:
    """The CHECK clauses of a CREATE TABLE text (outside string literals), whitespace
    collapsed; a named one as `name: expression`."""
    out, i = [], 0
    for match in re.finditer(r"(?:CONSTRAINT\s+(\"[^\"]+\"|\w+)\s+)?CHECK\s*\(", sql, re.IGNORECASE):
        if match.start() < i:
            continue
        depth, j, quote = 1, match.end(), None
        while depth:
            ch = sql[j]
            if quote:
                quote = None if ch == quote else quote
            elif ch in "'\"":
                quote = ch
            elif ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
            j += 1
        name = (match.group(1) or "").strip('"')
        out.append(f"{name + ': ' if name else ''}{_sqlite_expression(sql[match.end():j - 1])}")
        i = j
    return out


def differences(a: dict, b: dict, named: dict) -> set[tuple]:
    """The objects that differ between two catalog schemas: ("table", t), ("column", t, c),
    ("index", t, name), ("constraint", t) (constraints are compared per table, see
    `_same_constraints`), ("comment", t), ("enum", name), ("sequence", name). `a` is the
    database under test, `b` the one the models built, `named` {table: constraint names
    the models give}."""
    out = set()
    ta, tb = a["tables"], b["tables"]
    out |= {("table", t) for t in ta.keys() ^ tb.keys()}
    for t in ta.keys() & tb.keys():
        x, y = ta[t], tb[t]
        for kind in ("columns", "indexes"):
            label = kind[:-1] if kind == "columns" else "index"
            out |= {(label, t, n) for n in x[kind].keys() | y[kind].keys() if x[kind].get(n) != y[kind].get(n)}
        out -= _renamed_by_server(t, x, y)
        if not _same_constraints(x["constraints"], y["constraints"], set(named.get(t, ()))):
            out.add(("constraint", t))
        if x["comment"] != y["comment"]:
            out.add(("comment", t))
    out |= {("enum", n) for n in a["enums"].keys() | b["enums"].keys() if a["enums"].get(n) != b["enums"].get(n)}
    out |= {("sequence", n) for n in set(a["sequences"]) ^ set(b["sequences"])}
    return out


def _renamed_by_server(t: str, x: dict, y: dict) -> set[tuple]:
    """Index differences that are only the server's choice of name (MySQL: the index a
    foreign key got, see _mysql): one on each side with the same definition."""
    server = x.get("server_named", set()) | y.get("server_named", set())
    gone = {n: v for n, v in x["indexes"].items() if n not in y["indexes"] and n in server}
    came = {n: v for n, v in y["indexes"].items() if n not in x["indexes"] and n in server}
    same = set()
    for name, definition in gone.items():
        twin = next((n for n, v in came.items() if v == definition and ("index", t, n) not in same), None)
        if twin is not None:
            same |= {("index", t, name), ("index", t, twin)}
    return same


def _same_constraints(found: dict, models: dict, named: set) -> bool:
    """The same constraints, where one the models leave unnamed may have any name: on
    PostgreSQL only the constraints in `named` (those the MetaData names, see loader.py)
    must have their name, the others match by definition alone; on SQLite an unnamed
    constraint has no name in the CREATE text, so the names the models database has are
    the ones that must be there."""
    if "names" in models:  # SQLite
        rest = lambda c: {k: v for k, v in c.items() if k != "names"}
        return rest(found) == rest(models) and set(models["names"]) <= set(found["names"])
    return (sorted(found.values()) == sorted(models.values())
            and all(found.get(n) == d for n, d in models.items() if n in named))


def describe(a: dict, b: dict, keys) -> list[str]:
    """Each differing object with its catalog value on both sides, for messages and reports."""
    def value(side, key):
        kind, *rest = key
        if kind in ("table", "enum"):
            return rest[0] in side["tables" if kind == "table" else "enums"]
        if kind == "sequence":
            return rest[0] in side["sequences"]
        table = side["tables"].get(rest[0], {})
        if kind == "column":
            return table.get("columns", {}).get(rest[1])
        if kind == "index":
            return table.get("indexes", {}).get(rest[1])
        return table.get("constraints" if kind == "constraint" else "comment")
    return [f"{' '.join(map(str, k))}: {value(a, k)!r} -> {value(b, k)!r}" for k in sorted(keys)]


def within_tables(keys: set[tuple], tables: set[tuple]) -> set[tuple]:
    """`keys` less those inside a table in `tables` (("table", t) keys): the constraints and
    indexes of a table created or dropped are that table's."""
    names = {t for _, t in tables}
    return {k for k in keys if k[0] == "table" or k[0] in ("enum", "sequence") or k[1] not in names}


def lasting(operations: list[dict]) -> list[dict]:
    """The operations without a constraint the plan adds and drops again (the safe forms'
    CHECK (col IS NOT NULL) that lets SET NOT NULL skip its scan): it is in neither catalog."""
    def key(op):
        return op.get("table_name"), (op.get("constraint") or {}).get("name")

    added: set = set()
    passing = set()  # added, then dropped (a key dropped and added again is a real change)
    for op in operations:
        if op["op"] == "add_constraint":
            added.add(key(op))
        elif op["op"] == "drop_constraint" and key(op) in added:
            passing.add(key(op))
    return [op for op in operations
            if not (op["op"] in ("add_constraint", "validate_constraint", "drop_constraint") and key(op) in passing)]


def op_keys(operation: dict, key_indexes: frozenset = frozenset()) -> set[tuple]:
    """The catalog objects one of still's operations (from `plan --format json`) changes.
    `key_indexes`: the indexes built for a key added `USING INDEX` (the safe forms), which
    become the key's own."""
    kind, table = operation["op"], operation.get("table_name")
    if kind == "create_index" and operation["index"]["name"] in key_indexes:
        return {("constraint", table)}
    if kind in ("create_table", "drop_table"):
        return {("table", operation["table"]["name"])}
    if kind == "rename_table":
        return {("table", operation["old_name"]), ("table", operation["new_name"])}
    if kind in ("add_column", "drop_column"):
        return {("column", table, operation["column"]["name"])}
    if kind == "alter_column":
        return {("column", table, operation["new"]["name"])}
    if kind == "rename_column":
        return {("column", table, operation["old_name"]), ("column", table, operation["new_name"])}
    if kind in ("create_index", "drop_index"):
        return {("index", table, operation["index"]["name"])}
    if kind == "rename_index":
        return {("index", table, operation["old_name"]), ("index", table, operation["new_name"])}
    if kind in ("add_constraint", "drop_constraint", "rename_constraint", "validate_constraint"):
        return {("constraint", table)}
    if kind == "set_table_comment":
        return {("comment", table)}
    if kind == "set_table_options":  # SQLite's AUTOINCREMENT is read with the table's constraints
        return {("constraint", table)}
    if "enum" in kind:
        return {("enum", operation.get("enum_name") or operation["enum"]["name"])}
    if kind == "rename_sequence" and operation.get("table_name"):  # a column's own: its nextval() default
        return {("column", table, operation["column_name"])}
    if kind == "rename_sequence":
        return {("sequence", operation["old_name"]), ("sequence", operation["new_name"])}
    if "sequence" in kind:
        return {("sequence", operation.get("sequence", {}).get("name", operation.get("name")))}
    raise AssertionError(f"operation not mapped to catalog objects: {kind}")
