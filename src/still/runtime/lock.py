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
from typing import Callable, Iterator

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
