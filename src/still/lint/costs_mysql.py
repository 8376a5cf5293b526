"""MySQL/MariaDB: the ALGORITHM and LOCK an operation can run with on InnoDB, and the work.

MariaDB's online DDL (10.4+): INSTANT changes only metadata; INPLACE (NOCOPY) works on the
table without copying it and, with LOCK=NONE, lets reads and writes go on; COPY copies
every row into a new table and blocks writes meanwhile (LOCK=SHARED). Each statement also
takes a brief metadata lock, which waits behind running transactions like PostgreSQL's
ACCESS EXCLUSIVE. The claims here are checked against a real server by appending them to
the statements (tests/lint/test_costs_mysql.py): MariaDB refuses an ALGORITHM/LOCK it
cannot honour.
"""

from __future__ import annotations

import re
from typing import Optional

from still import ops
from still import snapshot as s
from still.lint.cost import Cost

INSTANT = "ALGORITHM=INSTANT"
INPLACE = "ALGORITHM=INPLACE, LOCK=NONE"
COPY = "ALGORITHM=COPY, LOCK=SHARED"
_BLOCKS = {INSTANT: "nothing", INPLACE: "nothing", COPY: "writes", "metadata lock": "reads and writes",
           "none": "nothing"}


def _cost(lock: str, tables, work="none", note: Optional[str] = None) -> Cost:
    return Cost(lock=lock, blocks=_BLOCKS[lock], work=work, tables=tuple(dict.fromkeys(tables)), note=note)


def _name(before: s.Snapshot, schema: str, table: str) -> str:
    return table if schema == before.default_schema else f"{schema}.{table}"


def cost(op, before: s.Snapshot, version: Optional[tuple]) -> Cost:
    handler = _HANDLERS.get(type(op))
    if handler is None:
        return _cost("none", ())
    return handler(op, before)


def _of(op, before) -> list[str]:
    return [_name(before, op.schema_name, op.target_table)]


def _create_table(op, before):
    return _cost("none", _of(op, before))


def _metadata(op, before):
    return _cost("metadata lock", _of(op, before))


def _instant(op, before):
    return _cost(INSTANT, _of(op, before))


def _add_column(op: ops.AddColumn, before):
    col = op.column
    if col.autoincrement or (col.computed and col.computed.persisted):
        return _cost(COPY, _of(op, before), "copy", "every row gets its value")
    return _cost(INSTANT, _of(op, before))


_VARCHAR = re.compile(r"^varchar\((\d+)\)$")
_ENUM = re.compile(r"^(?:enum|set)\((.*)\)$", re.S | re.I)


def _values(type_text: str):
    match = _ENUM.match(type_text)
    return re.findall(r"'((?:[^']|'')*)'", match.group(1)) if match else None


def _alter_column(op: ops.AlterColumn, before):
    old, new, changed = op.old, op.new, set(op.changed())
    if "computed" in changed and not any(c and c.persisted for c in (old.computed, new.computed)):
        return _cost(INSTANT, _of(op, before))  # a virtual column holds no data
    if changed & {"type", "collation", "computed"} and not _instant_type_change(old, new):
        return _cost(COPY, _of(op, before), "copy", "every row is converted into a copy of the table")
    if "nullable" in changed and not new.nullable:
        return _cost(INPLACE, _of(op, before), "rewrite", "the table is rebuilt, checking every row for NULL")
    if "autoincrement" in changed:
        return _cost(COPY, _of(op, before), "copy")
    return _cost(INSTANT, _of(op, before))


def _instant_type_change(old: s.Column, new: s.Column) -> bool:
    """A longer VARCHAR that keeps its length bytes (both up to 255 bytes, or both over):
    the only type change InnoDB makes in place; utf8mb4 counts 4 bytes a character."""
    if old.type == new.type:
        return True  # a collation of the same character set: metadata only
    old_values, new_values = _values(old.type), _values(new.type)
    if old_values is not None and new_values is not None:
        return old.type[:4] == new.type[:4] and new_values[:len(old_values)] == old_values  # appended at the end
    a, b = _VARCHAR.match(old.type), _VARCHAR.match(new.type)
    if not (a and b) or old.collation != new.collation:
        return False
    before, after = int(a.group(1)) * 4, int(b.group(1)) * 4
    return after >= before and (before > 255) == (after > 255)


def _add_constraint(op: ops.AddConstraint, before):
    if op.kind == "foreign_key":
        return _cost(COPY, _of(op, before), "copy", "with foreign_key_checks on, InnoDB copies the table")
    if op.kind == "check":
        return _cost(COPY, _of(op, before), "copy", "every row is checked in a copy of the table")
    if op.kind == "primary_key":
        return _cost(INPLACE, _of(op, before), "rewrite", "the table is rebuilt around the new key")
    return _cost(INPLACE, _of(op, before), "index build")


def _rename_constraint(op: ops.RenameConstraint, before):
    """A unique key is renamed in place; a foreign key or a check is dropped and added
    again under the new name (ops/ddl/mysql.py), which costs what adding one costs."""
    if op.kind in ("foreign_key", "check"):
        return _add_constraint(op, before)
    return _instant(op, before)


def _drop_constraint(op: ops.DropConstraint, before):
    if op.kind == "primary_key":
        return _cost(COPY, _of(op, before), "copy", "the table is copied without its clustered key")
    if op.kind == "unique":
        return _cost(INPLACE, _of(op, before))
    return _cost(INSTANT, _of(op, before))


def _drop_index(op, before):
    return _cost(INPLACE, _of(op, before))


def _create_index(op: ops.CreateIndex, before):
    if op.index.method in ("fulltext", "spatial"):
        return _cost("ALGORITHM=INPLACE, LOCK=SHARED", _of(op, before), "index build")
    return _cost(INPLACE, _of(op, before), "index build")


def _table_options(op, before):
    if (op.old_options.engine or "").lower() != (op.new_options.engine or "").lower():
        return _cost(COPY, _of(op, before), "copy", "the table is copied into the new engine")
    table = before.table(op.table_name, op.schema_name)
    after = _charset(op.new_options.collation)
    if any(_base(c.type) in _TEXT and _charset(c.collation or op.old_options.collation) != after
           for c in table.columns):
        return _cost(COPY, _of(op, before), "copy", "the table is copied with its text converted")
    return _cost(INSTANT, _of(op, before))  # no column's text changes: metadata only


def _charset(collation) -> str:
    """A collation's character set (utf8mb4 for the server's default, which is not known here)."""
    return (collation or "utf8mb4").split("_", 1)[0]


_TEXT = {"char", "varchar", "tinytext", "text", "mediumtext", "longtext", "enum", "set", "json", "longtext"}


def _base(type_text: str) -> str:
    return type_text.split("(", 1)[0].split(" ", 1)[0].lower()


_BLOCKS["ALGORITHM=INPLACE, LOCK=SHARED"] = "writes"

_HANDLERS = {
    ops.CreateTable: _create_table, ops.DropTable: _metadata, ops.RenameTable: _metadata,
    ops.SetTableComment: _instant, ops.SetTableOptions: _table_options, ops.AddColumn: _add_column,
    ops.DropColumn: _instant, ops.AlterColumn: _alter_column, ops.RenameColumn: _instant,
    ops.AddConstraint: _add_constraint, ops.DropConstraint: _drop_constraint, ops.RenameConstraint: _rename_constraint,
    ops.CreateIndex: _create_index, ops.DropIndex: _drop_index, ops.RenameIndex: _instant,
}
