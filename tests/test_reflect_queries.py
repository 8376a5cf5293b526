"""Reflection issues a fixed number of catalog queries, whatever the number of tables."""

import pytest
import sqlalchemy as sa

from fixtures.models.generated import wide_metadata
from still.reflect import reflect
from tests.conftest import ALL_DIALECTS


def reflection_statements(engine, n_tables: int) -> int:
    with engine.begin() as conn:
        wide_metadata(n_tables).create_all(conn)  # adds the tables not there yet
    statements = []
    with engine.connect() as conn:
        conn.exec_driver_sql("SELECT 1")  # let the dialect finish its first-connect queries
        sa.event.listen(conn, "before_cursor_execute", lambda *args, **kw: statements.append(args[2]))
        snapshot = reflect(conn)
    tables = snapshot.schemas[snapshot.default_schema].tables
    assert len(tables) == n_tables
    table = tables["t0001"]
    assert table.primary_key and table.foreign_keys and table.unique_constraints
    assert table.check_constraints and len(table.indexes) == 2
    return len(statements)


@pytest.mark.parametrize("dialect", ALL_DIALECTS)
def test_query_count_does_not_grow_with_the_number_of_tables(engine, dialect):
    small = reflection_statements(engine, 10)
    large = reflection_statements(engine, 300)
    assert small == large
    assert small <= {"sqlite": 4, "postgresql": 8, "mysql": 6}[dialect]
