"""Issue 23 on a live PostgreSQL: the index forms `generate` writes, run by `still upgrade`
from real revision files, on a 100,000-row table while a writer inserts every 10 ms.

The safe form (CREATE/DROP INDEX CONCURRENTLY, the default) never makes the writer wait on
a lock; the plain form (safe_forms = false) does, seen in pg_locks waiting for the table,
so the comparison can fail. An INVALID index a failed concurrent build leaves is dropped
and built again on the rerun."""

from __future__ import annotations

from tests.live.harness import connect, fill_table, still_project, table_model, traffic

HEAD = "import sqlalchemy as sa\n\nmetadata = sa.MetaData()\n"
# wide payloads make a plain build over them last ~0.5 s: many of the writer's 10 ms
# inserts fall inside it, and the sampler (every ~2 ms) sees them wait
WIDE = 600
STALL_BOUND = 1.0  # seconds, the bound for the safe forms


def _index_state(url: str, name: str):
    """None when the index does not exist, else whether PostgreSQL holds it valid."""
    with connect(url) as conn:
        row = conn.execute("SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                           "WHERE c.relname = %s", (name,)).fetchone()
    return None if row is None else row[0]


def _project(tmp_path, url: str, rows: int, config: str = ""):
    """A project whose first revision (generated) created `items`, filled with `rows` rows."""
    project = still_project(tmp_path / "p", url, HEAD + table_model("items"), config)
    project.ok("generate", "-m", "items", "--rev-id", "r1")
    project.ok("upgrade", "head")
    fill_table(url, "items", rows=rows, payload_chars=WIDE, create=False)
    return project


def _generate_index(project, extra: str, rev_id: str = "r2") -> str:
    (project.path / "models.py").write_text(HEAD + table_model("items", extra))
    project.ok("generate", "-m", "index", "--rev-id", rev_id)
    return next(project.versions.glob(f"{rev_id}_*.py")).read_text()


def test_concurrent_index_keeps_the_writer_going(tmp_path, pg_url):
    project = _project(tmp_path, pg_url, 100_000)
    text = _generate_index(project, ', sa.Index("ix_items_payload", "payload")')
    upgrade, downgrade = text.split("def upgrade")[1].split("def downgrade")
    assert "with op.get_context().autocommit_block():" in upgrade and "postgresql_concurrently=True" in upgrade
    assert "with op.get_context().autocommit_block():" in downgrade and "postgresql_concurrently=True" in downgrade

    with traffic(pg_url, "items") as seen:
        project.ok("upgrade", "head")
    assert _index_state(pg_url, "ix_items_payload") is True
    assert seen.inserts > 10 and seen.samples > 10  # the writer and the sampler were running
    assert seen.waits == set(), seen  # never seen waiting for any lock
    assert seen.longest_stall < STALL_BOUND, seen

    with traffic(pg_url, "items") as seen:  # the downgrade drops it CONCURRENTLY
        project.ok("downgrade", "-1")
    assert _index_state(pg_url, "ix_items_payload") is None
    assert seen.waits == set(), seen
    assert seen.longest_stall < STALL_BOUND, seen


def test_plain_index_makes_the_writer_wait(tmp_path, pg_url):
    """The same migration with safe_forms = false: the build's SHARE lock holds the writer's
    ROW EXCLUSIVE request on the table (what the safe test would see if the form regressed)."""
    project = _project(tmp_path, pg_url, 100_000, "safe_forms = false\n")
    text = _generate_index(project, ', sa.Index("ix_items_payload", "payload")')
    assert "autocommit_block" not in text and "concurrently" not in text

    with traffic(pg_url, "items") as seen:
        project.ok("upgrade", "head")
    assert _index_state(pg_url, "ix_items_payload") is True
    assert "RowExclusiveLock" in seen.waited_on("items"), seen


def test_invalid_index_is_dropped_and_built_again(tmp_path, pg_url):
    """A unique index over duplicate values fails to build concurrently and leaves an INVALID
    index; once the data is fixed, the rerun drops it and builds it valid."""
    project = _project(tmp_path, pg_url, 3_000)  # n = i % 1000: duplicates
    text = _generate_index(project, ', sa.Index("ix_items_n", "n", unique=True)')
    assert "unique=True, postgresql_concurrently=True" in text

    error = project.fail("upgrade", "head")
    assert "could not create unique index" in error and "the version table still says r1" in error
    assert _index_state(pg_url, "ix_items_n") is False  # left INVALID by the failed build
    assert project.ok("current").split()[0] == "r1"

    with connect(pg_url) as conn:
        conn.execute("UPDATE items SET n = id")
    result = project.run("upgrade", "head")
    assert result.returncode == 0, result.stderr
    assert "index public.ix_items_n is INVALID" in result.stderr
    assert _index_state(pg_url, "ix_items_n") is True
    assert project.ok("current").split()[0] == "r2"
    assert project.run("check").returncode == 0  # the models match


def test_valid_index_of_the_name_is_still_an_error(tmp_path, pg_url):
    """Only an INVALID index is replaced: a valid one of the same name (made by hand here)
    fails the build as any duplicate does, and stays."""
    project = _project(tmp_path, pg_url, 1_000)
    _generate_index(project, ', sa.Index("ix_items_n", "n")')
    with connect(pg_url) as conn:
        conn.execute("CREATE INDEX ix_items_n ON items (id)")
    error = project.fail("upgrade", "head")
    assert 'relation "ix_items_n" already exists' in error
    assert _index_state(pg_url, "ix_items_n") is True
    with connect(pg_url) as conn:
        columns = conn.execute("SELECT pg_get_indexdef('ix_items_n'::regclass)").fetchone()[0]
    assert columns.endswith("(id)")
