"""On still's own SQLite connection an upgrade or downgrade commits through a write-ahead
log (exclusive lock; synchronous=NORMAL, or FULL with sqlite_commit = "wal-sync") and
leaves the file in the journal mode it had."""

from __future__ import annotations

import sqlite3

from tests.runtime.project import Project, reflect_url

# the revision records the journal mode it ran under as a table name
RECORD_MODE = """
    mode = op.get_bind().exec_driver_sql("PRAGMA journal_mode").scalar()
    sync = op.get_bind().exec_driver_sql("PRAGMA synchronous").scalar()
    op.create_table(f"ran_{mode}_{sync}", sa.Column("id", sa.Integer, primary_key=True))
"""

DROP_RECORD = """
    for name in sa.inspect(op.get_bind()).get_table_names():
        if name.startswith("ran_"):
            op.drop_table(name)
"""


def _db_path(url: str) -> str:
    return url.removeprefix("sqlite:///")


def _journal_mode(path: str) -> str:
    db = sqlite3.connect(path)
    try:
        return db.execute("PRAGMA journal_mode").fetchone()[0]
    finally:
        db.close()


def _tables(url: str) -> set[str]:
    return set(reflect_url(url)[0].schemas["main"].tables)


def _project(tmp_path, sqlite_url) -> Project:
    project = Project(tmp_path / "p", sqlite_url).init()
    project.revision("r1", "users", 'op.create_table("users", sa.Column("id", sa.Integer, primary_key=True))',
                     'op.drop_table("users")')
    project.revision("r2", "record", RECORD_MODE, DROP_RECORD)
    return project


def test_upgrade_commits_through_wal_and_restores_the_journal_mode(tmp_path, sqlite_url):
    project = _project(tmp_path, sqlite_url)
    project.ok("upgrade", "head")
    assert "ran_wal_1" in _tables(sqlite_url)  # WAL with synchronous=NORMAL (1) during the run
    path = _db_path(sqlite_url)
    assert _journal_mode(path) == "delete"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("test.db")) == ["test.db"]
    project.ok("downgrade", "base")
    assert _journal_mode(path) == "delete" and reflect_url(sqlite_url)[1] == ()


def test_a_database_already_in_wal_stays_in_wal(tmp_path, sqlite_url):
    path = _db_path(sqlite_url)
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.close()
    project = _project(tmp_path, sqlite_url)
    project.ok("upgrade", "head")
    assert _journal_mode(path) == "wal"
    assert {t for t in _tables(sqlite_url) if t.startswith("ran_")} == {"ran_wal_2"}  # untouched


def test_the_configured_way_to_commit(tmp_path, sqlite_url):
    project = _project(tmp_path, sqlite_url)
    config = project.path / "still.toml"
    text = config.read_text()
    config.write_text(text + '\nsqlite_commit = "wal-sync"\n')
    project.ok("upgrade", "r2")
    assert "ran_wal_2" in _tables(sqlite_url)  # every commit synced
    project.ok("downgrade", "r1")
    config.write_text(text + '\nsqlite_commit = "file"\n')
    project.ok("upgrade", "r2")
    assert "ran_delete_2" in _tables(sqlite_url)  # the file's own mode
    config.write_text(text + '\nsqlite_commit = "fast"\n')
    error = project.fail("current")
    assert "sqlite_commit" in error and '"wal", "wal-sync", "file"' in error


def test_one_transaction_for_all_keeps_the_database_journal(tmp_path, sqlite_url):
    project = _project(tmp_path, sqlite_url)
    project.ok("upgrade", "head", "--transaction", "all")
    assert "ran_delete_2" in _tables(sqlite_url)


def test_a_failed_revision_still_restores_the_journal_mode(tmp_path, sqlite_url):
    project = _project(tmp_path, sqlite_url)
    project.revision("r3", "broken", 'op.execute("CREATE TABLE users (id INTEGER)")')
    assert "revision r3" in project.fail("upgrade", "head")
    assert _journal_mode(_db_path(sqlite_url)) == "delete"
    assert reflect_url(sqlite_url)[1] == ("r2",)


def test_a_crash_keeps_every_committed_revision(tmp_path, sqlite_url):
    """The process dies inside r3 (no cleanup runs): r1 and r2 were committed through the
    WAL, and whoever opens the file next sees them."""
    project = _project(tmp_path, sqlite_url)
    project.revision("r3", "crash", 'op.create_table("t3", sa.Column("id", sa.Integer))\nimport os\nos._exit(9)')
    result = project.run("upgrade", "head")
    assert result.returncode == 9
    assert project.ok("current").split()[0] == "r2"
    snap, rows = reflect_url(sqlite_url)
    assert rows == ("r2",) and "t3" not in snap.schemas["main"].tables
    # the file is left in WAL mode (there was no way back); the next run works in it
    assert _journal_mode(_db_path(sqlite_url)) == "wal"
    (project.versions / "r3_crash.py").unlink()
    project.ok("downgrade", "r1")
    assert reflect_url(sqlite_url)[1] == ("r1",)


def test_another_open_connection_reads_the_result_afterwards(tmp_path, sqlite_url):
    """A connection that stays open (idle) across the run, as an application's would, sees
    the migrated schema afterwards in the file's own journal mode."""
    project = _project(tmp_path, sqlite_url)
    path = _db_path(sqlite_url)
    other = sqlite3.connect(path)
    try:
        other.execute("CREATE TABLE app_data (id INTEGER)")
        other.commit()
        project.ok("upgrade", "head")
        names = {row[0] for row in other.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert {"users", "ran_wal_1", "app_data"} <= names
        assert other.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    finally:
        other.close()
