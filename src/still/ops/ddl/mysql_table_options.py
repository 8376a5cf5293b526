"""MySQL/MariaDB DDL for a table's options: ENGINE and the default collation.

A new collation is `CONVERT TO CHARACTER SET`, which converts every text column of the
table (that is what the models mean: their columns follow the table's collation); the
columns it would change beyond that (a collation of their own; TEXT it widens to
MEDIUMTEXT for a charset of more bytes; JSON) are given their definition back by a MODIFY
right after.
An option left out of the snapshot is the database's default, spelled by name where a
reflection has told it and as `DEFAULT` otherwise (offline)."""

from __future__ import annotations

from still import ops
from still.reflect import mysql_tables as tableinfo


def table_options_clause(w, options) -> str:
    """` ENGINE=... DEFAULT CHARSET=... COLLATE=...` for CREATE TABLE (empty for none)."""
    text = ""
    if options.engine:
        text += f" ENGINE={options.engine}"
    if options.collation:
        collation = options.collation
        text += f" DEFAULT CHARSET={tableinfo.charset_of(collation)} COLLATE={collation}"
    return text


def set_table_options(w, op: ops.SetTableOptions) -> list[str]:
    table = w.name(op.schema_name, op.table_name)
    default_engine, default_collation = tableinfo.defaults(w.dialect, op.schema_name, assume=False)
    out = []
    engine = op.new_options.engine
    if op.old_options.engine != engine:
        out.append(f"ALTER TABLE {table} ENGINE={engine or default_engine}")
    if op.collation_changes():
        collation = op.new_options.collation or default_collation
        if collation:
            out.append(f"ALTER TABLE {table} CONVERT TO CHARACTER SET {tableinfo.charset_of(collation)} "
                       f"COLLATE {collation}")
        else:
            out.append(f"ALTER TABLE {table} CONVERT TO CHARACTER SET DEFAULT")
        back = [c for c in op.columns if c.collation != collation or c.collation is None]
        if back:
            out.append(f"ALTER TABLE {table} " + ", ".join(f"MODIFY COLUMN {w.column(c)}" for c in back))
    return out
