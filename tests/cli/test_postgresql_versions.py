"""The PostgreSQL version the paths without a connection write for: `postgresql_version` in
the configuration, never assumed. A Computed without `persisted=` is STORED before 18 and
VIRTUAL from 18 (SQLAlchemy 2.1 sends no keyword to 18), so the replayed history, the
offline script and the models must all read the version from one place."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from still import ops
from still import snapshot as s
from still.cli.plan_view import describe
from tests.runtime.project import Project, write_bodies

OFFLINE_URL = "postgresql+psycopg://user@localhost/app"  # never connected to
MODELS = '''
import sqlalchemy as sa

metadata = sa.MetaData()
sa.Table("items", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("a", sa.Integer),
         sa.Column("b", sa.Integer, sa.Computed("a * 2")))
'''
# what `still generate` writes for MODELS when connected to PostgreSQL 18 under SQLAlchemy 2.1
CREATE_ITEMS_ON_18 = '''
op.create_table("items", sa.Column("id", sa.Integer(), nullable=False), sa.Column("a", sa.Integer()),
                sa.Column("b", sa.Integer(), sa.Computed("a * 2", persisted=False)),
                sa.PrimaryKeyConstraint("id", name="items_pkey"))
'''
VIRTUAL_BY_DEFAULT = hasattr(postgresql.dialect(), "supports_virtual_generated_columns")
needs_sqlalchemy_21 = pytest.mark.skipif(
    not VIRTUAL_BY_DEFAULT, reason="SQLAlchemy 2.0 sends STORED to every PostgreSQL version")


def project_with_models(path, url, version=None, upgrade: str = "") -> Project:
    project = Project(path, url).init()
    (project.path / "models.py").write_text(MODELS)
    config = project.path / "still.toml"
    extra = 'metadata = "models:metadata"\n' + (f"postgresql_version = {version}\n" if version else "")
    config.write_text(config.read_text() + extra)
    if upgrade:
        write_bodies(project.revision("a1", "items"), upgrade, 'op.drop_table("items")')
    return project


@needs_sqlalchemy_21
def test_history_replay_reads_the_configured_version(tmp_path):
    project = project_with_models(tmp_path / "p", OFFLINE_URL, 18, CREATE_ITEMS_ON_18)
    assert "No changes" in project.ok("check", "--against", "history")
    assert "No changes" in project.ok("generate", "--against", "history", "-m", "nothing")
    assert len(list(project.versions.glob("*.py"))) == 1  # no revision dropping and re-adding b


@needs_sqlalchemy_21
def test_without_a_version_the_offline_paths_say_what_to_set(tmp_path):
    project = project_with_models(tmp_path / "p", OFFLINE_URL, None, CREATE_ITEMS_ON_18)
    for args in (("check", "--against", "history"), ("generate", "--against", "history", "-m", "x")):
        assert "postgresql_version" in project.fail(*args)


@needs_sqlalchemy_21
@pytest.mark.parametrize(("version", "kept"), [(18, "VIRTUAL"), (17, "STORED"), ('"16.4"', "STORED"), (None, None)])
def test_offline_script_writes_for_the_configured_version(tmp_path, version, kept):
    upgrade = 'op.create_table("items", sa.Column("id", sa.Integer(), primary_key=True), ' \
              'sa.Column("a", sa.Integer()), sa.Column("b", sa.Integer(), sa.Computed("a * 2")))'
    project = project_with_models(tmp_path / "p", OFFLINE_URL, version, upgrade)
    if kept is None:
        assert "postgresql_version" in project.fail("upgrade", "base:head", "--sql")
        return
    script = project.ok("upgrade", "base:head", "--sql")
    assert f"GENERATED ALWAYS AS (a * 2) {kept}" in script


def test_a_version_that_is_not_one_is_refused(tmp_path):
    project = project_with_models(tmp_path / "p", OFFLINE_URL, '"eighteen"')
    assert "postgresql_version" in project.fail("check", "--against", "history")


def test_generate_then_check_against_history_on_the_live_server(tmp_path, pg_url):
    """On any server: generate (connected) writes what the server makes of the models; the
    history replayed offline for the same version then matches the models."""
    engine = sa.create_engine(pg_url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        major = conn.dialect.server_version_info[0]
    engine.dispose()
    project = project_with_models(tmp_path / "p", pg_url, major)
    project.ok("generate", "-m", "items")
    written = next(project.versions.glob("*.py")).read_text()
    assert ("persisted=False" in written) == (VIRTUAL_BY_DEFAULT and major >= 18)
    assert "No changes" in project.ok("check", "--against", "history")
    project.ok("upgrade", "head")
    assert "No changes" in project.ok("check")


def test_plan_text_tells_stored_from_virtual():
    stored = s.Column(name="b", type="integer", computed=s.Computed(expression="a * 2", persisted=True))
    virtual = stored.model_copy(update={"computed": s.Computed(expression="a * 2", persisted=False)})
    _, line = describe(ops.AlterColumn(schema_name="public", table_name="items", old=virtual, new=stored))
    assert "VIRTUAL" in line and "STORED" in line
    _, added = describe(ops.AddColumn(schema_name="public", table_name="items", column=virtual))
    assert "GENERATED ALWAYS AS (a * 2) VIRTUAL" in added


NND_MODELS = '''
import sqlalchemy as sa

metadata = sa.MetaData()
sa.Table("items", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("a", sa.Integer),
         sa.UniqueConstraint("a", name="uq_items_a", postgresql_nulls_not_distinct=True))
'''


@pytest.mark.parametrize(("version", "lacks"), [(14, True), (15, False)])
def test_history_against_models_for_an_older_server_names_what_it_lacks(tmp_path, version, lacks):
    project = project_with_models(tmp_path / "p", OFFLINE_URL, version)
    (project.path / "models.py").write_text(NND_MODELS)
    result = project.run("check", "--against", "history")
    assert result.returncode == 1, result.stderr  # the table is missing from the (empty) history
    text = " ".join(result.stdout.split())
    assert ("server-lacks-feature" in text and "NULLS NOT DISTINCT" in text and "PostgreSQL has from 15" in text) \
        == lacks, text
