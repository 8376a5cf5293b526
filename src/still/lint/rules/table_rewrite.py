"""A rewrite (a type change, a volatile default, a stored generated column) copies every row
under ACCESS EXCLUSIVE: reads and writes wait for all of it."""

import re

from still.lint.rules import altered_table, existed, label, op_table

CODE, SEVERITY, DIALECTS = "table-rewrite", "danger", {"postgresql"}
_TYPE = re.compile(r"\bALTER\s+(?:COLUMN\s+)?\S+\s+(?:SET\s+DATA\s+)?TYPE\b", re.I)


def findings(revision, dialect):
    out = []
    for item in revision.items:
        if item.op is not None and item.cost is not None and item.cost.work == "rewrite":
            schema, table = op_table(item)
            why = item.cost.note or "the table is rewritten"
        elif item.sql and _TYPE.search(item.sql):
            schema, table = altered_table(item) or (None, None)
            why = "a column changes type"
        else:
            continue
        if existed(item, schema, table):
            out.append((item, f"{label(item, schema, table)} is rewritten while reads and writes wait ({why}): "
                              f"add a new column, backfill it in batches and switch over (expand/contract)"))
    return out
