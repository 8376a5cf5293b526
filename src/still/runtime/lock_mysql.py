"""The migration lock on MySQL/MariaDB: a named user lock (`GET_LOCK`) on a name derived
from the version table's schema and name, held by the migration's own connection across
its commits (a user lock is not a transaction's) and released when the run ends, or when
the connection does if the process dies. Lock names hold 64 characters, so the name is a
hash of the full one; the schema part (the database) keeps runs on different databases
apart."""

from __future__ import annotations

import time

from still.errors import StillError
from still.runtime.lock import lock_key

POLL = 0.2


def server_lock_name(conn, name: str) -> str:
    database = conn.exec_driver_sql("SELECT DATABASE()").scalar() or ""
    return f"still:{lock_key(f'{database}/{name}') & 0xFFFFFFFFFFFFFFFF:016x}"


def acquire(conn, name: str, timeout: float, say):
    import sqlalchemy as sa

    key = server_lock_name(conn, name)
    deadline = time.monotonic() + timeout
    told = False
    holder = "another session"
    while True:
        got = conn.execute(sa.text("SELECT GET_LOCK(:k, 0)"), {"k": key}).scalar()
        conn.commit()
        if got == 1:
            break
        holder = _holder(conn, key) or holder
        if not told:
            say(f"waiting for the migration lock, held by {holder} (up to {timeout:g}s)")
            told = True
        if time.monotonic() >= deadline:
            raise StillError(f"timed out after {timeout:g}s waiting for the migration lock held by {holder}; "
                             "nothing was changed (raise --lock-timeout, or end that session)")
        time.sleep(POLL)

    def release() -> None:
        try:
            if conn.in_transaction():
                conn.rollback()
            conn.execute(sa.text("SELECT RELEASE_LOCK(:k)"), {"k": key})
            conn.commit()
        except Exception:  # a dead connection has let go of the lock already
            pass

    return release


def _holder(conn, key: str):
    import sqlalchemy as sa

    row = conn.execute(sa.text(
        "SELECT p.ID, p.USER, p.HOST FROM information_schema.PROCESSLIST p WHERE p.ID = IS_USED_LOCK(:k)"),
        {"k": key}).first()
    conn.commit()
    if row is None:
        return None
    return f"connection {row[0]} ({row[1]}@{row[2]})"
