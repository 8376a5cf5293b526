"""Bad input to the migration commands: one line `error: ...`, exit code 2, no traceback."""

from __future__ import annotations

import pytest

from tests.cli.test_errors import assert_one_line_error
from tests.runtime.project import Project


@pytest.fixture
def project(tmp_path):
    project = Project(tmp_path / "p", f"sqlite:///{tmp_path / 'db.sqlite'}").init()
    project.revision("a1", "one")
    project.revision("b2", "two")
    return project


def _write(project, name, text):
    (project.versions / name).write_text(text)


def test_syntax_error_in_revision_file(project):
    # in the body: found when the revision runs (headers alone are read for the graph)
    _write(project, "c3_bad.py", 'revision = "c3"\ndown_revision = "b2"\ndef upgrade(:\n')
    assert_one_line_error(project.run("-q", "upgrade", "head"), "revision c3", "c3_bad.py", "syntax error")
    # in the header: found by every command
    _write(project, "c3_bad.py", 'revision = "c3\ndown_revision = "b2"\n')
    assert_one_line_error(project.run("heads"), "c3_bad.py")


def test_missing_revision_variable(project):
    _write(project, "c3_bad.py", 'down_revision = "b2"\n')
    assert_one_line_error(project.run("history"), "c3_bad.py")


def test_duplicate_ids(project):
    _write(project, "x_dup.py", 'revision = "b2"\ndown_revision = "a1"\n')
    assert_one_line_error(project.run("heads"), "duplicate revision id 'b2'")


def test_cycle(project):
    path = next(project.versions.glob("a1_*.py"))
    path.write_text(path.read_text().replace("down_revision = None", 'down_revision = "b2"'))
    assert_one_line_error(project.run("upgrade", "head"), "cycle")


def test_unknown_down_revision(project):
    _write(project, "c3_x.py", 'revision = "c3"\ndown_revision = "nope"\n')
    assert_one_line_error(project.run("heads"), "nope")


@pytest.mark.parametrize("target", ["zzz", "a1+5"])
def test_unknown_target(project, target):
    result = project.run("upgrade", target)
    assert_one_line_error(result)


def test_ambiguous_prefix(project):
    project.revision("abc1", "x", "pass", "pass", "--head", "b2")
    project.revision("abc2", "y", "pass", "pass", "--head", "b2", "--splice")
    assert_one_line_error(project.run("upgrade", "abc"), "abc")


def test_several_heads_for_head(project):
    project.revision("c3", "x", "pass", "pass", "--head", "a1", "--splice")
    assert_one_line_error(project.run("upgrade", "head"), "multiple heads")
    assert_one_line_error(project.run("revision", "-m", "more"), "multiple heads")


def test_revision_on_non_head_needs_splice(project):
    assert_one_line_error(project.run("revision", "-m", "x", "--head", "a1"), "--splice")


def test_missing_config(tmp_path):
    bare = Project(tmp_path / "bare", None)
    assert_one_line_error(bare.run("heads"), "migrations")
    assert_one_line_error(bare.run("-c", "nope.toml", "heads"), "nope.toml")


def test_unset_variable_in_url(project):
    project.url = None
    assert_one_line_error(project.run("upgrade", "head"), "${DATABASE_URL}", "not set")
    assert_one_line_error(project.run("current"), "${DATABASE_URL}")
    assert project.run("heads").returncode == 0  # reading files needs no database


def test_downgrade_sql_needs_a_range(project):
    assert_one_line_error(project.run("downgrade", "base", "--sql"), "START:END")


def test_bad_transaction_mode(project):
    result = project.run("upgrade", "head", "--transaction", "some")
    assert result.returncode == 2 and "error:" in result.stderr


def test_unknown_op_target_is_one_line(project):
    project.revision("c3", "bad op", 'op.drop_table("missing")')
    assert_one_line_error(project.run("-q", "upgrade", "head"), "revision c3", "table 'missing' does not exist")
