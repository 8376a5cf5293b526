"""The migration lock: one `upgrade`, `downgrade` or `stamp` at a time per version table.

Deploy pipelines start migrations from several replicas at once. Before the version
table is read, each run takes a lock that belongs to the database and the version table;
a run that had to wait reads the version table afterwards and so runs only what is left
(usually nothing). Each dialect brings its own lock as `still.runtime.lock_<dialect>`
with `acquire(conn, name, timeout, say)` returning a release function; a dialect without
one runs unlocked. While waiting, `say` is told once who holds the lock, where the
database can tell.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
from typing import Callable, Iterator, Optional

DEFAULT_TIMEOUT = 300.0


def lock_name(version_table) -> str:
    return f"still-migrations:{version_table.schema or ''}.{version_table.name}"


def lock_key(name: str) -> int:
    """A signed 64-bit key for `name` (PostgreSQL's advisory locks take a bigint)."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True)


@contextlib.contextmanager
def migration_lock(conn, version_table, timeout: float, say: Callable[[str], None]) -> Iterator[None]:
    try:
        module = importlib.import_module(f"still.runtime.lock_{conn.dialect.name}")
    except ModuleNotFoundError:
        yield
        return
    release = module.acquire(conn, lock_name(version_table), timeout, say)
    try:
        yield
    finally:
        release()


POLL = 0.2  # seconds between tries while another run holds the lock


def wait_for_lock(conn, try_lock: Callable[[], bool], holder: Callable[[], Optional[str]], timeout: float,
                  say: Callable[[str], None]) -> None:
    """Try the dialect's non-blocking lock until it is ours, saying once whom we wait for;
    after `timeout` seconds give up with one line. Each try is committed, so no transaction
    stays open while waiting."""
    import time

    from still.errors import StillError

    deadline = time.monotonic() + timeout
    told = False
    who = "another session"
    while True:
        got = try_lock()
        conn.commit()
        if got:
            return
        who = holder() or who
        if not told:
            say(f"waiting for the migration lock, held by {who} (up to {timeout:g}s)")
            told = True
        if time.monotonic() >= deadline:
            raise StillError(f"timed out after {timeout:g}s waiting for the migration lock held by {who}; "
                             "nothing was changed (raise --lock-timeout, or end that session)")
        time.sleep(POLL)


def releaser(conn, unlock_sql: str, params: dict) -> Callable[[], None]:
    """What lets go of a session lock: end any transaction, run `unlock_sql`; a dead
    connection has let go already."""
    def release() -> None:
        import sqlalchemy as sa

        try:
            if conn.in_transaction():
                conn.rollback()
            conn.execute(sa.text(unlock_sql), params)
            conn.commit()
        except Exception:
            pass

    return release
