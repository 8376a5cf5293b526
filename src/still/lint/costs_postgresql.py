"""PostgreSQL: the lock each operation takes and the work it does on existing rows.

From PostgreSQL's documentation (ALTER TABLE's notes, "Explicit Locking", CREATE INDEX):
ACCESS EXCLUSIVE blocks reads and writes; SHARE ROW EXCLUSIVE and SHARE block writes;
SHARE UPDATE EXCLUSIVE blocks neither. Any lock request waits behind running transactions
and holds up everything queued after it, so even a brief ACCESS EXCLUSIVE matters on a
busy table; what is reported here is what happens once the lock is granted.
"""

from __future__ import annotations

import re
from typing import Optional

from still import ops
from still import snapshot as s
from still.lint.cost import Cost

ACCESS_EXCLUSIVE, SHARE_ROW_EXCLUSIVE, SHARE = "ACCESS EXCLUSIVE", "SHARE ROW EXCLUSIVE", "SHARE"
SHARE_UPDATE_EXCLUSIVE = "SHARE UPDATE EXCLUSIVE"
_BLOCKS = {ACCESS_EXCLUSIVE: "reads and writes", SHARE_ROW_EXCLUSIVE: "writes", SHARE: "writes",
           SHARE_UPDATE_EXCLUSIVE: "nothing", "none": "nothing"}
# defaults PostgreSQL must compute per row: adding a column with one rewrites the table
_VOLATILE = re.compile(r"\b(nextval|random|clock_timestamp|timeofday|gen_random_uuid|uuid_generate_v[14]"
                       r"|statement_timestamp)\s*\(", re.I)


def _cost(lock: str, tables, work="none", note: Optional[str] = None) -> Cost:
    return Cost(lock=lock, blocks=_BLOCKS[lock], work=work, tables=tuple(dict.fromkeys(tables)), note=note)


def _name(before: s.Snapshot, schema: str, table: str) -> str:
    return table if schema == before.default_schema else f"{schema}.{table}"


def cost(op, before: s.Snapshot, version: Optional[tuple]) -> Cost:
    handler = _HANDLERS.get(type(op))
    if handler is None:  # schemas, types, sequences: no table is locked
        return _cost("none", ())
    return handler(op, before, version or (99,))


def _table(op, before, version):
    return _cost(ACCESS_EXCLUSIVE, [_name(before, op.schema_name, op.target_table)])


def _create_table(op: ops.CreateTable, before, version):
    referred = [_name(before, fk.referred_schema or op.schema_name, fk.referred_table)
                for fk in op.table.foreign_keys if fk.referred_table != op.table.name]
    if referred:  # the new table's foreign keys lock the tables they refer to
        return _cost(SHARE_ROW_EXCLUSIVE, referred)
    return _cost("none", [_name(before, op.schema_name, op.table.name)])


def _drop_table(op: ops.DropTable, before, version):
    referred = [_name(before, fk.referred_schema or op.schema_name, fk.referred_table)
                for fk in op.table.foreign_keys]
    return _cost(ACCESS_EXCLUSIVE, [_name(before, op.schema_name, op.table.name), *referred])


def _add_column(op: ops.AddColumn, before, version):
    col, table = op.column, [_name(before, op.schema_name, op.table_name)]
    if col.identity or (col.computed and col.computed.persisted) or col.autoincrement:
        return _cost(ACCESS_EXCLUSIVE, table, "rewrite", "every row gets its value")
    if col.default is not None and (_VOLATILE.search(str(col.default)) or version < (11,)):
        return _cost(ACCESS_EXCLUSIVE, table, "rewrite", "the default is computed for every row")
    if _checked_domain(before, op.schema_name, col.type):
        return _cost(ACCESS_EXCLUSIVE, table, "rewrite", "a domain with constraints is checked for every row")
    return _cost(ACCESS_EXCLUSIVE, table)


def _checked_domain(before: s.Snapshot, schema: str, type_text: str) -> bool:
    from still.ops.ddl.postgresql import enum_depth

    # the domain itself: an array of it is not checked when added
    return any(enum_depth(type_text, where, domain.name, schema) == 0 and (domain.checks or domain.not_null)
               for where, sch in before.schemas.items() for domain in sch.domains.values())


