"""MySQL/MariaDB DDL for every operation.

MySQL cannot change one attribute of a column alone: `ALTER TABLE ... MODIFY COLUMN`
takes the whole definition, so an AlterColumn sends the new column complete (type,
collation, NULL, default with its ON UPDATE, AUTO_INCREMENT, comment). CREATE TABLE
lists the table's indexes inline, so a foreign key finds the index the snapshot says
serves it rather than making one of its own. Every name is written out, the server's
own ones too (`PRIMARY`, `CONSTRAINT_1`, `t_ibfk_1`), so the database ends up with the
names the snapshot holds. Each statement commits by itself: MySQL has no transactional DDL.
"""

from __future__ import annotations

import re
from typing import Optional

from still import ops
from still import snapshot as s
from still.declare.mysql import served_keys, serves, with_foreign_key_index
from still.errors import StillError
from still.ops.ddl.mysql_values import FROM_TEXT_ONLY as _FROM_TEXT_ONLY, guard
from still.ops.ddl.mysql_table_options import set_table_options, table_options_clause
from still.ops.base import edit_table, replace

# each DDL statement commits by itself: a revision that fails part-way stays part-way
TRANSACTIONAL_DDL = False

# a key on the first N characters of a column, as reflect/mysql_indexes.py spells it
_PREFIX_KEY = re.compile(r"^(?:[A-Za-z_][A-Za-z0-9_$]*|`(?:[^`]|``)+`)\(\d+\)$")


class _Writer:
    def __init__(self, dialect, before: s.Snapshot):
        self.dialect = dialect
        self.before = before
        self.q = dialect.identifier_preparer

    def quote(self, name: str) -> str:
        return "`" + name.replace("`", "``") + "`"

    def name(self, schema: str, name: str) -> str:
        if schema == self.before.default_schema:
            return self.quote(name)
        return f"{self.quote(schema)}.{self.quote(name)}"

    def literal(self, text: Optional[str]) -> str:
        if text is None:
            return "''"
        return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"

    def columns(self, names) -> str:
        return ", ".join(self.quote(n) for n in names)

    def column(self, col: s.Column, key: bool = False) -> str:
        """The whole column definition, as CREATE TABLE, ADD COLUMN and MODIFY take it."""
        parts = [self.quote(col.name), col.type]
        if col.collation:
            parts.append(f"COLLATE {col.collation}")
        if col.computed:
            parts.append(f"GENERATED ALWAYS AS ({col.computed.expression}) "
                         f"{'STORED' if col.computed.persisted else 'VIRTUAL'}")
        else:
            parts.append("NULL" if col.nullable else "NOT NULL")
            if col.default is not None:
                parts.append(f"DEFAULT {col.default}")
            if col.autoincrement:
                parts.append("AUTO_INCREMENT")
        if col.comment is not None:
            parts.append(f"COMMENT {self.literal(col.comment)}")
        return " ".join(parts)

    def key_part(self, element: s.IndexElement) -> str:
        if element.column is not None:
            text = self.quote(element.column)
        elif _PREFIX_KEY.match(element.expression):
            text = element.expression
        else:  # an expression key (MySQL 8): in its own parentheses
            text = f"({element.expression})"
        return text + (" DESC" if element.descending else "")

    def index(self, ix: s.Index) -> str:
        """`[UNIQUE|FULLTEXT|SPATIAL] KEY name (parts)`, as CREATE TABLE lists it."""
        kind = "UNIQUE " if ix.unique else (f"{ix.method.upper()} " if ix.method else "")
        return f"{kind}KEY {self.quote(ix.name)} ({', '.join(self.key_part(e) for e in ix.elements)})"

    def constraint(self, kind: str, cons) -> str:
        if kind == "primary_key":
            return f"PRIMARY KEY ({self.columns(cons.columns)})"
        if kind == "unique":
            return f"CONSTRAINT {self.quote(cons.name)} UNIQUE ({self.columns(cons.columns)})"
        if kind == "check":
            return f"CONSTRAINT {self.quote(cons.name)} CHECK ({cons.expression})"
        text = (f"CONSTRAINT {self.quote(cons.name)} FOREIGN KEY ({self.columns(cons.columns)}) "
                f"REFERENCES {self.name(cons.referred_schema, cons.referred_table)} "
                f"({self.columns(cons.referred_columns)})")
        if cons.ondelete:
            text += f" ON DELETE {cons.ondelete}"
        if cons.onupdate:
            text += f" ON UPDATE {cons.onupdate}"
        return text


