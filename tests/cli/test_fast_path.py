"""The reading commands' fast path (still.cli.fast): a line it takes runs without typer,
click, rich or pydantic (nor SQLAlchemy, where no database or only SQLite is read), and
every line prints exactly what the typer app prints for it — stdout, stderr and exit
code — whichever way it is parsed (`STILL_NO_FAST=1` sends a line to the typer app)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.runtime.project import Project

HEAVY = ("typer", "click", "rich", "pydantic", "pydantic_core", "sqlalchemy")

# Runs `still` as `python -m still` does, then notes which top-level modules were loaded.
_WRAPPER = ("import atexit, json, sys\n"
            "mark, *args = sys.argv[1:]\n"
            "atexit.register(lambda: open(mark, 'w').write(json.dumps(sorted({m.split('.')[0] for m in sys.modules}))))\n"
            "sys.argv = ['still', *args]\n"
            "from still.cli import main\n"
            "main()\n")


def still(project: Project, args, typer: bool = False) -> tuple[tuple, list]:
    """(stdout, stderr, exit code) of one run and the top-level modules it loaded."""
    mark = project.path / "modules.json"
    mark.unlink(missing_ok=True)
    env = project.env()
    env.pop("STILL_NO_FAST", None)
    if typer:
        env["STILL_NO_FAST"] = "1"
    result = subprocess.run([sys.executable, "-c", _WRAPPER, str(mark), *args], capture_output=True, text=True,
                            cwd=project.path, env=env, timeout=120)
    return (result.stdout, result.stderr, result.returncode), json.loads(mark.read_text())


def branched_project(path: Path, url: str) -> Project:
    """Three heads, two branch points, a merge point, labels, a cross-branch dependency; the
    database at f6 (one head of three), with an applied revision (b2) edited since it ran."""
    project = Project(path, url).init()
    project.revision("a1", "create")
    project.revision("b2", "second")
    project.revision("c3", "third")
    project.revision("d4", "side branch", "pass", "pass", "--head", "a1", "--splice", "--branch-label", "side")
    project.ok("merge", "c3", "d4", "-m", "join", "--rev-id", "e5")
    project.revision("f6", "after the merge")
    project.revision("g7", "another head", "pass", "pass", "--head", "e5", "--splice")
    project.revision("x9", "other root", "pass", "pass", "--head", "base", "--branch-label", "other",
                     "--depends-on", "c3")
    config = project.path / "still.toml"
    config.write_text(config.read_text() + '\n[databases.copy]\nversion_table = "still_version"\n')
    project.ok("upgrade", "f6")
    b2 = next(project.versions.glob("b2_*.py"))
    b2.write_text(b2.read_text() + "\n# edited after it ran\n")
    return project


# (arguments, whether the fast path takes the line)
NO_DATABASE_CASES = [
    (["heads"], True), (["heads", "-v"], True), (["heads", "--verbose"], True),
    (["heads", "-c", "still.toml"], True), (["heads", "--config=still.toml"], True),
    (["-c", "still.toml", "heads"], True), (["-q", "heads"], True), (["--quiet", "-n", "copy", "heads"], True),
    (["heads", "-x", "a=b", "-x", "c=d"], True), (["-x", "a=1", "heads", "-x", "a=2"], True),
    (["heads", "-n", "copy"], True), (["heads", "--name", "nope"], True), (["heads", "-c", "missing.toml"], True),
    (["heads", "-x", "bad"], True), (["heads", "--url", "sqlite:///elsewhere.db"], True),
    (["branches"], True), (["branches", "-v"], True), (["--config", "still.toml", "branches", "--verbose"], True),
    (["history"], True), (["history", "-v"], True), (["history", "-r", "a1:c3"], True),
    (["history", "-r", "c3:"], True), (["history", "--rev-range=:b2"], True), (["history", "-r", "side@head:"], True),
    (["history", "-r", "nope:"], True), (["history", "-r", "a1:c3", "-v"], True),
    (["show", "a1"], True), (["show", "e5"], True), (["show", "heads"], True), (["show", "head"], True),
    (["show", "side@head"], True), (["show", "base"], True), (["show", "nope"], True), (["show", "../x"], True),
    (["show", "-c", "still.toml", "x9"], True), (["show", "x9", "--config", "still.toml"], True),
    # left to typer: help, unknown or repeated options, missing or dash-led values, extra arguments
    (["heads", "--help"], False), (["--help"], False), ([], False), (["--version"], False),
    (["heads", "--bogus"], False), (["heads", "-v", "-v"], False), (["heads", "extra"], False),
    (["heads", "-c"], False), (["heads", "--verbose=yes"], False), (["heads", "-c", "a.toml", "-c", "b.toml"], False),
    (["heads", "--url", ""], False), (["-v", "heads"], False), (["history", "-vi"], False),
    (["history", "-r", "-2:"], False), (["history", "-r"], False), (["show"], False), (["show", "a1", "b2"], False),
    (["show", "-1"], False), (["show", "--", "a1"], False), (["branches", "-cstill.toml"], False),
    (["hedas"], False),
]

# the running commands writing scripts (--sql: nothing is run, so each line can run twice)
SQL_CASES = [
    (["upgrade", "head", "--sql"], True), (["upgrade", "base:c3", "--sql", "-q"], True),
    (["-q", "upgrade", "a1:f6", "--sql"], True), (["upgrade", "heads", "--sql"], True),
    (["upgrade", "base:e5", "--sql", "--transaction", "all"], True), (["upgrade", "base:x9", "--sql", "--tag", "t1"], True),
    (["upgrade", "base:b2", "--sql", "--transaction=per-revision", "-x", "k=v"], True),
    (["upgrade", "base:b2", "--sql", "--lock-timeout", "1.5"], True), (["upgrade", "nope", "--sql"], True),
    (["downgrade", "c3:base", "--sql"], True), (["downgrade", "-1", "--sql"], True), (["downgrade", "f6:e5", "--sql"], True),
    (["downgrade", "e5:a1", "--sql", "-n", "copy", "--transaction", "all"], True),
    (["upgrade", "base:b2", "--sql", "--url", "postgresql://u@h/db"], True),
    (["upgrade", "--sql"], False), (["upgrade", "head", "--sql", "--sql"], False), (["upgrade", "--help"], False),
    (["upgrade", "head", "--sql", "--transaction", "bogus"], False), (["upgrade", "head", "--lock-timeout", "soon"], False),
    (["upgrade", "head", "--lock-timeout", "-1"], False), (["downgrade", "-1x", "--sql"], False),
    (["upgrade", "a1", "b2", "--sql"], False), (["upgrade", "head", "--tag"], False),
]

DATABASE_CASES = [
    (["current"], True), (["current", "-v"], True), (["current", "--check-heads"], True),
    (["current", "--check-heads", "--verbose"], True), (["-n", "copy", "current"], True),
    (["current", "--url", "sqlite:///missing.db"], True), (["current", "-x", "k=v"], True),
    (["history", "-i"], True), (["history", "--indicate-current", "-v"], True), (["history", "--applied"], True),
    (["history", "-r", "current:"], True), (["history", "-r", "base:current", "-i"], True),
    (["history", "-r", "side@+1:"], True), (["show", "current"], True), (["show", "current-1"], True),
    (["current", "--check-heads=1"], False), (["current", "extra"], False), (["history", "--applied", "x"], False),
]


def _differ(project: Project, cases) -> None:
    for args, fast in cases:
        ours, loaded = still(project, args)
        theirs, typer_loaded = still(project, args, typer=True)
        assert ours == theirs, (args, ours, theirs)
        assert "typer" in typer_loaded, args  # STILL_NO_FAST=1 does go through typer
        assert ("typer" not in loaded) == fast, (args, "fast path expected" if fast else "typer expected")
        assert "Traceback" not in ours[1], (args, ours)


@pytest.fixture(scope="module")
def sqlite_project(tmp_path_factory) -> Project:
    """One branched project on SQLite for the tests that only read it."""
    path = tmp_path_factory.mktemp("fast")
    return branched_project(path / "p", f"sqlite:///{path / 'test.db'}")


def test_every_reading_line_prints_what_typer_prints_sqlite(sqlite_project):
    _differ(sqlite_project, NO_DATABASE_CASES + DATABASE_CASES)


def test_every_sql_line_prints_what_typer_prints(sqlite_project):
    _differ(sqlite_project, SQL_CASES)
    (out, err, code), loaded = still(sqlite_project, ["upgrade", "base:f6", "--sql"])
    assert code == 0 and "CREATE TABLE still_version" in out, (out, err)
    assert [m for m in ("typer", "click", "rich") if m in loaded] == []


# the running commands against the database, in order: each line runs on two copies of the
# project, one through the fast path and one through typer, which must end in the same state
RUN_LINES = [(["upgrade", "heads"], True), (["downgrade", "-1"], True), (["downgrade", "side@-1"], True),
             (["-q", "downgrade", "e5"], True), (["upgrade", "f6", "--lock-timeout", "0"], True),
             (["upgrade", "nope"], True), (["downgrade", "base", "--transaction", "all"], True),
             (["downgrade", "base"], True), (["upgrade", "head"], True), (["upgrade", "heads", "-q"], True),
             (["upgrade", "heads"], True), (["upgrade", "heads", "--transaction", "nope"], False)]


def _same(result: tuple) -> tuple:
    """A run's output with what differs between the two copies (their paths, the times
    revisions ran) written the same way."""
    out, err, code = result
    at = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")
    return at.sub("T", out.replace("slow", "fast")), at.sub("T", err.replace("slow", "fast")), code


def test_running_lines_do_and_print_what_typer_does(tmp_path):
    fast = branched_project(tmp_path / "fast", f"sqlite:///{tmp_path / 'fast.db'}")
    slow = branched_project(tmp_path / "slow", f"sqlite:///{tmp_path / 'slow.db'}")
    for args, takes in RUN_LINES:
        ours, loaded = still(fast, args)
        theirs, typer_loaded = still(slow, args, typer=True)
        assert _same(ours) == _same(theirs), (args, ours, theirs)
        assert ("typer" not in loaded) == takes and "typer" in typer_loaded, args
        assert "Traceback" not in ours[1], (args, ours)
        assert _same(still(fast, ["current"])[0]) == _same(still(slow, ["current"])[0]), args


MODELS = """import sqlalchemy as sa

