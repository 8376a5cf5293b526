"""Reflection reads repeated things once: a column that reads like an earlier one is the
same Column, a CREATE INDEX whose keys read like an earlier one is parsed once, owned
sequences are worked out for all tables in one pass. These tests hold that the shortcuts
change nothing a reflection says."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from still.reflect import reflect
from still.reflect.sqlite_ddl import _parse_create_index, parse_create_index


def _reflect(url: str, *statements: str):
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        for sql in statements:
            conn.exec_driver_sql(sql)
    with engine.connect() as conn:
        snap = reflect(conn)
    engine.dispose()
    return snap


def test_columns_alike_but_for_their_default_stay_apart(db_url):
    snap = _reflect(db_url,
                    "CREATE TABLE a (id INTEGER PRIMARY KEY, n INTEGER DEFAULT 1 NOT NULL)",
                    "CREATE TABLE b (id INTEGER PRIMARY KEY, n INTEGER DEFAULT 2 NOT NULL)",
                    "CREATE TABLE c (id INTEGER PRIMARY KEY, n INTEGER DEFAULT 1 NOT NULL)")
    defaults = {name: snap.table(name).column("n").default for name in "abc"}
    assert defaults == {"a": "1", "b": "2", "c": "1"}
    assert snap.table("a").column("n") is snap.table("c").column("n")  # one object
    if snap.dialect == "sqlite":  # the rowid, in each table
        assert all(snap.table(name).column("id").autoincrement for name in "abc")


def test_every_serial_column_is_serial_though_each_calls_its_own_sequence(pg_url):
    snap = _reflect(pg_url, *(f"CREATE TABLE t{i} (id SERIAL PRIMARY KEY, n INTEGER DEFAULT {i % 2})"
                              for i in range(4)))
    for i in range(4):
        table = snap.table(f"t{i}")
        assert table.column("id").autoincrement and table.column("id").default is None
        assert table.column("n").default == str(i % 2)
    assert snap.schemas["public"].sequences == {}


def test_a_column_owning_two_sequences_is_serial_by_the_one_its_default_calls(pg_url):
    # the older sequence merely belongs to the column: it stays a sequence of its own
    snap = _reflect(pg_url,
                    "CREATE SEQUENCE aaa_first",
                    "CREATE TABLE t (id SERIAL PRIMARY KEY, n INTEGER)",
                    "ALTER SEQUENCE aaa_first OWNED BY t.id",
                    "CREATE SEQUENCE loose OWNED BY t.n")
    column = snap.table("t").column("id")
    assert column.autoincrement and column.default is None
    assert set(snap.schemas["public"].sequences) == {"aaa_first", "loose"}
    assert snap.table("t").column("n").autoincrement is False


def test_serial_is_recognised_whatever_the_sequence_is_called(pg_url):
    snap = _reflect(pg_url,
                    """CREATE TABLE "it's" (id SERIAL PRIMARY KEY)""",
                    """CREATE TABLE "back\\slash" (id SERIAL PRIMARY KEY)""",
                    """CREATE TABLE "Mixed Case" (id BIGSERIAL PRIMARY KEY)""",
                    "CREATE SCHEMA other",
                    "CREATE TABLE other.elsewhere (id SERIAL PRIMARY KEY)")
    for name, schema in [("it's", None), ("back\\slash", None), ("Mixed Case", None),
                         ("elsewhere", "other")]:
        column = snap.table(name, schema).column("id")
        assert column.autoincrement and column.default is None, name
    assert all(not schema.sequences for schema in snap.schemas.values())


def test_identity_and_generated_columns_that_also_own_sequences(pg_url):
    snap = _reflect(pg_url,
                    "CREATE TABLE t (id INTEGER GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
                    " n INTEGER, twice INTEGER GENERATED ALWAYS AS (n * 2) STORED)",
                    "CREATE SEQUENCE extra OWNED BY t.id",
                    "CREATE SEQUENCE mine OWNED BY t.twice")
    table = snap.table("t")
    identity = table.column("id").identity
    assert identity is not None and identity.always  # by its own sequence, not `extra`
    assert table.column("twice").computed is not None and table.column("twice").default is None
    assert set(snap.schemas["public"].sequences) == {"extra", "mine"}


def test_foreign_keys_name_referred_columns_inside_and_outside_the_reflected_schemas(pg_url):
    statements = ("CREATE SCHEMA other",
                  "CREATE TABLE other.parent (a INTEGER, b INTEGER, PRIMARY KEY (a, b))",
                  "CREATE TABLE parent (x INTEGER, y INTEGER, PRIMARY KEY (y, x))",
                  "CREATE TABLE child (p INTEGER, q INTEGER, r INTEGER, s INTEGER,"
                  " FOREIGN KEY (q, p) REFERENCES other.parent (b, a),"
                  " FOREIGN KEY (r, s) REFERENCES parent (y, x))")
    snap = _reflect(pg_url, *statements)
    engine = sa.create_engine(pg_url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        public_only = reflect(conn, schemas=["public"])
    engine.dispose()
    for found in (snap, public_only):
        fks = {fk.referred_table: fk for fk in found.table("child").foreign_keys}
        assert fks["parent"].referred_columns == ("y", "x")
        assert fks["parent"].columns == ("r", "s")
    assert {fk.referred_columns for fk in public_only.table("child").foreign_keys} \
        == {("y", "x"), ("b", "a")}


@pytest.mark.parametrize("sql", [
    "CREATE INDEX ix ON t (a, b)",
    "CREATE INDEX ix ON t (a, b)",  # again: read from what the first one left
    "CREATE UNIQUE INDEX IF NOT EXISTS main.ix ON t(a DESC, b ASC)",
    'CREATE INDEX "ix (odd)" ON "t (x)" (a)',
    "CREATE INDEX [ix(1)] ON `t(2)` (lower(a), b + 1) WHERE a IS NOT NULL",
    "CREATE INDEX /* ( */ ix -- (\n ON t (a COLLATE NOCASE DESC, \"b c\") WHERE b > 0",
    "CREATE INDEX ix ON t (a) WHERE (b, c) IN (SELECT 1, 2)",
    "CREATE INDEX ix ON t ((a || 'x, (y)'))",
    "CREATE INDEX ix ON t",
    "",
    None,
])
def test_create_index_text_reads_the_same_through_the_shortcut(sql):
    def seen(text):
        return [[(t.kind, t.text) for t in key] for key in text.keys], text.where

    assert seen(parse_create_index(sql)) == seen(_parse_create_index(sql))
