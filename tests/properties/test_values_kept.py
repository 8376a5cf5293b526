"""Invariant 7 on real databases: for generated column type changes on tables holding
generated rows, running still's plan either fails and leaves every row as it was, or
succeeds and every value reads back equal (as a value, or as the text it prints: 7 and
'7', Decimal 1.2 and 1.20). Downgrades too: the reversed plan is held to the same rule.
"""

from __future__ import annotations

import datetime
import decimal
import math
import os

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.dialects import mysql

from still.db import migration_engine
from still.declare import declare
from still.diff import diff
from still.errors import StillError
from still.ops.ddl import execute_plan
from still.reflect import reflect
from tests.helpers import create_all, reset_database

EXAMPLES = int(os.environ.get("STILL_PROPERTY_EXAMPLES", "100")) // 2 or 1


def _strings(n):
    """Text, often text that reads as a number in another form ('007', '1.50')."""
    numeric = st.from_regex(r"-?0[0-9]{1,2}(\.[0-9]0)?", fullmatch=True).filter(lambda s: len(s) <= n)
    return st.one_of(st.text(st.sampled_from("abc XYZ019.-"), max_size=n), numeric)


def _decimals(precision, scale):
    limit = 10 ** (precision - scale) - 1
    return st.decimals(min_value=-limit, max_value=limit, places=scale, allow_nan=False, allow_infinity=False)


_TIMES = st.datetimes(min_value=datetime.datetime(1971, 1, 1), max_value=datetime.datetime(2037, 1, 1))
_FLOATS = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False).map(lambda f: round(f, 6))
_INTS = st.integers(-2 ** 31, 2 ** 31 - 1)


def _types(dialect: str):
    """(type, strategy of values that type stores as they are) for one dialect."""
    common = [
        (sa.String(5), _strings(5)), (sa.String(40), _strings(40)), (sa.String(200), _strings(200)),
        (sa.Text(), _strings(60)), (sa.Integer(), _INTS), (sa.SmallInteger(), st.integers(-32768, 32767)),
        (sa.BigInteger(), st.integers(-2 ** 62, 2 ** 62)), (sa.Numeric(10, 2), _decimals(10, 2)),
        (sa.Numeric(6, 3), _decimals(6, 3)), (sa.Numeric(12, 0), _decimals(12, 0)),
        (sa.Double(), _FLOATS),
    ]
    if dialect == "postgresql":
        from sqlalchemy.dialects import postgresql as pg

        return common + [(sa.REAL(), st.sampled_from([0.5, 1.25, -3.0, 1e3])),
                         (pg.TIMESTAMP(precision=6), _TIMES), (pg.TIMESTAMP(precision=0), _TIMES.map(
                             lambda t: t.replace(microsecond=0))), (sa.CHAR(8), _strings(8).map(str.rstrip))]
    if dialect == "mysql":
        return common + [(mysql.FLOAT(), st.sampled_from([0.5, 1.25, -3.0, 1e3])),
                         (mysql.DATETIME(fsp=6), _TIMES), (mysql.DATETIME(), _TIMES.map(
                             lambda t: t.replace(microsecond=0))), (mysql.TINYINT(), st.integers(-128, 127))]
    return common + [(sa.Float(), _FLOATS), (sa.Date(), st.dates(datetime.date(1971, 1, 1)))]


@st.composite
def changes(draw, dialect):
    pool = _types(dialect)
    old, values = draw(st.sampled_from(pool))
    new, _ = draw(st.sampled_from([p for p in pool if repr(p[0]) != repr(old)]))
    rows = draw(st.lists(st.one_of(st.none(), values), min_size=1, max_size=6))
    return old, new, rows


def _model(column_type) -> sa.MetaData:
    md = sa.MetaData()
    sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
             sa.Column("v", column_type))
    return md


def _read(engine) -> list:
    with engine.connect() as conn:
        return [row[0] for row in conn.exec_driver_sql("SELECT v FROM t ORDER BY id")]


def _equal(a, b, padded: bool) -> bool:
    """`padded`: a CHAR(n) was involved, which pads with spaces that do not count."""
    if padded:
        a, b = (x.rstrip(" ") if isinstance(x, str) else x for x in (a, b))
    if a == b or str(a) == str(b):
        return True
    if isinstance(a, str) and isinstance(b, decimal.Decimal):
        # SQLAlchemy shows a Numeric at its scale: the text '-13.4' read back as -13.40
        plain = format(b, "f")
        return a == (plain.rstrip("0").rstrip(".") if "." in plain else plain)
    if isinstance(b, (datetime.datetime, datetime.date)) and isinstance(a, str):
        a, b = b, a
    if isinstance(a, (datetime.datetime, datetime.date)) and isinstance(b, str):
        # the database prints a time its own way: 00:00:00.00553 is 00:00:00.005530
        try:
            return type(a).fromisoformat(b) == a
        except ValueError:
            return False
    if isinstance(a, str) and isinstance(b, float) and b.is_integer():
        # the database prints 0.0 as '0' (and -0.0 as '-0'): same digits, same sign
        return a.lstrip("-") == str(int(abs(b))) and a.startswith("-") == (math.copysign(1, b) < 0)

    # a number `a` and the number or text `b` it became: 0.1 and Decimal('0.1'), 0.0 and '0'
    # (text that became a number must print as it was: '007' and 7 differ, above)
    if not isinstance(a, (int, float, decimal.Decimal)) or isinstance(b, bool):
        return False
    try:
        return decimal.Decimal(str(a)) == decimal.Decimal(str(b))
    except (decimal.InvalidOperation, ValueError):
        return False


def _step(engine, target) -> tuple[bool, object]:
    """Plan from the database to `target` and run it: whether it ran, and the plan."""
    with engine.connect() as conn:
        before = reflect(conn)
    plan = diff(before, declare(target, engine.dialect))
    try:
        with engine.begin() as conn:
            execute_plan(plan, before, conn)
    except StillError:
        return False, plan
    return True, plan


def values_kept(db_url, change):
    old, new, rows = change
    reset_database(db_url)
    create_all(db_url, _model(old))
    engine = migration_engine(db_url)
    try:
        with engine.begin() as conn:
            conn.execute(_model(old).tables["t"].insert(), [{"id": i, "v": v} for i, v in enumerate(rows)])
        stored = _read(engine)
        for target in (new, old):  # the upgrade, then the way back (the downgrade's change)
            ran, _ = _step(engine, _model(target))
            now = _read(engine)
            assert len(now) == len(stored)
            padded = any(isinstance(x, sa.CHAR) for x in (old, new))
            bad = [(a, b) for a, b in zip(stored, now) if not _equal(a, b, padded)]
            assert not bad, (f"{'ran' if ran else 'failed'} converting to {target!r}, values changed", bad)
            if not ran:
                break
            stored = now
    finally:
        engine.dispose()


@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
@pytest.mark.parametrize("dialect", ("sqlite", "postgresql", "mysql"))
def test_a_type_change_keeps_every_value_or_fails(db_url, dialect, data):
    values_kept(db_url, data.draw(changes(dialect)))
