"""The migration lock on PostgreSQL: a session advisory lock (`pg_advisory_lock`) on a
key derived from the version table's schema and name, held by the migration's own
connection across its per-revision commits and released when the run ends (or when the
connection does, if the process dies).

A backend only notices that its client died when it next talks to it: a run killed inside a
long statement would keep that statement running, and the lock held, until the statement
ends. So the session checks its client every CLIENT_CHECK while a statement runs
(`client_connection_check_interval`, PostgreSQL 14 and later): the dead run's statement is
cancelled, its transaction rolled back and the lock released within that time."""

from __future__ import annotations

from still.runtime.lock import lock_key, releaser, wait_for_lock

CLIENT_CHECK = "1s"


def acquire(conn, name: str, timeout: float, say):
    import sqlalchemy as sa

    key = lock_key(name)
    if (conn.dialect.server_version_info or (0,)) >= (14,):
        conn.execute(sa.text(f"SET client_connection_check_interval = '{CLIENT_CHECK}'"))
        conn.commit()
    wait_for_lock(conn, lambda: bool(conn.execute(sa.text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar()),
                  lambda: _holder(conn, key), timeout, say)
    return releaser(conn, "SELECT pg_advisory_unlock(:k)", {"k": key})


def _holder(conn, key: int):
    import sqlalchemy as sa

    unsigned = key & 0xFFFFFFFFFFFFFFFF
    row = conn.execute(sa.text(
        "SELECT a.pid, a.application_name, a.client_addr FROM pg_locks l "
        "JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted "
        "AND l.classid = :hi AND l.objid = :lo AND l.objsubid = 1"),
        {"hi": unsigned >> 32, "lo": unsigned & 0xFFFFFFFF}).first()
    conn.commit()
    if row is None:
        return None
    app = f", application {row[1]!r}" if row[1] else ""
    host = f" from {row[2]}" if row[2] else ""
    return f"pid {row[0]}{app}{host}"
