"""A dropped column or table breaks every running copy of the application still reading it."""

import re

from still.lint.rules import altered_table, existed, label, op_table, sql_table

CODE, SEVERITY, DIALECTS = "drop-breaks-code", "warning", None
_DROP_COLUMN = re.compile(r"\bDROP\s+COLUMN\b", re.I)
_DROP_TABLE = re.compile(r'^DROP\s+TABLE\s+(?:IF\s+EXISTS\s+)?((?:"(?:[^"]|"")+"|`(?:[^`]|``)+`|[\w$.]+))', re.I)


def findings(revision, dialect):
    out = []
    for item in revision.items:
        if item.op is not None and item.op.op in ("drop_table", "drop_column"):
            schema, table = op_table(item)
            what = "table" if item.op.op == "drop_table" else f"column {item.op.column.name} of"
        elif item.sql and _DROP_COLUMN.search(item.sql) and (found := altered_table(item)):
            (schema, table), what = found, "a column of"
        elif item.sql and (match := _DROP_TABLE.match(item.sql)):
            (schema, table), what = sql_table(item, match.group(1)), "table"
        else:
            continue
        if existed(item, schema, table):
            out.append((item, f"dropping {what} {label(item, schema, table)} breaks the running application "
                              f"while it still reads it: deploy code that no longer uses it first"))
    return out
