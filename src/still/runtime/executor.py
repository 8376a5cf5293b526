"""The executor behind `still.op`: it keeps the current Snapshot, turns each operation
into the dialect's statements against that snapshot, and runs them on a connection
(online) or writes them to a stream (offline), then advances the snapshot.

Online the snapshot is reflected once at the start of a run; offline it starts empty (or
is replayed from the revisions below the start) and advances through the operations, so
operations that need an old definition or a SQLite table rebuild work in both modes.
"""

from __future__ import annotations

import abc
import contextlib
import importlib
from contextvars import ContextVar
from typing import Callable, Iterator, Optional, TextIO

from still import ops
from still import snapshot as s
from still.errors import StillError

_current: ContextVar[Optional["Executor"]] = ContextVar("still_executor", default=None)


def current() -> "Executor":
    executor = _current.get()
    if executor is None:
        raise StillError("still.op can only be used inside a revision's upgrade() or downgrade() "
                         "while still runs it (still upgrade / downgrade)")
    return executor


@contextlib.contextmanager
def active(executor: "Executor") -> Iterator["Executor"]:
    """`executor` runs the op calls made inside; a rebuild it gathered for the last ones
    (SQLite) runs as the block ends."""
    token = _current.set(executor)
    try:
        yield executor
        executor.flush()
    finally:
        _current.reset(token)


def _first_line(text: str) -> str:
    lines = text.strip().splitlines()
    return lines[0] if lines else ""


def _one_line(sql: str) -> str:
    """A statement on one line: all of it, its whitespace collapsed (a multi-line CREATE
    TABLE cut at its first newline would show only `CREATE TABLE t (`)."""
    return " ".join(sql.split())


class Executor(abc.ABC):
    """Shared by both modes; subclasses say where statements go."""

    offline = False

    def __init__(self, dialect, snapshot: s.Snapshot):
        from still.declare import rules_for

        self.dialect = dialect
        self.snapshot = snapshot
        self.rules = rules_for(dialect)
        self.rules.keep_memo()  # op.* calls declare the same few types over and over
        self.tag: Optional[str] = None  # --tag, for revisions that want it
        self.x: dict[str, str] = {}  # -x key=value
        self.naming_convention: Optional[dict] = None  # what op.* names follow (build.op_metadata)
        # set when something ran that can leave rows violating unenforced foreign keys
        # (a SQLite rebuild or dropped table, raw SQL, inserted rows); see after_plan
        self.may_orphan = False
        self.in_autocommit = False  # inside op.autocommit_block()
        self._ddl = importlib.import_module(f"still.ops.ddl.{dialect.name}")
        # False where each DDL statement commits itself (MySQL): a failure cannot roll back
        self.transactional_ddl = getattr(self._ddl, "TRANSACTIONAL_DDL", True)
        self.applied: list[str] = []  # statements run online since the migration last reset it
        # how many of `applied` an autocommit block committed (None: none): a failure after
        # it cannot roll them back
        self.committed: Optional[int] = None
        # indexes the database dropped by itself (server_side): op.drop_index of one is done
        self.dropped_by_server: set[tuple[str, str, str]] = set()
        # (schema, table, index) -> the name a foreign key's rename gave it (MySQL): a
        # revision that renames the index too after the key finds it done
        self.renamed_along: dict[tuple[str, str, str], str] = {}

    @property
    def ddl(self):
        """The dialect's DDL module (ops/ddl/<dialect>.py), for its rules."""
        return self._ddl

    @property
    def default_schema(self) -> str:
        return self.snapshot.default_schema

    def schema(self, name: Optional[str]) -> str:
        return name or self.default_schema

    on_operation: Optional[Callable[[str], None]] = None  # told each operation's kind as it starts

    _pending = None  # (key, table before, first operation) of a rebuild being gathered (SQLite)

    def run(self, operation) -> None:
        if self.on_operation is not None:
            self.on_operation(operation.op.replace("_", " "))
        gather = getattr(self._ddl, "rebuild_key", None)
        if gather is not None:
            before = self.snapshot
            key = gather(operation, before, self.dialect, self._pending[0] if self._pending else None)
            if self._pending is not None and key != self._pending[0]:
                self.flush()
                before = self.snapshot
                key = gather(operation, before, self.dialect, None)
            if key is not None:  # one rebuild for this and what follows on the table: see flush
                if self._pending is None:
                    self._pending = (key, before.table(key[1], key[0]), operation)
                self.snapshot = operation.apply(before)
                return
        before = self.snapshot
        statements = self.around(self._ddl.statements(operation, before, self.dialect))
        for sql in statements:
            self.emit(sql, operation.op)
        after = operation.apply(before)
        # what the database does on its own besides the statements (MySQL: a foreign key's
        # index comes, and goes once another key serves the key)
        server_side = getattr(self._ddl, "server_side", None)
        self.snapshot = server_side(operation, after) if server_side is not None else after
        if self.snapshot is not after:  # the hook changes the operation's own table only
            where, name = operation.schema_name, operation.table_name
            kept = {ix.name for ix in self.snapshot.table(name, where).indexes}
            self.dropped_by_server |= {(where, name, ix.name) for ix in after.table(name, where).indexes
                                       if ix.name not in kept}
        if not self.may_orphan:
            check = getattr(self._ddl, "may_orphan", None)
            self.may_orphan = check is not None and check(operation, statements)

    def flush(self) -> None:
        """Run the rebuild gathered for one table (SQLite): before anything else reaches the
        database (another table's operation, raw SQL, op.get_bind()) and at the end of each
        revision."""
        if self._pending is None:
            return
        (schema, table), start, first = self._pending
        self._pending = None
        statements = self.around(self._ddl.rebuild_statements(start, self.snapshot.table(table, schema),
                                                              self.snapshot, self.dialect))
        for sql in statements:
            self.emit(sql, first.op)
        if not self.may_orphan:
            check = getattr(self._ddl, "may_orphan", None)
            self.may_orphan = check is not None and check(first, statements)

    def around(self, statements: list[str]) -> list[str]:
        """What the database itself must add to an operation's statements (online)."""
        return statements

    @abc.abstractmethod
    def emit(self, sql: str, what: str = "execute") -> None:
        """Run or write a statement (subclasses)."""

    @abc.abstractmethod
    def execute(self, statement, execution_options=None) -> None:
        """Run or write a statement (subclasses)."""

    @abc.abstractmethod
    def bulk_insert(self, table, rows: list[dict], multiinsert: bool = True) -> None:
        """Insert rows (subclasses)."""

    def connection(self):
        raise StillError("op.get_bind() has no connection in offline (--sql) mode")

    def reread(self) -> s.Snapshot:
        """The schema as the database has it at this moment, for what asks the database
        itself (IF [NOT] EXISTS): offline, still's own."""
        return self.snapshot

    @abc.abstractmethod
    def autocommit_block(self):
        """A context manager: leave the transaction, run in autocommit, begin again."""


