"""Invariant 3 and 4, symbolically: apply(plan(A, B), A) == B and the reverse restores A."""

import pytest
from hypothesis import HealthCheck, given, settings

from still.declare import declare
from still.diff import diff
from tests.helpers import assert_same_snapshot
from tests.properties.edits import schema_pairs
from tests.properties.strategies import build


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pair=schema_pairs())
def test_plan_applies_and_reverses(dialect, pair):
    applies_and_reverses(dialect, pair)


def applies_and_reverses(dialect, pair):
    a = declare(build(pair[0]), dialect)
    b = declare(build(pair[1]), dialect)
    plan = diff(a, b)
    assert_same_snapshot(plan.apply(a), b, column_order=False)
    assert_same_snapshot(plan.reverse().apply(b), a, column_order=False)
    assert diff(b, b).empty


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pair=schema_pairs(dialect="mysql"))
def test_plan_applies_and_reverses_on_mysql(pair):
    applies_and_reverses("mysql", pair)
