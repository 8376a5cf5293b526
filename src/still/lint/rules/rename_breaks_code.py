"""A rename breaks every running copy of the application that still uses the old name."""

import re

from still.lint.rules import altered_table, existed, label, op_table

CODE, SEVERITY, DIALECTS = "rename-breaks-code", "warning", None
_RENAME = re.compile(r"\bRENAME\s+(?:COLUMN\s+|TO\s+|\S+\s+TO\b)", re.I)


def findings(revision, dialect):
    out = []
    for item in revision.items:
        if item.op is not None and item.op.op in ("rename_table", "rename_column"):
            schema = item.op.schema_name
            table = item.op.old_name if item.op.op == "rename_table" else item.op.table_name
            what = "table" if item.op.op == "rename_table" else f"column {item.op.old_name} of"
        elif item.sql and _RENAME.search(item.sql) and (found := altered_table(item)):
            (schema, table), what = found, "a name in"
        else:
            continue
        if existed(item, schema, table):
            out.append((item, f"renaming {what} {label(item, schema, table)} breaks the running application "
                              f"until the new code is deployed: add the new name, move the code over, then "
                              f"drop the old one (expand/contract)"))
    return out
