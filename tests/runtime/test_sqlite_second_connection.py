"""A revision that opens a second connection through `op.get_bind().engine` (as Alembic
allows: `sa.inspect(engine)`, `engine.connect()`) works on a SQLite file in every
`sqlite_commit` mode. Under the run's exclusive lock (wal, wal-sync) the second
connection is the run's own, lent out: it sees what the revision has done so far, and
what it writes belongs to the revision's transaction. With the file's own journal
("file", or one transaction for all) it is a connection of its own, as in Alembic, and
sees what is committed."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest

from tests.runtime.project import Project, reflect_url

# r2 names a table after what a second connection saw: its tables and the rows of users
LOOK = """
    op.create_table("made_in_r2", sa.Column("id", sa.Integer, primary_key=True))
    engine = op.get_bind().engine
    names = [n for n in sa.inspect(engine).get_table_names() if not n.startswith("still")]
    with engine.connect() as other:
        count = other.exec_driver_sql("SELECT count(*) FROM users").scalar()
    op.create_table("saw_" + "_".join(sorted(names)) + f"_{count}", sa.Column("id", sa.Integer))
"""

UNLOOK = """
    for name in sa.inspect(op.get_bind()).get_table_names():
        if name.startswith(("saw_", "made_")):
            op.drop_table(name)
"""


def _project(tmp_path, sqlite_url, mode: str) -> Project:
    project = Project(tmp_path / "p", sqlite_url).init()
    config = project.path / "still.toml"
    config.write_text(config.read_text() + f'\nsqlite_commit = "{mode}"\n')
    project.revision("r1", "users", 'op.create_table("users", sa.Column("id", sa.Integer, primary_key=True))\n'
                     'op.execute("INSERT INTO users (id) VALUES (1)")', 'op.drop_table("users")')
    project.revision("r2", "look", LOOK, UNLOOK)
    return project


def _tables(url: str) -> set[str]:
    return {n for n in reflect_url(url)[0].schemas["main"].tables if not n.startswith("still")}


def _journal_mode(url: str) -> str:
    db = sqlite3.connect(url.removeprefix("sqlite:///"))
    try:
        return db.execute("PRAGMA journal_mode").fetchone()[0]
    finally:
        db.close()


@pytest.mark.parametrize("mode", ["wal", "wal-sync"])
def test_under_the_exclusive_lock_a_second_connection_is_the_runs_own(tmp_path, sqlite_url, mode):
    project = _project(tmp_path, sqlite_url, mode)
    project.ok("upgrade", "head")
    # it saw the table r2 had just made, in r2's transaction, and r1's committed row
    assert _tables(sqlite_url) == {"users", "made_in_r2", "saw_made_in_r2_users_1"}
    assert _journal_mode(sqlite_url) == "delete"
    assert sorted(p.name for p in project.path.parent.iterdir() if p.name.startswith("test.db")) == ["test.db"]
    project.ok("downgrade", "r1")
    assert _tables(sqlite_url) == {"users"}


@pytest.mark.parametrize("how", ["file", "all"])
def test_with_the_files_own_journal_a_second_connection_sees_what_is_committed(tmp_path, sqlite_url, how):
    project = _project(tmp_path, sqlite_url, "file" if how == "file" else "wal")
    if how == "all":
        project.ok("upgrade", "r1")
        project.ok("upgrade", "head", "--transaction", "all")
    else:
        project.ok("upgrade", "head")
    assert _tables(sqlite_url) == {"users", "made_in_r2", "saw_users_1"}


def test_what_a_lent_connection_writes_is_rolled_back_with_the_revision(tmp_path, sqlite_url):
    project = _project(tmp_path, sqlite_url, "wal")
    project.revision("r3", "write then fail", """
        with op.get_bind().engine.begin() as other:
            other.exec_driver_sql("INSERT INTO users (id) VALUES (2)")
        raise RuntimeError("after the insert")
    """)
    assert "revision r3" in project.fail("upgrade", "head")
    assert reflect_url(sqlite_url)[1] == ("r2",)
    db = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"))
    try:
        assert db.execute("SELECT id FROM users").fetchall() == [(1,)]
    finally:
        db.close()
    assert _journal_mode(sqlite_url) == "delete"


def test_a_lent_connection_is_gone_after_the_run(tmp_path, sqlite_url):
    """A connection kept past the run (in a module global) cannot reach the run's."""
    project = _project(tmp_path, sqlite_url, "wal")
    (project.path / "keeper.py").write_text("kept = []\n")
    project.revision("r3", "keep", "import keeper\nkeeper.kept.append(op.get_bind().engine.connect())")
    script = (
        "import sys, keeper\n"
        "from still.cli import main\n"
        "sys.argv = ['still', 'upgrade', 'head']\n"
        "try:\n    main()\nexcept SystemExit as exit:\n    assert not exit.code, exit.code\n"
        "try:\n    keeper.kept[0].exec_driver_sql('SELECT 1')\n"
        "except Exception as err:\n    print('after the run:', err)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=project.path,
                            env=project.env(), timeout=120)
    assert "used after the run ended" in result.stdout, (result.stdout, result.stderr)
    assert reflect_url(sqlite_url)[1] == ("r3",)


def test_on_postgresql_a_second_connection_is_its_own_and_sees_what_is_committed(tmp_path, pg_url):
    project = Project(tmp_path / "p", pg_url).init()
    project.revision("r1", "users", 'op.create_table("users", sa.Column("id", sa.Integer, primary_key=True))\n'
                     'op.execute("INSERT INTO users (id) VALUES (1)")', 'op.drop_table("users")')
    project.revision("r2", "look", LOOK, UNLOOK)
    project.ok("upgrade", "head")
    names = {n for n in reflect_url(pg_url)[0].schemas["public"].tables if not n.startswith("still")}
    assert names == {"users", "made_in_r2", "saw_users_1"}