def plan_statements(operations, before: s.Snapshot, dialect):
    """(operation, statements) in plan order. MySQL refuses to drop the last key a foreign
    key can use ("needed in a foreign key constraint"), even when the plan adds another
    later: the drop and the key that takes over go in one ALTER TABLE (checked as a whole),
    and the later operation sends nothing."""
    operations = list(operations)
    taken_over: set[int] = set()
    snap = before
    for i, op in enumerate(operations):
        stmts = [] if i in taken_over else statements(op, snap, dialect)
        if stmts and _drops_a_key(op):
            after = op.apply(snap)
            table = after.table(op.table_name, op.schema_name)
            for j in range(i + 1, len(operations)):
                unserved = _unserved(table)
                if not unserved:
                    break
                later = operations[j]
                if j in taken_over or not _adds_a_key(later, op) or not any(
                        serves(_key_columns(later), fk.columns) for fk in unserved):
                    continue
                stmts = [stmts[0] + ", " + _add_clause(_Writer(dialect, snap), later)]
                taken_over.add(j)
                table = later.apply(after).table(op.table_name, op.schema_name)
        yield op, stmts
        snap = op.apply(snap)


def _drops_a_key(op) -> bool:
    return isinstance(op, ops.DropIndex) or (
        isinstance(op, ops.DropConstraint) and op.kind in ("unique", "primary_key"))


def _adds_a_key(op, drop) -> bool:
    same_table = (getattr(op, "schema_name", None), getattr(op, "table_name", None)) == \
        (drop.schema_name, drop.table_name)
    return same_table and (isinstance(op, ops.CreateIndex) or (
        isinstance(op, ops.AddConstraint) and op.kind in ("unique", "primary_key")))


def _drops_primary_key(op, other) -> bool:
    return isinstance(op, ops.DropConstraint) and op.kind == "primary_key" and \
        (op.schema_name, op.table_name) == (other.schema_name, other.table_name)


def _key_columns(op) -> tuple[str, ...]:
    if isinstance(op, ops.CreateIndex):
        return op.index.leading_columns() if op.index.method is None else ()
    return tuple(op.constraint.columns)


def _add_clause(w: "_Writer", op) -> str:
    if isinstance(op, ops.CreateIndex):
        return f"ADD {w.index(op.index)}"
    return f"ADD {w.constraint(op.kind, op.constraint)}"



def _unserved(table: s.Table) -> list[s.ForeignKey]:
    keys = served_keys(table)
    return [fk for fk in table.foreign_keys if not any(serves(k, fk.columns) for k in keys)]


def server_side(operation, after: s.Snapshot) -> s.Snapshot:
    """`after` (the snapshot once `operation` applied) with what the server does on its
    own: a foreign key that no key serves gets an index of its own (declare/mysql.py's
    rule), named after the constraint, or after its first column when the statement left
    the name to the server; and such an index goes again as soon as another key serves
    its foreign key. The executor calls
    this after each operation, so op.* calls see what the database holds."""
    if not hasattr(operation, "table_name"):
        return after
    if isinstance(operation, ops.AddConstraint) and operation.kind == "foreign_key":
        fk = operation.constraint
        return edit_table(after, operation.schema_name, operation.table_name, lambda t: with_foreign_key_index(
            t, fk.columns, None if _servers_own_name(t, fk.name) else fk.name))
    if isinstance(operation, ops.CreateIndex) or (
            isinstance(operation, ops.AddConstraint) and operation.kind in ("unique", "primary_key")):
        return edit_table(after, operation.schema_name, operation.table_name, _taken_over)
    return after


