"""For generated schema pairs (A, B): the rendered revision is valid and ruff-stable, and replaying its
upgrade() through still.op on A gives B, its downgrade() on B gives A."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from tests.helpers import assert_same_snapshot
from tests.properties.edits import FILE_EDITS, schema_pairs
from tests.properties.strategies import build
from tests.render.helpers import (
    RUFF,
    plan_of,
    replay,
    revision_text,
    ruff_diff,
    snapshots,
)


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pair=schema_pairs(edits=FILE_EDITS))
def test_rendered_revision_replays(dialect, pair, tmp_path):
    a, b = build(pair[0]), build(pair[1])
    start, target = snapshots(a, b, dialect)
    text = revision_text(plan_of(a, b, dialect), dialect, tmp_path, (start, target))
    compile(text, "<revision>", "exec")
    if RUFF.exists():
        assert ruff_diff(text, tmp_path) == ""
    up = replay(text, "upgrade", start, dialect)
    assert_same_snapshot(up, target, column_order=False)
    assert_same_snapshot(replay(text, "downgrade", up, dialect), start, column_order=False)
