"""What still creates is what create_all creates, by the database's own catalogs: for any
generated models, executing plan(empty, M) leaves the catalog text create_all(M) leaves
(SQLite keeps defaults, CHECKs and CREATE INDEX as sent; PostgreSQL stores a default of
the column's type, `'0'::bigint` for `'0'` but `0` for `0`), not only an equal snapshot."""

import os

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings

from still import snapshot as s
from still.compare import declared_renames
from still.db import migration_engine
from still.declare import declare, rules_for
from still.diff import diff
from still.ops.ddl import execute_plan
from still.reflect import reflect
from still.reflect.sqlite_ddl import parse_create_table
from tests import rows
from tests.catalogs import catalog, differences
from tests.conftest import TRANSACTIONAL_DDL
from tests.helpers import create_all, reset_database
from tests.properties.edits import schema_pairs
from tests.properties.strategies import build, profile, schemas

EXAMPLES = int(os.environ.get("STILL_PROPERTY_EXAMPLES", "100"))
# the generic generator draws what MySQL has not (expression keys, intervals): MySQL runs
# the same properties over its own generator (the _on_mysql tests)
GENERIC = TRANSACTIONAL_DDL


def texts(url: str) -> dict:
    """The catalog, and on SQLite the text it keeps: CHECKs and CREATE INDEX statements.
    Column positions are left out: a plan adds a column at the end, where a rename it was
    not told of is a drop and an add."""
    found = catalog(url)
    for key in [k for k in found if k.startswith("columns")]:
        position = 2 if key == "columns" else 0  # PostgreSQL's attnum, SQLite's cid
        found[key] = sorted(r[:position] + r[position + 1:] for r in found[key])
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
        with engine.connect() as conn:
            for kind, name, table, sql in conn.exec_driver_sql("SELECT type, name, tbl_name, sql FROM sqlite_master"):
                if kind == "index" and sql:
                    found[f"index sql {name}"] = " ".join(sql.split())
                elif kind == "table" and not name.startswith("sqlite_"):
                    text = parse_create_table(sql)
                    found[f"checks {name}"] = sorted(map(repr, text.checks))
                    found[f"autoincrement {name}"] = text.autoincrement
        engine.dispose()
    return found


@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(spec=schemas())
@pytest.mark.parametrize("dialect", GENERIC)
def test_plan_from_empty_writes_what_create_all_writes(db_url, dialect, spec):
    from_empty(db_url, dialect, spec)


@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(spec=schemas(p=profile("mysql")))
def test_plan_from_empty_writes_what_create_all_writes_on_mysql(mysql_url, spec):
    from_empty(mysql_url, "mysql", spec)


def from_empty(db_url, dialect, spec):
    reset_database(db_url)
    models = build(spec)
    create_all(db_url, models)
    by_create_all = texts(db_url)
    reset_database(db_url)
    engine = migration_engine(db_url)
    try:
        empty = s.Snapshot(dialect=dialect, default_schema=rules_for(engine.dialect).default_schema)
        with engine.begin() as conn:
            execute_plan(diff(empty, declare(models, engine.dialect)), empty, conn)
    finally:
        engine.dispose()
    assert not differences(by_create_all, texts(db_url))


@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(pair=schema_pairs())
@pytest.mark.parametrize("dialect", tuple(d for d in GENERIC if d != "postgresql"))  # PostgreSQL: its profile
def test_plan_between_models_writes_what_create_all_writes(db_url, dialect, pair):
    """From create_all(A), plan(A, B) leaves the catalog text create_all(B) leaves: what
    a change writes, and what a SQLite rebuild writes again, are spelled as SQLAlchemy
    spells them (or as the database kept them)."""
    between(db_url, pair)


@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(pair=schema_pairs(dialect="postgresql"))
def test_plan_between_models_writes_what_create_all_writes_on_postgresql(pg_url, pair):
    """Its own profile draws declared table renames: the SERIAL key's sequence must end
    under the name create_all gives it (its nextval() default is in the catalog)."""
    between(pg_url, pair)


@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(pair=schema_pairs(dialect="mysql"))
def test_plan_between_models_writes_what_create_all_writes_on_mysql(mysql_url, pair):
    between(mysql_url, pair)


def between(db_url, pair):
    reset_database(db_url)
    model_a, model_b = build(pair[0]), build(pair[1])
    create_all(db_url, model_b)
    by_create_all = texts(db_url)
    reset_database(db_url)
    create_all(db_url, model_a)
    held = rows.fill(db_url, pair[0])  # with rows: a SQLite rebuild copies them (tests/rows.py)
    engine = migration_engine(db_url)
    try:
        with engine.connect() as conn:
            a = reflect(conn)
            b = declare(model_b, engine.dialect)
        plan = diff(a, b, declared_renames(model_b, b.default_schema))
        if rows.run_over_rows(engine, plan, a, plan.findings):
            rows.assert_kept(db_url, held, *pair)
        elif engine.dialect.name == "mysql":
            return  # its DDL is not transactional: what ran before the failure stays
        else:
            rows.empty(db_url)
            with engine.begin() as conn:
                execute_plan(plan, a, conn)
    finally:
        engine.dispose()
    assert not differences(by_create_all, texts(db_url))
