"""Lint rules, one per file. Each has a stable CODE, a SEVERITY, the DIALECTS it speaks for
(None: all) and `findings(revision, dialect) -> [(item, message)]` over one revision's
replayed items (still.lint.recorder). A table made earlier in the same revision is new and
empty: nothing waits on it, so rules look only at tables that existed before the revision."""

from __future__ import annotations

import re
from typing import Optional

from still.lint.recorder import Item

RULES = ("index_not_concurrent", "foreign_key_not_valid", "check_not_valid", "not_null_scan", "unique_not_using_index", "validate_in_transaction",
         "table_rewrite", "table_copy", "rename_breaks_code", "drop_breaks_code", "missing_lock_timeout")

_NAME = r'(?:"(?:[^"]|"")+"|`(?:[^`]|``)+`|[\w$]+)'
_QUALIFIED = rf"({_NAME}(?:\s*\.\s*{_NAME})?)"
ALTER_TABLE = re.compile(rf"^ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?{_QUALIFIED}", re.I)


def existed(item: Item, schema: Optional[str], table: Optional[str]) -> bool:
    """Whether `table` was there before the item's revision began (so rows and users may be)."""
    if table is None:
        return False
    schema = schema or item.before.default_schema
    if (schema, table) in item.created:
        return False
    sch = item.before.schemas.get(schema)
    return sch is not None and table in sch.tables


def sql_table(item: Item, qualified: str) -> tuple[str, str]:
    """(schema, table) of a name as written in SQL."""
    parts = [p.strip() for p in re.findall(_NAME, qualified)]
    names = [p[1:-1].replace(p[0] * 2, p[0]) if p[0] in '"`' else p.lower() for p in parts]
    return (names[0], names[1]) if len(names) == 2 else (item.before.default_schema, names[0])


def altered_table(item: Item) -> Optional[tuple[str, str]]:
    match = ALTER_TABLE.match(item.sql or "")
    return sql_table(item, match.group(1)) if match else None


def op_table(item: Item) -> tuple[Optional[str], Optional[str]]:
    return getattr(item.op, "schema_name", None), getattr(item.op, "target_table", None)


def label(item: Item, schema: str, table: str) -> str:
    return table if schema == item.before.default_schema else f"{schema}.{table}"
