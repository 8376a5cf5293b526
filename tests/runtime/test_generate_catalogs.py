"""Round trip through a file, with the truth read from PostgreSQL's catalogs: for each
fixture, the revision `generate` writes against an empty database, run by `upgrade head`,
leaves the constraint and index definitions (pg_get_constraintdef, pg_indexes) and the
columns create_all leaves. An equal snapshot is not enough: what reflection cannot see
is missing from both sides of it alike."""

import tempfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from still.compare import compare
from still.config import load_config
from still.render import function_body, render_plan
from still.revisions import write_revision
from still.runtime.migrate import Run
from tests.catalogs import catalog, differences
from tests.helpers import create_all, fixture_cases, fixture_module


def _empty(url: str) -> None:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        for (name,) in conn.exec_driver_sql(
                "SELECT nspname FROM pg_namespace WHERE left(nspname, 3) <> 'pg_' "
                "AND nspname <> 'information_schema'").fetchall():
            conn.exec_driver_sql(f'DROP SCHEMA "{name}" CASCADE')
        conn.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()


@pytest.mark.parametrize("module", [m for m, _ in fixture_cases(dialects=("postgresql",))])
def test_generated_revision_writes_what_create_all_writes(module, pg_url):
    metadata = fixture_module(module).metadata
    create_all(pg_url, metadata)
    by_create_all = catalog(pg_url)
    _empty(pg_url)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        versions = root / "migrations" / "versions"
        versions.mkdir(parents=True)
        (root / "still.toml").write_text(f'url = "{pg_url}"\nscript_location = "migrations"\n')
        engine = sa.create_engine(pg_url, poolclass=sa.pool.NullPool)
        with engine.connect() as conn:
            comparison = compare(conn, metadata)
        engine.dispose()
        rendered = render_plan(comparison.plan, "postgresql", (comparison.current, comparison.target))
        write_revision(versions, "all", head=(), rev_id="r1", upgrade_body=function_body(rendered.upgrade),
                       downgrade_body=function_body(rendered.downgrade), imports=rendered.imports)
        Run(load_config(path=root / "still.toml", cwd=root)).upgrade("head")
    found = differences(by_create_all, catalog(pg_url))
    assert not found, found