class OnlineExecutor(Executor):
    def __init__(self, conn, snapshot: s.Snapshot, reflect_again: Callable[[], s.Snapshot]):
        self._stale = False
        super().__init__(conn.dialect, snapshot)
        self.conn = conn
        self._reflect = reflect_again
        self._autocommit = False

    @property
    def snapshot(self) -> s.Snapshot:
        # raw DDL through op.execute() changes the schema behind the snapshot's back:
        # reflect again before the next operation looks at it
        if self._stale:
            self._snapshot = self._reflect()
            self._stale = False
        return self._snapshot

    @snapshot.setter
    def snapshot(self, value: s.Snapshot) -> None:
        self._snapshot = value

    def fresh(self) -> s.Snapshot:
        return self.snapshot

    def around(self, statements: list[str]) -> list[str]:
        # e.g. SQLite: a rebuild keeps the table's triggers and the views that read it
        hook = getattr(self._ddl, "online_around", None)
        return hook(self.conn, statements) if hook is not None else statements

    def emit(self, sql: str, what: str = "execute") -> None:
        from sqlalchemy import exc

        try:
            self.conn.exec_driver_sql(sql)
        except exc.DBAPIError as err:
            reason = _first_line(str(err.orig)) if err.orig else _first_line(str(err))
            raise StillError(f"{what} failed: {reason} (statement: {_one_line(sql)})") from err
        self.applied.append(sql)
        self._after_statement()

    def _after_statement(self) -> None:
        if self._autocommit:
            self.conn.commit()
        if self.in_autocommit:
            self.committed = len(self.applied)

    def execute(self, statement, execution_options=None) -> None:
        import sqlalchemy as sa
        from sqlalchemy import exc

        self.flush()
        if isinstance(statement, str):
            if statement.lstrip().split(None, 1)[:1] and statement.lstrip().split(None, 1)[0].upper() in (
                    "CREATE", "ALTER", "DROP", "COMMENT"):
                self._stale = True
            statement = sa.text(statement)
        else:
            self._stale = True  # a construct may be DDL; reflect before the next operation
        self.may_orphan = True
        try:
            self.conn.execute(statement, execution_options=execution_options or {})
        except exc.DBAPIError as err:
            reason = _first_line(str(err.orig)) if err.orig else _first_line(str(err))
            raise StillError(f"execute failed: {reason} (statement: {_one_line(str(statement))})") from err
        self.applied.append(str(statement))
        self._after_statement()

    def bulk_insert(self, table, rows, multiinsert: bool = True) -> None:
        from sqlalchemy import exc

        self.flush()
        if not rows:
            return
        self.may_orphan = True
        try:
            self.conn.execute(table.insert(), list(rows))
        except exc.DBAPIError as err:
            reason = _first_line(str(err.orig)) if err.orig else _first_line(str(err))
            raise StillError(f"bulk_insert into {table.name} failed: {reason}") from err
        self._after_statement()

    def connection(self):
        # whatever runs on it directly is not seen here: it may orphan rows, and it may be
        # DDL (`sa.Enum(...).create(bind)`), so the snapshot is read again before it is used
        self.flush()
        self.may_orphan = True
        self._stale = self._lent = True
        return self.conn

    def reread(self) -> s.Snapshot:
        # a revision holding the connection may have run DDL on it since still last read
        # (Airflow's 2.9.2 drops and rebuilds dag_run by hand, then create_index(if_not_exists))
        self._stale = self._stale or getattr(self, "_lent", False)
        return self.snapshot

    @contextlib.contextmanager
    def autocommit_block(self):
        self.flush()
        self.in_autocommit = True
        self.committed = len(self.applied)  # the block begins with a commit
        try:
            with self._autocommit_block():
                yield
        finally:
            self.in_autocommit = False

    @contextlib.contextmanager
    def _autocommit_block(self):
        self.conn.commit()
        if self.dialect.name == "postgresql":
            level = self.conn.get_isolation_level()
            self.conn.execution_options(isolation_level="AUTOCOMMIT")
            try:
                yield
            finally:
                self.conn.commit()  # ends the logical transaction autocommit mode opened
                self.conn.execution_options(isolation_level=level)
        else:
            # still's SQLite connections manage transactions themselves: commit after
            # every statement instead of switching the driver's mode
            self._autocommit = True
            try:
                yield
            finally:
                self._autocommit = False
                self.conn.commit()


