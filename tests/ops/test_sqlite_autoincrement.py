"""SQLite's AUTOINCREMENT (`sqlite_autoincrement=True`) is part of the schema: compared,
kept through every table rebuild (online and in `plan --sql`) with the high-water mark
that makes it worth having, and written into revision files."""

import textwrap

import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.operations import Operations

from still.cli.plan_view import describe
from still.db import migration_engine
from still.declare import declare
from still.diff import diff
from still.ops.ddl import execute_plan, plan_statements
from still.reflect import reflect
from still.render import render_plan


def models(autoincrement: bool, required: bool = False, named_key: bool = False) -> sa.MetaData:
    md = sa.MetaData()
    key = sa.PrimaryKeyConstraint("id", name="counters_pkey") if named_key else None
    sa.Table("counters", md, sa.Column("id", sa.Integer, primary_key=not named_key),
             sa.Column("n", sa.Integer, nullable=not required), *([key] if key is not None else []),
             sqlite_autoincrement=autoincrement)
    return md


def _database(tmp_path, metadata):
    engine = migration_engine(f"sqlite:///{tmp_path / 'auto.db'}")
    with engine.begin() as conn:
        metadata.create_all(conn)
        # ids 1 and 2 stay; 3 was handed out and deleted: AUTOINCREMENT never gives it again
        conn.exec_driver_sql("INSERT INTO counters (n) VALUES (1), (2), (3)")
        conn.exec_driver_sql("DELETE FROM counters WHERE id = 3")
    return engine


def _stored(conn) -> str:
    return conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = 'counters'").scalar()


def _next_id(conn) -> int:
    conn.exec_driver_sql("INSERT INTO counters (n) VALUES (9)")
    return conn.exec_driver_sql("SELECT max(id) FROM counters").scalar()


def test_autoincrement_is_compared(tmp_path):
    for have, want in ((False, True), (True, False)):
        engine = migration_engine(f"sqlite:///{tmp_path / f'{have}.db'}")
        with engine.begin() as conn:
            models(have).create_all(conn)
            reflected = reflect(conn)
            assert not diff(reflected, declare(models(have), conn.dialect)).operations
            plan = diff(reflected, declare(models(want), conn.dialect))
        engine.dispose()
        assert [op.op for op in plan.operations] == ["set_table_options"]
        assert [f.code.value for f in plan.findings] == ["table-rebuilt"]
        on_off = ("off", "on") if want else ("on", "off")
        assert describe(plan.operations[0]) == ("~", "table options: autoincrement {} → {}".format(*on_off))


def test_a_rebuild_keeps_autoincrement_and_its_high_water_mark(tmp_path):
    engine = _database(tmp_path, models(True))
    with engine.begin() as conn:
        before = reflect(conn)
        execute_plan(diff(before, declare(models(True, required=True), conn.dialect)), before, conn)
    with engine.begin() as conn:
        assert "AUTOINCREMENT" in _stored(conn) and "n INTEGER NOT NULL" in _stored(conn)
        assert _next_id(conn) == 4
        assert diff(reflect(conn), declare(models(True, required=True), conn.dialect)).empty
    engine.dispose()


def test_the_offline_script_keeps_autoincrement(tmp_path):
    """`plan --sql` writes what the online run does: run as a script, it keeps the keyword
    and the counter."""
    engine = _database(tmp_path, models(True))
    with engine.connect() as conn:
        before = reflect(conn)
        plan = diff(before, declare(models(True, required=True), conn.dialect))
        script = [sql for _, stmts in plan_statements(plan, before, conn.dialect) for sql in stmts]
    assert any("AUTOINCREMENT" in sql for sql in script)
    with engine.begin() as conn:
        for sql in script:
            conn.exec_driver_sql(sql)
    with engine.begin() as conn:
        assert "AUTOINCREMENT" in _stored(conn)
        assert _next_id(conn) == 4
    engine.dispose()


def test_setting_and_dropping_autoincrement_rebuilds_the_table(tmp_path):
    engine = _database(tmp_path, models(False))
    for want in (True, False):
        with engine.begin() as conn:
            before = reflect(conn)
            execute_plan(diff(before, declare(models(want), conn.dialect)), before, conn)
        with engine.begin() as conn:
            assert ("AUTOINCREMENT" in _stored(conn)) is want
            assert diff(reflect(conn), declare(models(want), conn.dialect)).empty
            assert conn.exec_driver_sql("SELECT count(*) FROM counters").scalar() == 2
    engine.dispose()


def test_a_named_key_with_autoincrement_is_no_drift(tmp_path):
    """SQLAlchemy writes the key inline (`id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT`),
    and the name given to its constraint goes nowhere."""
    engine = migration_engine(f"sqlite:///{tmp_path / 'named.db'}")
    with engine.begin() as conn:
        models(True, named_key=True).create_all(conn)
        reflected, declared = reflect(conn), declare(models(True, named_key=True), conn.dialect)
    engine.dispose()
    assert reflected == declared
    assert diff(reflected, declared).empty


def _run_with_alembic(engine, body: str) -> None:
    with engine.begin() as conn:
        op = Operations(MigrationContext.configure(conn))
        exec(textwrap.dedent(body), {"op": op, "sa": sa})


def test_revision_files_say_it_as_alembic_does(tmp_path):
    """create_table takes the keyword; a change is batch mode's recreate with it, which
    Alembic itself runs to the same schema, both ways (the key's name, which the inline
    AUTOINCREMENT key has not, comes back with the downgrade)."""
    empty = declare(sa.MetaData(), "sqlite")
    created = render_plan(diff(empty, declare(models(True), "sqlite")), "sqlite")
    assert "sqlite_autoincrement=True" in created.upgrade
    before, after = models(False, named_key=True), models(True, named_key=True)
    changed = render_plan(diff(declare(before, "sqlite"), declare(after, "sqlite")), "sqlite")
    engine = _database(tmp_path, before)
    _run_with_alembic(engine, changed.upgrade)
    with engine.connect() as conn:
        assert "AUTOINCREMENT" in _stored(conn)
        assert diff(reflect(conn), declare(after, conn.dialect)).empty
    _run_with_alembic(engine, changed.downgrade)
    with engine.connect() as conn:
        assert reflect(conn).table("counters").primary_key.name == "counters_pkey"
        assert diff(reflect(conn), declare(before, conn.dialect)).empty
    engine.dispose()
