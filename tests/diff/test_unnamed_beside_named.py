"""A constraint the models leave unnamed keeps whatever name the database gave it, unless
the models give that very name to another constraint of the table: then the kept one is
renamed out of the way, so the one that wants the name can be added (found by the
generate round trip: a plain UNIQUE uq_t0_alpha matched to an unnamed twin and kept,
then `ADD CONSTRAINT uq_t0_alpha UNIQUE NULLS NOT DISTINCT` failed on the taken name)."""

import pytest
import sqlalchemy as sa

from still.declare import declare
from still.declare.base import invented_names
from still.diff import diff
from still.ops.ddl import execute_plan
from still.reflect import reflect
from tests.helpers import create_all

pytestmark = pytest.mark.postgresql


def _model(nulls_not_distinct: bool) -> sa.MetaData:
    md = sa.MetaData()
    named = sa.UniqueConstraint("alpha", name="uq_t0_alpha", postgresql_nulls_not_distinct=True) \
        if nulls_not_distinct else sa.UniqueConstraint("alpha", name="uq_t0_alpha")
    sa.Table("t0", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("alpha", sa.Integer),
             sa.Column("beta", sa.Integer), named, sa.UniqueConstraint("alpha"), sa.UniqueConstraint("beta"))
    return md


def test_a_kept_name_the_models_want_elsewhere_is_renamed_away(pg_url):
    create_all(pg_url, _model(nulls_not_distinct=False))
    engine = sa.create_engine(pg_url, poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as conn:
            # (PostgreSQL makes one constraint of the two alike UNIQUE(alpha): uq_t0_alpha)
            conn.exec_driver_sql("INSERT INTO t0 (id, alpha, beta) VALUES (1, 1, 1), (2, NULL, 2)")
            a = reflect(conn)
        with invented_names() as invented:
            b = declare(_model(nulls_not_distinct=True), engine.dialect)
        plan = diff(a, b, loose=frozenset(invented))
        assert [op.op for op in plan.operations] == ["rename_constraint", "add_constraint"]
        with engine.begin() as conn:
            execute_plan(plan, a, conn)
        with engine.connect() as conn:
            reached = reflect(conn)
        uniques = {u.name: u.nulls_not_distinct for u in reached.table("t0", "public").unique_constraints}
        assert uniques["uq_t0_alpha"] is True and len(uniques) == 3
        assert diff(reached, b, loose=frozenset(invented)).empty
    finally:
        engine.dispose()


def test_an_unnamed_one_keeps_its_name_when_no_one_else_wants_it(pg_url):
    create_all(pg_url, _model(nulls_not_distinct=False))
    engine = sa.create_engine(pg_url, poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("ALTER TABLE t0 RENAME CONSTRAINT t0_beta_key TO uq_from_history")
            a = reflect(conn)
        with invented_names() as invented:
            b = declare(_model(nulls_not_distinct=False), engine.dialect)
        assert diff(a, b, loose=frozenset(invented)).empty
    finally:
        engine.dispose()
