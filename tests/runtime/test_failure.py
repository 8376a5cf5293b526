"""A revision that fails part-way leaves schema and version table as they were."""

from __future__ import annotations

import pytest

from tests.conftest import TRANSACTIONAL_DDL
from tests.helpers import assert_same_snapshot
from tests.runtime.project import Project, reflect_url

FIRST = """
    op.create_table("keep", sa.Column("id", sa.Integer, primary_key=True), sa.Column("v", sa.Integer))
"""
# statement 1 and 2 succeed (a table, a column), statement 3 fails (no such table)
BROKEN = """
    op.create_table("doomed", sa.Column("id", sa.Integer, primary_key=True))
    op.add_column("keep", sa.Column("w", sa.Integer))
    op.execute("INSERT INTO no_such_table VALUES (1)")
"""


@pytest.mark.parametrize("dialect", TRANSACTIONAL_DDL)  # MySQL: test_failing_revision_on_mysql_says_...
def test_failing_revision_rolls_back(tmp_path, db_url):
    project = Project(tmp_path / "p", db_url).init()
    project.revision("r1", "first", FIRST, 'op.drop_table("keep")')
    project.ok("upgrade", "head")
    before, rows_before = reflect_url(db_url)
    project.revision("r2", "broken one", BROKEN, "pass")
    result = project.run("upgrade", "head")
    assert result.returncode == 2
    error = result.stderr.strip().splitlines()[-1]
    assert error.startswith("error: upgrade of revision r2 (broken one) failed:"), error
    assert "no_such_table" in error and "rolled back" in error
    after, rows_after = reflect_url(db_url)
    assert rows_after == rows_before == ("r1",)
    assert_same_snapshot(after, before)


@pytest.mark.parametrize("dialect", TRANSACTIONAL_DDL)
def test_failure_in_transaction_all_keeps_earlier_revisions_out(tmp_path, db_url):
    project = Project(tmp_path / "p", db_url).init()
    project.revision("r1", "first", FIRST, 'op.drop_table("keep")')
    project.revision("r2", "broken one", BROKEN, "pass")
    before, _ = reflect_url(db_url)
    result = project.run("upgrade", "head", "--transaction", "all")
    assert result.returncode == 2 and "revision r2" in result.stderr and "nothing was changed" in result.stderr
    after, rows = reflect_url(db_url)
    assert rows == ()
    assert_same_snapshot(after, before)


def test_python_error_in_revision_names_it(tmp_path, sqlite_url):
    project = Project(tmp_path / "p", sqlite_url).init()
    project.revision("r1", "typo", 'op.create_table("t", sa.Column("id", sa.Integer, primary_key=True))\nundefined_name()')
    result = project.run("upgrade", "head")
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and lines[-1].startswith("error: upgrade of revision r1 (typo) failed: NameError")
    assert "Traceback" not in result.stderr
    assert reflect_url(sqlite_url)[1] == ()


def test_failing_ddl_statement_is_named(tmp_path, db_url):
    project = Project(tmp_path / "p", db_url).init()
    project.revision("r1", "first", FIRST, 'op.drop_table("keep")')
    project.revision("r2", "dup", 'op.execute("CREATE TABLE keep (id INTEGER)")')
    result = project.run("upgrade", "head")
    assert result.returncode == 2
    assert "revision r2 (dup)" in result.stderr and "CREATE TABLE keep (id INTEGER)" in result.stderr
    assert reflect_url(db_url)[1] == ("r1",)


def test_a_revision_that_does_not_compile_stops_the_run_before_anything_changes(tmp_path, db_url):
    """Every revision file of the run is imported first, so a broken third file means the
    first two are not applied either (one line, exit 2, the file named)."""
    project = Project(tmp_path / "p", db_url).init()
    project.revision("r1", "first", FIRST, 'op.drop_table("keep")')
    project.revision("r2", "second", 'op.add_column("keep", sa.Column("w", sa.Integer))')
    broken = project.revision("r3", "broken", "pass")
    broken.write_text(broken.read_text().replace("def upgrade() -> None:", "def upgrade() -> None\n"))
    before, _ = reflect_url(db_url)
    result = project.run("upgrade", "head")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    error = result.stderr.strip().splitlines()[-1]
    assert error.startswith("error: upgrade of revision r3 (broken) failed:") and "syntax error" in error, error
    assert str(broken.name) in error
    after, rows = reflect_url(db_url)
    assert rows == ()
    assert_same_snapshot(after, before)


def test_failing_revision_on_mysql_says_what_stays_applied(tmp_path, mysql_url):
    """MySQL commits each DDL statement: the third statement failing leaves the first two
    in the database, and the message says so (never a rollback) and where the version table is."""
    project = Project(tmp_path / "p", mysql_url).init()
    project.revision("r1", "first", FIRST, 'op.drop_table("keep")')
    project.ok("upgrade", "head")
    project.revision("r2", "broken one", BROKEN, "pass")
    result = project.run("upgrade", "head")
    assert result.returncode == 2
    error = result.stderr.strip().splitlines()[-1]
    assert error.startswith("error: upgrade of revision r2 (broken one) failed: execute failed:"), error
    assert "no_such_table" in error and "rolled back:" not in error
    assert "statement 3 of this revision failed and its DDL was not rolled back (MariaDB commits each DDL" in error
    assert "statements 1-2 of it (CREATE TABLE `doomed`" in error and "ALTER TABLE `keep` ADD COLUMN `w`" in error
    assert error.endswith("the version table still says r1"), error
    after, rows = reflect_url(mysql_url)
    assert rows == ("r1",)
    assert "doomed" in after.schemas[after.default_schema].tables
    assert [c.name for c in after.table("keep").columns] == ["id", "v", "w"]