def server_made(table: s.Table, index: s.Index) -> bool:
    """Whether `index` is one the server makes for a foreign key (see server_side): a
    plain index over exactly the key's columns, under the key's name, or under its first
    column's when the key has the server's own name (`<table>_ibfk_<n>`). CREATE TABLE
    leaves such an index to the server, so it is one wherever still made the table."""
    return _foreign_key_of(table, index) is not None


def foreign_key_index_rename(table: s.Table, old_name: str, new_name: str) -> Optional[tuple[str, str]]:
    """(old, new) name of the index the server made for `table`'s foreign key `old_name`
    once the key is `new_name`, or None when no index of its own serves the key. The
    server names such an index after the key (after its first column when the key has
    the server's own name), and makes it again when the key is made again under another
    name (MariaDB; an index the models made themselves stays as it is): the rename is
    written to drop it and leave its making to the server, whichever it is (see
    _rename_constraint)."""
    fk = next((fk for fk in table.foreign_keys if fk.name == old_name), None)
    index = next((ix for ix in table.indexes if fk is not None and _foreign_key_of(table, ix) is fk), None)
    if index is None:
        return None
    rest = replace(table, indexes=tuple(ix for ix in table.indexes if ix is not index),
                   foreign_keys=tuple(k for k in table.foreign_keys if k is not fk))
    made = with_foreign_key_index(rest, fk.columns, None if _servers_own_name(rest, new_name) else new_name)
    name = next(ix.name for ix in made.indexes if ix not in rest.indexes)
    if name in {u.name for u in rest.unique_constraints} | {ix.name for ix in rest.indexes}:
        return None  # taken: the server would refuse the name (the models cannot ask for this)
    return index.name, name


def _foreign_key_of(table: s.Table, index: s.Index) -> Optional[s.ForeignKey]:
    if index.unique or index.method is not None or not all(
            e.column is not None and not e.descending for e in index.elements):
        return None
    columns = index.leading_columns()
    for fk in table.foreign_keys:
        if fk.columns == columns and (index.name == fk.name or (
                _IBFK.fullmatch(fk.name or "") and fk.name.startswith(table.name + "_")
                and re.fullmatch(re.escape(columns[0]) + r"(?:_\d+)?", index.name))):
            return fk
    return None


_IBFK = re.compile(r".+_ibfk_\d+")


def _served_by_others(table: s.Table, index: s.Index) -> bool:
    others = table.model_copy(update={"indexes": tuple(i for i in table.indexes if i is not index)})
    return any(serves(key, index.leading_columns()) for key in served_keys(others))


def _taken_over(table: s.Table) -> s.Table:
    """`table` without the foreign keys' own indexes that another key now serves."""
    keep = [ix for ix in table.indexes if not server_made(table, ix) or not _served_by_others(table, ix)]
    return table if len(keep) == len(table.indexes) else replace(table, indexes=tuple(keep))


def _unnamed_in_create(table: s.Table) -> list[s.ForeignKey]:
    """The foreign keys CREATE TABLE may send without a name, in this order, for the server
    to call them `<table>_ibfk_1`, `_2`, ... as it calls the unnamed ones create_all sends."""
    numbered = {}
    for fk in table.foreign_keys:
        m = re.fullmatch(re.escape(table.name) + r"_ibfk_(\d+)", fk.name or "")
        if m:
            numbered[int(m.group(1))] = fk
    return [numbered[n] for n in sorted(numbered)] if set(numbered) == set(range(1, len(numbered) + 1)) else []


def _left_to_server(table: s.Table, index: s.Index, unnamed: list) -> bool:
    """Whether CREATE TABLE leaves `index` out for the server to make for its foreign key,
    under the same name: the key's when CREATE TABLE names the key, else its column's."""
    fk = _foreign_key_of(table, index)
    if fk is None or _served_by_others(table, index):
        return False
    return (index.name == fk.name) != any(u is fk for u in unnamed)


