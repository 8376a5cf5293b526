"""PostgreSQL 18's CHECK ... NOT ENFORCED is a check of its own kind: reflected as such, never
taken for the ordinary CHECK the models declare, made again as it was by DDL, revision
files and reversed plans."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from still import snapshot as s
from still.cli.plan_view import describe
from still.compare import compare
from still.diff import diff
from still.ops.ddl import execute_plan
from still.reflect import reflect
from still.render import render_plan
from tests.helpers import assert_plan_round_trip, assert_same_snapshot

LOOSE = ('CREATE TABLE orders (id integer PRIMARY KEY, qty integer, '
         'CONSTRAINT ck_orders_qty CHECK (qty > 0) NOT ENFORCED)')


@pytest.fixture
def pg18_url(pg_url, pg_version):
    if pg_version < (18,):
        pytest.skip("NOT ENFORCED is PostgreSQL 18's (make test-pg-newest runs this on 18)")
    return pg_url


def _models() -> sa.MetaData:
    metadata = sa.MetaData()
    sa.Table("orders", metadata, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
             sa.Column("qty", sa.Integer),
             sa.CheckConstraint("qty > 0", name="ck_orders_qty"))
    return metadata


def _engine(url):
    return sa.create_engine(url, poolclass=sa.pool.NullPool)


def test_not_enforced_is_reflected_and_is_drift_from_an_enforced_model(pg18_url):
    engine = _engine(pg18_url)
    with engine.begin() as conn:
        conn.exec_driver_sql(LOOSE)
    with engine.connect() as conn:
        (check,) = reflect(conn).table("orders").check_constraints
        plan = compare(conn, _models()).plan
    engine.dispose()
    assert check.enforced is False
    assert [(op.op, op.constraint.enforced) for op in plan.operations] == [
        ("drop_constraint", False), ("add_constraint", True)]
    assert "NOT ENFORCED" in describe(plan.operations[0])[1]


def test_plans_make_it_again_not_enforced(pg18_url):
    """CREATE TABLE with it, and the reverse of making it enforced, give it back."""
    engine = _engine(pg18_url)
    with engine.begin() as conn:
        conn.exec_driver_sql(LOOSE)
    with engine.connect() as conn:
        loose = reflect(conn)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE orders")
        empty = reflect(conn)
        execute_plan(diff(empty, loose), empty, conn)
    with engine.connect() as conn:
        assert_same_snapshot(reflect(conn), loose)
    with engine.connect() as conn:
        enforced = compare(conn, _models()).target
    assert_plan_round_trip(engine, diff(loose, enforced), loose, enforced)
    engine.dispose()


def test_revision_files_say_not_enforced():
    check = s.CheckConstraint(name="ck_orders_qty", expression="qty > 0", enforced=False)
    table = s.Table(name="orders", columns=(s.Column(name="qty", type="integer"),), check_constraints=(check,))
    empty = s.Snapshot(dialect="postgresql", default_schema="public")
    loose = empty.model_copy(update={"schemas": {"public": s.Schema(name="public", tables={"orders": table})}})
    text = render_plan(diff(empty, loose), "postgresql").upgrade
    assert "CHECK (qty > 0) NOT ENFORCED" in text and "sa.CheckConstraint" not in text
    dropped = table.model_copy(update={"check_constraints": ()})
    without = empty.model_copy(update={"schemas": {"public": s.Schema(name="public", tables={"orders": dropped})}})
    downgrade_of_drop = render_plan(diff(loose, without), "postgresql").downgrade
    assert "NOT ENFORCED" in downgrade_of_drop
