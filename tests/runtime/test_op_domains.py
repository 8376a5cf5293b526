"""The `op` domain calls (issue 10) on a real PostgreSQL: after each sequence the
executor's snapshot equals what the database reflects to; SQLite says it has none."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg

from still import op
from still.errors import StillError
from tests.runtime.test_op_api import run_ops


def test_create_alter_drop_domains(pg_url):
    def create():
        op.create_schema("people")
        op.create_domain("score", sa.Integer(), check="VALUE > 0", default="1")
        op.create_domain("email", sa.String(120), not_null=True, default="nobody@example.org",
                         checks={"email_has_at": "VALUE LIKE '%@%'", "email_short": "length(VALUE) < 100"},
                         collation="C", schema="people")
        op.create_domain("stamp", sa.DateTime(timezone=True), default=sa.text("now()"))
        op.create_table("person", sa.Column("id", sa.Integer, primary_key=True),
                        sa.Column("points", pg.DOMAIN("score", sa.Integer(), create_type=False)),
                        sa.Column("email", pg.DOMAIN("email", sa.String(120), schema="people",
                                                     create_type=False)))
        op.add_column("person", sa.Column("at", pg.DOMAIN("stamp", sa.DateTime(timezone=True),
                                                          create_type=False), server_default=sa.text("now()")))

    snap = run_ops(pg_url, create)
    email = snap.schemas["people"].domains["email"]
    assert email.not_null and email.collation == "C"
    assert [c.name for c in email.checks] == ["email_has_at", "email_short"]
    assert snap.schemas["public"].domains["score"].checks[0].name == "score_check"
    assert snap.table("person").column("points").type == "score"

    def alter():
        op.alter_domain("score", default=None, not_null=True, checks={"score_check": "VALUE >= 0"})
        op.alter_domain("email", checks={"email_has_at": "VALUE LIKE '%@%.%'"}, schema="people")
        op.drop_column("person", "at")
        op.drop_domain("stamp")

    snap = run_ops(pg_url, alter)
    score = snap.schemas["public"].domains["score"]
    assert score.default is None and score.not_null
    assert [c.expression for c in score.checks] == ["value >= 0"]
    assert [c.name for c in snap.schemas["people"].domains["email"].checks] == ["email_has_at"]
    assert "stamp" not in snap.schemas["public"].domains


def test_a_domain_column_brings_its_domain_unless_create_type_false(pg_url):
    """As create_table does in SQLAlchemy (and so in Alembic revisions)."""
    def body():
        op.create_table("t", sa.Column("id", sa.Integer, primary_key=True),
                        sa.Column("a", pg.DOMAIN("pos", sa.Integer, check="VALUE > 0", not_null=True)))
        op.add_column("t", sa.Column("b", pg.DOMAIN("tag", sa.String(8), default="none")))
        op.add_column("t", sa.Column("c", pg.DOMAIN("pos", sa.Integer, create_type=False)))

    domains = run_ops(pg_url, body).schemas["public"].domains
    assert sorted(domains) == ["pos", "tag"]
    assert domains["pos"].not_null and domains["pos"].checks[0].expression == "value > 0"
    assert domains["tag"].default == "'none'"

    with pytest.raises(StillError, match='type "nowhere" does not exist'):
        run_ops(pg_url, lambda: op.add_column("t", sa.Column("d", pg.DOMAIN("nowhere", sa.Integer,
                                                                             create_type=False))))


def test_missing_domain_is_named(pg_url):
    with pytest.raises(StillError, match="domain 'nope' does not exist"):
        run_ops(pg_url, lambda: op.drop_domain("nope"))


def test_sqlite_has_no_domains(sqlite_url):
    with pytest.raises(StillError, match="sqlite has no domains"):
        run_ops(sqlite_url, lambda: op.create_domain("score", sa.Integer()))
