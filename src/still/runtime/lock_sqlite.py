"""The migration lock on SQLite: an exclusive `flock` on the database file itself, taken
before the run touches the database and held until it ends (the kernel lets go if the
process dies). SQLite's own locks are POSIX record locks on the same file, which flock
does not disturb. The connection also waits up to the lock timeout when another writer
holds the file (`PRAGMA busy_timeout`) instead of failing with "database is locked"."""

from __future__ import annotations

import os
import time

from still.errors import StillError

POLL = 0.1


def acquire(conn, name: str, timeout: float, say):
    path = conn.engine.url.database
    raw = conn.connection.dbapi_connection
    raw.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
    try:
        import fcntl
    except ImportError:  # no flock (Windows): SQLite's busy timeout is all there is
        return lambda: None
    if not path or path == ":memory:" or path.startswith("file:") or not os.path.exists(path):
        return lambda: None
    fd = os.open(path, os.O_RDONLY)
    deadline = time.monotonic() + timeout
    told = False
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if not told:
                say(f"waiting for the migration lock: another still process is migrating {path} "
                    f"(up to {timeout:g}s)")
                told = True
            if time.monotonic() >= deadline:
                os.close(fd)
                raise StillError(f"timed out after {timeout:g}s waiting for the migration lock on {path}: "
                                 "another still process is migrating it; nothing was changed") from None
            time.sleep(POLL)

    def release() -> None:
        try:
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    return release
