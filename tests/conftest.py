"""Real databases for every test: a SQLite file per test, a fresh PostgreSQL or MariaDB
database per test.

PostgreSQL comes from `STILL_TEST_POSTGRES_URL` when set, otherwise from a throwaway
server started once per run (tests/pg_server.py); MariaDB likewise from
`STILL_TEST_MYSQL_URL` or tests/mysql_server.py. With `CI=true` a missing server is a
failure, never a skip.

The `dialect` fixture (and `db_url`, `engine`) runs a test on SQLite, PostgreSQL and
MariaDB; a test of what only some of them have says so with
`@pytest.mark.parametrize("dialect", TRANSACTIONAL_DDL)` or its own fixture (`pg_url`).
"""

from __future__ import annotations

import itertools
import os
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # the fixture model modules live in ROOT/fixtures
    sys.path.insert(0, str(ROOT))

from tests.mysql_server import MariaDBServer  # noqa: E402
from tests.pg_server import PostgresServer, ServerUnavailable  # noqa: E402

DIALECTS = ("sqlite", "postgresql", "mysql")
ALL_DIALECTS = ("sqlite", "postgresql", "mysql")
# where a failed revision rolls back; MySQL commits each DDL statement (its tests say what stays)
TRANSACTIONAL_DDL = ("sqlite", "postgresql")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
_counter = itertools.count()


def _unavailable(reason: str, server: str = "PostgreSQL"):
    if IN_CI:
        pytest.fail(f"{server} is required in CI but unavailable: {reason}", pytrace=False)
    pytest.skip(f"{server} unavailable: {reason}")


@pytest.fixture(scope="session")
def pg_admin_url():
    """URL of a PostgreSQL maintenance database on the server used for this run."""
    given = os.environ.get("STILL_TEST_POSTGRES_URL")
    if given:
        yield given
        return
    try:
        server = PostgresServer().start()
    except ServerUnavailable as exc:
        _unavailable(str(exc))
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture(scope="session")
def pg_admin_engine(pg_admin_url):
    try:
        engine = sa.create_engine(pg_admin_url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
        with engine.connect():
            pass
    except Exception as exc:  # a given URL that does not answer
        _unavailable(str(exc).splitlines()[0])
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def pg_version(pg_admin_engine) -> tuple:
    """The PostgreSQL server's version (13 to 18 are supported): tests of a feature a
    version brought gate on it."""
    with pg_admin_engine.connect() as conn:
        return conn.dialect.server_version_info


@pytest.fixture
def pg_url(pg_admin_engine):
    """A fresh, empty PostgreSQL database for one test."""
    name = f"still_test_{os.getpid()}_{next(_counter)}"
    with pg_admin_engine.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE template0')
    url = pg_admin_engine.url.set(database=name)
    yield url.render_as_string(hide_password=False)
    with pg_admin_engine.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def mysql_admin_url():
    """URL of a MariaDB/MySQL server for this run, as root (or the given account)."""
    given = os.environ.get("STILL_TEST_MYSQL_URL")
    if given:
        yield given
        return
    try:
        server = MariaDBServer().start()
    except ServerUnavailable as exc:
        _unavailable(str(exc), "MariaDB")
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture(scope="session")
def mysql_admin_engine(mysql_admin_url):
    try:
        engine = sa.create_engine(mysql_admin_url, poolclass=sa.pool.NullPool)
        with engine.connect():
            pass
    except Exception as exc:  # a given URL that does not answer, or no driver
        _unavailable(str(exc).splitlines()[0], "MariaDB")
    yield engine
    engine.dispose()


@pytest.fixture
def mysql_url(mysql_admin_engine):
    """A fresh, empty MySQL database (schema) for one test."""
    name = f"still_test_{os.getpid()}_{next(_counter)}"
    with mysql_admin_engine.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE `{name}`")
    url = mysql_admin_engine.url.set(database=name)
    yield url.render_as_string(hide_password=False)
    with mysql_admin_engine.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS `{name}`")


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture(params=DIALECTS)
def dialect(request):
    return request.param


@pytest.fixture
def db_url(request, dialect):
    """A fresh database URL for the `dialect` under test."""
    fixture = {"postgresql": "pg_url", "mysql": "mysql_url"}.get(dialect, "sqlite_url")
    return request.getfixturevalue(fixture)


@pytest.fixture
def engine(db_url):
    eng = sa.create_engine(db_url, poolclass=sa.pool.NullPool)
    yield eng
    eng.dispose()


def pytest_collection_modifyitems(items):
    """Every test that runs on PostgreSQL carries the `postgresql` mark, so `-m postgresql`
    runs them all on one server (`make test-pg-newest` runs them on the newest release)."""
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        if params.get("dialect") == "postgresql" or {"pg_url", "pg_admin_url", "pg_admin_engine"} \
                & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.postgresql)