def statements(op, before: s.Snapshot, dialect) -> list[str]:
    handler = _HANDLERS.get(type(op))
    if handler is None:
        raise StillError(f"{op.op} has no MySQL equivalent")
    return handler(_Writer(dialect, before), op)


def _create_table(w: _Writer, op: ops.CreateTable) -> list[str]:
    t = op.table
    parts = [w.column(c) for c in t.columns]
    if t.primary_key:
        parts.append(w.constraint("primary_key", t.primary_key))
    parts += [w.constraint("unique", u) for u in t.unique_constraints]
    # the index a foreign key would make for itself is left to the server (under the same
    # name), which then drops it when another key takes over, as it does for the tables
    # create_all and Alembic make; so are the names of the unnamed foreign keys
    unnamed = _unnamed_in_create(t)
    parts += [w.index(ix) for ix in t.indexes if not _left_to_server(t, ix, unnamed)]
    parts += [w.constraint("check", c) for c in t.check_constraints]
    parts += [w.constraint("foreign_key", fk).removeprefix(f"CONSTRAINT {w.quote(fk.name)} ") for fk in unnamed]
    parts += [w.constraint("foreign_key", fk) for fk in t.foreign_keys if not any(u is fk for u in unnamed)]
    body = ",\n  ".join(parts)
    comment = f" COMMENT={w.literal(t.comment)}" if t.comment is not None else ""
    options = table_options_clause(w, t.options)
    return [f"CREATE TABLE {w.name(op.schema_name, t.name)} (\n  {body}\n){options}{comment}"]


def _alter(w: _Writer, op, clause: str) -> list[str]:
    return [f"ALTER TABLE {w.name(op.schema_name, op.table_name)} {clause}"]


def _drop_index(w: _Writer, op: ops.DropIndex) -> list[str]:
    """The index a foreign key made for itself is dropped by the server as soon as another
    key serves the foreign key (see keys_first): then it may be gone already, and MariaDB
    is told IF EXISTS."""
    table = _table(w, op)
    implicit = server_made(table, op.index)
    others = table.model_copy(update={"indexes": tuple(ix for ix in table.indexes if ix.name != op.index.name)})
    gone = implicit and not _unserved(others) and getattr(w.dialect, "is_mariadb", False)
    return _alter(w, op, f"DROP INDEX {'IF EXISTS ' if gone else ''}{w.quote(op.index.name)}")


def _add_column(w: _Writer, op: ops.AddColumn) -> list[str]:
    clause = f"ADD COLUMN {w.column(op.column)}"
    if op.column.autoincrement:  # AUTO_INCREMENT needs a key from the start
        clause += f", ADD PRIMARY KEY ({w.quote(op.column.name)})" if not _table(w, op).primary_key \
            else f", ADD KEY ({w.quote(op.column.name)})"
    return _alter(w, op, clause)


def _table(w: _Writer, op) -> s.Table:
    return w.before.table(op.table_name, op.schema_name)


def _alter_column(w: _Writer, op: ops.AlterColumn) -> list[str]:
    old, new = op.old, op.new
    if old.computed != new.computed and (old.computed or new.computed):
        # a column turns generated or back, or its expression changes: it holds no data of
        # its own to keep, so it is made again
        return (_alter(w, op, f"DROP COLUMN {w.quote(old.name)}")
                + _add_column(w, ops.AddColumn(schema_name=op.schema_name, table_name=op.table_name,
                                               column=new)))
    kept = guard(w.dialect, w.name(op.schema_name, op.table_name), f"{op.table_name}.{new.name}",
                 w.quote(old.name), old, new)
    if old.type != new.type and (_base(old.type) in _FROM_TEXT_ONLY or _base(new.type) in _FROM_TEXT_ONLY) \
            and not {_base(old.type), _base(new.type)} & _TEXT_TYPES:
        # MariaDB converts a UUID or INET column only to and from text: through a VARCHAR
        via = new.model_copy(update={"type": "varchar(255)", "collation": None, "default": None,
                                     "nullable": True, "autoincrement": False})
        return kept + _alter(w, op, f"MODIFY COLUMN {w.column(via)}") + _alter(w, op, f"MODIFY COLUMN {w.column(new)}")
    return kept + _alter(w, op, f"MODIFY COLUMN {w.column(new)}")


