"""Replay: for every fixture, a history generated step by step (half the tables, then the
rest) replays to the same snapshot that reflection of the migrated database gives."""

import tempfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from still.compare import compare, compare_snapshot
from still.config import load_config
from still.render import function_body, render_plan
from still.revisions import write_revision
from still.runtime.migrate import Run
from still.runtime.replay import replay
from tests.helpers import assert_same_snapshot, fixture_cases, fixture_module
from tests.properties.test_generate_round_trip import _reflect


def _partial(metadata: sa.MetaData, keep: int) -> sa.MetaData:
    """The first `keep` tables of the models (in dependency order), as their own MetaData."""
    part = sa.MetaData(naming_convention=metadata.naming_convention)
    for table in metadata.sorted_tables[:keep]:
        table.to_metadata(part)
    return part


def _server_version_setting(url: str) -> str:
    """The replay runs offline: on PostgreSQL it writes for the version the setting names
    (a Computed without persisted= is STORED before 18, VIRTUAL from 18)."""
    if not url.startswith("postgresql"):
        return ""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        version = ".".join(map(str, conn.dialect.server_version_info))
    engine.dispose()
    return f'postgresql_version = "{version}"\n'


@pytest.mark.parametrize(("module", "dialect"), fixture_cases())
def test_history_replays_to_the_migrated_database(module, dialect, db_url):
    metadata = fixture_module(module).metadata
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        versions = root / "migrations" / "versions"
        versions.mkdir(parents=True)
        (root / "still.toml").write_text(f'url = "{db_url}"\nscript_location = "migrations"\n'
                                         + _server_version_setting(db_url))
        cfg = load_config(path=root / "still.toml", cwd=root)
        head: tuple = ()
        for step, models in enumerate([_partial(metadata, len(metadata.tables) // 2), metadata]):
            engine = sa.create_engine(db_url, poolclass=sa.pool.NullPool)
            with engine.connect() as conn:
                comparison = compare(conn, models)
            engine.dispose()
            rendered = render_plan(comparison.plan, dialect, (comparison.current, comparison.target))
            write_revision(versions, f"step {step}", head=head, rev_id=f"r{step}",
                           upgrade_body=function_body(rendered.upgrade),
                           downgrade_body=function_body(rendered.downgrade), imports=rendered.imports)
            head = (f"r{step}",)
            Run(cfg).upgrade("head")
        run = Run(cfg)
        replayed, findings, heads = replay(run, run.offline_dialect())
        assert heads == ("r1",) and findings == []
        assert_same_snapshot(_reflect(db_url), replayed)
        dialect_ = run.offline_dialect()
        if dialect == "mysql":  # sa.Uuid is native only on a MariaDB the dialect has met (10.7+)
            engine = sa.create_engine(db_url, poolclass=sa.pool.NullPool)
            with engine.connect() as conn:
                dialect_ = conn.dialect
            engine.dispose()
        assert compare_snapshot(replayed, dialect_, metadata).plan.empty
