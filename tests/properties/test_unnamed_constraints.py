"""A constraint the models leave unnamed matches whatever name the database gave it: a
database made from generated models shows no drift from the same models with every
constraint unnamed (primary keys, unique, check and foreign keys), on every dialect."""

import os

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings

from still.compare import compare
from tests.helpers import create_all, reset_database
from tests.properties.strategies import build, profile, schemas

EXAMPLES = int(os.environ.get("STILL_PROPERTY_EXAMPLES", "100"))


@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(spec=schemas())
@pytest.mark.parametrize("dialect", ("sqlite", "postgresql"))  # MySQL: the _on_mysql test
def test_unnamed_models_match_a_database_with_names(db_url, dialect, spec):
    unnamed_match(db_url, spec)


@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(spec=schemas(p=profile("mysql")))
def test_unnamed_models_match_a_database_with_names_on_mysql(mysql_url, spec):
    unnamed_match(mysql_url, spec)


def unnamed_match(url, spec):
    reset_database(url)
    create_all(url, build(spec))
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            plan = compare(conn, build(spec, named=False)).plan
    finally:
        engine.dispose()
    assert not plan.operations, [(op.op, op.model_dump()) for op in plan.operations]
