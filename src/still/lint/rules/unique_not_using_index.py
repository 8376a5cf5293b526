"""ADD UNIQUE / PRIMARY KEY builds its index under ACCESS EXCLUSIVE: reads and writes wait
for the whole build."""

import re

from still.lint.rules import altered_table, existed, label, op_table

CODE, SEVERITY, DIALECTS = "unique-not-using-index", "danger", {"postgresql"}
_ADD = re.compile(r"\bADD\s+(?:CONSTRAINT\s+\S+\s+)?(?:UNIQUE|PRIMARY\s+KEY)\b(?!.*\bUSING\s+INDEX\b)", re.I)


def findings(revision, dialect):
    out = []
    for item in revision.items:
        if item.op is not None and item.op.op == "add_constraint" and item.op.kind in ("unique", "primary_key") \
                and item.op.using_index is None:
            schema, table = op_table(item)
        elif item.sql and _ADD.search(item.sql):
            schema, table = altered_table(item) or (None, None)
        else:
            continue
        if existed(item, schema, table):
            out.append((item, f"adding a UNIQUE or PRIMARY KEY constraint to {label(item, schema, table)} builds "
                              f"its index while reads and writes wait: CREATE UNIQUE INDEX CONCURRENTLY first, "
                              f"then ADD CONSTRAINT ... USING INDEX"))
    return out
