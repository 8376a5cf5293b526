"""How an online upgrade or downgrade commits on SQLite.

A revision per transaction means a commit per revision, and in SQLite's default
rollback-journal mode every commit costs three syncs to disk (the journal, the database,
the journal's removal). Through a write-ahead log with `synchronous=FULL` a commit is one
append and one sync, and it is just as durable: a committed revision survives a crash or
a power cut. So, on still's own connection, `wal_commits` switches a database that uses
a rollback journal (delete, truncate or persist) to WAL for the run, with an exclusive
lock (the WAL index then lives in the process, not in a `-shm` file, and nobody else can
hold the file in WAL mode when the run ends), and switches it back afterwards, so the
file is left in the journal mode it had. `sqlite_commit_journal = "database"` in the
configuration turns this off; a database already in WAL (or in memory) is left alone.
"""

from __future__ import annotations

import contextlib
import sqlite3
import sys
from typing import Iterator

ROLLBACK_MODES = ("delete", "truncate", "persist")


def _pragma(raw, statement: str):
    row = raw.execute(f"PRAGMA {statement}").fetchone()
    return row[0] if row else None


@contextlib.contextmanager
def wal_commits(conn, enabled: bool = True) -> Iterator[bool]:
    """Around a run on `conn` (an SQLAlchemy Connection outside any transaction): yields
    whether its commits go through the WAL. On the way out any open transaction is rolled
    back and the database file gets its own journal mode, sync level and locking back."""
    if not enabled or conn.dialect.name != "sqlite" or conn.in_transaction():
        yield False
        return
    raw = conn.connection.dbapi_connection
    if getattr(raw, "isolation_level", "") is not None:
        yield False  # the driver would wrap the PRAGMAs in its own transaction
        return
    try:
        original = str(_pragma(raw, "journal_mode")).lower()
        if original not in ROLLBACK_MODES:
            yield False
            return
        sync, locking = _pragma(raw, "synchronous"), str(_pragma(raw, "locking_mode")).lower()
        _pragma(raw, "locking_mode=EXCLUSIVE")
        switched = str(_pragma(raw, "journal_mode=WAL")).lower() == "wal"
    except sqlite3.Error:
        switched = False
    if not switched:
        with contextlib.suppress(sqlite3.Error):
            _pragma(raw, "locking_mode=NORMAL")
        yield False
        return
    try:
        _pragma(raw, "synchronous=FULL")
        yield True
    finally:
        if conn.in_transaction():
            conn.rollback()
        try:
            back = str(_pragma(raw, f"journal_mode={original}")).lower()
            _pragma(raw, f"synchronous={int(sync)}")
            _pragma(raw, f"locking_mode={locking}")
        except sqlite3.Error as err:
            back = f"an error ({err})"
        if back != original:
            # every revision is committed; only the file's journal setting is not restored
            sys.stderr.write(f"warning: the SQLite database was left in WAL journal mode, switching it back to "
                             f"{original} gave {back}; run PRAGMA journal_mode={original} on it\n")
