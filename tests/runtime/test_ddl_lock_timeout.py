"""Each DDL statement of `still upgrade` waits at most `ddl_lock_timeout` for its table lock
(runtime.ddl_lock): behind a long open transaction the revision is undone and tried again,
`ddl_lock_attempts` times in all, then one line names the table, the lock and the session
holding it, and nothing of the revision is applied. Attempts are counted by the server
itself: an event trigger bumps a sequence (which no rollback undoes) before each ALTER TABLE
takes its lock."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from tests.runtime.project import Project

COUNTER = """
CREATE SEQUENCE alter_attempts;
CREATE FUNCTION count_alter() RETURNS event_trigger LANGUAGE plpgsql AS
  $$ BEGIN PERFORM nextval('alter_attempts'); END $$;
CREATE EVENT TRIGGER count_alter ON ddl_command_start WHEN TAG IN ('ALTER TABLE') EXECUTE FUNCTION count_alter();
"""


def project(tmp_path, url, second: str, attempts: int = 3) -> Project:
    p = Project(tmp_path / "proj", url).init()
    toml = p.path / "still.toml"
    toml.write_text(toml.read_text() + f"ddl_lock_timeout = 0.2\nddl_lock_attempts = {attempts}\n"
                    "ddl_lock_backoff = 0.05\n")
    p.revision("r1", "create t", """
        op.create_table("t", sa.Column("id", sa.Integer, primary_key=True))
        op.execute("INSERT INTO t VALUES (1), (2)")
    """, 'op.drop_table("t")')
    p.revision("r2", "alter t", second, 'op.drop_column("t", "x")')
    p.ok("upgrade", "r1")
    with sa.create_engine(url, poolclass=sa.pool.NullPool).begin() as conn:
        for statement in COUNTER.strip().split(";\n"):
            conn.exec_driver_sql(statement)
    return p


def state(url):
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        count = conn.exec_driver_sql("SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM alter_attempts").scalar()
        columns = [r[0] for r in conn.exec_driver_sql(
            "SELECT attname FROM pg_attribute WHERE attrelid = 't'::regclass AND attnum > 0 AND NOT attisdropped")]
        versions = [r[0] for r in conn.exec_driver_sql("SELECT version_num FROM still_version")]
    engine.dispose()
    return count, columns, versions


class Blocker:
    """Another session with a transaction open that holds a lock on t."""

    def __init__(self, url, how="SELECT * FROM t FOR UPDATE"):
        self.engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
        self.conn = self.engine.connect()
        self.conn.exec_driver_sql(how).all() if how.startswith("SELECT") else self.conn.exec_driver_sql(how)
        self.pid = self.conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()

    def release(self):
        self.conn.rollback()
        self.conn.close()
        self.engine.dispose()


ALTER = 'op.add_column("t", sa.Column("x", sa.Integer))'


@pytest.mark.parametrize("how", ["SELECT * FROM t FOR UPDATE", "LOCK TABLE t IN ACCESS SHARE MODE"])
def test_blocked_alter_is_retried_then_fails_with_one_line_and_nothing_applied(tmp_path, pg_url, how):
    p = project(tmp_path, pg_url, ALTER)
    blocker = Blocker(pg_url, how)
    try:
        line = p.fail("upgrade", "head")
    finally:
        release_pid = blocker.pid
        blocker.release()
    assert "revision r2" in line and "gave up waiting for a lock on table public.t (ACCESS EXCLUSIVE)" in line, line
    assert "3 attempt(s) of ddl_lock_timeout 0.2s" in line, line
    assert f"held by pid {release_pid} (idle in transaction" in line and "transaction open" in line, line
    assert "rolled back" in line
    assert state(pg_url) == (3, ["id"], ["r1"])  # three attempts, the column is not there, still at r1


def test_blocker_gone_after_the_first_attempt_the_upgrade_succeeds(tmp_path, pg_url):
    p = project(tmp_path, pg_url, ALTER, attempts=20)
    blocker = Blocker(pg_url)
    watcher = sa.create_engine(pg_url, poolclass=sa.pool.NullPool)
    stop = threading.Event()

    def release_after_first_failure():
        with watcher.connect() as conn:  # a second ALTER started: the first gave up
            while not stop.is_set():
                if conn.exec_driver_sql("SELECT is_called AND last_value >= 2 FROM alter_attempts").scalar():
                    break
                conn.rollback()
                stop.wait(0.01)
        blocker.release()

    thread = threading.Thread(target=release_after_first_failure)
    thread.start()
    try:
        p.ok("upgrade", "head")
    finally:
        stop.set()
        thread.join()
        watcher.dispose()
    count, columns, versions = state(pg_url)
    assert count >= 2 and columns == ["id", "x"] and versions == ["r2"]


def test_in_an_autocommit_block_the_statement_is_retried(tmp_path, pg_url):
    # the block's first statement commits before the blocked one: only the blocked one is tried again
    p = project(tmp_path, pg_url, f"""
        with op.autocommit_block():
            op.create_table("u", sa.Column("id", sa.Integer))
            {ALTER}
    """)
    blocker = Blocker(pg_url)
    try:
        line = p.fail("upgrade", "head")
    finally:
        blocker.release()
    assert "gave up waiting for a lock on table public.t (ACCESS EXCLUSIVE): 3 attempt(s)" in line, line
    assert state(pg_url) == (3, ["id"], ["r1"])
    engine = sa.create_engine(pg_url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:  # what ran before the blocked statement stays committed
        assert conn.exec_driver_sql("SELECT to_regclass('u') IS NOT NULL").scalar()
    engine.dispose()


def test_offline_script_sets_lock_timeout(tmp_path, pg_url):
    p = project(tmp_path, pg_url, ALTER)
    out = p.ok("upgrade", "r1:head", "--sql")
    assert out.lstrip().startswith("SET lock_timeout = '200ms';"), out


def test_attempts_must_be_a_whole_number(tmp_path, pg_url):
    p = Project(tmp_path / "proj", pg_url).init()
    toml = p.path / "still.toml"
    text = toml.read_text()
    for bad in ("0", "2.5", "-1"):
        toml.write_text(text + f"ddl_lock_attempts = {bad}\n")
        line = p.fail("upgrade", "head")
        assert "ddl_lock_attempts" in line and "whole number" in line, line


def test_with_transaction_all_the_whole_run_is_retried(tmp_path, pg_url):
    p = project(tmp_path, pg_url, ALTER)
    p.revision("r3", "more", 'op.add_column("t", sa.Column("y", sa.Integer))', 'op.drop_column("t", "y")')
    blocker = Blocker(pg_url)
    try:
        line = p.fail("upgrade", "head", "--transaction", "all")
    finally:
        blocker.release()
    assert "gave up waiting for a lock on table public.t" in line and "nothing was changed" in line, line
    assert state(pg_url) == (3, ["id"], ["r1"])


def test_mariadb_waits_lock_wait_timeout_and_retries_the_statement(tmp_path, mysql_url):
    p = Project(tmp_path / "proj", mysql_url).init()
    toml = p.path / "still.toml"
    toml.write_text(toml.read_text() + "ddl_lock_timeout = 1\nddl_lock_attempts = 2\nddl_lock_backoff = 0.05\n")
    p.revision("r1", "create t", 'op.create_table("t", sa.Column("id", sa.Integer, primary_key=True))',
               'op.drop_table("t")')
    p.revision("r2", "alter t", ALTER, 'op.drop_column("t", "x")')
    p.ok("upgrade", "r1")
    assert "SET SESSION lock_wait_timeout = 1;" in p.ok("upgrade", "r1:head", "--sql")
    engine = sa.create_engine(mysql_url, poolclass=sa.pool.NullPool)
    conn = engine.connect()
    conn.exec_driver_sql("SELECT * FROM t FOR UPDATE").all()  # a metadata lock held until rollback
    try:
        line = p.fail("upgrade", "head")
    finally:
        conn.rollback()
        conn.close()
    assert "gave up waiting for a lock on table" in line and "2 attempt(s) of ddl_lock_timeout 1s" in line, line
    assert "none of its DDL ran" in line and "version table still says r1" in line, line
    with engine.connect() as check:
        assert [r[0] for r in check.exec_driver_sql("SHOW COLUMNS FROM t")] == ["id"]
    engine.dispose()
    p.ok("upgrade", "head")  # nothing held now
