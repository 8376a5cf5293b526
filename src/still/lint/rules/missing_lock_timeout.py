"""An ACCESS EXCLUSIVE request queues behind any running transaction and holds up every
query queued after it: without lock_timeout a brief change can stop the application."""

import re

from still.lint.rules import existed, label, op_table

CODE, SEVERITY, DIALECTS = "missing-lock-timeout", "warning", {"postgresql"}
_SET = re.compile(r"^SET\s+(?:LOCAL\s+|SESSION\s+)?lock_timeout\b", re.I)


def findings(revision, dialect):
    for item in revision.items:
        if item.sql and _SET.match(item.sql):
            return []
        if item.op is None or item.cost is None or item.cost.blocks != "reads and writes":
            continue
        schema, table = op_table(item)
        if existed(item, schema, table):
            return [(item, f"{item.cost.lock} on {label(item, schema, table)} with no lock_timeout: the request "
                           f"waits behind running transactions and blocks every query after it; "
                           f"op.execute(\"SET LOCAL lock_timeout = '2s'\") first")]
    return []
