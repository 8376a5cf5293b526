"""What an Alembic user expects of the command line, run for real (`python -m still`) on
SQLite and PostgreSQL: empty histories, a SQLite file that is not there yet, `history -r`
ranges read as Alembic reads them, `show current`, readable --help, one-line errors."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from tests.cli.test_errors import assert_one_line_error
from tests.runtime.project import Project

MODELS = """
import sqlalchemy as sa

metadata = sa.MetaData()
sa.Table("users", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("email", sa.String(80)))
"""


def _project(tmp_path, url) -> Project:
    proj = Project(tmp_path / "p", url).init()
    (proj.path / "models.py").write_text(textwrap.dedent(MODELS))
    toml = proj.path / "still.toml"
    toml.write_text(toml.read_text() + 'metadata = "models:metadata"\n')
    return proj


def _sqlite_file(url: str):
    return Path(url.partition(":///")[2]) if url.startswith("sqlite") else None


def _one_info_line(result) -> str:
    assert result.returncode == 0, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"], indirect=True)
def test_empty_history_commands_exit_0_with_one_line_and_create_no_file(tmp_path, db_url):
    proj = _project(tmp_path, db_url)
    for args in (["upgrade", "head"], ["stamp", "head"], ["history"], ["show", "head"], ["heads"],
                 ["current"], ["history", "-r", "base:current"]):
        line = _one_info_line(proj.run(*args))
        assert "no revision files yet" in line, (args, line)
        if _sqlite_file(db_url) is not None:
            assert not _sqlite_file(db_url).exists(), args


def test_a_missing_sqlite_file_is_named_with_what_to_do(tmp_path, sqlite_url):
    proj = _project(tmp_path, sqlite_url)
    proj.revision("a1", "one")
    db = _sqlite_file(sqlite_url)
    for args in (["current"], ["check"], ["show", "current"], ["history", "-i"], ["history", "-r", "current:"],
                 ["downgrade", "base"], ["downgrade", "-1"]):
        assert_one_line_error(proj.run(*args), "does not exist yet", "still upgrade head")
    # plan previews the first migration: against an empty database, with a note
    result = proj.run("plan")
    assert result.returncode == 0 and "users" in result.stdout, (result.stdout, result.stderr)
    assert "does not exist yet" in result.stderr
    assert not db.exists()
    proj.ok("-q", "upgrade", "head")
    assert db.exists() and proj.ok("current").startswith("a1")


def _ids(output: str) -> list[str]:
    return re.findall(r"-> (r\d)", output)


# Alembic 1.x's own answers on this history (r1 <- r2 <- r3 <- r4, database at r2), checked by
# running `alembic history -r ...`: a START of -N counts down from END, an END of +N up from START.
ALEMBIC_RANGES = {
    "-1:": ["r4", "r3"],
    "-2:": ["r4", "r3", "r2"],
    "current:": ["r4", "r3", "r2"],
    "base:current": ["r2", "r1"],
    ":current": ["r2", "r1"],
    "current:+1": ["r3", "r2"],
    "r1:+2": ["r3", "r2", "r1"],
    "r1:r3": ["r3", "r2", "r1"],
    "heads:": ["r4"],
}
# still's additions, in the same spirit: a revision or `current` minus/plus N
STILL_RANGES = {"head-1:": ["r4", "r3"], "current-1:": ["r4", "r3", "r2", "r1"], "current+1:head": ["r4", "r3"]}


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"], indirect=True)
def test_history_ranges_resolve_against_the_database_as_alembic_does(tmp_path, db_url):
    proj = _project(tmp_path, db_url)
    for n in range(1, 5):
        proj.revision(f"r{n}", f"rev {n}")
    proj.ok("-q", "upgrade", "r2")
    for rev_range, expected in {**ALEMBIC_RANGES, **STILL_RANGES}.items():
        assert _ids(proj.ok("history", "-r", rev_range)) == expected, rev_range
    assert_one_line_error(proj.run("history", "-r", ":-1"), "END cannot be -1")
    assert_one_line_error(proj.run("history", "-r", "+1:"), "START cannot be +1")
    # show current: the revision the database is at, in full; at base, <base>
    out = proj.ok("show", "current")
    assert out.startswith("Rev: r2") and "Parent: r1" in out
    assert proj.ok("show", "current-1").startswith("Rev: r1")
    proj.ok("-q", "downgrade", "base")
    assert proj.ok("show", "current") == "<base>\n"


def test_help_uses_readable_metavars_everywhere_and_lists_debug(tmp_path):
    proj = Project(tmp_path / "p", None)
    root = proj.ok("--help")
    assert "--debug" in root
    commands = re.findall(r"^  (\w+)\s{2,}", root.partition("Commands:")[2], re.M)
    assert {"upgrade", "history", "stamp", "plan", "generate"} <= set(commands)
    for command in commands:
        text = proj.ok(command, "--help")
        assert not re.search(r"[{}]|<\w|list\[", text), (command, text)
    assert "still upgrade [OPTIONS] REVISION\n" in proj.ok("upgrade", "--help")
    assert "REVISIONS..." in proj.ok("stamp", "--help")
    assert "-r, --rev-range START:END" in proj.ok("history", "--help")


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"], indirect=True)
def test_rename_of_what_is_not_there_is_an_error(tmp_path, db_url):
    proj = _project(tmp_path, db_url)
    proj.revision("a1", "members", """
        op.create_table("members", sa.Column("id", sa.Integer, primary_key=True), sa.Column("mail", sa.String(80)))
    """)
    proj.ok("-q", "upgrade", "head")
    # a column rename names the table by its new name; the table's rename may come after it
    for renames, fragment in ((["nosuch=users"], "no table 'nosuch'"), (["members=nosuch"], "no table 'nosuch'"),
                              (["users.nosuch=email", "members=users"], "no column 'nosuch'"),
                              (["members=users", "users.mail=nosuch"], "no column 'nosuch'"),
                              (["members.mail=email"], "no table 'members'")):
        flags = [arg for rename in renames for arg in ("--rename", rename)]
        assert_one_line_error(proj.run("plan", *flags), fragment)
        assert_one_line_error(proj.run("generate", "-m", "x", *flags), fragment)
    assert not list(proj.versions.glob("*_x.py"))
    out = proj.ok("plan", "--rename", "users.mail=email", "--rename", "members=users")
    assert "rename table members → users" in out and "0 to add" in out and "0 to drop" in out, out


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"], indirect=True)
def test_a_failing_statement_is_shown_whole_on_one_line(tmp_path, db_url):
    proj = _project(tmp_path, db_url)
    proj.revision("a1", "bad", 'op.execute("SELECT id,\\n       name\\n  FROM   nosuch_table\\n WHERE id = 1")')
    line = assert_one_line_error(proj.run("-q", "upgrade", "head"))
    assert "(statement: SELECT id, name FROM nosuch_table WHERE id = 1)" in line, line


def test_counts_are_singular_when_one(tmp_path, sqlite_url):
    import sqlite3

    proj = _project(tmp_path, sqlite_url)
    sqlite3.connect(_sqlite_file(sqlite_url)).close()
    out = proj.ok("plan")  # one table to create on an empty database
    assert "1 operation: 1 to add" in out and "0 findings" in out, out
    assert "1 operations" not in out


BOOM = "raise ZeroDivisionError('boom in the revision')"


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"], indirect=True)
def test_a_crash_in_user_code_is_one_line_and_exit_2(tmp_path, db_url):
    proj = _project(tmp_path, db_url)
    path = proj.revision("a1", "crashes", BOOM)
    for args in (["check", "--against", "history"], ["generate", "-m", "x", "--against", "history"],
                 ["-q", "upgrade", "head"]):
        assert_one_line_error(proj.run(*args), "ZeroDivisionError", "boom in the revision")
    line = assert_one_line_error(proj.run("check", "--against", "history"))
    assert path.name in line, line
    path.write_text(path.read_text().replace(BOOM, "import sys; sys.exit(1)"))  # 1 must not read as drift
    assert_one_line_error(proj.run("check", "--against", "history"), "SystemExit", path.name)
    path.write_text(path.read_text().replace("import sys; sys.exit(1)", BOOM))
    # a crash at import time of the revision file, of env.py's hooks, and of the models
    path.write_text(path.read_text() + f"\n{BOOM}\n")
    assert_one_line_error(proj.run("check", "--against", "history"), "boom in the revision")
    path.unlink()
    env = proj.path / "migrations" / "env.py"
    env.write_text(env.read_text().replace('"""The MetaData', f'{BOOM}\n    """The MetaData'))
    for args in (["plan"], ["check"], ["generate", "-m", "x"]):
        assert_one_line_error(proj.run(*args), "boom in the revision")
    env.write_text(env.read_text().replace(BOOM, "pass"))
    (proj.path / "models.py").write_text(BOOM + "\n")
    for args in (["plan"], ["check", "--against", "history"]):
        assert_one_line_error(proj.run(*args), "boom in the revision")


def test_readme_states_the_python_version_pyproject_requires():
    import tomllib

    root = Path(__file__).resolve().parents[2]
    requires = tomllib.loads((root / "pyproject.toml").read_text())["project"]["requires-python"]
    minimum = re.fullmatch(r">=\s*(3\.\d+)", requires).group(1)
    stated = re.findall(r"Requires Python\s+(3\.\d+)\+", (root / "README.md").read_text())
    assert stated == [minimum], (stated, requires)
