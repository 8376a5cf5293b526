"""Invariant 1 (fidelity): reflect(create_all(M)) == declare(M, dialect), for every fixture."""

import pytest
import sqlalchemy as sa

from still.declare import declare
from still.reflect import reflect
from tests.helpers import assert_same_snapshot, create_all, fixture_cases, fixture_module


@pytest.mark.parametrize(("module", "dialect"), fixture_cases())
def test_reflection_equals_declaration(module, dialect, db_url):
    metadata = fixture_module(module).metadata
    create_all(db_url, metadata)
    engine = sa.create_engine(db_url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        reflected = reflect(conn)
        declared = declare(metadata, conn.dialect)
    engine.dispose()
    assert_same_snapshot(reflected, declared)
    assert reflected == declared
