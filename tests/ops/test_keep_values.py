"""Data is never changed silently (DESIGN invariant 7): a column type change whose
conversion would cut, round or otherwise change a stored value fails before anything is
altered, on every dialect, upgrade and downgrade alike; one that keeps every value runs.

Each case: a table with rows, a type change planned by still as `generate` would plan it,
run online inside one transaction. Lossy: the plan fails with still's message and every
row reads back exactly as before. Lossless: the plan runs and every value reads back equal.
"""

from __future__ import annotations

import datetime
import decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import mysql
from sqlalchemy.dialects import postgresql as pg

from still.db import migration_engine
from still.declare import declare
from still.diff import diff
from still.errors import StillError
from still.ops.ddl import execute_plan
from still.reflect import reflect
from tests.helpers import create_all

TS = datetime.datetime(2026, 12, 7, 10, 0, 0, 123456)

# (name, dialect, old type, new type, rows that must survive, whether the change is lossy)
CASES = [
    ("varchar-truncation", "postgresql", sa.String(255), sa.String(100), ["x" * 133, "short"], True),
    ("text-to-varchar", "postgresql", sa.Text, sa.String(3), ["abcd"], True),
    ("char-truncation", "postgresql", sa.CHAR(10), sa.CHAR(3), ["abcdefghij"], True),
    ("numeric-scale", "postgresql", sa.Numeric(10, 2), sa.Numeric(10, 1), [decimal.Decimal("1.25")], True),
    ("numeric-precision", "postgresql", sa.Numeric(10, 2), sa.Numeric(4, 2), [decimal.Decimal("123.45")], True),
    ("timestamp-precision", "postgresql", pg.TIMESTAMP(precision=6), pg.TIMESTAMP(precision=0), [TS], True),
    ("double-to-real", "postgresql", sa.Double, sa.REAL, [0.123456789012], True),
    ("float-to-integer", "postgresql", sa.Numeric(10, 2), sa.Integer, [decimal.Decimal("2.50")], True),
    ("bigint-to-integer", "postgresql", sa.BigInteger, sa.Integer, [2 ** 40], True),
    ("text-to-integer-format", "postgresql", sa.String(10), sa.Integer, ["007"], True),
    ("scale-without-loss", "postgresql", sa.Numeric(10, 2), sa.Numeric(10, 1), [decimal.Decimal("1.20")], False),
    ("varchar-fits", "postgresql", sa.String(255), sa.String(100), ["x" * 100, None], False),
    ("text-to-integer-exact", "postgresql", sa.String(10), sa.Integer, ["7", "-12"], False),
    ("varchar-truncation", "mysql", sa.String(255), sa.String(100), ["x" * 133], True),
    ("decimal-scale", "mysql", sa.Numeric(10, 2), sa.Numeric(10, 1), [decimal.Decimal("1.25")], True),
    ("datetime-precision", "mysql", mysql.DATETIME(fsp=6), mysql.DATETIME(), [TS], True),
    ("double-to-float", "mysql", mysql.DOUBLE(), mysql.FLOAT(), [0.123456789012], True),
    ("int-to-tinyint", "mysql", sa.Integer, mysql.TINYINT(), [300], True),
    ("text-to-int-format", "mysql", sa.String(10), sa.Integer, ["007"], True),
    ("trailing-spaces", "mysql", sa.String(10), sa.String(3), ["ab   "], True),
    ("decimal-without-loss", "mysql", sa.Numeric(10, 2), sa.Numeric(10, 1), [decimal.Decimal("1.20")], False),
    ("varchar-fits", "mysql", sa.String(255), sa.String(100), ["x" * 100, None], False),
    ("text-to-integer-format", "sqlite", sa.String(10), sa.Integer, ["007"], True),
    ("text-to-real-format", "sqlite", sa.String(10), sa.Float, ["1.50"], True),
    ("text-to-integer-exact", "sqlite", sa.String(10), sa.Integer, ["7", "abc", None], False),
    ("integer-to-text", "sqlite", sa.Integer, sa.String(10), [7, 12], False),
]


def _model(column_type) -> sa.MetaData:
    md = sa.MetaData()
    sa.Table("users", md, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
             sa.Column("email", column_type))
    return md


def _values(engine) -> list:
    with engine.connect() as conn:
        return [row[0] for row in conn.exec_driver_sql("SELECT email FROM users ORDER BY id")]


def _run(engine, source, target) -> None:
    with engine.connect() as conn:
        before = reflect(conn)
    plan = diff(before, declare(target, engine.dialect))
    assert [op.op for op in plan.operations] == ["alter_column"]
    with engine.begin() as conn:
        execute_plan(plan, before, conn)


@pytest.mark.parametrize(("name", "dialect", "old", "new", "rows", "lossy"), CASES,
                         ids=[f"{c[1]}-{c[0]}" for c in CASES])
def test_a_type_change_keeps_every_value_or_fails(name, dialect, old, new, rows, lossy, db_url):
    create_all(db_url, _model(old))
    engine = migration_engine(db_url)
    try:
        with engine.begin() as conn:
            conn.execute(_model(old).tables["users"].insert(),
                         [{"id": i, "email": value} for i, value in enumerate(rows)])
        stored = _values(engine)
        if lossy:
            with pytest.raises(StillError, match=r"would change converting"):
                _run(engine, _model(old), _model(new))
            assert _values(engine) == stored  # nothing cut, rounded or converted
            with engine.connect() as conn:  # and the column kept its type
                assert diff(reflect(conn), declare(_model(old), engine.dialect)).empty
        else:
            _run(engine, _model(old), _model(new))
            after = _values(engine)
            # equal as values (Decimal 1.20 == 1.2) or as the text they print ('7' and 7)
            assert len(after) == len(stored)
            assert all(a == b or str(a) == str(b) for a, b in zip(after, stored)), (stored, after)
    finally:
        engine.dispose()


@pytest.mark.parametrize("dialect", ["postgresql", "mysql", "sqlite"])
def test_a_narrowing_downgrade_is_held_to_the_same_rule(dialect, db_url):
    """Widening up, then a value that only fits the wide type, then the downgrade: the
    reversed plan narrows and must refuse, keeping the value."""
    narrow, wide = ((sa.String(10), sa.Text) if dialect != "sqlite" else (sa.Integer, sa.String(10)))
    create_all(db_url, _model(narrow))
    engine = migration_engine(db_url)
    try:
        with engine.connect() as conn:
            a = reflect(conn)
        plan = diff(a, declare(_model(wide), engine.dialect))
        with engine.begin() as conn:
            b = execute_plan(plan, a, conn)
        value = "x" * 40 if dialect != "sqlite" else "007"
        with engine.begin() as conn:
            conn.execute(_model(wide).tables["users"].insert(), [{"id": 1, "email": value}])
        with pytest.raises(StillError, match=r"would change converting"):
            with engine.begin() as conn:
                execute_plan(plan.reverse(), b, conn)
        assert _values(engine) == [value]
    finally:
        engine.dispose()
