"""On still's own SQLite connection an upgrade or downgrade commits through a write-ahead
log (synchronous=FULL, exclusive lock) and leaves the file in the journal mode it had."""

from __future__ import annotations

import sqlite3

from tests.runtime.project import Project, reflect_url

# the revision records the journal mode it ran under as a table name
RECORD_MODE = """
    mode = op.get_bind().exec_driver_sql("PRAGMA journal_mode").scalar()
    sync = op.get_bind().exec_driver_sql("PRAGMA synchronous").scalar()
    op.create_table(f"ran_{mode}_{sync}", sa.Column("id", sa.Integer, primary_key=True))
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
    project.revision("r2", "record", RECORD_MODE, 'op.drop_table("ran_wal_2")')
    return project


def test_upgrade_commits_through_wal_and_restores_the_journal_mode(tmp_path, sqlite_url):
    project = _project(tmp_path, sqlite_url)
    project.ok("upgrade", "head")
    assert "ran_wal_2" in _tables(sqlite_url)  # WAL with synchronous=FULL (2) during the run
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
    assert {t for t in _tables(sqlite_url) if t.startswith("ran_")} == {"ran_wal_2"}


def test_the_database_own_journal_when_configured(tmp_path, sqlite_url):
    project = _project(tmp_path, sqlite_url)
    config = project.path / "still.toml"
    config.write_text(config.read_text() + '\nsqlite_commit_journal = "database"\n')
    project.ok("upgrade", "head")
    assert "ran_delete_2" in _tables(sqlite_url)
    config.write_text(config.read_text().replace('"database"', '"fast"'))
    error = project.fail("current")
    assert "sqlite_commit_journal" in error and '"wal" or "database"' in error


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
