"""The applied-revisions log on real databases: one row per revision run, written with the
version table's change (none for a revision that rolls back); the checksum tells an edited
applied revision (`current` warns, `current --check-heads` exits 1), line endings do not
count; offline scripts log too; Alembic keeps reading the version table."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa

from still import __version__
from tests.runtime.project import HISTORY, Project, history_project

EDITED = "edited after it was applied"


def sha256_lf(path: Path) -> str:
    return hashlib.sha256(path.read_bytes().replace(b"\r\n", b"\n")).hexdigest()


def log_rows(url: str, table: str = "still_version_log") -> list[tuple]:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        if not sa.inspect(conn).has_table(table):
            return []
        rows = conn.exec_driver_sql(f"SELECT id, revision, direction, checksum, started_at, duration_ms, "
                                    f"still_version FROM {table} ORDER BY id").all()
    engine.dispose()
    return [tuple(r) for r in rows]


def columns(url: str, table: str) -> list[str]:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        found = [c["name"] for c in sa.inspect(conn).get_columns(table)]
    engine.dispose()
    return found


def file_of(project: Project, rev_id: str) -> Path:
    return next(project.versions.glob(f"{rev_id}_*.py"))


def as_utc(value) -> datetime:
    if isinstance(value, str):  # SQLite keeps the text still wrote
        value = datetime.fromisoformat(value)
    return value.astimezone(timezone.utc) if value.tzinfo else value.replace(tzinfo=timezone.utc)


def test_one_row_per_revision_run(tmp_path, db_url):
    project = history_project(tmp_path / "p", db_url)
    before = datetime.now(timezone.utc) - timedelta(seconds=1)
    project.ok("upgrade", "head")
    project.ok("downgrade", "-1")
    project.ok("upgrade", "head")
    after = datetime.now(timezone.utc) + timedelta(seconds=1)
    rows = log_rows(db_url)
    assert [(r[0], r[1], r[2]) for r in rows] == [
        (1, "a1", "upgrade"), (2, "b2", "upgrade"), (3, "c3", "upgrade"),
        (4, "c3", "downgrade"), (5, "c3", "upgrade")]
    for _, rev, _, digest, started, duration, version in rows:
        assert digest == sha256_lf(file_of(project, rev))
        assert before <= as_utc(started) <= after
        assert isinstance(duration, int) and 0 <= duration < 60_000
        assert version == __version__
    assert as_utc(rows[0][4]) <= as_utc(rows[-1][4])
    # the version table keeps Alembic's shape
    assert columns(db_url, "still_version") == ["version_num"]
    applied = project.ok("history", "--applied").splitlines()
    assert [line.split()[0] for line in applied] == ["c3", "b2", "a1"]
    assert all(" upgraded " in line and " UTC in " in line and f"by still {__version__}" in line
               for line in applied)
    assert "create posts" in applied[0]


def test_a_failed_revision_leaves_no_row(tmp_path, db_url, dialect):
    project = history_project(tmp_path / "p", db_url)
    project.revision("d4", "broken", 'op.create_table("d4t", sa.Column("id", sa.Integer))\n'
                                     'op.execute("INSERT INTO no_such_table VALUES (1)")')
    assert "revision d4" in project.fail("upgrade", "head")
    assert [r[1] for r in log_rows(db_url)] == ["a1", "b2", "c3"]
    project.ok("downgrade", "base")
    error = project.fail("upgrade", "head", "--transaction", "all")
    undone = [("c3", "downgrade"), ("b2", "downgrade"), ("a1", "downgrade")]
    if dialect == "mysql":  # each DDL statement commits: the revisions that ran keep their rows
        assert "was not rolled back" in error and "the version table still says c3" in error, error
        assert [r[1:3] for r in log_rows(db_url)][3:] == undone + [("a1", "upgrade"), ("b2", "upgrade"),
                                                                   ("c3", "upgrade")]
    else:
        assert "rolled back" in error
        assert [r[1:3] for r in log_rows(db_url)][3:] == undone


def test_edited_applied_revision_warns_and_fails_check_heads(tmp_path, db_url):
    project = history_project(tmp_path / "p", db_url)
    project.ok("upgrade", "head")
    assert project.run("current", "--check-heads").returncode == 0
    a1 = file_of(project, "a1")
    original = a1.read_bytes()
    a1.write_text(a1.read_text().replace('sa.String(50)', 'sa.String(60)'))
    result = project.run("current")
    assert result.returncode == 0 and result.stdout.split()[0] == "c3"
    assert [line for line in result.stderr.splitlines() if EDITED in line] == [
        line for line in result.stderr.splitlines() if line.startswith("warning: a1 " + EDITED)]
    assert result.stderr.count(EDITED) == 1
    checked = project.run("current", "--check-heads")
    assert checked.returncode == 1 and "a1" in checked.stderr.splitlines()[-1] and "Traceback" not in checked.stderr
    for args in (("history", "--applied"), ("history", "-i"), ("upgrade", "head")):
        result = project.run(*args)
        assert result.returncode == 0 and f"warning: a1 {EDITED}" in result.stderr, (args, result.stderr)
    assert "warning" not in project.run("history").stderr  # files only: no database read
    # line endings alone are no edit
    a1.write_bytes(original)
    b2 = file_of(project, "b2")
    b2.write_bytes(b2.read_bytes().replace(b"\n", b"\r\n"))
    result = project.run("current", "--check-heads")
    assert result.returncode == 0 and EDITED not in result.stderr, result.stderr


def test_only_what_is_applied_by_its_last_run_is_checked(tmp_path, db_url):
    project = history_project(tmp_path / "p", db_url)
    project.ok("upgrade", "head")
    project.ok("downgrade", "a1")
    c3 = file_of(project, "c3")
    c3.write_text(c3.read_text() + "\n# reviewed\n")
    # c3 is not applied: nothing to warn about
    assert EDITED not in project.run("current", "--check-heads").stderr
    # stamped back on: its last run is a downgrade, the log cannot vouch for the file
    project.ok("stamp", "head")
    result = project.run("current", "--check-heads")
    assert result.returncode == 0 and EDITED not in result.stderr
    assert [r[1:3] for r in log_rows(db_url)][-1] == ("b2", "downgrade")  # stamp writes no row
    assert "c3 (head) applied, not in the log" in project.ok("history", "--applied")


def test_configured_log_table_and_turning_it_off(tmp_path, db_url):
    project = history_project(tmp_path / "p", db_url)
    toml = project.path / "still.toml"
    text = toml.read_text()
    toml.write_text(text + 'log_table = "deploys"\n')
    project.ok("upgrade", "b2")
    assert [r[1] for r in log_rows(db_url, "deploys")] == ["a1", "b2"] and log_rows(db_url) == []
    toml.write_text(text + "applied_log = false\n")
    project.ok("upgrade", "head")
    assert [r[1] for r in log_rows(db_url, "deploys")] == ["a1", "b2"] and log_rows(db_url) == []
    b2 = file_of(project, "b2")
    b2.write_text(b2.read_text() + "\n# edited\n")
    assert project.run("current", "--check-heads").returncode == 0  # off: nothing is checked
    toml.write_text(text + 'log_table = "deploys"\n')
    assert project.run("current", "--check-heads").returncode == 1
    # check and plan leave the log out, under either name
    toml.write_text(text + 'log_table = "deploys"\nmetadata = "models:metadata"\n')
    (project.path / "models.py").write_text(MODELS)
    result = project.run("check")
    assert result.returncode == 0 and "deploys" not in result.stdout + result.stderr, result.stdout


MODELS = """import sqlalchemy as sa
metadata = sa.MetaData()
sa.Table("users", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("name", sa.String(80)),
         sa.Column("email", sa.String(100), server_default="none"), sa.UniqueConstraint("email", name="uq_users_email"),
         sa.Index("ix_users_name", "name"))
