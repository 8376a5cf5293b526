"""SQLite migrations run with foreign keys unenforced (so a table rebuild cannot cascade);
before each commit still checks that nothing was orphaned — after the operations that can
orphan rows, and only after those (the check scans every table)."""

from __future__ import annotations

import sqlalchemy as sa

from tests.runtime.project import Project, reflect_url

PARENT_CHILD = """
    op.create_table("parent", sa.Column("id", sa.Integer, primary_key=True))
    op.create_table("child", sa.Column("id", sa.Integer, primary_key=True),
                    sa.Column("parent_id", sa.Integer, sa.ForeignKey("parent.id")))
    op.execute("INSERT INTO parent (id) VALUES (1)")
    op.execute("INSERT INTO child (id, parent_id) VALUES (10, 1)")
"""


def project_with_rows(tmp_path, sqlite_url) -> Project:
    project = Project(tmp_path / "p", sqlite_url).init()
    project.revision("r1", "parent and child", PARENT_CHILD, 'op.drop_table("child")\nop.drop_table("parent")')
    project.ok("upgrade", "head")
    return project


def rows(url: str, table: str) -> list[tuple]:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        out = [tuple(r) for r in conn.exec_driver_sql(f"SELECT * FROM {table}")]
    engine.dispose()
    return out


def test_raw_sql_that_orphans_rows_rolls_the_revision_back(tmp_path, sqlite_url):
    project = project_with_rows(tmp_path, sqlite_url)
    project.revision("r2", "delete parents", 'op.execute("DELETE FROM parent")')
    error = project.fail("upgrade", "head")
    assert "revision r2" in error and "violating foreign keys" in error and "child" in error
    assert rows(sqlite_url, "parent") == [(1,)] and reflect_url(sqlite_url)[1] == ("r1",)


def test_dropping_a_referenced_table_with_rows_rolls_back(tmp_path, sqlite_url):
    project = project_with_rows(tmp_path, sqlite_url)
    project.revision("r2", "drop parent", 'op.drop_table("parent")')
    error = project.fail("upgrade", "head")
    assert "violating foreign keys" in error
    assert "parent" in reflect_url(sqlite_url)[0].schemas["main"].tables


def test_a_rebuild_that_orphans_rows_rolls_back(tmp_path, sqlite_url):
    project = project_with_rows(tmp_path, sqlite_url)
    # the rebuild of child copies its rows; parent loses its row through the connection
    project.revision("r2", "rebuild", 'op.get_bind().exec_driver_sql("DELETE FROM parent")\n'
                                      'op.alter_column("child", "parent_id", nullable=False)')
    assert "violating foreign keys" in project.fail("upgrade", "head")
    assert rows(sqlite_url, "parent") == [(1,)]


def test_the_check_runs_only_after_what_can_orphan(tmp_path, sqlite_url):
    """A revision of plain ALTER TABLE forms issues no foreign_key_check; one with a
    rebuild issues exactly one, before its commit."""
    from still.config import load_config
    from still.runtime.migrate import Run

    project = project_with_rows(tmp_path, sqlite_url)
    project.revision("r2", "plain", 'op.add_column("child", sa.Column("note", sa.Text))\n'
                                    'op.create_index("ix_child_note", "child", ["note"])')
    project.revision("r3", "rebuild", 'op.alter_column("child", "note", type_=sa.String(20))')
    cfg = load_config(cwd=project.path, url=sqlite_url)
    run = Run(cfg)
    seen: list[tuple[str, str]] = []
    engine = run.engine()
    sa.event.listen(engine, "before_cursor_execute",
                    lambda conn, cursor, statement, *a: seen.append(statement))
    run.engine = lambda must_exist=False, hooked=None: engine
    run.upgrade("head")
    checks = [i for i, sql in enumerate(seen) if sql == "PRAGMA foreign_key_check"]
    assert len(checks) == 1
    assert any("_still_new_child" in sql for sql in seen[:checks[0]])  # after r3's rebuild
    assert reflect_url(sqlite_url)[1] == ("r3",)


def test_a_foreign_key_to_no_key_does_not_stop_a_rebuild(tmp_path, sqlite_url):
    """SQLite cannot check a foreign key whose parent columns are not a key ("foreign key
    mismatch"), and create_all makes such tables (MLflow's input_tags -> inputs.input_uuid):
    the revision goes on, the other tables are still checked."""
    project = Project(tmp_path / "p", sqlite_url).init()
    project.revision("r1", "no key", """
        op.execute("CREATE TABLE inputs (id INTEGER PRIMARY KEY, input_uuid VARCHAR(36))")
        op.execute("CREATE TABLE input_tags (id INTEGER PRIMARY KEY, "
                   "input_uuid VARCHAR(36) REFERENCES inputs (input_uuid))")
        op.execute("INSERT INTO inputs VALUES (1, 'a')")
    """, 'op.drop_table("input_tags")\nop.drop_table("inputs")')
    project.ok("upgrade", "head")
    project.revision("r2", "rebuild", 'op.alter_column("inputs", "input_uuid", type_=sa.String(40))')
    project.ok("upgrade", "head")
    project.revision("r3", "orphans elsewhere", PARENT_CHILD + '\n    op.execute("DELETE FROM parent")')
    error = project.fail("upgrade", "head")
    assert "violating foreign keys" in error and "child" in error
