"""SQLite table rebuilds keep every row and every foreign key intact."""

import pytest
import sqlalchemy as sa

from still.db import migration_engine
from still.declare import declare
from still.diff import diff
from still.errors import StillError
from still.ops.ddl import execute_plan
from still.reflect import reflect
from tests.helpers import assert_same_snapshot, create_all


def models(step: int) -> sa.MetaData:
    md = sa.MetaData()
    sa.Table("parents", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("name", sa.String(20)))
    cols = [
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("parent_id", sa.Integer, sa.ForeignKey("parents.id", ondelete="CASCADE")),
        sa.Column("qty", sa.Integer if step < 1 else sa.BigInteger, nullable=step < 2,
                  server_default=None if step < 2 else "0"),
        sa.Column("label", sa.String(20), server_default="x" if step < 3 else "y"),
        sa.Column("note", sa.Text),
    ]
    extra = []
    if step >= 4:
        extra.append(sa.CheckConstraint("qty >= 0", name="ck_children_qty"))
    if step >= 5:
        extra.append(sa.UniqueConstraint("label", "id", name="uq_children_label"))
        extra.append(sa.Index("ix_children_label", "label"))
    if step >= 6:
        cols = [c for c in cols if c.name != "note"]
    sa.Table("children", md, *cols, *extra)
    sa.Table("grandchildren", md, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("child_id", sa.Integer, sa.ForeignKey("children.id", ondelete="CASCADE")))
    return md


def rows(engine):
    with engine.connect() as conn:
        return {t: conn.exec_driver_sql(f"SELECT * FROM {t} ORDER BY id").fetchall()
                for t in ("parents", "grandchildren")} | {
            "children": conn.exec_driver_sql("SELECT id, parent_id, qty, label FROM children ORDER BY id").fetchall()}


def test_rebuilds_keep_rows_and_references(sqlite_url):
    create_all(sqlite_url, models(0))
    engine = migration_engine(sqlite_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO parents (id, name) VALUES (1, 'a'), (2, 'b')")
        conn.exec_driver_sql("INSERT INTO children (id, parent_id, qty, label, note) VALUES "
                             "(1, 1, 5, 'p', 'n1'), (2, 2, 7, 'q', 'n2'), (3, 1, 0, 'r', NULL)")
        conn.exec_driver_sql("INSERT INTO grandchildren (id, child_id) VALUES (1, 1), (2, 3)")
    before = rows(engine)
    # type, NOT NULL with default, default, check, unique + index, drop column: each a rebuild
    for step in range(1, 7):
        with engine.connect() as conn:
            current = reflect(conn)
        target = declare(models(step), engine.dialect)
        plan = diff(current, target)
        assert not plan.empty, step
        with engine.begin() as conn:
            execute_plan(plan, current, conn)
        with engine.connect() as conn:
            assert_same_snapshot(reflect(conn), target, column_order=False)
        assert rows(engine) == before, f"rows changed at step {step}"
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
        # the grandchildren still reference the rebuilt table by name
        fks = conn.exec_driver_sql("SELECT \"table\" FROM pragma_foreign_key_list('grandchildren')").fetchall()
        assert fks == [("children",)]
    engine.dispose()


def test_failed_rebuild_changes_nothing(sqlite_url):
    create_all(sqlite_url, models(3))
    engine = migration_engine(sqlite_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO parents (id) VALUES (1)")
        conn.exec_driver_sql("INSERT INTO children (id, parent_id, qty) VALUES (1, 1, -5)")
    with engine.connect() as conn:
        current = reflect(conn)
    plan = diff(current, declare(models(4), engine.dialect))  # adds CHECK (qty >= 0): the row violates it
    with pytest.raises(StillError, match="CHECK constraint failed"):
        with engine.begin() as conn:
            execute_plan(plan, current, conn)
    with engine.connect() as conn:
        assert reflect(conn) == current
        assert conn.exec_driver_sql("SELECT qty FROM children").fetchall() == [(-5,)]
    engine.dispose()


DEPENDENTS = [
    "CREATE TRIGGER children_ins AFTER INSERT ON children BEGIN INSERT INTO audit (what) VALUES ('ins'); END",
    "CREATE VIEW labelled AS SELECT id, label FROM children",
    "CREATE VIEW labelled_x AS SELECT id FROM labelled WHERE label = 'x'",
    "CREATE TRIGGER parents_del AFTER DELETE ON parents BEGIN DELETE FROM children WHERE parent_id = old.id; END",
]


def test_a_rebuild_keeps_triggers_and_views(tmp_path):
    """The table's triggers, the views reading it (and views on those) and other tables'
    triggers that use it are dropped and created again around the rebuild."""
    def with_audit(step: int) -> sa.MetaData:
        md = models(step)
        sa.Table("audit", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("what", sa.Text))
        return md

    url = f"sqlite:///{tmp_path / 'deps.db'}"
    create_all(url, with_audit(0))
    engine = migration_engine(url)
    with engine.connect() as conn:
        for sql in DEPENDENTS:
            conn.exec_driver_sql(sql)
        conn.commit()
        before = reflect(conn)
        plan = diff(before, declare(with_audit(3), conn.dialect))
        assert not plan.empty
        execute_plan(plan, before, conn)
        conn.commit()
        kept = dict(conn.exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE type IN ('view', 'trigger')").all())
        conn.exec_driver_sql("INSERT INTO children (id, qty, label) VALUES (1, 1, 'x')")
        audited = conn.exec_driver_sql("SELECT count(*) FROM audit").scalar()
        seen = conn.exec_driver_sql("SELECT count(*) FROM labelled_x").scalar()
    engine.dispose()
    assert set(kept) == {"children_ins", "labelled", "labelled_x", "parents_del"}
    assert (audited, seen) == (1, 1)


def test_a_view_that_no_longer_fits_refuses_the_rebuild(tmp_path):
    url = f"sqlite:///{tmp_path / 'deps.db'}"
    create_all(url, models(5))
    engine = migration_engine(url)
    with engine.connect() as conn:
        conn.exec_driver_sql("CREATE VIEW notes AS SELECT id, note FROM children")
        conn.commit()
        before = reflect(conn)
        plan = diff(before, declare(models(6), conn.dialect))  # drops children.note
        with pytest.raises(StillError, match="notes"):
            execute_plan(plan, before, conn)
        conn.rollback()
        assert "note" in [c.name for c in reflect(conn).table("children", "main").columns]
    engine.dispose()


@pytest.mark.parametrize("ddl, what", [
    ("CREATE TABLE counters (id INTEGER PRIMARY KEY, n INTEGER) WITHOUT ROWID", "WITHOUT ROWID"),
    ("CREATE TABLE counters (id INTEGER PRIMARY KEY, n INTEGER) STRICT", "STRICT"),
])
def test_a_rebuild_that_would_lose_table_properties_is_refused(tmp_path, ddl, what):
    url = f"sqlite:///{tmp_path / 'props.db'}"
    engine = migration_engine(url)
    with engine.connect() as conn:
        conn.exec_driver_sql(ddl)
        conn.commit()
        before = reflect(conn)
        md = sa.MetaData()
        sa.Table("counters", md, sa.Column("id", sa.Integer, primary_key=True),
                 sa.Column("n", sa.Integer, nullable=False))
        plan = diff(before, declare(md, conn.dialect))
        with pytest.raises(StillError, match=what):
            execute_plan(plan, before, conn)
        conn.rollback()
        sql = conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = 'counters'").scalar()
    engine.dispose()
    assert sql == ddl
