"""SQLite DDL for every operation.

SQLite's ALTER TABLE can add, rename and drop simple columns and rename tables; anything
else (type, nullability, default, constraints, dropping a column something depends on) is
done by rebuilding the table, SQLite's documented way: create the new table under a
temporary name, copy the rows, drop the old table, rename the new one, recreate the
indexes. Foreign keys are not enforced on still's migration connections (see
`still.db.migration_engine`), so dropping the old table cannot cascade; `after_plan`
verifies afterwards that the rebuild orphaned nothing.
"""

from __future__ import annotations

import re

import weakref

import sqlalchemy as sa
from sqlalchemy.schema import CreateIndex, CreateTable

from still import ops
from still import snapshot as s
from still.errors import StillError
from still.ops.ddl.sa_build import build_column, build_table
from still.ops.ddl.sqlite_values import guard
from still.ops.ddl.sqlite_dependents import with_dependents as online_around  # noqa: F401
from still.written import written

REBUILD_PREFIX = "_still_new_"


class _Writer:
    def __init__(self, dialect, before: s.Snapshot):
        self.dialect = dialect
        self.before = before
        self.q = dialect.identifier_preparer

    def compile(self, construct) -> str:
        return str(construct.compile(dialect=self.dialect)).strip()

    def table_ddl(self, table: s.Table, name: str | None = None) -> list[str]:
        built = build_table(sa.MetaData(), "main", table.model_copy(update={"name": name or table.name}), "main",
                            sqlite_default)
        return [self.compile(CreateTable(built))]

    def create_ddl(self, table: s.Table) -> list[str]:
        """CREATE TABLE and its CREATE INDEX statements, from one built table."""
        built = build_table(sa.MetaData(), "main", table, "main", sqlite_default)
        return [self.compile(CreateTable(built))] + [self.compile(CreateIndex(ix)) for ix in built.indexes]

    def index_ddl(self, table: s.Table) -> list[str]:
        built = build_table(sa.MetaData(), "main", table, "main", sqlite_default)
        return [self.compile(CreateIndex(ix)) for ix in built.indexes]

    def rebuild(self, old: s.Table, new: s.Table) -> list[str]:
        """Statements that turn table `old` into `new` (same name) keeping every row."""
        temp = REBUILD_PREFIX + new.name
        old_names = {c.name for c in old.columns if not c.computed}
        copied = [self.q.quote(c.name) for c in new.columns if c.name in old_names and not c.computed]
        before = {c.name: c for c in old.columns}
        out = [sql for c in new.columns if c.name in old_names and not c.computed
               for sql in guard(self.q.quote, self.q.quote(old.name), f"{old.name}.{c.name}", before[c.name], c)]
        out += self.table_ddl(new, temp)
        if copied:
            cols = ", ".join(copied)
            out.append(f"INSERT INTO {self.q.quote(temp)} ({cols}) SELECT {cols} FROM {self.q.quote(old.name)}")
        if old.options.autoincrement and new.options.autoincrement:
            out += _carried_sequence(old.name, temp)
        out += [f"DROP TABLE {self.q.quote(old.name)}",
                f"ALTER TABLE {self.q.quote(temp)} RENAME TO {self.q.quote(new.name)}"]
        return out + self.index_ddl(new)


def _carried_sequence(old: str, new: str) -> list[str]:
    """AUTOINCREMENT never hands out a rowid it gave before, even of a deleted row: its
    high-water mark in sqlite_sequence (which the copy sets to the largest rowid left) is
    carried over to the new table before DROP TABLE deletes the old one's."""
    def literal(name: str) -> str:
        return "'" + name.replace("'", "''") + "'"

    return [f"DELETE FROM sqlite_sequence WHERE name = {literal(new)}",
            f"INSERT INTO sqlite_sequence (name, seq) SELECT {literal(new)}, seq FROM sqlite_sequence "
            f"WHERE name = {literal(old)}"]


def statements(op, before: s.Snapshot, dialect) -> list[str]:
    direct = _direct(op, before, dialect)
    if direct is not None:
        return direct
    # everything else: rebuild the table from its snapshot before and after the operation
    table = op.target_table
    return _Writer(dialect, before).rebuild(before.table(table, op.schema_name),
                                            op.apply(before).table(table, op.schema_name))


# operations a pending rebuild of their table makes for them (its new table has their result)
_JOINS_A_REBUILD = frozenset({ops.AddColumn, ops.DropColumn, ops.AlterColumn, ops.CreateIndex, ops.DropIndex,
                              ops.AddConstraint, ops.DropConstraint, ops.SetTableComment})


def rebuild_key(op, before: s.Snapshot, dialect, pending) -> "tuple[str, str] | None":
    """For a run of revision code (still.runtime.executor): the (schema, table) whose rebuild
    `op` can be part of, so that the operations of one revision on one table are one
    rebuild, as Alembic's batch mode makes them; None when `op` runs on its own. `pending`
    is the table a rebuild is being gathered for."""
    key = (op.schema_name, op.target_table)
    if op.target_table is not None and pending == key and type(op) in _JOINS_A_REBUILD:
        return key
    return key if op.target_table is not None and _direct(op, before, dialect) is None else None


