"""A run killed (SIGKILL) or interrupted (SIGINT) inside a long revision, after that
revision's first DDL: the database stays at the previous revision with no trace of the
interrupted one (no table, no side effect, no log row), SQLite gets its journal mode back
after SIGINT, and the next run completes the upgrade."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time

import pytest
import sqlalchemy as sa

from tests.conftest import TRANSACTIONAL_DDL
from tests.runtime.project import Project

# r2 creates a table, records a side effect, says it is inside, then waits while `hold` exists
LONG = """import pathlib, time
op.create_table("t2", sa.Column("id", sa.Integer, primary_key=True))
op.execute("INSERT INTO effects (rev) VALUES ('r2')")
pathlib.Path("inside").write_text("r2")
while pathlib.Path("hold").exists():
    time.sleep(0.05)"""


def project(tmp_path, url, long: str = LONG) -> Project:
    p = Project(tmp_path / "proj", url).init()
    p.revision("r1", "effects", "op.create_table('effects', sa.Column('rev', sa.String(10)))\n"
                                "op.execute(\"INSERT INTO effects (rev) VALUES ('r1')\")", "op.drop_table('effects')")
    p.revision("r2", "long one", long, "op.drop_table('t2')")
    p.ok("upgrade", "r1")
    return p


def interrupted(p: Project, sig: int) -> subprocess.CompletedProcess:
    (p.path / "hold").write_text("")
    run = subprocess.Popen([sys.executable, "-m", "still", "upgrade", "head"], cwd=p.path, env=p.env(),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not (p.path / "inside").exists():
        assert run.poll() is None and time.monotonic() < deadline, run.communicate()
        time.sleep(0.05)
    time.sleep(0.2)
    run.send_signal(sig)
    out, err = run.communicate(timeout=60)
    (p.path / "hold").unlink()
    return subprocess.CompletedProcess(run.args, run.returncode, out, err)


def state(url: str) -> dict:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        found = {
            "tables": sorted(sa.inspect(conn).get_table_names()),
            "versions": [r[0] for r in conn.exec_driver_sql("SELECT version_num FROM still_version")],
            "effects": sorted(r[0] for r in conn.exec_driver_sql("SELECT rev FROM effects")),
            "log": [tuple(r) for r in conn.exec_driver_sql(
                "SELECT revision, direction FROM still_version_log ORDER BY id")],
        }
    engine.dispose()
    return found


AT_R1 = {"tables": ["effects", "still_version", "still_version_log"], "versions": ["r1"], "effects": ["r1"],
         "log": [("r1", "upgrade")]}
AT_R2 = {"tables": ["effects", "still_version", "still_version_log", "t2"], "versions": ["r2"],
         "effects": ["r1", "r2"], "log": [("r1", "upgrade"), ("r2", "upgrade")]}


def journal_mode(url: str) -> str:
    db = sqlite3.connect(sa.engine.make_url(url).database)
    try:
        return db.execute("PRAGMA journal_mode").fetchone()[0]
    finally:
        db.close()


@pytest.mark.parametrize("dialect", TRANSACTIONAL_DDL)  # MySQL keeps each DDL statement it ran
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT], ids=["SIGKILL", "SIGINT"])
def test_an_interrupted_revision_leaves_no_trace_and_the_next_run_completes(tmp_path, db_url, sig):
    p = project(tmp_path, db_url)
    assert state(db_url) == AT_R1
    result = interrupted(p, sig)
    assert result.returncode != 0, result
    if sig == signal.SIGKILL:
        assert result.returncode == -signal.SIGKILL
    else:
        assert result.returncode == 130 and "Traceback" not in result.stderr, result
    assert state(db_url) == AT_R1, result.stderr
    assert p.ok("current").split()[0] == "r1"
    if db_url.startswith("sqlite") and sig == signal.SIGINT:
        assert journal_mode(db_url) == "delete"  # the run put the file's own mode back
    p.ok("upgrade", "head", "--lock-timeout", "30")
    assert state(db_url) == AT_R2
    if db_url.startswith("sqlite") and sig == signal.SIGINT:
        assert journal_mode(db_url) == "delete"


def test_killed_inside_a_long_statement_lets_go_of_the_lock_on_postgresql(tmp_path, pg_url):
    """The server notices the client is gone while the statement still runs: the statement
    is cancelled, its transaction rolled back and the migration lock released, so the next
    run need not wait for the dead run's statement to finish."""
    long = LONG.replace('while pathlib.Path("hold").exists():\n    time.sleep(0.05)',
                        'if pathlib.Path("hold").exists():\n    op.execute("SELECT pg_sleep(120)")')
    p = project(tmp_path, pg_url, long)
    started = time.monotonic()
    result = interrupted(p, signal.SIGKILL)
    assert result.returncode == -signal.SIGKILL
    p.ok("upgrade", "head", "--lock-timeout", "20")
    assert time.monotonic() - started < 60
    assert state(pg_url) == AT_R2
