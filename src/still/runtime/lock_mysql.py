"""The migration lock on MySQL/MariaDB: a named user lock (`GET_LOCK`) on a name derived
from the version table's schema and name, held by the migration's own connection across
its commits (a user lock is not a transaction's) and released when the run ends, or when
the connection does if the process dies. Lock names hold 64 characters, so the name is a
hash of the full one; the schema part (the database) keeps runs on different databases
apart."""

from __future__ import annotations

from still.runtime.lock import lock_key, releaser, wait_for_lock


def server_lock_name(conn, name: str) -> str:
    database = conn.exec_driver_sql("SELECT DATABASE()").scalar() or ""
    return f"still:{lock_key(f'{database}/{name}') & 0xFFFFFFFFFFFFFFFF:016x}"


def acquire(conn, name: str, timeout: float, say):
    import sqlalchemy as sa

    key = server_lock_name(conn, name)
    wait_for_lock(conn, lambda: conn.execute(sa.text("SELECT GET_LOCK(:k, 0)"), {"k": key}).scalar() == 1,
                  lambda: _holder(conn, key), timeout, say)
    return releaser(conn, "SELECT RELEASE_LOCK(:k)", {"k": key})


def _holder(conn, key: str):
    import sqlalchemy as sa

    row = conn.execute(sa.text(
        "SELECT p.ID, p.USER, p.HOST FROM information_schema.PROCESSLIST p WHERE p.ID = IS_USED_LOCK(:k)"),
        {"k": key}).first()
    conn.commit()
    if row is None:
        return None
    return f"connection {row[0]} ({row[1]}@{row[2]})"
