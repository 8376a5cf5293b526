"""Small model pairs, one per operation kind: name -> (dialect, A, B, replayable).

`replayable` says whether the rendered calls can be replayed through still.op."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg


def users(*extra, name="users", md=None, **kw):
    md = md if md is not None else sa.MetaData()
    sa.Table(name, md, sa.Column("id", sa.Integer, primary_key=True), *extra, **kw)
    return md


def blog(**kw):
    md = sa.MetaData()
    sa.Table("authors", md, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("email", sa.String(120), nullable=False, unique=True))
    sa.Table("posts", md, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("author_id", sa.Integer, sa.ForeignKey("authors.id", ondelete="CASCADE"), nullable=False),
             sa.Column("title", sa.String(200), nullable=False, server_default="untitled"),
             sa.Column("body", sa.Text, comment="markdown"),
             sa.Column("score", sa.Numeric(6, 2), sa.CheckConstraint("score >= 0"), server_default="0"),
             sa.Column("published_at", sa.DateTime),
             sa.Index("ix_posts_author_published", "author_id", sa.desc("published_at")),
             sa.Index("ix_posts_live", "published_at", sqlite_where=sa.text("published_at IS NOT NULL"),
                      postgresql_where=sa.text("published_at IS NOT NULL")),
             comment="blog posts", **kw)
    return md


def projects(status_values=("draft", "active", "archived"), *, with_seq=True, seq_increment=5):
    md = sa.MetaData()
    status = pg.ENUM(*status_values, name="status", metadata=md, schema="work")
    if with_seq:
        sa.Sequence("ticket_seq", start=100, increment=seq_increment, metadata=md, schema="work")
    sa.Table("projects", md,
             sa.Column("id", sa.BigInteger, sa.Identity(always=True, start=10), primary_key=True),
             sa.Column("name", sa.String(80), nullable=False),
             sa.Column("status", status, nullable=False, server_default="draft"),
             sa.Column("tags", pg.ARRAY(sa.Text), nullable=False, server_default=sa.text("'{}'")),
             sa.Column("settings", pg.JSONB),
             sa.Column("lower_name", sa.Text, sa.Computed("lower(name)")),
             sa.Column("spent", sa.Interval),
             sa.Column("at", sa.DateTime(timezone=True), server_default=sa.func.now()),
             sa.UniqueConstraint("name", name="uq_projects_name", postgresql_nulls_not_distinct=True),
             sa.Index("ix_projects_tags", "tags", postgresql_using="gin"),
             sa.Index("ix_projects_name_incl", "name", postgresql_include=["status"]),
             schema="work", comment="work items")
    return md


def with_status(values):
    md = sa.MetaData()
    sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("s", pg.ENUM(*values, name="mood", metadata=md)))
    return md


def with_domains(column=True, arrays=True, **kw):
    """Domains (issue 10): one with a CHECK, one with NOT NULL, a default and a collation in
    another schema, and columns of them (and an array of one)."""
    md = sa.MetaData()
    score = pg.DOMAIN("score", sa.Integer, metadata=md, **{"check": "VALUE > 0", **kw})
    email = pg.DOMAIN("email", sa.String(120), not_null=True, default="nobody@example.org", collation="C",
                      schema="work", metadata=md)
    extra = [sa.Column("points", score), sa.Column("email", email)] if column else []
    extra += [sa.Column("history", pg.ARRAY(score))] if column and arrays else []
    sa.Table("people", md, sa.Column("id", sa.Integer, primary_key=True), *extra)
    return md


def two_tables(fk=False, unique=False, check=False, name_prefix=""):
    md = sa.MetaData()
    sa.Table("orgs", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("code", sa.String(10)))
    extra = []
    if fk:
        extra.append(sa.ForeignKeyConstraint(["org_id"], ["orgs.id"], name="fk_users_org",
                                             ondelete="SET NULL", deferrable=True, initially="DEFERRED"))
    if unique:
        extra.append(sa.UniqueConstraint("email", "org_id", name="uq_users_email_org"))
    if check:
        extra.append(sa.CheckConstraint("length(email) > 3", name="ck_users_email_len"))
    sa.Table("users", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("org_id", sa.Integer),
             sa.Column("email", sa.String(50)), *extra)
    return md


def _pg_keys():
    from fixtures.models import pg_keys

    return pg_keys


def slots(*extra, pk=None):
    """A table for PostgreSQL's keys beyond the plain ones (issue 22)."""
    md = sa.MetaData()
    sa.Table("slots", md, sa.Column("id", sa.Integer, autoincrement=False), sa.Column("code", sa.String(20)),
             sa.Column("during", pg.TSRANGE), sa.Column("net", pg.INET),
             pk if pk is not None else sa.PrimaryKeyConstraint("id", name="slots_pkey"), *extra)
    return md


def col(*args, **kw):
    return lambda: users(sa.Column(*args, **kw))


