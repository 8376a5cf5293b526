"""The catalog oracle (tests/catalogs.py) sees what the snapshot holds, read from the
server itself: two PostgreSQL databases that differ only in an enum's label order, a
comment, a domain's check or default, or a sequence's start differ in their catalogs."""

import pytest
import sqlalchemy as sa

from tests.catalogs import catalog, differences

pytestmark = pytest.mark.postgresql

BASE = ["CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')",
        "CREATE DOMAIN code AS varchar(8) COLLATE \"C\" DEFAULT 'none' CONSTRAINT code_short CHECK (length(VALUE) > 1)",
        "CREATE SEQUENCE counter START 5 INCREMENT 2",
        "CREATE TABLE t (id integer PRIMARY KEY, m mood, c code)",
        "COMMENT ON TABLE t IS 'the table'",
        "COMMENT ON COLUMN t.m IS 'how it feels'"]


def _made(url: str, statements: list[str]) -> dict:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA public CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA public")
        for statement in statements:
            conn.exec_driver_sql(statement)
    engine.dispose()
    return catalog(url)


@pytest.mark.parametrize(("changed", "to"), [
    (0, "CREATE TYPE mood AS ENUM ('ok', 'sad', 'happy')"),
    (1, "CREATE DOMAIN code AS varchar(8) COLLATE \"C\" DEFAULT 'none' CONSTRAINT code_short CHECK (length(VALUE) > 2)"),
    (1, "CREATE DOMAIN code AS varchar(8) COLLATE \"C\" DEFAULT 'x' CONSTRAINT code_short CHECK (length(VALUE) > 1)"),
    (1, "CREATE DOMAIN code AS varchar(9) COLLATE \"C\" DEFAULT 'none' CONSTRAINT code_short CHECK (length(VALUE) > 1)"),
    (1, "CREATE DOMAIN code AS varchar(8) DEFAULT 'none' CONSTRAINT code_short CHECK (length(VALUE) > 1)"),
    (2, "CREATE SEQUENCE counter START 6 INCREMENT 2"),
    (4, "COMMENT ON TABLE t IS 'another'"),
    (5, "COMMENT ON COLUMN t.m IS 'changed'"),
], ids=["enum order", "domain check", "domain default", "domain base type", "domain collation",
        "sequence start", "table comment", "column comment"])
def test_the_oracle_sees_it(pg_url, changed, to):
    before = _made(pg_url, BASE)
    assert differences(before, _made(pg_url, BASE)) == []
    other = list(BASE)
    other[changed] = to
    assert differences(before, _made(pg_url, other)) != []