class OfflineExecutor(Executor):
    """Writes statements, each ended by `;`, to `out`; `out=None` only advances the
    snapshot (replaying revisions below the start of an offline range)."""

    offline = True

    def __init__(self, dialect, snapshot: s.Snapshot, out: Optional[TextIO]):
        super().__init__(dialect, snapshot)
        self.out = out

    def write(self, sql: str) -> None:
        if self.out is not None:
            self.out.write(sql.strip().rstrip(";") + ";\n\n")

    def emit(self, sql: str, what: str = "execute") -> None:
        self.write(sql)

    def literal_sql(self, statement) -> str:
        if isinstance(statement, str):
            return statement
        return str(statement.compile(dialect=self.dialect, compile_kwargs={"literal_binds": True}))

    def execute(self, statement, execution_options=None) -> None:
        self.flush()
        self.write(self.literal_sql(statement))

    def connection(self):
        """Offline, as in Alembic, a connection that writes what it executes and returns
        no rows; `.dialect` is the script's."""
        from sqlalchemy.engine.mock import MockConnection

        self.flush()
        return MockConnection(self.dialect, lambda statement, *args, **kw: self.execute(statement))

    def bulk_insert(self, table, rows, multiinsert: bool = True) -> None:
        import sqlalchemy as sa
        from sqlalchemy.types import NullType

        def literal(key, value):
            if isinstance(value, sa.sql.ClauseElement):
                return value
            column = table.c.get(key) if hasattr(table, "c") else None
            typed = column is not None and not isinstance(column.type, NullType)
            # an untyped sa.column() takes the type of the Python value, so it can be inlined
            return sa.literal(value, type_=column.type) if typed else sa.literal(value)

        self.flush()
        for row in rows:
            values = {key: literal(key, value) for key, value in row.items()}
            self.write(self.literal_sql(table.insert().values(values)))

    @contextlib.contextmanager
    def autocommit_block(self):
        self.flush()
        brackets = self.out is not None and self.transactional_ddl
        if brackets:
            self.out.write("COMMIT;\n\n")
        self.in_autocommit = True
        try:
            yield
        finally:
            self.in_autocommit = False
        if brackets:
            self.out.write("BEGIN;\n\n")
