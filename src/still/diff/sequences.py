"""The sequences SERIAL and identity columns own, renamed to the names the models' database
has: PostgreSQL names one after its table and column when it makes it, and keeps that name
through a rename of either (Alembic's op.rename_table, still's own RenameTable), where a
database made from the models has the sequence under the new names."""

from __future__ import annotations

from still import snapshot as s
from still.canon import owned_sequences
from still.ops import RenameSequence


def owned_sequence_renames(current: s.Snapshot, target: s.Snapshot) -> list[RenameSequence]:
    """A rename for each column of a table on both sides whose owned sequence is named
    otherwise than the target wants (None there: a name PostgreSQL would choose, the first
    free one). Columns that stop or start owning one are the column change's to handle."""
    naming = owned_sequences(target.dialect)
    if naming is None:
        return []
    out = []
    for schema_name, want in target.schemas.items():
        have = current.schemas.get(schema_name)
        if have is None:
            continue
        taken = None
        for name in sorted(have.tables.keys() & want.tables.keys()):
            old_table, new_table = have.tables[name], want.tables[name]
            if old_table == new_table:  # most tables (diff() skips them the same way)
                continue
            wanted = {c.name: c for c in new_table.columns}
            for column in old_table.columns:
                new = wanted.get(column.name)
                if new is None or new.sequence == column.sequence or not (
                        naming.owns_sequence(column) and naming.owns_sequence(new)):
                    continue
                if taken is None:
                    taken = naming.relation_names(have)
                old_name = naming.sequence_of(old_table, column)
                taken.discard(old_name)
                new_name = new.sequence or naming.sequence_name(name, column.name, taken)
                taken.add(new_name)
                if new_name != old_name:
                    out.append(RenameSequence(schema_name=schema_name, old_name=old_name, new_name=new_name,
                                              table_name=name, column_name=column.name))
    return out
