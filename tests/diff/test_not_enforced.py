"""PostgreSQL 18's NOT ENFORCED (CHECK and FOREIGN KEY) makes a constraint of its own kind:
reflected as such, never taken for the ordinary constraint the models declare, made again
as it was by DDL, revision files and reversed plans."""

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

LOOSE = ("CREATE TABLE customers (id integer PRIMARY KEY)",
         "CREATE TABLE orders (id integer PRIMARY KEY, qty integer, customer_id integer, "
         "CONSTRAINT ck_orders_qty CHECK (qty > 0) NOT ENFORCED, "
         "CONSTRAINT fk_orders_customer FOREIGN KEY (customer_id) REFERENCES customers (id) NOT ENFORCED)")


@pytest.fixture
def pg18_url(pg_url, pg_version):
    if pg_version < (18,):
        pytest.skip("NOT ENFORCED is PostgreSQL 18's (make test-pg-newest runs this on 18)")
    return pg_url


def _models() -> sa.MetaData:
    metadata = sa.MetaData()
    sa.Table("customers", metadata, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False))
    sa.Table("orders", metadata, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
             sa.Column("qty", sa.Integer), sa.Column("customer_id", sa.Integer),
             sa.CheckConstraint("qty > 0", name="ck_orders_qty"),
             sa.ForeignKeyConstraint(["customer_id"], ["customers.id"], name="fk_orders_customer"))
    return metadata


def _loose_database(url):
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        for sql in LOOSE:
            conn.exec_driver_sql(sql)
    return engine


def test_not_enforced_is_reflected_and_is_drift_from_an_enforced_model(pg18_url):
    engine = _loose_database(pg18_url)
    with engine.connect() as conn:
        orders = reflect(conn).table("orders")
        plan = compare(conn, _models()).plan
    engine.dispose()
    assert [c.enforced for c in orders.check_constraints + orders.foreign_keys] == [False, False]
    assert sorted((op.op, op.kind, op.constraint.enforced) for op in plan.operations) == [
        ("add_constraint", "check", True), ("add_constraint", "foreign_key", True),
        ("drop_constraint", "check", False), ("drop_constraint", "foreign_key", False)]
    dropped = [describe(op)[1] for op in plan.operations if op.op == "drop_constraint"]
    assert all("NOT ENFORCED" in line for line in dropped), dropped


def test_plans_make_it_again_not_enforced(pg18_url):
    """CREATE TABLE with them, and the reverse of making them enforced, give them back."""
    engine = _loose_database(pg18_url)
    with engine.connect() as conn:
        loose = reflect(conn)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE orders, customers")
        empty = reflect(conn)
        execute_plan(diff(empty, loose), empty, conn)
    with engine.connect() as conn:
        assert_same_snapshot(reflect(conn), loose)
        enforced = compare(conn, _models()).target
    assert_plan_round_trip(engine, diff(loose, enforced), loose, enforced)
    engine.dispose()


def test_revision_files_say_not_enforced():
    check = s.CheckConstraint(name="ck_orders_qty", expression="qty > 0", enforced=False)
    fk = s.ForeignKey(name="fk_orders_customer", columns=("customer_id",), referred_schema="public",
                      referred_table="customers", referred_columns=("id",), enforced=False)
    customers = s.Table(name="customers", columns=(s.Column(name="id", type="integer", nullable=False),),
                        primary_key=s.PrimaryKey(columns=("id",)))
    orders = s.Table(name="orders", columns=(s.Column(name="qty", type="integer"),
                                             s.Column(name="customer_id", type="integer")),
                     check_constraints=(check,), foreign_keys=(fk,))

    def with_tables(*tables):
        return s.Snapshot(dialect="postgresql", default_schema="public", schemas={"public": s.Schema(
            name="public", tables={t.name: t for t in tables})})

    text = render_plan(diff(with_tables(), with_tables(customers, orders)), "postgresql").upgrade
    assert "CHECK (qty > 0) NOT ENFORCED" in text and "sa.CheckConstraint" not in text
    assert "REFERENCES customers (id) NOT ENFORCED" in text and "sa.ForeignKeyConstraint" not in text
    bare = orders.model_copy(update={"check_constraints": (), "foreign_keys": ()})
    downgrade = render_plan(diff(with_tables(customers, orders), with_tables(customers, bare)),
                            "postgresql").downgrade
    assert downgrade.count("NOT ENFORCED") == 2
