"""ADD CHECK scans the table under ACCESS EXCLUSIVE: reads and writes wait."""

import re

from still.lint.rules import altered_table, existed, label, op_table

CODE, SEVERITY, DIALECTS = "check-not-valid", "danger", {"postgresql"}
_ADD_CHECK = re.compile(r"\bADD\s+(?:CONSTRAINT\s+\S+\s+)?CHECK\b", re.I)


def findings(revision, dialect):
    out = []
    for item in revision.items:
        if item.op is not None and item.op.op == "add_constraint" and item.op.kind == "check" \
                and not item.op.not_valid:
            schema, table = op_table(item)
        elif item.sql and _ADD_CHECK.search(item.sql) and not re.search(r"\bNOT\s+VALID\b", item.sql, re.I):
            schema, table = altered_table(item) or (None, None)
        else:
            continue
        if existed(item, schema, table):
            out.append((item, f"adding a CHECK to {label(item, schema, table)} scans every row while reads "
                              f"and writes wait: add it NOT VALID, then VALIDATE CONSTRAINT in a later transaction"))
    return out