def rebuild_statements(start: s.Table, new: s.Table, before: s.Snapshot, dialect) -> list[str]:
    return _Writer(dialect, before).rebuild(start, new)


def plan_statements(operations, before: s.Snapshot, dialect):
    """(operation, statements) like `statements`, except that adjacent operations that each
    need a rebuild of the same table share one rebuild (given with the first of them)."""
    snap = before
    batch: list = []  # adjacent operations rebuilding one table, and the table before them
    start = None

    def flush():
        if batch:
            first = batch[0]
            new = snap.table(first.target_table, first.schema_name)
            yield first, _Writer(dialect, before).rebuild(start, new)
            for later in batch[1:]:
                yield later, []
            batch.clear()

    for op in operations:
        direct = _direct(op, snap, dialect)
        same_table = batch and (op.schema_name, op.target_table) == (batch[0].schema_name, batch[0].target_table)
        if direct is None and same_table:
            batch.append(op)
        else:
            yield from flush()
            if direct is None:
                start = snap.table(op.target_table, op.schema_name)
                batch.append(op)
            else:
                yield op, direct
        snap = op.apply(snap)
    yield from flush()


def _direct(op, before: s.Snapshot, dialect):
    """The statements for `op` when SQLite's ALTER TABLE can do it; None when it takes a rebuild."""
    kind = type(op)
    if kind in _UNSUPPORTED:
        raise StillError(f"SQLite has no {op.op.replace('_', ' ').replace('create ', '').replace('drop ', '')}s: "
                         f"cannot run {op.op}")
    direct = _DIRECT.get(kind)
    return direct(_Writer(dialect, before), op) if direct is not None else None


def _add_column(w: _Writer, op: ops.AddColumn):
    col = op.column
    # ALTER TABLE ADD COLUMN refuses these; the rebuild does them
    if col.computed and col.computed.persisted:
        return None
    if not col.nullable and col.default is None:
        return None
    if col.default is not None and not _constant(col.default):
        return None
    return [f"ALTER TABLE {w.q.quote(op.table_name)} ADD COLUMN {column_spec(w.dialect, col)}"]


def column_spec(dialect, col: s.Column) -> str:
    """The column's definition as CREATE TABLE spells it. A column that is not part of the
    primary key needs no sa.Table around it to compile (which saves most of the cost of a
    one-column ADD COLUMN revision). What follows the column's quoted name depends on the
    rest of its definition alone: it is compiled once per dialect for each distinct rest
    (a history adds the same few kinds of column under a thousand names)."""
    quoted = dialect.identifier_preparer.quote(col.name)
    key = (col.type, col.nullable, col.default, written(col.default), col.autoincrement, col.identity,
           col.computed, col.computed and written(col.computed.expression), col.comment, col.collation)
    rests = _RESTS.get(dialect)
    if rests is None:
        rests = _RESTS[dialect] = {}
    rest = rests.get(key)
    if rest is None:
        spec = dialect.ddl_compiler(dialect, None).get_column_specification(build_column(col, default_sql=sqlite_default))
        if not spec.startswith(quoted + " "):
            return spec
        rest = rests[key] = spec[len(quoted):]
    return quoted + rest


_RESTS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()  # dialect -> {rest of a column: its text}


# what SQLite takes as a DEFAULT without parentheses: a literal, a signed number, a keyword
_BARE = re.compile(r"""^\s*['"(]|^\w*$|^\s*[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?\s*$""", re.I)


def sqlite_default(default: str) -> str:
    """A default's text as sent: SQLite takes an expression (a function call, read back
    without its parentheses) only in parentheses. SQLAlchemy adds them to a text default
    from 2.0.40 on, never before; here they are added to an expression only, so the rest
    is sent as the SQLAlchemy in use sends a model's (`1.5` or `(1.5)`) and matches it."""
    text = written(default)
    return text if _BARE.match(text) else f"({text})"


def _constant(default: str) -> bool:
    text = default.strip().lower()
    return not (text.startswith("(") or text in ("current_timestamp", "current_date", "current_time")
                or "(" in text)


def _drop_column(w: _Writer, op: ops.DropColumn):
    table = w.before.table(op.table_name, op.schema_name)
    name = op.column.name
    referenced = (
        (table.primary_key and name in table.primary_key.columns)
        or any(name in u.columns for u in table.unique_constraints)
        or any(name in fk.columns for fk in table.foreign_keys)
        or any(name in (e.column for e in ix.elements) or ix.where or any(e.expression for e in ix.elements)
               for ix in table.indexes)
        or table.check_constraints
        or any(c.computed for c in table.columns)
        or _referred(w.before, op.table_name, name)
    )
    if referenced:
        return None
    return [f"ALTER TABLE {w.q.quote(op.table_name)} DROP COLUMN {w.q.quote(name)}"]


