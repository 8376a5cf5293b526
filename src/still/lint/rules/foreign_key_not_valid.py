"""ADD FOREIGN KEY checks every row under SHARE ROW EXCLUSIVE on both tables: writes wait."""

import re

from still.lint.rules import altered_table, existed, label, op_table

CODE, SEVERITY, DIALECTS = "foreign-key-not-valid", "warning", {"postgresql"}
_ADD_FK = re.compile(r"\bADD\s+(?:CONSTRAINT\s+\S+\s+)?FOREIGN\s+KEY\b", re.I)


def findings(revision, dialect):
    out = []
    for item in revision.items:
        if item.op is not None and item.op.op == "add_constraint" and item.op.kind == "foreign_key" \
                and not item.op.not_valid:
            schema, table = op_table(item)
        elif item.sql and _ADD_FK.search(item.sql) and not re.search(r"\bNOT\s+VALID\b", item.sql, re.I):
            schema, table = altered_table(item) or (None, None)
        else:
            continue
        if existed(item, schema, table):
            out.append((item, f"adding a foreign key to {label(item, schema, table)} checks every row while "
                              f"writes to it and the referred table wait: add it NOT VALID, then VALIDATE "
                              f"CONSTRAINT in a later transaction"))
    return out
