import pytest
import sqlalchemy as sa

from tests.conftest import ALL_DIALECTS


@pytest.mark.parametrize("dialect", ALL_DIALECTS)
def test_database_is_real_and_empty(engine, dialect):
    with engine.connect() as conn:
        assert conn.dialect.name == dialect
        assert sa.inspect(conn).get_table_names() == []
        conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")
        conn.exec_driver_sql("INSERT INTO t VALUES (1)")
        assert conn.exec_driver_sql("SELECT x FROM t").scalar() == 1