SCENARIOS = {
    "create_table_sqlite": ("sqlite", lambda: None, blog, True),
    "create_table_postgresql": ("postgresql", lambda: None, blog, True),
    "create_table_pg_features": ("postgresql", lambda: None, projects, True),
    "create_table_pg_keys": ("postgresql", lambda: None, lambda: _pg_keys().metadata, True),
    "add_pg_keys": ("postgresql", lambda: slots(), lambda: slots(
        pg.ExcludeConstraint((sa.column("during"), "&&"), (sa.column("net"), "&&"), name="slots_busy",
                             ops={"net": "inet_ops"}, where=sa.text("code <> ''"), deferrable=True),
        sa.UniqueConstraint("code", name="slots_code_key", deferrable=True, initially="DEFERRED"),
        sa.Index("ix_slots_code", "code", postgresql_ops={"code": "varchar_pattern_ops"}),
        sa.Index("ix_slots_code_desc", sa.text("lower(code) text_pattern_ops DESC")),
        pk=sa.PrimaryKeyConstraint("id", name="slots_pkey", deferrable=True)), True),
    "drop_table": ("sqlite", blog, lambda: None, True),
    "rename_table": ("postgresql", lambda: users(name="people_old"),
                     lambda: users(name="people", info={"still": {"renamed_from": "people_old"}}), True),
    "possible_table_rename": ("sqlite", lambda: users(sa.Column("a", sa.Integer), name="old"),
                              lambda: users(sa.Column("a", sa.Integer), name="new"), True),
    "set_table_comment": ("postgresql", lambda: users(), lambda: users(comment="people's table"), True),
    "drop_table_comment": ("postgresql", lambda: users(comment="people"), lambda: users(), True),
    "add_column": ("sqlite", lambda: users(), col("nick", sa.String(30), server_default="anon", comment="x"), True),
    "add_column_not_null": ("postgresql", lambda: users(), col("age", sa.SmallInteger, nullable=False), True),
    "drop_column": ("sqlite", col("nick", sa.String(30)), lambda: users(), True),
    "alter_type_narrowing": ("postgresql", col("x", sa.String(20)), col("x", sa.String(5)), True),
    "alter_type_change": ("sqlite", col("x", sa.Date), col("x", sa.Integer), True),
    "alter_nullable": ("postgresql", col("x", sa.Integer), col("x", sa.Integer, nullable=False), True),
    "alter_default": ("sqlite", col("x", sa.Integer, server_default="1"), col("x", sa.Integer, server_default="2"),
                      True),
    "alter_comment": ("postgresql", col("x", sa.Integer, comment="old"), col("x", sa.Integer, comment="new"), True),
    "rename_column": ("postgresql", col("x", sa.Integer),
                      col("y", sa.Integer, info={"still": {"renamed_from": "x"}}), True),
    "possible_column_rename": ("sqlite", col("x", sa.Integer), col("y", sa.Integer), True),
    "create_index": ("postgresql", lambda: users(sa.Column("x", sa.Integer)),
                     lambda: users(sa.Column("x", sa.Integer), sa.Index("ix_x", sa.desc("x"), unique=True,
                                                                          postgresql_where=sa.text("x > 0"))), True),
    "create_expression_index": ("sqlite", lambda: users(sa.Column("x", sa.String(9))),
                                lambda: users(sa.Column("x", sa.String(9)), sa.Index("ix_lx", sa.func.lower(sa.text("x")))),
                                True),
    "drop_index": ("sqlite", lambda: users(sa.Column("x", sa.Integer), sa.Index("ix_x", "x")),
                   lambda: users(sa.Column("x", sa.Integer)), True),
    "add_foreign_key": ("postgresql", two_tables, lambda: two_tables(fk=True), True),
    "drop_foreign_key": ("postgresql", lambda: two_tables(fk=True), two_tables, True),
    "add_unique": ("postgresql", two_tables, lambda: two_tables(unique=True), True),
    "add_check": ("postgresql", two_tables, lambda: two_tables(check=True), True),
    "rename_index": ("postgresql", lambda: users(sa.Column("x", sa.Integer), sa.Index("ix_x", "x")),
                     lambda: users(sa.Column("x", sa.Integer), sa.Index("ix_users_x", "x")), True),
    "unnamed_sqlite_constraints": ("sqlite", lambda: users(sa.Column("x", sa.Integer)),
                                   lambda: users(sa.Column("x", sa.Integer), sa.UniqueConstraint("x")), True),
    "create_enum_and_sequence": ("postgresql", lambda: None, lambda: projects(with_seq=True), True),
    "alter_sequence": ("postgresql", lambda: projects(with_seq=True), lambda: projects(seq_increment=10), True),
    "add_enum_value": ("postgresql", lambda: with_status(["a", "c"]), lambda: with_status(["a", "b", "c"]), True),
    "replace_enum": ("postgresql", lambda: with_status(["a", "b", "c"]), lambda: with_status(["a", "c"]), True),
    "create_domain": ("postgresql", lambda: None, with_domains, True),
    "add_domain_column": ("postgresql", lambda: with_domains(column=False), with_domains, True),
    "alter_domain": ("postgresql", lambda: with_domains(arrays=False, default="1"),
                     lambda: with_domains(arrays=False, check="VALUE >= 0", not_null=True), True),
}
