"""Reflection of MySQL/MariaDB keys from `information_schema.STATISTICS`, every table of
the wanted schemas in one query: the primary key, unique keys and indexes.

MySQL makes no difference between a UNIQUE constraint and a unique index: a unique key
on plain columns reads as a unique constraint (as a model most often says it), one with
prefix lengths or descending keys as a unique index. A key on the first N characters of
a column is the expression `col(N)`, which is also how CREATE INDEX writes it. FULLTEXT
and SPATIAL are the index's method; BTREE and HASH (which MariaDB picks itself for a
unique key on TEXT columns) are storage details and left out.
"""

from __future__ import annotations

from still import snapshot as s
from still.reflect.mysql_types import expression

STATISTICS_SQL = """
SELECT TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, NON_UNIQUE, COLUMN_NAME, SUB_PART, COLLATION,
       INDEX_TYPE
FROM information_schema.STATISTICS
WHERE TABLE_SCHEMA IN :schemas
ORDER BY TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX
"""

METHODS = {"FULLTEXT": "fulltext", "SPATIAL": "spatial"}


class TableKeys:
    __slots__ = ("primary_key", "unique_constraints", "indexes")

    def __init__(self):
        self.primary_key = None
        self.unique_constraints: list[s.UniqueConstraint] = []
        self.indexes: list[s.Index] = []


def prefix_key(column: str, length: int) -> str:
    return expression("`" + column.replace("`", "``") + f"`({int(length)})")


def read_keys(rows, supports_descending: bool) -> dict[tuple[str, str], TableKeys]:
    grouped: dict[tuple, list] = {}
    for row in rows:
        grouped.setdefault((row[0], row[1], row[2]), []).append(row)
    out: dict[tuple[str, str], TableKeys] = {}
    for (schema, table, name), parts in grouped.items():
        keys = out.get((schema, table))
        if keys is None:
            keys = out[(schema, table)] = TableKeys()
        unique = not int(parts[0][3])
        method = METHODS.get((parts[0][7] or "").upper())
        elements = []
        for _, _, _, _, column, sub_part, collation, _ in parts:
            descending = supports_descending and collation == "D"
            if sub_part is not None and method is None:
                elements.append(s.IndexElement(expression=prefix_key(column, sub_part),
                                               descending=descending))
            else:
                elements.append(s.IndexElement(column=column, descending=descending))
        plain = method is None and all(e.column and not e.descending for e in elements)
        if name == "PRIMARY":
            keys.primary_key = s.PrimaryKey(name="PRIMARY", columns=tuple(e.column or e.expression
                                                                          for e in elements))
        elif unique and plain:
            keys.unique_constraints.append(
                s.UniqueConstraint(name=name, columns=tuple(e.column for e in elements)))
        else:
            keys.indexes.append(s.Index(name=name, elements=tuple(elements), unique=unique,
                                        method=method))
    return out