metadata = sa.MetaData()
sa.Table("orgs", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("name", sa.String(50)),
         sa.Column("title", sa.String(20), nullable=False))
same = sa.MetaData()
sa.Table("orgs", same, sa.Column("id", sa.Integer, primary_key=True), sa.Column("name", sa.String(50)))
"""

PLAN_CASES = [
    (["plan"], True), (["plan", "--format", "json"], True), (["plan", "--sql"], True),
    (["plan", "--format=json", "--sql"], True), (["plan", "--rename", "old=new"], True),
    (["plan", "--rename", "orgs.name=title", "--rename", "x=y"], True), (["plan", "--metadata", "models:same"], True),
    (["plan", "--metadata", "nope:x"], True), (["-c", "still.toml", "plan", "-x", "k=v"], True),
    (["plan", "--url", "sqlite:///missing.db"], True),
    (["check"], True), (["check", "--format", "github"], True), (["check", "--format", "json"], True),
    (["check", "--fail-on", "warning"], True), (["check", "--metadata", "models:same"], True),
    (["check", "--metadata=models:same", "--format", "json"], True), (["check", "--against", "history"], True),
    (["check", "--against", "history", "--metadata", "models:same"], True), (["-q", "check"], True),
    (["check", "--url", "sqlite:///missing.db"], True),
    (["plan", "--format", "yaml"], False), (["plan", "--sql", "--sql"], False), (["plan", "extra"], False),
    (["check", "--fail-on", "bogus"], False), (["check", "--against", "nope"], False), (["check", "--sql"], False),
    (["plan", "--help"], False), (["check", "--format", "github", "--format", "json"], False),
]


def test_every_plan_and_check_line_prints_what_typer_prints(tmp_path, sqlite_url):
    project = Project(tmp_path / "p", sqlite_url).init()
    project.revision("a1", "orgs", 'op.create_table("orgs", sa.Column("id", sa.Integer, primary_key=True), '
                     'sa.Column("name", sa.String(50)))', 'op.drop_table("orgs")')
    project.ok("upgrade", "head")
    (project.path / "models.py").write_text(MODELS)
    config = project.path / "still.toml"
    config.write_text(config.read_text() + '\nmetadata = "models:metadata"\n')
    _differ(project, PLAN_CASES)
    (out, err, code), loaded = still(project, ["check", "--metadata", "models:same"])
    assert (out, code) == ("No changes: the database matches the models.\n", 0), (out, err)
    assert [m for m in ("typer", "click", "rich") if m in loaded] == []  # nothing to colour: no rich
    (out, err, code), loaded = still(project, ["check"])
    assert code == 1 and "+ column title" in out and "rich" in loaded, (out, err)


def test_reading_the_database_prints_what_typer_prints_postgresql(tmp_path, pg_url):
    project = branched_project(tmp_path / "p", pg_url)
    bad = pg_url.rsplit("/", 1)[0] + "/no_such_database"
    _differ(project, DATABASE_CASES + [(["current", "--url", bad], True), (["history", "-i", "--url", bad], True)])


def test_no_revisions_yet_prints_what_typer_prints(tmp_path, sqlite_url):
    project = Project(tmp_path / "p", sqlite_url).init()
    _differ(project, [(["heads"], True), (["history"], True), (["branches"], True), (["show", "head"], True),
                      (["current"], True), (["history", "-i"], True)])


@pytest.mark.parametrize("args", [["heads"], ["heads", "-v"], ["history"], ["history", "-r", "a1:e5", "-v"],
                                  ["branches", "-v"], ["show", "e5"], ["current", "--check-heads"],
                                  ["history", "-i"], ["history", "--applied"], ["show", "current"]])
def test_the_fast_path_imports_no_cli_framework_nor_pydantic_nor_sqlalchemy(sqlite_project, args):
    """On SQLite, no reading command loads typer, click, rich, pydantic or SQLAlchemy;
    `--help` (which typer answers) does load typer, so the check can tell."""
    project = sqlite_project
    (out, err, code), loaded = still(project, args)
    assert code in (0, 1) and "error" not in err, (out, err)
    assert out.strip() or args == ["current", "--check-heads"] and "not at head" in err
    assert [m for m in HEAVY if m in loaded] == [], args
    if not any(a in ("current", "-i", "--applied") for a in args):  # these build a Run (a dataclass)
        assert "dataclasses" not in loaded and "inspect" not in loaded, args
    _, helped = still(project, [*args, "--help"])
    assert "typer" in helped