def _alter_column(op: ops.AlterColumn, before, version):
    from still.diff.typechanges import classify

    old, new, changed = op.old, op.new, set(op.changed())
    table = [_name(before, op.schema_name, op.table_name)]
    if "computed" in changed and new.computed:
        return _cost(ACCESS_EXCLUSIVE, table, "rewrite", "the generated column is made again")
    if "type" in changed and (not _binary_coercible(old.type, new.type) or _own_using(op)):
        return _cost(ACCESS_EXCLUSIVE, table, "rewrite", "every value is converted and its indexes rebuilt")
    if "type" in changed and classify(old.type, new.type) is not None:
        return _cost(ACCESS_EXCLUSIVE, table, "scan", "every value is checked before the change")
    if "collation" in changed:
        return _cost(ACCESS_EXCLUSIVE, table, "index build", "indexes on the column are rebuilt")
    if old.nullable and not new.nullable and version >= (12,) and _proven_not_null(before, op):
        return _cost(ACCESS_EXCLUSIVE, table, "none", "a validated CHECK (col IS NOT NULL) proves it: no scan")
    if old.nullable and not new.nullable:
        return _cost(ACCESS_EXCLUSIVE, table, "scan", "every row is checked for NULL")
    if changed <= {"comment"}:
        return _cost(SHARE_UPDATE_EXCLUSIVE, table)
    return _cost(ACCESS_EXCLUSIVE, table)


def _proven_not_null(before: s.Snapshot, op: ops.AlterColumn) -> bool:
    """A CHECK (col IS NOT NULL) on the table (the safe form adds one NOT VALID and
    validates it first): PostgreSQL 12+ then sets NOT NULL without a scan."""
    table = before.table(op.table_name, op.schema_name)
    wanted = f"{op.old.name.lower()} is not null"
    return any(c.enforced and re.sub(r'[()"]', "", " ".join(c.expression.split())).lower() == wanted
               for c in table.check_constraints)


def _own_using(op: ops.AlterColumn) -> bool:
    """A USING of the revision's own (postgresql_using=) other than the bare column: the
    server then computes every value anew, coercible types or not."""
    return op.using is not None and op.using.strip().strip('"') != op.old.name


_SIZED = re.compile(r"^(character varying|varchar|bit varying|numeric)(?:\((\d+)(?:,\s*(\d+))?\))?$")


def _binary_coercible(old: str, new: str) -> bool:
    """Type changes PostgreSQL makes without touching the rows: a longer or unbounded
    varchar, varchar to text and back to unbounded, more numeric precision at the same scale."""
    if {old, new} <= {"text", "character varying"}:
        return True
    a, b = _SIZED.match(old), _SIZED.match(new)
    if old.startswith("character varying") and new == "text":
        return True
    if not (a and b) or a.group(1) != b.group(1):
        return False
    if b.group(2) is None:
        return True
    if a.group(2) is None:
        return False
    if a.group(1) == "numeric":
        return (a.group(3) or "0") == (b.group(3) or "0") and int(b.group(2)) >= int(a.group(2))
    return int(b.group(2)) >= int(a.group(2))


def _add_constraint(op: ops.AddConstraint, before, version):
    table = _name(before, op.schema_name, op.table_name)
    c = op.constraint
    # NOT VALID (postgresql_not_valid=): the rows already there are left for VALIDATE CONSTRAINT
    work, note = ("none", None) if op.not_valid else ("scan", "every row is checked")
    if op.kind == "foreign_key":
        referred = _name(before, c.referred_schema or op.schema_name, c.referred_table)
        return _cost(SHARE_ROW_EXCLUSIVE, [table, referred], work,
                     note and "every row is checked against the referred table")
    if op.kind == "check":
        return _cost(ACCESS_EXCLUSIVE, [table], work, note)
    if op.using_index is not None:  # the index is there (built CONCURRENTLY): the catalog only
        t = before.table(op.table_name, op.schema_name)
        nullable = {col.name for col in t.columns if col.nullable} & set(c.columns)
        if op.kind == "primary_key" and nullable:
            return _cost(ACCESS_EXCLUSIVE, [table], "scan", f"{', '.join(sorted(nullable))} made NOT NULL first")
        return _cost(ACCESS_EXCLUSIVE, [table], "none", f"uses the index {op.using_index}")
    return _cost(ACCESS_EXCLUSIVE, [table], "index build")


