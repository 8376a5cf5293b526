"""Reflection of MySQL/MariaDB foreign keys and check constraints, each kind for every
table of the wanted schemas in one query.

Foreign keys: `KEY_COLUMN_USAGE` joined with `REFERENTIAL_CONSTRAINTS`. RESTRICT and NO
ACTION are one action in MySQL (checked at once, never deferred) and what it reports when
none was given, so both read as no action. Checks: `CHECK_CONSTRAINTS`; the checks MariaDB
adds itself to JSON columns (`json_valid(col)`, named after the column) belong to the
column's type, not to the table's constraints.
"""

from __future__ import annotations

import re

from still import snapshot as s
from still.reflect.mysql_types import expression

FOREIGN_KEYS_SQL = """
SELECT k.TABLE_SCHEMA, k.TABLE_NAME, k.CONSTRAINT_NAME, k.COLUMN_NAME,
       k.REFERENCED_TABLE_SCHEMA, k.REFERENCED_TABLE_NAME, k.REFERENCED_COLUMN_NAME,
       r.UPDATE_RULE, r.DELETE_RULE
FROM information_schema.KEY_COLUMN_USAGE k
JOIN information_schema.REFERENTIAL_CONSTRAINTS r
  ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.TABLE_NAME = k.TABLE_NAME
 AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME
WHERE k.TABLE_SCHEMA IN :schemas AND k.REFERENCED_TABLE_NAME IS NOT NULL
ORDER BY k.TABLE_SCHEMA, k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION
"""

# MariaDB names checks per table and says whether one was written on a column
MARIADB_CHECKS_SQL = """
SELECT CONSTRAINT_SCHEMA, TABLE_NAME, CONSTRAINT_NAME, LEVEL, CHECK_CLAUSE
FROM information_schema.CHECK_CONSTRAINTS
WHERE CONSTRAINT_SCHEMA IN :schemas
"""
# MySQL (8.0.16 and later) names them per schema; the table comes from TABLE_CONSTRAINTS
MYSQL_CHECKS_SQL = """
SELECT t.TABLE_SCHEMA, t.TABLE_NAME, t.CONSTRAINT_NAME, 'Table', c.CHECK_CLAUSE
FROM information_schema.TABLE_CONSTRAINTS t
JOIN information_schema.CHECK_CONSTRAINTS c
  ON c.CONSTRAINT_SCHEMA = t.CONSTRAINT_SCHEMA AND c.CONSTRAINT_NAME = t.CONSTRAINT_NAME
WHERE t.CONSTRAINT_TYPE = 'CHECK' AND t.TABLE_SCHEMA IN :schemas
"""

_NO_ACTION = {"RESTRICT", "NO ACTION"}


def fk_action(rule):
    if rule is None:
        return None
    rule = rule.upper()
    return None if rule in _NO_ACTION else rule


def read_foreign_keys(rows, schema_key) -> dict[tuple[str, str], list[s.ForeignKey]]:
    grouped: dict[tuple, list] = {}
    for row in rows:
        grouped.setdefault((row[0], row[1], row[2]), []).append(row)
    out: dict[tuple[str, str], list[s.ForeignKey]] = {}
    for (schema, table, name), parts in grouped.items():
        first = parts[0]
        out.setdefault((schema, table), []).append(s.ForeignKey(
            name=name,
            columns=tuple(p[3] for p in parts),
            referred_schema=schema_key(first[4]),
            referred_table=first[5],
            referred_columns=tuple(p[6] for p in parts),
            ondelete=fk_action(first[8]),
            onupdate=fk_action(first[7]),
        ))
    return out


_JSON_CHECK = re.compile(r"\s*json_valid\s*\(\s*`((?:[^`]|``)+)`\s*\)\s*", re.I)


def read_checks(rows) -> tuple[dict[tuple[str, str], list[s.CheckConstraint]], set]:
    """The table's checks, and (schema, table, column) of every JSON column check (named
    after the column when it was made; a renamed column keeps the old name)."""
    out: dict[tuple[str, str], list[s.CheckConstraint]] = {}
    json_checks = set()
    for schema, table, name, level, clause in rows:
        found = _JSON_CHECK.fullmatch(clause) if level == "Column" else None
        if found:
            json_checks.add((schema, table, found.group(1).replace("``", "`")))
            continue
        out.setdefault((schema, table), []).append(
            s.CheckConstraint(name=name, expression=expression(clause)))
    return out, json_checks