_TEXT_TYPES = {"char", "varchar", "tinytext", "text", "mediumtext", "longtext"}


def _base(type_text: str) -> str:
    return type_text.split("(", 1)[0].split(" ", 1)[0]


def _add_constraint(w: _Writer, op: ops.AddConstraint) -> list[str]:
    return _alter(w, op, f"ADD {_constraint_clause(w, _table(w, op), op.kind, op.constraint)}")


def _constraint_clause(w: _Writer, table: s.Table, kind: str, cons) -> str:
    clause = w.constraint(kind, cons)
    if kind == "foreign_key" and _servers_own_name(table, cons.name):
        # unnamed, as Alembic sends it: the server gives this very name, and names the index
        # it makes after the first column, as for create_all, not after the constraint
        clause = clause.removeprefix(f"CONSTRAINT {w.quote(cons.name)} ")
    return clause


def _servers_own_name(table: s.Table, name: Optional[str]) -> bool:
    """Whether `name` is what ALTER TABLE calls an unnamed foreign key added to `table`:
    `<table>_ibfk_<n>`, one past the highest n there."""
    pattern = re.compile(re.escape(table.name) + r"_ibfk_(\d+)")
    numbers = [int(m.group(1)) for m in (pattern.fullmatch(fk.name or "") for fk in table.foreign_keys
                                         if fk.name != name) if m]
    return name == f"{table.name}_ibfk_{max(numbers + [0]) + 1}"


def _drop_constraint(w: _Writer, op: ops.DropConstraint) -> list[str]:
    if op.kind == "primary_key":
        return _alter(w, op, "DROP PRIMARY KEY")
    name = w.quote(op.constraint.name)
    if op.kind == "unique":
        return _alter(w, op, f"DROP INDEX {name}")
    if op.kind == "foreign_key":
        return _alter(w, op, f"DROP FOREIGN KEY {name}")
    return _alter(w, op, f"DROP CONSTRAINT {name}")


def _rename_constraint(w: _Writer, op: ops.RenameConstraint) -> list[str]:
    if op.kind == "primary_key":
        return []  # always PRIMARY
    if op.kind == "unique":
        return _alter(w, op, f"RENAME INDEX {w.quote(op.old_name)} TO {w.quote(op.new_name)}")
    # checks and foreign keys cannot be renamed: made again under the new name
    table = _table(w, op)
    group = table.foreign_keys if op.kind == "foreign_key" else table.check_constraints
    cons = next(c for c in group if c.name == op.old_name)
    drop = ops.DropConstraint(schema_name=op.schema_name, table_name=op.table_name, kind=op.kind,
                              constraint=cons)
    add = ops.AddConstraint(schema_name=op.schema_name, table_name=op.table_name, kind=op.kind,
                            constraint=cons.model_copy(update={"name": op.new_name}))
    if op.old_index_name is None:
        return _drop_constraint(w, drop) + _add_constraint(w, add)
    # the key's own index goes with the key, and the server makes it again for the new key
    # under the name it gives (op.new_index_name): so whether it made the old one itself
    # (MariaDB replaces such an index with the new key's) or was told to (it would keep
    # that one) does not matter, and the new one is the server's own again, dropped when
    # another key takes over. Two statements, as for any rename of a key: MySQL documents
    # DROP and ADD FOREIGN KEY in one ALTER TABLE for ALGORITHM=INPLACE only, and adding a
    # key with foreign_key_checks on copies the table
    rest = drop.apply(w.before).table(op.table_name, op.schema_name)
    return (_alter(w, op, f"DROP FOREIGN KEY {w.quote(op.old_name)}, DROP INDEX {w.quote(op.old_index_name)}")
            + _alter(w, op, f"ADD {_constraint_clause(w, rest, op.kind, add.constraint)}"))


