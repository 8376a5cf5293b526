"""How an online upgrade or downgrade commits on SQLite (`sqlite_commit` in the config).

A revision per transaction means a commit per revision. In SQLite's default
rollback-journal mode every commit costs three syncs to disk (the journal, the database,
the journal's removal), which is most of the time a long upgrade takes. So, on still's own
connection, `wal_commits` switches a database that uses a rollback journal (delete,
truncate or persist) to a write-ahead log for the run, with an exclusive lock (the WAL
index then lives in the process, not in a `-shm` file, and no other connection can hold
the file in WAL mode when the run ends), and switches it back afterwards, also after a
failure, so the file keeps its own journal mode.

- "wal" (the default): `synchronous=NORMAL` during the run. Every revision still commits
  atomically with its version row, and a crash of the process loses no committed
  revision; after a power cut or an OS crash the database can be at an earlier revision
  boundary than the last one reported, never between two. When the run ends (switching
  back checkpoints the log into the file with a sync), everything is on disk.
- "wal-sync": `synchronous=FULL`: each commit is synced (one sync instead of three).
- "file": the file's own journal mode and sync setting, untouched.

A database already in WAL (or in memory) is left alone.

Under the exclusive lock a revision's second connection (`op.get_bind().engine`) is the
run's own, lent out (see sqlite_lent); with "file" it is a connection of its own.
"""

from __future__ import annotations

import contextlib
import sqlite3
import sys
from typing import Iterator

ROLLBACK_MODES = ("delete", "truncate", "persist")
SYNC = {"wal": "NORMAL", "wal-sync": "FULL"}


def _pragma(raw, statement: str):
    row = raw.execute(f"PRAGMA {statement}").fetchone()
    return row[0] if row else None


@contextlib.contextmanager
def wal_commits(conn, mode: str = "wal") -> Iterator[bool]:
    """Around a run on `conn` (an SQLAlchemy Connection outside any transaction): yields
    whether its commits go through the WAL. On the way out any open transaction is rolled
    back and the file gets its own sync level, journal mode and locking back."""
    if mode not in SYNC or conn.dialect.name != "sqlite" or conn.in_transaction():
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
        sync, locking = int(_pragma(raw, "synchronous")), str(_pragma(raw, "locking_mode")).lower()
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
        _pragma(raw, f"synchronous={SYNC[mode]}")
        from still.runtime.sqlite_lent import lent_to_the_engine

        with lent_to_the_engine(conn):  # no other connection can open the file now
            yield True
    finally:
        if conn.in_transaction():
            conn.rollback()
        try:
            # the file's sync level first: leaving WAL checkpoints the log into the file
            # and syncs it, so every committed revision is on disk when this returns
            _pragma(raw, f"synchronous={sync}")
            back = str(_pragma(raw, f"journal_mode={original}")).lower()
            _pragma(raw, f"locking_mode={locking}")
        except sqlite3.Error as err:
            back = f"an error ({err})"
        if back != original:
            # every revision is committed; only the file's journal setting is not restored
            sys.stderr.write(f"warning: the SQLite database was left in WAL journal mode, switching it back to "
                             f"{original} gave {back}; run PRAGMA journal_mode={original} on it\n")