posts = sa.Table("posts", metadata, sa.Column("id", sa.Integer, primary_key=True),
                 sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", name="fk_posts_user", ondelete="CASCADE"),
                           nullable=False),
                 sa.Column("title", sa.Text), sa.CheckConstraint("length(title) > 0", name="ck_posts_title"),
                 sa.Index("ix_posts_title", "title", unique=True))
"""


def run_script(url: str, script: str) -> None:
    if url.startswith("sqlite"):
        import sqlite3

        db = sqlite3.connect(sa.engine.make_url(url).database, isolation_level=None)
        db.executescript(script)
        db.close()
        return
    if url.startswith("mysql"):
        import pymysql
        from pymysql.constants import CLIENT

        parsed = sa.engine.make_url(url)
        db = pymysql.connect(host=parsed.host, port=parsed.port, user=parsed.username,
                             password=parsed.password or "", database=parsed.database,
                             client_flag=CLIENT.MULTI_STATEMENTS, autocommit=True)
        with db.cursor() as cursor:
            cursor.execute(script)
            while cursor.nextset():
                pass
        db.close()
        return
    import psycopg

    plain = sa.engine.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(plain, autocommit=True) as db:
        db.execute(script)


def test_offline_script_logs_its_runs(tmp_path, db_url):
    project = history_project(tmp_path / "p", db_url)
    run_script(db_url, project.ok("upgrade", "base:b2", "--sql"))
    # a database the log is new to: the script above b2 creates it if missing
    run_script(db_url, project.ok("upgrade", "b2:head", "--sql"))
    rows = log_rows(db_url)
    assert [(r[1], r[2], r[5]) for r in rows] == [(rev, "upgrade", None) for rev, *_ in HISTORY]
    assert all(r[3] == sha256_lf(file_of(project, r[1])) and r[4] is not None for r in rows)
    assert project.run("current", "--check-heads").returncode == 0
    assert "(offline script)" in project.ok("history", "--applied")
    run_script(db_url, project.ok("downgrade", "head:b2", "--sql"))
    assert log_rows(db_url)[-1][1:3] == ("c3", "downgrade")
    project.ok("upgrade", "head")  # online after offline: the ids go on
    assert [r[0] for r in log_rows(db_url)] == [1, 2, 3, 4, 5]


@pytest.fixture
def alembic_url(request, dialect, tmp_path):
    return request.getfixturevalue("pg_url") if dialect == "postgresql" else f"sqlite:///{tmp_path / 'a.db'}"


def test_alembic_keeps_working_on_a_logged_database(tmp_path, alembic_url):
    """Alembic 1.x reads and moves the version table still logged beside."""
    from tests.runtime.test_alembic_differential import alembic, alembic_project

    a = alembic_project(tmp_path / "a", alembic_url)
    alembic(a, "upgrade", "b2")
    s = Project(a, alembic_url)
    s.ok("init", "--from-alembic")
    s.ok("upgrade", "head")
    assert [r[1] for r in log_rows(alembic_url, "alembic_version_log")] == ["c3", "d4", "e5", "f6", "g7"]
    assert columns(alembic_url, "alembic_version") == ["version_num"]
    assert "g7 (head)" in alembic(a, "current")
    alembic(a, "downgrade", "c3")
    assert s.ok("current").split()[0] == "c3"
    assert alembic(a, "current").split()[0] == "c3"
    s.ok("upgrade", "head")
    assert "g7 (head)" in alembic(a, "current")
    assert [r[1:3] for r in log_rows(alembic_url, "alembic_version_log")] == [
        ("c3", "upgrade"), ("d4", "upgrade"), ("e5", "upgrade"), ("f6", "upgrade"), ("g7", "upgrade"),
        ("d4", "upgrade"), ("e5", "upgrade"), ("f6", "upgrade"), ("g7", "upgrade")]


def test_current_reads_the_log_without_sqlalchemy_and_through_a_hook(tmp_path, db_url):
    """Without a connect hook `current` reads both tables with the driver alone; with one,
    through the hook's engine: the same warning either way."""
    import subprocess
    import sys

    project = history_project(tmp_path / "p", db_url)
    project.ok("upgrade", "head")
    b2 = file_of(project, "b2")
    b2.write_text(b2.read_text() + "\n# edited\n")
    code = ("import sys\nfrom still.cli import main\nsys.argv = ['still', 'current']\n"
            "try:\n    main()\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
            "print('LOADED' if 'sqlalchemy' in sys.modules else 'NOT LOADED')\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=project.path, env=project.env(),
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["c3 (head)", "NOT LOADED"]
    assert f"warning: b2 {EDITED}" in result.stderr
    (project.path / "migrations" / "env.py").write_text(
        "def connect(url, x_args):\n    from still.db import migration_engine\n    return migration_engine(url)\n")
    hooked = project.run("current", "--check-heads")
    assert hooked.returncode == 1 and f"warning: b2 {EDITED}" in hooked.stderr, hooked.stderr
    assert project.ok("history", "--applied").splitlines()[1].startswith("b2 upgraded ")