def _create_index(w: _Writer, op: ops.CreateIndex) -> list[str]:
    return _alter(w, op, f"ADD {w.index(op.index)}")


_HANDLERS = {
    ops.CreateSchema: lambda w, op: [f"CREATE SCHEMA {w.quote(op.schema_name)}"],
    ops.DropSchema: lambda w, op: [f"DROP SCHEMA {w.quote(op.schema_name)}"],
    ops.CreateTable: _create_table,
    ops.DropTable: lambda w, op: [f"DROP TABLE {w.name(op.schema_name, op.table.name)}"],
    ops.RenameTable: lambda w, op: [f"RENAME TABLE {w.name(op.schema_name, op.old_name)} "
                                    f"TO {w.name(op.schema_name, op.new_name)}"],
    ops.SetTableComment: lambda w, op: _alter(w, op, f"COMMENT = {w.literal(op.new_comment)}"),
    ops.SetTableOptions: set_table_options,
    ops.AddColumn: _add_column,
    ops.DropColumn: lambda w, op: _alter(w, op, f"DROP COLUMN {w.quote(op.column.name)}"),
    ops.AlterColumn: _alter_column,
    ops.RenameColumn: lambda w, op: _alter(w, op, f"RENAME COLUMN {w.quote(op.old_name)} "
                                                  f"TO {w.quote(op.new_name)}"),
    ops.CreateIndex: _create_index,
    ops.DropIndex: lambda w, op: _drop_index(w, op),
    ops.RenameIndex: lambda w, op: _alter(w, op, f"RENAME INDEX {w.quote(op.old_name)} "
                                                 f"TO {w.quote(op.new_name)}"),
    ops.AddConstraint: _add_constraint,
    ops.DropConstraint: _drop_constraint,
    ops.RenameConstraint: _rename_constraint,
    ops.ValidateConstraint: lambda w, op: [],  # MySQL checks a constraint when it is made
}


def keys_first(operations, before: s.Snapshot) -> tuple:
    """The plan's operations with each key that takes over a foreign key's index moved
    before the drop that would leave the foreign key without one: MySQL refuses that drop
    ("needed in a foreign key constraint") statement by statement, as a revision file runs
    them. Only a key whose columns exist at the drop and whose name differs moves; the
    rest is left to plan_statements, which joins the two in one ALTER TABLE. A primary key
    that moves takes the drop of the old one along, ahead of it."""
    operations = list(operations)
    snap = before
    i = 0
    while i < len(operations):
        op = operations[i]
        if _drops_a_key(op):
            table = op.apply(snap).table(op.table_name, op.schema_name)
            unserved = _unserved(table)
            present = {c.name for c in table.columns}
            dropped = op.index.name if isinstance(op, ops.DropIndex) else op.constraint.name
            for j in range(i + 1, len(operations)):
                later = operations[j]
                if not unserved:
                    break
                if not _adds_a_key(later, op) or not set(_key_columns(later)) <= present:
                    continue
                name = later.index.name if isinstance(later, ops.CreateIndex) else later.constraint.name
                if name == dropped or not any(serves(_key_columns(later), fk.columns) for fk in unserved):
                    continue
                operations.insert(i, operations.pop(j))
                if isinstance(later, ops.AddConstraint) and later.kind == "primary_key" and \
                        snap.table(op.table_name, op.schema_name).primary_key is not None:
                    # a table has one primary key: the old one goes first (in one ALTER
                    # TABLE with the new one when that leaves a foreign key unserved)
                    k = next((k for k in range(i + 1, len(operations)) if _drops_primary_key(operations[k], op)),
                             None)
                    if k is not None:
                        operations.insert(i, operations.pop(k))
                op = operations[i]
                break
        snap = op.apply(snap)
        i += 1
    return tuple(operations)
