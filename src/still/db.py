"""Opening databases from URLs, with errors a user can act on and passwords masked."""

from __future__ import annotations

import contextlib
import os
import re
import warnings
from pathlib import Path
from typing import Optional

from still.errors import StillError

URL_ENV = "STILL_DATABASE_URL"


# Passwords seen in this run's URLs: masked wherever they appear in a message (a driver may
# quote one on its own, e.g. a password typed where the port goes).
_SECRETS: set[str] = set()
_SHORTEST_SECRET = 3  # shorter ones are masked only where a URL or `password=` shows them
# scheme://user:password@ ; scheme://host:port with a port that is not a number
_USERINFO = re.compile(r"(?P<head>\b[A-Za-z][\w+.-]*://[^:/@\s'\"]*:)(?P<secret>[^@\s]*)(?=@)")
_BAD_PORT = re.compile(r"(?P<head>\b[A-Za-z][\w+.-]*://(?:\[[^\]/\s]*\]|[^:/@?\s'\"\[\]]*):)"
                       r"(?P<secret>[^/?@\s'\"]*[^/?@\s'\"\d][^/?@\s'\"]*)(?=[/?\s'\"]|$)")
# password=... as a URL query argument or a libpq keyword (quoted or not)
_KEYWORD = re.compile(r"(?P<head>\b(?:ssl)?pass(?:word|wd)?\s*=\s*)(?P<secret>'(?:[^'\\]|\\.)*'|[^&\s'\";]+)",
                      re.IGNORECASE)


def remember(url) -> None:
    """Note the password(s) of `url` (text or a SQLAlchemy URL) so `mask` hides them in any
    message of this run, also where they appear outside a URL."""
    from urllib.parse import unquote

    text = url.render_as_string(hide_password=False) if hasattr(url, "render_as_string") else str(url or "")
    for pattern in (_USERINFO, _BAD_PORT, _KEYWORD):
        for match in pattern.finditer(text):
            secret = match.group("secret").strip("'")
            for form in (secret, unquote(secret)):
                if len(form) >= _SHORTEST_SECRET:
                    _SECRETS.add(form)


def mask(text) -> str:
    """`text` (a URL, a SQLAlchemy URL, or a message quoting URLs) with every password
    replaced by ***: in `user:password@`, in a port that is not a number (`u:SECRET` with
    the `@host` left out reads as host `u`, port `SECRET`), in `password=` arguments, and
    every password `remember` noted. The one masking function: every output goes through it."""
    if hasattr(text, "render_as_string"):
        text = text.render_as_string(hide_password=True)
    text = str(text)
    for secret in sorted(_SECRETS, key=len, reverse=True):
        # as a whole token: the password "postgres" hides, "postgresql" stays readable
        text = re.sub(rf"(?<![A-Za-z0-9]){re.escape(secret)}(?![A-Za-z0-9])", "***", text)
    for pattern in (_USERINFO, _BAD_PORT, _KEYWORD):
        text = pattern.sub(_hidden, text)
    return text


def _hidden(match: re.Match) -> str:
    secret = match.group("secret")
    if secret.startswith("***"):  # a remembered password, already masked: what follows is not it
        return match.group(0)
    return match.group("head") + ("***" if secret else "")


def parse_url(url: str):
    """`url` as a SQLAlchemy URL, or a one-line StillError (password masked) when it is not one."""
    from sqlalchemy import exc
    from sqlalchemy.engine import make_url

    remember(url)
    try:
        parsed = make_url(url)
        parsed.port  # noqa: B018  (a port that is not a number fails here, not deep in the driver)
    except (exc.ArgumentError, ValueError, TypeError):
        raise StillError(
            f"malformed database URL {mask(url)!r}: expected dialect[+driver]://user:password@host[:port]/dbname"
        ) from None
    return parsed


