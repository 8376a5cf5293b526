"""Opening databases from URLs, with errors a user can act on and passwords masked."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Optional

from still.errors import StillError

URL_ENV = "STILL_DATABASE_URL"


def mask(url) -> str:
    """The URL as text with its password replaced by ***."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "<unparseable URL>"


def resolve_url(url: Optional[str]) -> str:
    url = url or os.environ.get(URL_ENV)
    if not url:
        raise StillError(f"no database URL: pass --url or set {URL_ENV}")
    return url


def open_engine(url: str, must_exist: bool = True, connect_args: Optional[dict] = None):
    """An Engine for `url`; fails with a one-line StillError on a bad URL or a missing driver.

    `must_exist` keeps read-only commands from creating an empty SQLite file by accident.
    """
    import sqlalchemy as sa
    from sqlalchemy import exc

    try:
        parsed = sa.engine.make_url(url)
    except exc.ArgumentError:
        raise StillError(
            f"malformed database URL {url.split('@')[-1]!r}: expected dialect[+driver]://user:password@host/dbname"
        ) from None
    if parsed.get_backend_name() == "sqlite" and must_exist:
        path = parsed.database
        if path and path != ":memory:" and not path.startswith("file:") and not Path(path).exists():
            raise StillError(f"SQLite database file {path!r} does not exist")
    try:
        return sa.create_engine(parsed, poolclass=sa.pool.NullPool, connect_args=connect_args or {})
    except exc.NoSuchModuleError:
        raise StillError(f"unknown database dialect or driver in {mask(parsed)}") from None
    except ImportError as err:
        driver = parsed.drivername
        extra = {"postgresql": " (pip install 'still[postgresql]')", "mysql": " (pip install 'still[mysql]', with a mysql+pymysql:// URL)",
                 "mariadb": " (pip install 'still[mysql]', with a mariadb+pymysql:// URL)"}.get(parsed.get_backend_name(), "")
        raise StillError(f"the driver for {driver} is not installed: {err}{extra}") from None


def connect(engine):
    """A Connection, or a one-line StillError naming the (masked) URL."""
    from sqlalchemy import exc

    try:
        return engine.connect()
    except exc.DBAPIError as err:
        reason = str(err.orig).strip().splitlines()[0] if err.orig else str(err).splitlines()[0]
        password = engine.url.password
        if password:
            reason = reason.replace(str(password), "***")
        raise StillError(f"cannot connect to {mask(engine.url)}: {reason}") from None


@contextlib.contextmanager
def connected(target):
    """`with connected(engine_or_connection) as conn`: a Connection from an Engine, closed
    and the Engine disposed afterwards; a Connection (from an env.py hook) is used as it is
    and left open for its owner."""
    if hasattr(target, "exec_driver_sql"):
        yield target
        return
    conn = connect(target)
    try:
        yield conn
    finally:
        conn.close()
        target.dispose()


def migration_engine(url: str):
    """An Engine for running migrations. On SQLite, the driver's own transaction handling
    is turned off and still emits BEGIN itself, so DDL runs inside the transaction and a
    failure rolls everything back; foreign keys are not enforced while tables are rebuilt
    (the SQLite DDL checks them before commit)."""
    import sqlalchemy as sa

    from sqlalchemy.engine import make_url

    try:
        parsed = make_url(url)
    except Exception:
        parsed = None
    # on PostgreSQL the session says it is still's: a run waiting for the migration lock
    # names its holder by pid and application name
    named = parsed is not None and parsed.get_backend_name() == "postgresql" \
        and "application_name" not in parsed.query
    engine = open_engine(url, must_exist=False, connect_args={"application_name": "still"} if named else None)
    if engine.dialect.name == "sqlite":
        @sa.event.listens_for(engine, "connect")
        def _connect(dbapi_connection, _record):
            dbapi_connection.isolation_level = None
            dbapi_connection.execute("PRAGMA foreign_keys=OFF")

        @sa.event.listens_for(engine, "begin")
        def _begin(conn):
            conn.exec_driver_sql("BEGIN")
    return engine
