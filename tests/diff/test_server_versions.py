"""A plan that needs what the server's PostgreSQL version lacks says so, at the danger level,
before the server refuses the DDL half-way; a server that has it hears nothing."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from still.compare import compare
from still.diff import diff
from still.findings import Code
from tests.helpers import fixture_cases, fixture_module

# (what a model uses, the version that brought it, the table using it)
FEATURES = [
    ("a VIRTUAL generated column", (18,), lambda md: sa.Table(
        "virtual_t", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("a", sa.Integer),
        sa.Column("b", sa.Integer, sa.Computed("a * 2", persisted=False)))),
    ("UNIQUE ... NULLS NOT DISTINCT", (15,), lambda md: sa.Table(
        "nnd_t", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("a", sa.Integer),
        sa.UniqueConstraint("a", name="uq_nnd_t_a", postgresql_nulls_not_distinct=True))),
    ("an index with NULLS NOT DISTINCT", (15,), lambda md: sa.Table(
        "nnd_ix_t", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("a", sa.Integer),
        sa.Index("ix_nnd_ix_t_a", "a", unique=True, postgresql_nulls_not_distinct=True))),
]


def _lacking(pg_url, metadata) -> list[str]:
    engine = sa.create_engine(pg_url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        plan = compare(conn, metadata).plan
    engine.dispose()
    return [f.message for f in plan.findings if f.code is Code.SERVER_TOO_OLD and f.severity == "danger"]


def test_each_feature_is_named_when_the_server_lacks_it(pg_url, pg_version):
    for label, since, make in FEATURES:
        metadata = sa.MetaData()
        make(metadata)
        found = _lacking(pg_url, metadata)
        if pg_version < since:
            assert len(found) == 1 and label in found[0], (label, found)
        else:
            assert found == [], (label, found)


def test_a_column_added_later_is_checked_too(pg_url, pg_version):
    """Not only CREATE TABLE: an ADD COLUMN of a VIRTUAL column to an existing table."""
    engine = sa.create_engine(pg_url, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (id integer PRIMARY KEY, a integer)")
    engine.dispose()
    metadata = sa.MetaData()
    sa.Table("t", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("a", sa.Integer),
             sa.Column("b", sa.Integer, sa.Computed("a * 2", persisted=False)))
    found = _lacking(pg_url, metadata)
    assert (len(found) == 1 and "t.b" in found[0]) if pg_version < (18,) else found == []


def test_a_not_enforced_check_is_18s():
    """Models cannot declare one; a reversed plan (a downgrade) can still make one."""
    from still import ops
    from still import snapshot as s
    from still.declare import dialect_named
    from still.server_versions import for_server, lacking

    add = ops.AddConstraint(schema_name="public", table_name="t", kind="check",
                            constraint=s.CheckConstraint(name="ck_t", expression="a > 0", enforced=False))
    (found,) = lacking([add], for_server(dialect_named("postgresql"), (17, 2)))
    assert found.code is Code.SERVER_TOO_OLD and "NOT ENFORCED" in found.message and "17.2" in found.message
    assert lacking([add], for_server(dialect_named("postgresql"), (18,))) == []
    assert lacking([add], dialect_named("postgresql")) == []  # no version: nothing assumed


@pytest.mark.parametrize("major", [13, 14, 15, 16, 17, 18])
def test_the_fixtures_ask_no_server_for_what_it_lacks(major):
    """Fidelity and no-false-drift run the fixtures on whatever server the run has: each
    version-specific feature there is gated (`ddl_if`) on the version it needs."""
    from still import snapshot as s
    from still.declare import declare, dialect_named
    from still.server_versions import for_server, lacking

    dialect = for_server(dialect_named("postgresql"), (major,))
    for name, _ in fixture_cases(("postgresql",)):
        declared = declare(fixture_module(name).metadata, dialect)
        plan = diff(s.Snapshot(dialect="postgresql", default_schema="public"), declared)
        assert lacking(plan.operations, dialect) == [], name