def driver_error(err: BaseException) -> Optional[str]:
    """What the database said, on one line and masked, when `err` is a driver error that
    SQLAlchemy wrapped (`sqlite3.OperationalError: attempt to write a readonly database`);
    None for any other exception."""
    import sys

    if "sqlalchemy" not in sys.modules:
        return None
    from sqlalchemy import exc

    if not isinstance(err, exc.DBAPIError):
        return None
    orig = err.orig if err.orig is not None else err
    lines = str(orig).strip().splitlines()
    return mask(f"{lines[0] if lines else ''} ({type(orig).__module__.split('.')[0]}.{type(orig).__name__})")


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

    parsed = sync_driver(parse_url(url))
    if parsed.get_backend_name() == "sqlite" and must_exist:
        path = parsed.database
        if path and path != ":memory:" and not path.startswith("file:") and not Path(path).exists():
            raise StillError(f"SQLite database file {path!r} does not exist")
    try:
        with warnings.catch_warnings(record=True) as said:
            warnings.simplefilter("always", exc.SAWarning)
            engine = sa.create_engine(parsed, poolclass=sa.pool.NullPool, connect_args=connect_args or {})
        for warning in said:
            text = str(warning.message)
            if text.startswith("Query string argument"):  # pysqlite's: a typo there would be ignored
                names = text.partition(" are not accepted")[0].removeprefix("Query string argument(s) ")
                raise StillError(f"database URL {mask(parsed)}: the driver does not take the query argument(s) "
                                 f"{mask(names)} (SQLite URI arguments also need uri=true)")
            warnings.warn_explicit(warning.message, warning.category, warning.filename, warning.lineno)
        return engine
    except exc.NoSuchModuleError:
        raise StillError(f"unknown database dialect or driver in {mask(parsed)}") from None
    except ImportError as err:
        driver = parsed.drivername
        extra = {"postgresql": " (pip install 'still[postgresql]')", "mysql": " (pip install 'still[mysql]', with a mysql+pymysql:// URL)",
                 "mariadb": " (pip install 'still[mysql]', with a mariadb+pymysql:// URL)"}.get(parsed.get_backend_name(), "")
        raise StillError(f"the driver for {driver} is not installed: {err}{extra}") from None


# still talks to the database synchronously: an app's async URL is read with the sync
# driver of the same database (the one still's extras install)
_SYNC = {"asyncpg": "psycopg", "psycopg_async": "psycopg", "aiosqlite": None, "aiomysql": "pymysql",
         "asyncmy": "pymysql"}


def sync_driver(parsed):
    """`postgresql+asyncpg://` as `postgresql+psycopg://`, `sqlite+aiosqlite://` as `sqlite://`,
    `mysql+aiomysql://` / `+asyncmy` as `mysql+pymysql://`; other URLs as they are."""
    driver = parsed.drivername.partition("+")[2]
    if driver not in _SYNC:
        return parsed
    backend = parsed.get_backend_name()
    return parsed.set(drivername=backend + (f"+{_SYNC[driver]}" if _SYNC[driver] else ""))


def connect(engine):
    """A Connection, or a one-line StillError naming the (masked) URL."""
    from sqlalchemy import exc

    try:
        return engine.connect()
    except exc.DBAPIError as err:
        reason = str(err.orig).strip().splitlines()[0] if err.orig else str(err).splitlines()[0]
        remember(engine.url)
        reason = mask(reason)
        if engine.url.get_backend_name() == "sqlite" and engine.url.database:
            folder = Path(engine.url.database).parent
            if not folder.is_dir():
                raise StillError(f"the directory {folder} of the SQLite database {engine.url.database} "
                                 f"does not exist: create it first (mkdir -p {folder})") from None
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

    parsed = parse_url(url)
    # on PostgreSQL the session says it is still's: a run waiting for the migration lock
    # names its holder by pid and application name
    named = parsed.get_backend_name() == "postgresql" and "application_name" not in parsed.query
    engine = open_engine(url, must_exist=False, connect_args={"application_name": "still"} if named else None)
    if engine.dialect.name == "sqlite":
        @sa.event.listens_for(engine, "connect")
        def _connect(dbapi_connection, _record):
            dbapi_connection.isolation_level = None
            dbapi_connection.execute("PRAGMA foreign_keys=OFF")

        @sa.event.listens_for(engine, "begin")
        def _begin(conn):
            # a connection lent by the run (runtime.sqlite_lent) is inside the run's transaction
            if not getattr(conn.connection.dbapi_connection, "shares_a_transaction", False):
                conn.exec_driver_sql("BEGIN")
    return engine
