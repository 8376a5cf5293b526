"""Invariants 2, 3 and 4 on real databases: a database made by create_all(A) shows no
drift from A; after executing plan(A, B) it reflects to B; executing the reversed plan
brings it back to A. A's tables hold rows each way (tests/rows.py): every value of a kept
column reads back equal, or the run fails where a finding said it may, changing nothing."""

import os

import pytest
from hypothesis import HealthCheck, given, settings

from still.compare import declared_renames
from still.db import migration_engine
from still.declare import declare
from still.diff import diff
from still.reflect import reflect
from tests.helpers import assert_plan_round_trip, create_all, reset_database
from tests.properties.edits import schema_pairs
from tests.properties.strategies import build

EXAMPLES = int(os.environ.get("STILL_PROPERTY_EXAMPLES", "100"))


@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(pair=schema_pairs())
@pytest.mark.parametrize("dialect", ("sqlite",))  # PostgreSQL and MySQL: their own profiles below
def test_execute_plan_converges_and_reverses(db_url, dialect, pair):
    converges_and_reverses(db_url, pair)


@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(pair=schema_pairs(dialect="postgresql"))
def test_execute_plan_converges_and_reverses_on_postgresql(pg_url, pair):
    converges_and_reverses(pg_url, pair)


@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(pair=schema_pairs(dialect="mysql"))
def test_execute_plan_converges_and_reverses_on_mysql(mysql_url, pair):
    converges_and_reverses(mysql_url, pair)


def converges_and_reverses(db_url, pair):
    reset_database(db_url)
    model_a, model_b = build(pair[0]), build(pair[1])
    create_all(db_url, model_a)
    engine = migration_engine(db_url)
    try:
        with engine.connect() as conn:
            a = reflect(conn)
        # no false drift: what create_all made is what the models declare
        assert diff(a, declare(model_a, engine.dialect)).empty
        b = declare(model_b, engine.dialect)
        plan = diff(a, b, declared_renames(model_b, b.default_schema))
        assert_plan_round_trip(engine, plan, a, b, data=pair)
    finally:
        engine.dispose()
