"""Models that are imported by a function (or module by module) before the MetaData is
read, as an Alembic env.py does: `init --from-alembic` carries the loader over, the
`metadata` setting can name a loader or a function, and a plan that drops most of the
database says that the models are probably incomplete instead of presenting the drops."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.cli.test_init_from_alembic import alembic
from tests.runtime.project import Project

TABLES = 14  # in m0 .. m13; core.py holds one more, imported with the package

INIT = '''
from myapp.models import base, core  # noqa: F401


def import_all_models():
    import importlib

    for number in range({tables}):
        importlib.import_module(f"myapp.models.m{{number}}")


def full_metadata():
    import_all_models()
    return base.Base.metadata
'''

BASE = '''
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass
'''

TABLE = '''
import sqlalchemy as sa

from myapp.models.base import Base


class {name}(Base):
    __tablename__ = "{table}"
    id = sa.Column(sa.Integer, primary_key=True)
'''


def _app(path: Path, tables: int = TABLES) -> None:
    models = path / "myapp" / "models"
    models.mkdir(parents=True)
    (path / "myapp" / "__init__.py").write_text("")
    (models / "__init__.py").write_text(INIT.format(tables=tables))
    (models / "base.py").write_text(BASE)
    (models / "core.py").write_text(TABLE.format(name="Core", table="core"))
    for number in range(tables):
        (models / f"m{number}.py").write_text(TABLE.format(name=f"M{number}", table=f"table_{number}"))
    (models / "all_models.py").write_text("".join(f"import myapp.models.m{n}  # noqa: F401\n"
                                                  for n in range(tables)))


def _create_all(path: Path, url: str) -> None:
    script = ("import sqlalchemy as sa, myapp.models as m\n"
              "m.import_all_models()\n"
              f"engine = sa.create_engine({url!r})\n"
              "m.base.Base.metadata.create_all(engine)\n"
              "engine.dispose()\n")
    subprocess.run([sys.executable, "-c", script], cwd=path, check=True, timeout=120)


ENVS = {
    "function": "from myapp import models\nmodels.import_all_models()\ntarget_metadata = models.base.Base.metadata",
    "imports": "import myapp.models.all_models  # noqa: F401\nfrom myapp.models.base import Base\n"
               "target_metadata = Base.metadata",
    "call": "from myapp import models\ntarget_metadata = models.full_metadata()",
}
LOADERS = {"function": "myapp.models:import_all_models", "imports": "myapp.models.all_models", "call": None}


@pytest.mark.parametrize("how", ["function", "imports", "call"])
def test_init_from_alembic_carries_what_imports_the_models(tmp_path, sqlite_url, how):
    path = tmp_path / "app"
    path.mkdir()
    alembic(path, "init", "migrations")
    ini = path / "alembic.ini"
    ini.write_text(ini.read_text().replace("driver://user:pass@localhost/dbname", sqlite_url))
    env = path / "migrations" / "env.py"
    env.write_text(env.read_text().replace("target_metadata = None", ENVS[how]))
    _app(path)
    _create_all(path, sqlite_url)
    project = Project(path, sqlite_url)
    out = project.ok("init", "--from-alembic")
    config = tomllib.loads((path / "still.toml").read_text())
    if how == "call":  # the metadata setting names the function env.py calls
        assert config["metadata"] == "myapp.models:full_metadata" and "metadata_loader" not in config
    else:
        assert f"(loaded by {LOADERS[how]})" in out
        assert config["metadata_loader"] == LOADERS[how]
    result = project.run("check")
    assert result.returncode == 0, (result.stdout, result.stderr)


def _project(tmp_path, url: str, tables: int = TABLES, **settings: str) -> Project:
    project = Project(tmp_path / "p", url).init()
    _app(project.path, tables)
    _create_all(project.path, url)
    config = project.path / "still.toml"
    config.write_text(config.read_text() + "".join(f"\n{key} = {json.dumps(value)}\n"
                                                   for key, value in settings.items()))
    return project


@pytest.mark.parametrize("settings", [
    {"metadata": "myapp.models:base.Base.metadata", "metadata_loader": "myapp.models:import_all_models"},
    {"metadata": "myapp.models:base.Base.metadata", "metadata_loader": ["myapp.models.m0", "myapp.models.all_models"]},
    {"metadata": "myapp.models:full_metadata"},
], ids=["loader-function", "loader-modules", "metadata-function"])
def test_the_metadata_setting_loads_every_model(tmp_path, sqlite_url, settings):
    project = _project(tmp_path, sqlite_url, **settings)
    result = project.run("check")
    assert result.returncode == 0, (result.stdout, result.stderr)


@pytest.mark.parametrize("database", ["sqlite_url", "pg_url"])
def test_a_plan_dropping_most_of_the_database_says_the_models_are_incomplete(tmp_path, request, database):
    url = request.getfixturevalue(database)
    project = _project(tmp_path, url, metadata="myapp.models:base.Base.metadata")
    out = project.run("plan").stdout
    first = out.strip().splitlines()[0]
    assert f"the models leave out {TABLES} of the database's {TABLES + 1} tables" in first
    assert "metadata_loader" in out
    result = project.run("check", "--format", "json")
    assert result.returncode == 1
    findings = json.loads(result.stdout)["findings"]
    assert findings[0]["code"] == "metadata-incomplete" and findings[0]["severity"] == "danger"


@pytest.mark.parametrize("tables, metadata", [
    (10, "myapp.models:base.Base.metadata"),  # drops 10 of 11: a small schema may mean it
    (TABLES, "myapp.models:full_metadata"),   # drops none
])
def test_no_finding_below_the_rule(tmp_path, sqlite_url, tables, metadata):
    project = _project(tmp_path, sqlite_url, tables, metadata=metadata)
    result = project.run("check", "--format", "json")
    codes = {f["code"] for f in json.loads(result.stdout)["findings"]}
    assert "metadata-incomplete" not in codes


@pytest.mark.parametrize("value, message", [
    (3, "'metadata_loader' must be a string 'package.module[:function]' or a list of them"),
    ("not a path!", "'metadata_loader' must look like 'package.module' or 'package.module:function'"),
    ("myapp.models:nothing_here", "has no attribute"),
    ("myapp.models:base", "not a function"),
])
def test_a_bad_loader_is_one_line(tmp_path, sqlite_url, value, message):
    project = _project(tmp_path, sqlite_url, 1, metadata="myapp.models:base.Base.metadata", metadata_loader=value)
    assert message in project.fail("check")


def test_a_failing_loader_is_one_line(tmp_path, sqlite_url):
    project = _project(tmp_path, sqlite_url, 1, metadata="myapp.models:base.Base.metadata",
                       metadata_loader="myapp.models:import_all_models")
    (project.path / "myapp" / "models" / "m0.py").write_text("raise RuntimeError('broken model')\n")
    error = project.fail("check")
    assert "metadata_loader 'myapp.models:import_all_models' raised RuntimeError: broken model" in error
