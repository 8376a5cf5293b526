"""A second connection on SQLite while the run holds the file exclusively.

Alembic lets a revision open connections of its own through the run's engine
(`sa.inspect(op.get_bind().engine)`, `op.get_bind().engine.connect()`). Under
`sqlite_commit = "wal"` or `"wal-sync"` the run holds the database in exclusive locking
mode with its WAL index in process memory (see sqlite_journal), so no other connection
can even read the file: it would fail with "database is locked". SQLite cannot leave
that mode while in WAL, and giving the mode up would give up what it protects (no
`-shm` file, and no connection left in WAL that stops the file getting its own journal
mode back).

So for the length of such a run, each connection the engine opens is the run's own
SQLite connection, lent out:

- it sees what the run's connection sees: every revision committed so far and what the
  running revision has done up to that point (a connection of its own would see only
  what is committed, as it does with the file's own journal, `sqlite_commit = "file"`);
- it runs inside the revision's transaction: what it writes commits or rolls back with
  the revision, and its own begin, commit, rollback and close leave that transaction
  alone;
- when the run ends it is closed: a lent connection kept past the run fails on use.
"""

from __future__ import annotations

import contextlib
import sqlite3
from typing import Iterator


class LentConnection:
    """The run's sqlite3 connection as the DBAPI connection of another SQLAlchemy
    Connection: everything but transaction control and closing goes to the real one."""

    # read by still.db's "begin" listener: the run's transaction is already this one's
    shares_a_transaction = True

    def __init__(self, raw):
        object.__setattr__(self, "_raw", raw)

    def _live(self):
        if self._raw is None:
            raise sqlite3.ProgrammingError("a connection lent by a migration run is used after the run ended")
        return self._raw

    def __getattr__(self, name: str):
        return getattr(self._live(), name)

    def __setattr__(self, name: str, value) -> None:
        # kept here: the driver commits an open transaction when its isolation_level is
        # set, which a new connection's set-up does
        object.__setattr__(self, name, value)

    def commit(self) -> None:
        """The revision's transaction commits with the revision."""

    def rollback(self) -> None:
        """A failure inside the revision fails the revision, which rolls its transaction back."""

    def close(self) -> None:
        """The run closes its own connection."""

    def give_back(self) -> None:
        object.__setattr__(self, "_raw", None)


@contextlib.contextmanager
def lent_to_the_engine(conn) -> Iterator[None]:
    """While inside: every connection `conn.engine` opens is `conn`'s SQLite connection, lent."""
    import sqlalchemy as sa

    raw = conn.connection.dbapi_connection
    lent: list[LentConnection] = []

    def lend(dialect, record, cargs, cparams):
        if not conn.in_transaction():  # between statements of the run: what is lent is inside one
            conn.begin()
        lent.append(LentConnection(raw))
        return lent[-1]

    sa.event.listen(conn.engine, "do_connect", lend)
    try:
        yield
    finally:
        sa.event.remove(conn.engine, "do_connect", lend)
        for connection in lent:
            connection.give_back()