def _referred(snap: s.Snapshot, table_name: str, column: str) -> bool:
    """Whether a foreign key of any table refers to `column` of `table_name` (a plain loop:
    it runs for every dropped column, over every table of the schema)."""
    for schema in snap.schemas.values():
        for other in schema.tables.values():
            for fk in other.foreign_keys:
                if fk.referred_table == table_name and column in fk.referred_columns:
                    return True
    return False


def _alter_column(w: _Writer, op: ops.AlterColumn):
    if op.changed() == ["comment"]:
        return []  # SQLite stores no comments
    return None


# ALTER TABLE forms that cannot leave a row pointing nowhere (SQLite's own checks refuse
# ADD COLUMN ... REFERENCES with a non-NULL default, and DROP COLUMN of a referenced column)
_CANNOT_ORPHAN = frozenset({ops.CreateTable, ops.RenameTable, ops.SetTableComment, ops.AddColumn,
                            ops.DropColumn, ops.RenameColumn, ops.CreateIndex, ops.DropIndex,
                            ops.RenameIndex})


def may_orphan(op, statements: list[str]) -> bool:
    """Whether `op`, run as `statements` with foreign keys unenforced, can leave rows that
    violate a foreign key: a dropped table or a rebuild can; `after_plan` must then look."""
    return type(op) not in _CANNOT_ORPHAN or any(sql.startswith("DROP TABLE") for sql in statements)


def after_plan(connection) -> None:
    """Fail (so the transaction rolls back) if the migration left rows pointing nowhere.
    A table with a foreign key to columns that are not a key of its parent cannot be
    checked by SQLite at all ("foreign key mismatch"; create_all makes such tables, and
    SQLite enforces nothing there): it is left out, as SQLite leaves it."""
    from sqlalchemy import exc

    try:
        rows = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    except exc.OperationalError as err:
        if "foreign key mismatch" not in str(err):
            raise
        rows = []
        tables = [r[0] for r in connection.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        for table in tables:
            try:
                rows += connection.exec_driver_sql(
                    f'PRAGMA foreign_key_check("{table.replace(chr(34), chr(34) * 2)}")').fetchall()
            except exc.OperationalError as per_table:
                if "foreign key mismatch" not in str(per_table):
                    raise
    if rows:
        table, rowid, parent = rows[0][0], rows[0][1], rows[0][2]
        raise StillError(f"the migration would leave {len(rows)} row(s) violating foreign keys "
                         f"(first: {table} rowid {rowid} -> {parent}); nothing was changed")


_UNSUPPORTED = {ops.CreateSchema, ops.DropSchema, ops.CreateEnum, ops.DropEnum, ops.AddEnumValue,
                ops.ReplaceEnum, ops.CreateSequence, ops.AlterSequence, ops.DropSequence, ops.RenameSequence,
                ops.CreateDomain, ops.DropDomain, ops.AlterDomain}

_DIRECT = {
    ops.CreateTable: lambda w, op: w.create_ddl(op.table),
    ops.DropTable: lambda w, op: [f"DROP TABLE {w.q.quote(op.table.name)}"],
    ops.RenameTable: lambda w, op: [f"ALTER TABLE {w.q.quote(op.old_name)} RENAME TO {w.q.quote(op.new_name)}"],
    ops.SetTableComment: lambda w, op: [],
    ops.ValidateConstraint: lambda w, op: [],  # SQLite checks a constraint when it is made
    ops.AddColumn: _add_column,
    ops.DropColumn: _drop_column,
    ops.AlterColumn: _alter_column,
    ops.RenameColumn: lambda w, op: [f"ALTER TABLE {w.q.quote(op.table_name)} RENAME COLUMN "
                                     f"{w.q.quote(op.old_name)} TO {w.q.quote(op.new_name)}"],
    ops.CreateIndex: lambda w, op: _create_index(w, op),
    ops.DropIndex: lambda w, op: [f"DROP INDEX {w.q.quote(op.index.name)}"],
    ops.RenameIndex: lambda w, op: _rename_index(w, op),
}


def _rename_index(w: _Writer, op: ops.RenameIndex) -> list[str]:
    # SQLite has no ALTER INDEX: the same definition is built again under the new name
    table = w.before.table(op.table_name, op.schema_name)
    index = next(ix for ix in table.indexes if ix.name == op.old_name)
    renamed = index.model_copy(update={"name": op.new_name})
    return [f"DROP INDEX {w.q.quote(op.old_name)}"] + _create_index(
        w, ops.CreateIndex(schema_name=op.schema_name, table_name=op.table_name, index=renamed))


def _create_index(w: _Writer, op: ops.CreateIndex) -> list[str]:
    table = w.before.table(op.table_name, op.schema_name)
    only = table.model_copy(update={"indexes": (op.index,)})
    return w.index_ddl(only)