def _validate_constraint(op: ops.ValidateConstraint, before, version):
    """VALIDATE CONSTRAINT scans under SHARE UPDATE EXCLUSIVE (ROW SHARE on a referred
    table): reads and writes go on."""
    c, table = op.constraint, _name(before, op.schema_name, op.table_name)
    if op.kind == "foreign_key":
        referred = _name(before, c.referred_schema or op.schema_name, c.referred_table)
        return _cost(SHARE_UPDATE_EXCLUSIVE, [table], "scan", f"ROW SHARE on {referred}")
    return _cost(SHARE_UPDATE_EXCLUSIVE, [table], "scan")


def _drop_constraint(op: ops.DropConstraint, before, version):
    table = _name(before, op.schema_name, op.table_name)
    if op.kind == "foreign_key":
        c = op.constraint
        return _cost(ACCESS_EXCLUSIVE, [table, _name(before, c.referred_schema or op.schema_name, c.referred_table)])
    return _cost(ACCESS_EXCLUSIVE, [table])


def _create_index(op: ops.CreateIndex, before, version):
    if op.concurrently:  # writes go on; the build waits for transactions running when it starts
        return _cost(SHARE_UPDATE_EXCLUSIVE, [_name(before, op.schema_name, op.table_name)], "index build",
                     "CONCURRENTLY: outside a transaction; a failed build leaves an INVALID index")
    return _cost(SHARE, [_name(before, op.schema_name, op.table_name)], "index build")


def _drop_index(op: ops.DropIndex, before, version):
    if op.concurrently:
        return _cost(SHARE_UPDATE_EXCLUSIVE, [_name(before, op.schema_name, op.table_name)], note="CONCURRENTLY")
    return _table(op, before, version)


def _rename_index(op, before, version):
    """The lock is on the index, not its table (PostgreSQL 12+)."""
    if version >= (12,):
        return _cost(SHARE_UPDATE_EXCLUSIVE, [_name(before, op.schema_name, op.old_name)])
    return _cost(ACCESS_EXCLUSIVE, [_name(before, op.schema_name, op.table_name)])


def _comment(op, before, version):
    return _cost(SHARE_UPDATE_EXCLUSIVE, [_name(before, op.schema_name, op.target_table)])


def _users(before: s.Snapshot, schema: str, type_name: str) -> list[str]:
    """The tables with a column of the named type (or an array of it)."""
    from still.ops.ddl.postgresql import enum_depth

    return [_name(before, where, table.name) for where, table in before.all_tables()
            if any(enum_depth(c.type, schema, type_name, where) is not None for c in table.columns)]


def _replace_enum(op: ops.ReplaceEnum, before, version):
    users = _users(before, op.schema_name, op.enum_name)
    if not users:
        return _cost("none", ())
    return _cost(ACCESS_EXCLUSIVE, users, "rewrite", "the type is recreated and its columns converted")


def _alter_domain(op: ops.AlterDomain, before, version):
    adds = any(c not in op.old.checks for c in op.new.checks) or (op.new.not_null and not op.old.not_null)
    users = _users(before, op.schema_name, op.old.name)
    if not (adds and users):
        return _cost("none", ())
    return _cost(SHARE, users, "scan", "every value of the domain is checked")


_HANDLERS = {
    ops.CreateTable: _create_table, ops.DropTable: _drop_table, ops.RenameTable: _table,
    ops.SetTableComment: _comment, ops.AddColumn: _add_column, ops.DropColumn: _table,
    ops.AlterColumn: _alter_column, ops.RenameColumn: _table, ops.AddConstraint: _add_constraint,
    ops.DropConstraint: _drop_constraint, ops.RenameConstraint: _table, ops.CreateIndex: _create_index,
    ops.ValidateConstraint: _validate_constraint,
    ops.DropIndex: _drop_index, ops.RenameIndex: _rename_index, ops.ReplaceEnum: _replace_enum,
    ops.AlterDomain: _alter_domain,
}
