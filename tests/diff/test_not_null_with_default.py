"""A column made NOT NULL with a server default: the default fills rows inserted later, not
the NULLs already there, so the change fails on a table holding a NULL (or, on a lenient
server, would turn it into the default). The plan says so with not-null-needs-backfill, and
running it changes no row."""

import pytest
import sqlalchemy as sa

from still.db import migration_engine
from still.declare import declare
from still.diff import diff
from still.errors import StillError
from still.ops.ddl import execute_plan
from still.reflect import reflect
from tests.helpers import create_all


def _model(nullable: bool) -> sa.MetaData:
    md = sa.MetaData()
    sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
             sa.Column("x", sa.Integer, nullable=nullable, server_default=None if nullable else "0"))
    return md


def test_not_null_with_a_default_over_nulls_is_flagged_and_changes_no_row(db_url, dialect):
    create_all(db_url, _model(True))
    engine = migration_engine(db_url)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("INSERT INTO t (id, x) VALUES (1, NULL), (2, 5)")
        with engine.connect() as conn:
            before = reflect(conn)
        plan = diff(before, declare(_model(False), engine.dialect))
        assert [f.code.value for f in plan.findings] == ["not-null-needs-backfill"]
        with pytest.raises(StillError):
            with engine.begin() as conn:
                execute_plan(plan, before, conn)
        with engine.connect() as conn:
            assert list(conn.exec_driver_sql("SELECT id, x FROM t ORDER BY id")) == [(1, None), (2, 5)]
    finally:
        engine.dispose()
