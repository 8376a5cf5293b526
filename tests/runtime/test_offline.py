"""Offline SQL (`--sql`): a golden script per dialect, and running that script with the
database's own client gives the very schema and version table an online upgrade gives."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ALL_DIALECTS
from tests.helpers import assert_same_snapshot
from tests.runtime.project import ROOT, history_project, reflect_url

GOLDEN = ROOT / "fixtures" / "golden"
OFFLINE_URLS = {"sqlite": "sqlite:///offline.db", "postgresql": "postgresql+psycopg://user@localhost/app"}


@pytest.mark.parametrize("dialect_name", ["sqlite", "postgresql"])
def test_upgrade_sql_matches_golden(tmp_path, dialect_name):
    project = history_project(tmp_path / "p", OFFLINE_URLS[dialect_name])
    # the log rows' checksums change with the files' Create Date lines
    script = re.sub(r"'[0-9a-f]{64}'", "'<sha256>'", project.ok("upgrade", "base:head", "--sql"))
    golden = GOLDEN / f"upgrade_base_head.{dialect_name}.sql"
    if os.environ.get("STILL_UPDATE_GOLDEN") == "1":
        golden.write_text(script)
    assert script == golden.read_text()
    assert not (project.path / "offline.db").exists()  # connected to nothing


def _run_script(url: str, dialect: str, script: str, tmp_path: Path) -> None:
    if dialect == "sqlite":
        path = url.removeprefix("sqlite:///")
        tool = shutil.which("sqlite3")
        if tool:
            result = subprocess.run([tool, "-bail", path], input=script, capture_output=True, text=True)
            assert result.returncode == 0, result.stderr
        else:  # the sqlite3 shell is missing: run the script through Python's sqlite3
            import sqlite3

            conn = sqlite3.connect(path, isolation_level=None)
            conn.executescript(script)
            conn.close()
        return
    from sqlalchemy.engine import make_url

    u = make_url(url)
    if dialect == "mysql":
        args = ["mariadb", "--batch", "-h", u.host or "localhost", "-P", str(u.port or 3306),
                "-u", u.username or "root", u.database]
        env = {**os.environ, "MYSQL_PWD": u.password or ""}
        result = subprocess.run(args, input=script, capture_output=True, text=True, env=env)
        assert result.returncode == 0, result.stderr
        return
    env = {**os.environ, "PGPASSWORD": u.password or ""}
    args = ["psql", "-v", "ON_ERROR_STOP=1", "-q", "-h", u.host or "localhost", "-p", str(u.port or 5432),
            "-U", u.username or "postgres", "-d", u.database]
    result = subprocess.run(args, input=script, capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("dialect", ALL_DIALECTS)
def test_offline_script_equals_online_upgrade(tmp_path, request, dialect):
    online_url = request.getfixturevalue({"postgresql": "pg_url", "mysql": "mysql_url"}.get(dialect, "sqlite_url"))
    if dialect in ("postgresql", "mysql"):
        # a second empty database on the same server for the script
        offline_url = request.getfixturevalue(f"{'pg' if dialect == 'postgresql' else 'mysql'}_url_2")
    else:
        offline_url = f"sqlite:///{tmp_path / 'script.db'}"
    project = history_project(tmp_path / "p", online_url)
    script = project.ok("upgrade", "base:head", "--sql")
    project.ok("upgrade", "head")
    _run_script(offline_url, dialect, script, tmp_path)
    if dialect == "mysql":  # each DDL statement commits by itself: no BEGIN/COMMIT pretends otherwise
        assert "BEGIN;" not in script and "COMMIT;" not in script
    online, online_rows = reflect_url(online_url)
    offline, offline_rows = reflect_url(offline_url)
    assert online_rows == offline_rows == ("c3",)
    assert_same_snapshot(offline, online)


def test_offline_range_and_downgrade(tmp_path, sqlite_url):
    project = history_project(tmp_path / "p", sqlite_url)
    script = project.ok("upgrade", "b2:head", "--sql")
    assert "CREATE TABLE still_version" not in script
    assert "-- Running upgrade b2 -> c3" in script and "a1 -> b2" not in script
    down = project.ok("downgrade", "head:a1", "--sql")
    # dropping the column comes from the replayed snapshot: the SQLite rebuild knows the table
    assert "-- Running downgrade c3 -> b2" in down and "-- Running downgrade b2 -> a1" in down
    assert "DROP TABLE posts;" in down
    result = project.run("downgrade", "a1", "--sql")
    assert result.returncode == 2 and "START:END" in result.stderr


def test_offline_autocommit_block_and_stamp(tmp_path):
    project = history_project(tmp_path / "p", OFFLINE_URLS["postgresql"])
    project.revision("d4", "concurrent index", """
        with op.autocommit_block():
            op.execute("CREATE INDEX CONCURRENTLY ix_users_email ON users (email)")
    """, """
        op.execute("DROP INDEX ix_users_email")
    """)
    script = project.ok("upgrade", "c3:d4", "--sql")
    assert "COMMIT;\n\nCREATE INDEX CONCURRENTLY ix_users_email ON users (email);\n\nBEGIN;" in script
    stamp = project.ok("stamp", "head", "--sql")
    assert "INSERT INTO still_version (version_num) VALUES ('d4');" in stamp


def test_stamp_sql_from_a_revision(tmp_path, sqlite_url):
    """`stamp --sql START:END` moves the row from START (the table already exists); run
    against a database at START, the script leaves it at END."""
    import sqlite3

    project = history_project(tmp_path / "p", sqlite_url)
    project.ok("upgrade", "b2")
    script = project.ok("stamp", "b2:c3", "--sql")
    assert "CREATE TABLE" not in script
    assert "UPDATE still_version SET version_num='c3' WHERE still_version.version_num = 'b2';" in script
    db = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"), isolation_level=None)
    db.executescript(script)
    db.close()
    assert project.ok("current").split()[0] == "c3"
    from_base = project.ok("stamp", "c3", "--sql")
    assert "CREATE TABLE still_version" in from_base and "VALUES ('c3')" in from_base
    assert "START:END" in project.fail("stamp", "a1:b2", "c3", "--sql")
