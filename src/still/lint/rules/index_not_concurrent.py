"""CREATE INDEX takes a SHARE lock: writes to the table wait for the whole build."""

import re

from still.lint.rules import existed, label, op_table, sql_table

CODE, SEVERITY, DIALECTS = "index-not-concurrent", "warning", {"postgresql"}
_CREATE = re.compile(r"^CREATE\s+(?:UNIQUE\s+)?INDEX\s+(?!CONCURRENTLY\b).*?\bON\s+(?:ONLY\s+)?"
                     r'((?:"(?:[^"]|"")+"|[\w$]+)(?:\s*\.\s*(?:"(?:[^"]|"")+"|[\w$]+))?)', re.I | re.S)


def findings(revision, dialect):
    out = []
    for item in revision.items:
        if item.op is not None and item.op.op == "create_index" and not item.op.concurrently:
            schema, table = op_table(item)
        elif item.sql and (match := _CREATE.match(item.sql)):
            schema, table = sql_table(item, match.group(1))
        else:
            continue
        if existed(item, schema, table):
            out.append((item, f"CREATE INDEX on {label(item, schema, table)} blocks writes until the index "
                              f"is built: build it CONCURRENTLY, outside a transaction"))
    return out
