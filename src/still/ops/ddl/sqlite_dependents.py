"""What a SQLite table rebuild must carry over that the snapshot does not hold: the
table's triggers and the views (and other triggers) that read it.

`DROP TABLE` takes the table's triggers with it, and the `ALTER TABLE ... RENAME` that puts
the new table in place fails while a view reads a table that is not there ("error in view
v: no such table"). So, online, each rebuild is wrapped: those views and triggers are
dropped first and created again afterwards from their own SQL in `sqlite_master`, in the
order they were first created, and each view is read once. If one no longer fits the new
table (a view reads a dropped column), that fails and the revision rolls back with nothing
changed.

Table properties SQLAlchemy cannot rebuild from the snapshot (WITHOUT ROWID, STRICT) make
the rebuild refuse with a one-line error instead of silently losing them (AUTOINCREMENT is
in the snapshot, and the rebuild keeps it).
"""

from __future__ import annotations

import re

from still.errors import StillError

_RENAME = re.compile(r'^ALTER TABLE "?_still_new_(?P<name>[^"\s]+)"? RENAME TO ', re.I)
_KEPT = (("WITHOUT ROWID", re.compile(r"\)\s*(,\s*STRICT\s*)?\s*WITHOUT\s+ROWID\b", re.I)),
         ("STRICT", re.compile(r"\)\s*(WITHOUT\s+ROWID\s*,\s*)?STRICT\s*$", re.I)))


def rebuilt_tables(statements: list[str]) -> list[str]:
    return [m.group("name").replace('""', '"') for m in map(_RENAME.match, statements) if m]


def with_dependents(connection, statements: list[str]) -> list[str]:
    tables = rebuilt_tables(statements)
    if not tables:
        return statements
    rows = connection.exec_driver_sql(
        "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid").fetchall()
    for kind, name, _, sql in rows:
        if kind == "table" and name in tables:
            for what, pattern in _KEPT:
                if pattern.search(sql):
                    raise StillError(f"table {name!r} is {what}, which a SQLite table rebuild cannot keep yet: "
                                     "nothing was changed")
    affected = set(tables)
    dependents: list[tuple[str, str, str]] = []
    changed = True
    while changed:  # views reading views reading the table, too
        changed = False
        for kind, name, table, sql in rows:
            if kind not in ("view", "trigger") or any(d[1] == name for d in dependents):
                continue
            if (kind == "trigger" and table in affected) or _mentions(sql, affected):
                dependents.append((kind, name, sql))
                if kind == "view":
                    affected.add(name)
                changed = True
    if not dependents:
        return statements
    order = {name: i for i, (_, name, _, _) in enumerate(rows)}
    dependents.sort(key=lambda d: order[d[1]])
    q = connection.dialect.identifier_preparer.quote
    drops = [f"DROP {kind.upper()} {q(name)}" for kind, name, _ in reversed(dependents)]
    # SQLite checks a view's columns only when it is read: read each one, so a view that
    # no longer fits fails the revision now rather than the application later
    checks = [f"SELECT * FROM {q(name)} LIMIT 0" for kind, name, _ in dependents if kind == "view"]
    return drops + statements + [sql for _, _, sql in dependents] + checks


def _mentions(sql: str, names: set[str]) -> bool:
    return any(re.search(r'(?<![\w$])["`\[]?' + re.escape(n) + r'["`\]]?(?![\w$])', sql, re.I) for n in names)
