"""An ACCESS EXCLUSIVE request queues behind any running transaction and holds up every
query queued after it: without lock_timeout a brief change can stop the application.

Quiet when the project's `ddl_lock_timeout` is more than 0: still's runtime then sets
lock_timeout for every statement of every revision it runs (runtime/ddl_lock.py), so there
is nothing to find. With `ddl_lock_timeout = 0` (or to lint files some other runner will
run, set it to 0 for the lint) the revision must set it itself."""

import re

from still.lint.rules import existed, label, op_table

CODE, SEVERITY, DIALECTS = "missing-lock-timeout", "warning", {"postgresql"}
_SET = re.compile(r"^SET\s+(?:LOCAL\s+|SESSION\s+)?lock_timeout\b", re.I)


def applies(cfg) -> bool:
    return not getattr(cfg, "ddl_lock_timeout", 0)


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
                           f"op.execute(\"SET LOCAL lock_timeout = '2s'\") first, or set ddl_lock_timeout "
                           f"for still to set it")]
    return []
