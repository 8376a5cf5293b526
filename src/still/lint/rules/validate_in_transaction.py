"""VALIDATE CONSTRAINT in the transaction that added the constraint NOT VALID: the ADD's lock
(SHARE ROW EXCLUSIVE for a foreign key, ACCESS EXCLUSIVE for a check) is held until that
transaction ends, so through the whole scan; NOT VALID then gains nothing."""

import re

from still.lint.rules import altered_table, existed, label, op_table

CODE, SEVERITY, DIALECTS = "validate-in-transaction", "warning", {"postgresql"}
_NAME = r'("(?:[^"]|"")+"|[\w$]+)'
_ADD_NOT_VALID = re.compile(rf"\bADD\s+CONSTRAINT\s+{_NAME}\s.*\bNOT\s+VALID\b", re.I)
_VALIDATE = re.compile(rf"\bVALIDATE\s+CONSTRAINT\s+{_NAME}", re.I)


def _name(text: str) -> str:
    return text[1:-1].replace('""', '"') if text.startswith('"') else text.lower()


def findings(revision, dialect):
    out = []
    added = {}  # constraint name -> whether an autocommit block came since its NOT VALID add
    for item in revision.items:
        op = item.op
        if item.autocommit:
            added = {name: True for name in added}
        if op is not None and op.op == "add_constraint" and op.not_valid and op.constraint.name:
            added[op.constraint.name] = item.autocommit
            continue
        if item.sql and (match := _ADD_NOT_VALID.search(item.sql)):
            added[_name(match.group(1))] = item.autocommit
            continue
        if op is not None and op.op == "validate_constraint":
            name, (schema, table) = op.constraint.name, op_table(item)
        elif item.sql and (match := _VALIDATE.search(item.sql)):
            name, (schema, table) = _name(match.group(1)), altered_table(item) or (None, None)
        else:
            continue
        if added.get(name) is False and existed(item, schema, table):
            out.append((item, f"{name} on {label(item, schema, table)} is validated in the transaction that "
                              f"added it NOT VALID: the ADD's lock is held through the scan; validate it in "
                              f"'with op.get_context().autocommit_block():'"))
    return out
