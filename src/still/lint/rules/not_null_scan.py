"""SET NOT NULL scans the table under ACCESS EXCLUSIVE, unless a validated CHECK proves it."""

import re

from still.lint.rules import altered_table, existed, label, op_table

CODE, SEVERITY, DIALECTS = "not-null-scan", "danger", {"postgresql"}
_SET_NOT_NULL = re.compile(r"\bALTER\s+(?:COLUMN\s+)?\S+\s+SET\s+NOT\s+NULL\b", re.I)


def findings(revision, dialect):
    out = []
    for item in revision.items:
        if item.op is not None and item.op.op == "alter_column" and item.op.old.nullable \
                and not item.op.new.nullable and (item.cost is None or item.cost.work != "none"):
            schema, table = op_table(item)
        elif item.sql and _SET_NOT_NULL.search(item.sql):
            schema, table = altered_table(item) or (None, None)
        else:
            continue
        if existed(item, schema, table):
            out.append((item, f"SET NOT NULL on {label(item, schema, table)} scans every row while reads and "
                              f"writes wait: add CHECK (col IS NOT NULL) NOT VALID, VALIDATE it, then SET NOT "
                              f"NULL (no scan) and drop the CHECK"))
    return out
