"""A module of the application that says `from alembic import op` (or `import alembic.op`,
`from alembic.op import get_bind`, `from alembic import context`) reaches still's op and
context while revisions run, whenever it was imported, and Alembic's modules are exactly
as they were once the run is over (also when it fails, and when Alembic is absent)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from tests.runtime.project import Project, reflect_url

# every way a module binds Alembic's op and context
HELPERS = '''
import sqlalchemy as sa
import alembic
import alembic.op as op_module
from alembic import context, op
from alembic.op import get_bind


def create(name):
    if not context.is_offline_mode():
        assert get_bind().dialect.name == alembic.context.get_context().dialect.name
        assert context.config.get_main_option("sqlalchemy.url")
    op.create_table(name, sa.Column("id", sa.Integer, primary_key=True))
    op_module.add_column(name, sa.Column("note", sa.String(20)))
    alembic.op.create_index(f"ix_{name}_note", name, ["note"])


def drop(name):
    alembic.op.drop_index(f"ix_{name}_note", name)
    op.drop_table(name)
'''

MODELS = '''
import sqlalchemy as sa

metadata = sa.MetaData()
sa.Table("gadgets", metadata, sa.Column("id", sa.Integer, primary_key=True),
         sa.Column("note", sa.String(20)), sa.Index("ix_gadgets_note", "note"))
'''


def _project(tmp_path, url, import_at: str = "top") -> Project:
    project = Project(tmp_path / "p", url).init()
    (project.path / "apphelpers.py").write_text(HELPERS)
    (project.path / "appmodels.py").write_text(MODELS)
    config = project.path / "still.toml"
    config.write_text(config.read_text() + '\nmetadata = "appmodels:metadata"\n')
    path = project.revision("r1", "gadgets", 'import apphelpers\napphelpers.create("gadgets")',
                            'import apphelpers\napphelpers.drop("gadgets")')
    if import_at == "top":  # imported while still loads the revision files
        path.write_text("import apphelpers\n" + path.read_text())
    return project


def _tables(url: str) -> set[str]:
    return {name for name in reflect_url(url)[0].schemas["main"].tables if not name.startswith("still_version")}


def test_a_helper_imported_by_a_revision_reaches_stills_op(tmp_path, sqlite_url):
    project = _project(tmp_path, sqlite_url)
    project.ok("upgrade", "head")
    snap = reflect_url(sqlite_url)[0]
    table = snap.schemas["main"].tables["gadgets"]
    assert {c.name for c in table.columns} == {"id", "note"}
    assert {i.name for i in table.indexes} == {"ix_gadgets_note"}
    project.ok("check")
    project.ok("downgrade", "base")
    assert _tables(sqlite_url) == set()


@pytest.mark.parametrize("import_at", ["top", "body"])
def test_offline_and_replay_reach_stills_op_through_a_helper(tmp_path, sqlite_url, import_at):
    project = _project(tmp_path, sqlite_url, import_at)
    sql = project.ok("upgrade", "head", "--sql")
    assert "CREATE TABLE gadgets" in sql and "ALTER TABLE gadgets ADD COLUMN note" in sql
    assert "CREATE INDEX ix_gadgets_note" in sql
    project.ok("check", "--against", "history")  # replayed through the helper, matches the models
    assert _tables(sqlite_url) == set()


def test_a_helper_imported_before_the_run_reaches_stills_op(tmp_path, pg_url):
    project = _project(tmp_path, pg_url, import_at="body")
    # still's env.py imports the helper (and so Alembic) before any revision is loaded
    (project.path / "migrations" / "env.py").write_text("import apphelpers  # noqa: F401\n")
    project.ok("upgrade", "head")
    snap = reflect_url(pg_url)[0]
    assert {i.name for i in snap.schemas["public"].tables["gadgets"].indexes} == {"ix_gadgets_note"}
    project.ok("downgrade", "base")


# runs still in-process, then prints what Alembic's modules look like after the run
DRIVER = '''
import importlib.abc, json, sys

if sys.argv[1] == "hide":
    class Hide(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name == "alembic" or name.startswith("alembic."):
                raise ModuleNotFoundError(f"No module named {name!r}", name=name)
            return None
    sys.meta_path.insert(0, Hide())
if sys.argv[1] == "before":
    import alembic.op, alembic.context
finders = list(sys.meta_path)

from still.cli import main
sys.argv = ["still", *sys.argv[2:]]
try:
    main()
except SystemExit as exit:
    code = exit.code
after = {"code": code, "finders_kept": sys.meta_path == finders,
         "alembic_modules": sorted(n for n in sys.modules if n == "alembic" or n.startswith("alembic."))}
try:
    import alembic.op, alembic.context
    after["op_proxy"] = "_proxy" in vars(alembic.op)
    after["context_config"] = "config" in vars(alembic.context)
    try:
        alembic.op.get_bind()
    except NameError as err:
        after["unestablished"] = "not yet been established" in str(err)
except ImportError:
    after["importable"] = False
print(json.dumps(after))
'''


def _drive(project: Project, how: str, *args: str) -> dict:
    driver = project.path.parent / "driver.py"
    driver.write_text(DRIVER)
    result = subprocess.run([sys.executable, str(driver), how, *args], capture_output=True, text=True,
                            cwd=project.path, env=project.env(), timeout=120)
    assert result.stdout.strip(), result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1]) | {"stderr": result.stderr}


@pytest.mark.parametrize("how", ["before", "during"])
def test_nothing_leaks_after_a_run(tmp_path, sqlite_url, how):
    project = _project(tmp_path, sqlite_url)
    after = _drive(project, how, "upgrade", "head")
    assert after["code"] in (0, None), after["stderr"]
    assert "gadgets" in _tables(sqlite_url)
    assert after["finders_kept"] and after["unestablished"]
    assert not after["op_proxy"] and not after["context_config"]


def test_nothing_leaks_after_a_failed_run(tmp_path, sqlite_url):
    project = _project(tmp_path, sqlite_url)
    project.revision("r2", "fails", 'import apphelpers\napphelpers.create("gadgets")', "pass")
    after = _drive(project, "during", "upgrade", "head")
    assert after["code"] == 2 and "revision r2" in after["stderr"], after["stderr"]
    assert after["finders_kept"] and after["unestablished"]
    assert not after["op_proxy"] and not after["context_config"]


def test_without_alembic_a_helper_gets_stills_stand_ins_for_the_run_only(tmp_path, sqlite_url):
    project = _project(tmp_path, sqlite_url)
    after = _drive(project, "hide", "upgrade", "head")
    assert after["code"] in (0, None), after["stderr"]
    assert "gadgets" in _tables(sqlite_url)
    assert after["finders_kept"] and after["alembic_modules"] == [] and after["importable"] is False
    after = _drive(project, "hide", "downgrade", "base")
    assert after["code"] in (0, None) and after["alembic_modules"] == [], after["stderr"]
    assert _tables(sqlite_url) == set()


def test_what_still_does_not_provide_is_one_line(tmp_path, sqlite_url):
    project = Project(tmp_path / "p", sqlite_url).init()
    (project.path / "asynchelper.py").write_text(textwrap.dedent('''
        from alembic import op

        def go():
            op.run_async(lambda conn: None)
    '''))
    project.revision("r1", "async", "import asynchelper\nasynchelper.go()")
    line = project.fail("upgrade", "head")
    assert "alembic.op.run_async is not provided by still" in line
