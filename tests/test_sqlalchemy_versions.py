"""What SQLAlchemy 2.0 and 2.1 keep in different places, read through public API only
(DESIGN.md, invariant 8). `make test` runs this file under both versions.

SQLAlchemy 2.0 has no registry of a MetaData's enums, domains and sequences (2.1 does),
so still once declared none of them under 2.0: a create_all database planned a DROP TYPE
for every enum, and `op.create_table` did not create its column's enum.
"""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg

from fixtures.models import named_types
from still import op, snapshot
from still.db import open_engine
from still.declare import declare
from still.diff import diff
from still.errors import StillError
from still.ops.ddl.sa_build import build_constraint
from still.reflect import reflect
from tests.cli.test_plan_check import still
from tests.helpers import assert_same_snapshot
from tests.runtime.test_op_api import run_ops

NAMED = "fixtures.models.named_types:metadata"


def create_named_types(url: str) -> None:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        for sql in named_types.SETUP:
            conn.exec_driver_sql(sql)
        named_types.metadata.create_all(conn)
    engine.dispose()


def test_declared_snapshot_has_every_enum_domain_and_sequence(pg_url):
    create_named_types(pg_url)
    engine = sa.create_engine(pg_url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        reflected = reflect(conn)
        declared = declare(named_types.metadata, conn.dialect)
    engine.dispose()
    public, work = declared.schemas["public"], declared.schemas["work"]
    assert sorted(public.enums) == ["direction", "level", "mood", "pre_made", "tag_colour"]
    assert public.enums["mood"].values == ("sad", "ok", "happy")
    assert sorted(work.enums) == ["stage"]
    assert sorted(public.domains) == ["positive"]
    assert sorted(public.sequences) == ["invoice_number", "ticket_seq"]
    assert_same_snapshot(reflected, declared)
    assert not diff(reflected, declared).operations


def test_create_all_database_plans_nothing(pg_url):
    """No DROP TYPE of the enums the models use: `plan --sql` has nothing to say, `check` is clean."""
    create_named_types(pg_url)
    planned = still("plan", "--url", pg_url, "--metadata", NAMED, "--format", "json", "--sql")
    assert planned.returncode == 0, planned.stderr
    report = json.loads(planned.stdout)
    assert report["operations"] == [] and report["statements"] == []
    checked = still("check", "--url", pg_url, "--metadata", NAMED)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_create_table_creates_its_named_enums(pg_url):
    """As SQLAlchemy's create_table (and so Alembic's op.create_table) does; one already
    there, or made elsewhere (create_type=False), is not created again."""
    def body():
        op.create_table("tickets", sa.Column("id", sa.Integer, primary_key=True),
                        sa.Column("status", sa.Enum("open", "closed", name="status"), nullable=False),
                        sa.Column("colours", pg.ARRAY(sa.Enum("red", "blue", name="colour"))))
        op.create_table("archive", sa.Column("id", sa.Integer, primary_key=True),
                        sa.Column("status", pg.ENUM(name="status", create_type=False)))

    enums = run_ops(pg_url, body).schemas["public"].enums
    assert sorted(enums) == ["colour", "status"]
    assert enums["status"].values == ("open", "closed")


def test_unique_keys_are_built_on_every_version(pg_url):
    """A plain UNIQUE is written on every SQLAlchemy (the option left out, not given as None,
    which SQLAlchemy before 2.0.16 refuses); a NULLS NOT DISTINCT one where SQLAlchemy can
    write it (2.0.16 on), else a one-line error, not a traceback about a keyword."""
    plain = snapshot.UniqueConstraint(name="u_a", columns=("a",))
    nnd = snapshot.UniqueConstraint(name="u_b", columns=("b",), nulls_not_distinct=True)
    items = [build_constraint("unique", plain, "public")]
    try:
        sa.UniqueConstraint("b", postgresql_nulls_not_distinct=True)
    except sa.exc.ArgumentError:
        with pytest.raises(StillError, match=r"^unique constraint u_b: .*SQLAlchemy 2\.0\.\d+ cannot write it"):
            build_constraint("unique", nnd, "public")
        nnd = None
    else:
        items.append(build_constraint("unique", nnd, "public"))
    table = sa.Table("t", sa.MetaData(), sa.Column("a", sa.Integer), sa.Column("b", sa.Integer), *items)
    engine = sa.create_engine(pg_url, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        table.create(conn)
        assert reflect(conn).table("t").unique_constraints == tuple(u for u in (plain, nnd) if u)
    engine.dispose()


def test_create_type_false_is_kept_on_every_version(pg_url):
    """`create_type=False` says the type is made elsewhere: op.create_table does not make
    it, as SQLAlchemy's create_table does not (SQLAlchemy 2.0's copy of a type for the
    dialect drops the flag, so it is read from the type as given)."""
    for type_ in (pg.ENUM("a", "b", name="made_elsewhere", create_type=False),
                  pg.DOMAIN("made_elsewhere", sa.Integer, create_type=False)):
        with pytest.raises(StillError, match='type "made_elsewhere" does not exist'):
            run_ops(pg_url, lambda: op.create_table("t", sa.Column("id", sa.Integer, primary_key=True),
                                                    sa.Column("c", type_)))


def test_a_query_argument_pysqlite_drops_is_refused(tmp_path):
    """SQLAlchemy 2.1 warns of it, 2.0 drops it silently: still asks the dialect which
    arguments reach the driver, the same on both."""
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    with pytest.raises(StillError, match=r"does not take the query argument\(s\) 'bogus', 'password' "):
        open_engine(f"{url}?bogus=1&password=SECRET&timeout=3", must_exist=False)
    open_engine(f"{url}?timeout=3", must_exist=False).dispose()
    open_engine(f"sqlite:///file:{tmp_path / 'db.sqlite'}?mode=rwc&uri=true", must_exist=False).dispose()


def test_sqlite_rebuild_keeps_an_expression_default(sqlite_url):
    """SQLite reads an expression default back without its parentheses and takes it only
    inside them; SQLAlchemy before 2.0.40 did not add them, so the rebuilt table's CREATE
    TABLE failed (Prefect's history on SQLite)."""
    engine = sa.create_engine(sqlite_url, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (id INTEGER PRIMARY KEY, at TEXT DEFAULT (strftime('%Y', 'now')), "
                             "n INTEGER DEFAULT 1.5, name TEXT)")
    engine.dispose()
    table = run_ops(sqlite_url, lambda: op.create_unique_constraint("uq_t_name", "t", ["name"])).table("t")
    assert [u.name for u in table.unique_constraints] == ["uq_t_name"]
    assert table.column("at").default == "strftime('%Y', 'now')" and table.column("n").default == "1.5"
