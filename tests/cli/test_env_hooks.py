"""env.py's hooks apply to every command that touches the database or the models: `plan`,
`check` and `generate` connect through `connect(url, x_args)` and compare with
`target_metadata()` when they are defined, exactly as `upgrade` does."""

from __future__ import annotations

import textwrap

import sqlalchemy as sa

from tests.helpers import create_all
from tests.runtime.project import Project

MODELS = """
import sqlalchemy as sa

metadata = sa.MetaData()
sa.Table("users", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("email", sa.String(80)))
"""

OTHER_MODELS = """
import sqlalchemy as sa

metadata = sa.MetaData()
sa.Table("accounts", metadata, sa.Column("id", sa.Integer, primary_key=True))
"""


def project(tmp_path, url, env_py: str) -> Project:
    proj = Project(tmp_path / "p", url)
    (proj.path / "models.py").write_text(textwrap.dedent(MODELS))
    (proj.path / "other_models.py").write_text(textwrap.dedent(OTHER_MODELS))
    (proj.path / "migrations" / "versions").mkdir(parents=True)
    (proj.path / "migrations" / "env.py").write_text(textwrap.dedent(env_py))
    (proj.path / "still.toml").write_text('script_location = "migrations"\nurl = "${DATABASE_URL}"\n'
                                          'metadata = "other_models:metadata"\n')
    return proj


def models_module(proj: Project):
    namespace: dict = {}
    exec((proj.path / "models.py").read_text(), namespace)
    return namespace["metadata"]


CONNECT_TO_X_DB = """
def connect(url, x_args):
    from still.db import open_engine
    return open_engine(x_args["db"])


def target_metadata():
    import models
    return models.metadata
"""


def test_plan_and_check_connect_through_the_hook_and_use_its_metadata(tmp_path, sqlite_url):
    other = f"sqlite:///{tmp_path / 'other.db'}"
    proj = project(tmp_path, sqlite_url, CONNECT_TO_X_DB)
    create_all(other, models_module(proj))  # the hook's database matches the hook's models
    sa.create_engine(sqlite_url).connect().close()  # the URL's database is empty
    assert proj.run("check", "-x", f"db={other}").returncode == 0
    # without the hook's database the URL's (empty) one is compared: drift
    proj.path.joinpath("migrations", "env.py").write_text("def connect(url, x_args):\n    return None\n")
    drift = proj.run("check")
    assert drift.returncode == 1 and "accounts" in drift.stdout  # the config's metadata again


def test_explicit_metadata_beats_the_hook(tmp_path, sqlite_url):
    other = f"sqlite:///{tmp_path / 'other.db'}"
    proj = project(tmp_path, sqlite_url, CONNECT_TO_X_DB)
    create_all(other, models_module(proj))
    result = proj.run("plan", "-x", f"db={other}", "--metadata", "other_models:metadata")
    assert result.returncode == 0 and "accounts" in result.stdout and "users" in result.stdout


def test_a_hook_that_hands_over_a_connection(tmp_path, db_url):
    proj = project(tmp_path, db_url, """
        import sqlalchemy as sa

        def connect(url, x_args):
            return sa.create_engine(url).connect()

        def target_metadata():
            import models
            return models.metadata
    """)
    create_all(db_url, models_module(proj))
    result = proj.run("check")
    assert result.returncode == 0, result.stdout + result.stderr


def test_generate_writes_what_the_hook_metadata_needs(tmp_path, sqlite_url):
    proj = project(tmp_path, sqlite_url, """
        def target_metadata():
            import models
            return models.metadata
    """)
    proj.ok("generate", "-m", "initial")
    written = next(proj.versions.glob("*_initial.py")).read_text()
    assert 'op.create_table(\n        "users"' in written and "accounts" not in written


def test_target_metadata_of_the_wrong_kind_is_one_line(tmp_path, sqlite_url):
    proj = project(tmp_path, sqlite_url, "def target_metadata():\n    return 'models:metadata'\n")
    error = proj.fail("plan")
    assert "target_metadata() must return a sqlalchemy MetaData" in error and "str" in error


def test_include_object_leaves_objects_out_of_plan_check_and_generate(tmp_path, sqlite_url):
    """A table and a column the hook rejects are neither drift in the database nor written
    by generate (Alembic's five-argument signature)."""
    proj = project(tmp_path, sqlite_url, """
        def target_metadata():
            import models
            return models.metadata

        def include_object(obj, name, type_, reflected, compare_to):
            if type_ == "table" and name.startswith("legacy_"):
                return False
            return not (type_ == "column" and name == "email")
    """)
    engine = sa.create_engine(sqlite_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE legacy_orders (id INTEGER PRIMARY KEY)")
        conn.exec_driver_sql("CREATE TABLE users (id INTEGER NOT NULL, PRIMARY KEY (id))")
    engine.dispose()
    # the models' users has email; the database's has not; legacy_orders is not modelled
    assert proj.run("check").returncode == 0
    proj.path.joinpath("migrations", "env.py").write_text(
        "def target_metadata():\n    import models\n    return models.metadata\n")
    drift = proj.run("check")
    assert drift.returncode == 1 and "legacy_orders" in drift.stdout and "email" in drift.stdout
