"""Reflection of PostgreSQL's keys beyond the plain ones (issue 22) against the values
the catalogs are known to hold, and no drift from models when the SQL was written by
hand in other spellings (upper-case classes, a default class named, INITIALLY DEFERRED
without DEFERRABLE)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg

from still.declare import declare
from still.diff import diff
from still.reflect import reflect
from tests.helpers import assert_same_snapshot, create_all
from fixtures.models import pg_keys


def _reflect(url: str):
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        return reflect(conn), conn.dialect


def test_fixture_reflects_to_the_known_values(pg_url):
    create_all(pg_url, pg_keys.metadata)
    reflected, dialect = _reflect(pg_url)
    assert_same_snapshot(reflected, declare(pg_keys.metadata, dialect))
    rooms, schedules = reflected.table("rooms"), reflected.table("schedules")
    assert (rooms.primary_key.name, rooms.primary_key.deferrable, rooms.primary_key.initially) == \
        ("rooms_pk", True, "DEFERRED")
    assert [(u.name, u.deferrable, u.initially) for u in rooms.unique_constraints] == \
        [("rooms_code_key", True, "IMMEDIATE"), ("rooms_title_key", True, "DEFERRED")]
    assert schedules.primary_key.deferrable is False and schedules.primary_key.initially is None
    opclasses = {ix.name: [e.opclass for e in ix.elements] for ix in rooms.indexes}
    assert opclasses == {"ix_rooms_code_pattern": ["varchar_pattern_ops"], "ix_rooms_title": [None],
                         "ix_rooms_tags": [None], "ix_rooms_lower_title": ["text_pattern_ops", None],
                         "ix_rooms_doc": ["tsvector_ops(siglen=100)"]}
    excludes = {x.name: x for x in schedules.exclude_constraints}
    assert sorted(excludes) == ["schedules_net_excl", "schedules_no_overlap", "schedules_tsrange_excl"]
    overlap = excludes["schedules_no_overlap"]
    assert (overlap.method, overlap.where, overlap.deferrable, overlap.initially) == \
        ("gist", "not cancelled", True, "DEFERRED")
    assert [(e.column, e.operator) for e in overlap.elements] == [("during", "&&")]
    [span] = excludes["schedules_tsrange_excl"].elements
    assert (span.expression, span.operator, span.opclass) == ("tsrange(starts, ends)", "&&", None)
    [net] = excludes["schedules_net_excl"].elements
    assert (net.column, net.opclass) == ("net", "inet_ops")
    # the index behind an EXCLUDE is the constraint's, not an index of its own
    assert not {ix.name for ix in schedules.indexes} & set(excludes)


SQL = [
    "CREATE TABLE slots (id integer NOT NULL, code varchar(20), during tsrange, net inet, doc tsvector, "
    "CONSTRAINT slots_pkey PRIMARY KEY (id) INITIALLY DEFERRED, "
    "CONSTRAINT slots_code_key UNIQUE (code) DEFERRABLE INITIALLY IMMEDIATE, "
    "CONSTRAINT slots_busy EXCLUDE USING GIST (during WITH &&, net inet_ops WITH &&) WHERE (code IS NOT NULL))",
    "CREATE INDEX ix_slots_code ON slots USING btree (code VARCHAR_PATTERN_OPS DESC, id int4_ops)",
    "CREATE INDEX ix_slots_doc ON slots USING gist (doc tsvector_ops (SIGLEN='24'))",
]


def models() -> sa.MetaData:
    md = sa.MetaData()
    sa.Table("slots", md, sa.Column("id", sa.Integer, autoincrement=False), sa.Column("code", sa.String(20)),
             sa.Column("during", pg.TSRANGE), sa.Column("net", pg.INET), sa.Column("doc", pg.TSVECTOR),
             sa.PrimaryKeyConstraint("id", deferrable=True, initially="DEFERRED"),
             sa.UniqueConstraint("code", deferrable=True),
             pg.ExcludeConstraint(("during", "&&"), ("net", "&&"), name="slots_busy", ops={"net": "inet_ops"},
                                  where="code IS NOT NULL"),
             sa.Index("ix_slots_code", sa.text("code varchar_pattern_ops DESC"), "id",
                      postgresql_ops={"id": "INT4_OPS"}),
             sa.Index("ix_slots_doc", sa.text("doc tsvector_ops(siglen=24)"), postgresql_using="gist"))
    return md


def test_sql_written_by_hand_is_no_drift_from_models_that_mean_it(pg_url):
    engine = sa.create_engine(pg_url, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        for statement in SQL:
            conn.exec_driver_sql(statement)
    engine.dispose()
    reflected, dialect = _reflect(pg_url)
    declared = declare(models(), dialect)
    assert_same_snapshot(reflected, declared)
    plan = diff(reflected, declared)
    assert plan.empty, [(op.op, op.model_dump()) for op in plan.operations]


def test_unnamed_excludes_are_named_as_postgresql_names_them(pg_url):
    """`<table>_<key names>_excl`: a key is named by its column, the function it calls, or
    `expr`; a name repeated within one constraint is numbered."""
    md = sa.MetaData()
    sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("a", sa.DateTime),
             sa.Column("b", sa.DateTime), sa.Column("n", sa.Integer), sa.Column("r", pg.INT4RANGE),
             pg.ExcludeConstraint((sa.func.tsrange(sa.column("a"), sa.column("b")), "&&"),
                                  (sa.func.tsrange(sa.column("b"), sa.column("a")), "&&")),
             pg.ExcludeConstraint((sa.text("int4range(n, n + 1)"), "&&"), ("r", "&&")),
             pg.ExcludeConstraint((sa.text("(r * int4range(1, 5))"), "&&")),
             pg.ExcludeConstraint(("r", "&&"), ("r", "&&")))
    create_all(pg_url, md)
    reflected, dialect = _reflect(pg_url)
    assert [x.name for x in reflected.table("t").exclude_constraints] == \
        ["t_expr_excl", "t_int4range_r_excl", "t_r_r1_excl", "t_tsrange_tsrange1_excl"]
    assert_same_snapshot(reflected, declare(md, dialect))
