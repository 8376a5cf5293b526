"""A string server_default is a string literal (`DEFAULT '0'`) that the database converts
to the column's type: on every column type the declare layer knows, create_all gives no
drift, and a plan that changes such a default runs, converges and keeps the literal's
type (no `SET DEFAULT 0` on a boolean)."""

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg

from still.db import migration_engine
from still.declare import declare
from still.diff import diff
from still.ops.ddl import execute_plan, plan_statements
from still.reflect import reflect
from tests.helpers import assert_plan_round_trip, create_all

# (type, string defaults, dialects)
BOTH = ("sqlite", "postgresql")
ALL = ("sqlite", "postgresql", "mysql")
CASES = [
    (sa.Boolean, ["0", "1"], ALL),
    (sa.Boolean, ["t", "f", "false", "TRUE", " yes", "off", "n"], BOTH),  # MySQL: a number only
    (sa.Integer, ["0", "-5", "007", " 3"], ALL),
    (sa.BigInteger, ["0", "-1"], ALL),
    (sa.SmallInteger, ["2"], ALL),
    (lambda: sa.Numeric(10, 2), ["0", "1.5", "-2.25", "1e3", "007", "1.50"], ALL),
    (sa.Float, ["0", "1.5", "-1", "1e3", "1e15", "0.00001", "3.14159265358979", "1234567.7", "1e-7"], ALL),
    (sa.Float, ["NaN"], BOTH),
    (sa.REAL, ["0.1", "1e6", "123456.7"], ALL),
    (sa.Interval, ["0", "1 day", "01:00:00", "-1 hour", "P1D", "1 year 2 months", "-1 day 2 hours",
                   "1.5 hours", "1 week", "2 days ago", "0.5", "PT1H30M"], BOTH),  # MySQL: a DATETIME
    (sa.Date, ["2020-01-01", "2020-1-2"], ALL),
    (sa.DateTime, ["2020-01-01 00:00:00", "2020-01-01", "2020-01-01T01:02:03.500"], ALL),
    (lambda: sa.DateTime(timezone=True), ["2020-01-01 00:00:00+00"], BOTH),
    (sa.Time, ["00:00:00", "1:2", "10:11:12.123456"], ALL),
    (sa.Uuid, ["00000000-0000-0000-0000-000000000000", "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11"], ALL),
    (sa.JSON, ["{}", '{"a": 1}', "[]", "null"], ALL),
    (pg.JSONB, ["{}", '{"b":2,  "a": 1}', '[1, 2.50, 1e2]', '{"a":1,"a":2}'], ("postgresql",)),
    (lambda: sa.String(10), ["0", "x", "007", "it's", ""], ALL),
    (sa.Text, ["", "0", "1.5"], ALL),
    (lambda: sa.Enum("a", "b", name="letters"), ["a"], ALL),
    (lambda: sa.Enum("0", "1", native_enum=False), ["1"], ALL),
    (lambda: pg.ARRAY(sa.Integer), ["{}", "{1,2}"], ("postgresql",)),
    (lambda: pg.ARRAY(sa.Text), ['{a,"b c"}'], ("postgresql",)),
]


def _models(dialect: str) -> sa.MetaData:
    md = sa.MetaData()
    columns = []
    for factory, values, dialects in CASES:
        if dialect in dialects:
            for value in values:
                columns.append(sa.Column(f"c{len(columns)}", factory(), server_default=value))
    sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True), *columns)
    return md


def test_string_defaults_on_every_type_are_no_drift(db_url, dialect):
    metadata = _models(dialect)
    create_all(db_url, metadata)
    engine = sa.create_engine(db_url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        plan = diff(reflect(conn), declare(metadata, conn.dialect))
    engine.dispose()
    assert plan.empty, [op.model_dump() for op in plan.operations]


def _one(type_, default, name="t"):
    md = sa.MetaData()
    sa.Table(name, md, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("x", type_, server_default=default))
    return md


CHANGES = [
    (sa.Boolean, "1", "0"), (sa.Boolean, None, "0"),
    (lambda: sa.String(10), "1", "007"), (sa.Text, None, "0"),
    (sa.Integer, "1", "007"), (lambda: sa.Numeric(10, 2), None, "1e3"),
    (sa.Uuid, None, "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11"), (sa.Date, "2020-1-2", "2021-01-01"),
    (sa.Float, None, "0.00001"), (sa.REAL, "1", "1e6"),
]
# defaults MySQL has no column for (an INTERVAL is a DATETIME there, a BOOLEAN a number)
NOT_MYSQL = [(sa.Boolean, "t", "false"), (sa.Interval, "0", "1 day"), (sa.Interval, None, "0")]


@pytest.mark.parametrize(("factory", "old", "new"), CHANGES)
def test_changing_a_string_default_runs_and_converges(db_url, dialect, factory, old, new):
    converges(db_url, dialect, factory, old, new)


@pytest.mark.parametrize("dialect", BOTH)
@pytest.mark.parametrize(("factory", "old", "new"), NOT_MYSQL)
def test_changing_a_default_mysql_has_no_column_for(db_url, dialect, factory, old, new):
    converges(db_url, dialect, factory, old, new)


def converges(db_url, dialect, factory, old, new):
    model_a, model_b = _one(factory(), old), _one(factory(), new)
    create_all(db_url, model_a)
    engine = migration_engine(db_url)
    try:
        with engine.connect() as conn:
            a = reflect(conn)
        b = declare(model_b, engine.dialect)
        plan = diff(a, b)
        assert [op.op for op in plan.operations] == ["alter_column"]
        statements = [sql for _, sqls in plan_statements(plan, a, engine.dialect) for sql in sqls]
        # SET DEFAULT replaces the old default: nothing is dropped first
        assert not any("DROP DEFAULT" in sql for sql in statements), statements
        assert_plan_round_trip(engine, plan, a, b)
        with engine.begin() as conn:
            execute_plan(plan, a, conn)
        # the default the plan set gives the value create_all's gives, of the same type
        create_all(db_url, _one(factory(), new, name="expected"))
        with engine.begin() as conn:
            got = [conn.execute(sa.text(f"INSERT INTO {t} (id) VALUES (1) RETURNING x")).scalar()
                   for t in ("t", "expected")]
            if dialect == "sqlite":
                got += [conn.execute(sa.text(f"SELECT typeof(x) FROM {t}")).scalar()
                        for t in ("t", "expected")]
        assert got[0::2] == got[1::2], got
    finally:
        engine.dispose()
