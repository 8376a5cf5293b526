"""Names PostgreSQL chooses itself, which a snapshot, a plan and the DDL must agree on.

A SERIAL or identity column gets a sequence named after its table and column when it is
made; renaming the table or the column leaves that name as it was. A snapshot therefore
keeps the name (`Column.sequence`) only when it is not one PostgreSQL would choose for the
column as it is now called, and create_all's database never shows one.
"""

from __future__ import annotations

import re
from typing import Iterable, Optional

from still import snapshot as s

NAMEDATALEN = 64  # identifiers are cut to NAMEDATALEN - 1 bytes
_LABEL = re.compile(r"_(seq(?:[1-9][0-9]*)?)$")


def make_object_name(name1: str, name2: Optional[str], label: str) -> str:
    """PostgreSQL's makeObjectName: `name1_name2_label` within 63 bytes, shortening the
    longer of the two names first, never splitting a character (the server encoding is
    taken to be UTF-8: the bytes of a character cut in half are dropped)."""
    b1, b2 = name1.encode("utf-8"), (name2 or "").encode("utf-8")
    overhead = len(label.encode("utf-8")) + 1 + (1 if name2 is not None else 0)
    available = NAMEDATALEN - 1 - overhead
    n1, n2 = len(b1), len(b2)
    while n1 + n2 > available:
        if n1 > n2:
            n1 -= 1
        else:
            n2 -= 1
    parts = [b1[:n1].decode("utf-8", "ignore")]
    if name2 is not None:
        parts.append(b2[:n2].decode("utf-8", "ignore"))
    return "_".join(parts + [label])


def sequence_name(table: str, column: str, taken: Iterable[str] = ()) -> str:
    """The name PostgreSQL gives the sequence of a SERIAL or identity column
    (ChooseRelationName): the first of `<table>_<column>_seq`, `..._seq1`, `..._seq2`, ...
    that no relation of the schema (`taken`) has."""
    taken = set(taken)
    label, n = "seq", 0
    while (name := make_object_name(table, column, label)) in taken:
        n += 1
        label = f"seq{n}"
    return name


def is_sequence_name(name: str, table: str, column: str) -> bool:
    """Whether PostgreSQL may have chosen `name` for the column's sequence: any of the
    names `sequence_name` tries, as which one it took depends on what the schema held
    when the column was made."""
    match = _LABEL.search(name)
    return match is not None and make_object_name(table, column, match.group(1)) == name


def own_sequence(name: str, table: str, column: str):
    """What `Column.sequence` holds for a sequence so named: None for a name of
    PostgreSQL's choosing, else the name."""
    return None if is_sequence_name(name, table, column) else name


def sequence_of(table: s.Table, column: s.Column) -> str:
    """The name of the sequence the column owns: the one it keeps, else the one
    PostgreSQL chose (its first choice: which one it took is not kept)."""
    return column.sequence or sequence_name(table.name, column.name)


def relation_names(schema: s.Schema) -> set[str]:
    """The names of the schema's relations a new sequence name must not take: tables,
    indexes (and the indexes behind keys), sequences, those the columns own."""
    out = set(schema.tables) | set(schema.sequences)
    for table in schema.tables.values():
        out |= {ix.name for ix in table.indexes}
        keys = (table.primary_key, *table.unique_constraints, *table.exclude_constraints)
        out |= {key.name for key in keys if key is not None and key.name}
        out |= {sequence_of(table, c) for c in table.columns if owns_sequence(c)}
    return out


def owns_sequence(column: s.Column) -> bool:
    return column.autoincrement or column.identity is not None


def renamed(column: s.Column, old_table: str, old_column: str, table: str) -> s.Column:
    """`column` (under its new name, in `table`) after ALTER TABLE ... RENAME of its table
    or of itself from `old_table`.`old_column`: the sequence it owns keeps its name."""
    if not owns_sequence(column):
        return column
    name = column.sequence or sequence_name(old_table, old_column)
    kept = own_sequence(name, table, column.name)
    return column if kept == column.sequence else column.model_copy(update={"sequence": kept})
