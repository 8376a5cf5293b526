"""`still current` reads the version table with the driver alone; it must give exactly
what reading it through SQLAlchemy gives, and hand over to SQLAlchemy for what it does
not understand."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from still.db import connect, migration_engine, open_engine
from still.errors import StillError
from still.runtime.version_read import read_heads
from still.runtime.version_table import VersionTable

ROOT = Path(__file__).resolve().parents[2]


def through_sqlalchemy(url: str, table: VersionTable) -> tuple[str, ...]:
    engine = migration_engine(url)
    with engine.connect() as conn:
        heads = table.heads(conn)
    engine.dispose()
    return heads


def write_rows(url: str, table: VersionTable, rows: tuple[str, ...]) -> None:
    engine = migration_engine(url)
    with engine.connect() as conn:
        if table.schema:
            schema = conn.dialect.identifier_preparer.quote_schema(table.schema)
            conn.exec_driver_sql(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        table.ensure(conn)
        table.apply(conn, (), rows)
        conn.commit()
    engine.dispose()


def check_reads(url: str, name: str, schema, rows) -> None:
    table = VersionTable(name, schema)
    sa.create_engine(url).connect().close()  # an empty database file exists
    assert read_heads(url, name, schema) == ()  # no table yet: at base
    write_rows(url, table, rows)
    assert read_heads(url, name, schema) == through_sqlalchemy(url, table) == tuple(sorted(rows))


@pytest.mark.parametrize("name,rows", [("still_version", ()), ("still_version", ("abc123",)),
                                       ("Versions", ("b2", "a1"))])
def test_the_driver_reads_what_sqlalchemy_reads(db_url, name, rows):
    check_reads(db_url, name, None, rows)


def test_a_version_table_in_another_postgresql_schema(pg_url):
    check_reads(pg_url, "still_version", "Ops", ("z9",))


def test_a_version_table_in_another_mysql_database(mysql_url, mysql_url_2):
    """On MySQL a schema is a database: the table is read there, not in the URL's."""
    check_reads(mysql_url, "still_version", sa.make_url(mysql_url_2).database, ("z9",))


def test_urls_it_does_not_handle_go_to_sqlalchemy(tmp_path):
    assert read_heads("sqlite://", "still_version", None) is None  # memory
    assert read_heads("sqlite:///:memory:", "still_version", None) is None
    assert read_heads(f"sqlite:///{tmp_path / 'missing.db'}", "still_version", None) is None
    assert read_heads("postgresql+psycopg2://u@h/db", "still_version", None) is None
    assert read_heads("mysql://u@h/db", "still_version", None) is None  # mysqlclient
    # arguments SQLAlchemy converts before the driver sees them, and no current database
    assert read_heads("mysql+pymysql://u@h/db?ssl_ca=x.pem", "still_version", None) is None
    assert read_heads("mysql+pymysql://u@h/db?charset=utf8mb4&charset=latin1", "still_version", None) is None
    assert read_heads("mariadb+pymysql://u@h", "still_version", None) is None
    assert read_heads("not a url", "still_version", None) is None
    assert not (tmp_path / "missing.db").exists()  # nothing created by asking


@pytest.mark.parametrize("scheme", ["postgresql+psycopg", "mysql+pymysql", "mariadb+pymysql"])
def test_an_unreachable_server_is_one_line_with_the_password_masked(scheme):
    url = f"{scheme}://u:hunter2@127.0.0.1:1/x"
    with pytest.raises(StillError) as err:
        read_heads(url, "still_version", None)
    message = str(err.value)
    assert message.startswith(f"cannot connect to {scheme}://u:***@127.0.0.1:1/x: ")
    assert "hunter2" not in message and "\n" not in message
    with pytest.raises(StillError) as through_sqlalchemy:
        connect(open_engine(url))
    assert message == str(through_sqlalchemy.value)  # the same line either way


def test_current_does_not_import_sqlalchemy(tmp_path, db_url):
    """The point of the driver route: `still current` on a project without a connect hook
    never loads SQLAlchemy (a count of modules, not a timing)."""
    table = VersionTable()
    write_rows(db_url, table, ("r1",))
    (tmp_path / "migrations" / "versions").mkdir(parents=True)
    (tmp_path / "still.toml").write_text('script_location = "migrations"\n')
    code = ("import sys\nfrom still.cli import main\nsys.argv = ['still', '--url', sys.argv[1], 'current']\n"
            "try:\n    main()\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
            "print('LOADED' if 'sqlalchemy' in sys.modules else 'NOT LOADED')\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    env.pop("STILL_DATABASE_URL", None)
    result = subprocess.run([sys.executable, "-c", code, db_url], cwd=tmp_path, env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["r1 (unknown revision: no file defines it)", "NOT LOADED"]


def test_a_connect_hook_is_still_honoured(tmp_path, sqlite_url):
    """With env.py's connect returning an engine, current reads through it."""
    other = f"sqlite:///{tmp_path / 'other.db'}"
    write_rows(other, VersionTable(), ("from_hook",))
    write_rows(sqlite_url, VersionTable(), ("from_url",))
    (tmp_path / "migrations" / "versions").mkdir(parents=True)
    (tmp_path / "migrations" / "env.py").write_text(
        f"def connect(url, x_args):\n    from still.db import migration_engine\n"
        f"    return migration_engine({other!r})\n")
    (tmp_path / "still.toml").write_text('script_location = "migrations"\n')
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    env.pop("STILL_DATABASE_URL", None)
    result = subprocess.run([sys.executable, "-m", "still", "--url", sqlite_url, "current"], cwd=tmp_path,
                            env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("from_hook")
    assert sa.__version__  # SQLAlchemy itself is what the hook used
