"""MariaDB copies the table (ALGORITHM=COPY) and blocks writes for the whole copy."""

from still.lint.rules import existed, label, op_table

CODE, SEVERITY, DIALECTS = "table-copy", "danger", {"mysql", "mariadb"}


def findings(revision, dialect):
    out = []
    for item in revision.items:
        if item.op is None or item.cost is None or item.cost.work != "copy":
            continue
        schema, table = op_table(item)
        if existed(item, schema, table):
            out.append((item, f"{label(item, schema, table)} is copied row by row (ALGORITHM=COPY) while writes "
                              f"wait: {item.cost.note or 'the server cannot do it in place'}"))
    return out
