"""Scenario tests: one per operation kind and detected change, on real databases.

Each scenario builds a database from models A, diffs it against models B, asserts the
exact operations and finding codes, executes the plan and checks the database now
reflects to B; then runs the reversed plan and checks it is back at A.
"""

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import mysql
from sqlalchemy.dialects import postgresql as pg

from still.compare import declared_renames
from still.db import migration_engine
from still.declare import declare
from still.diff import diff
from still.reflect import reflect
from tests.helpers import assert_plan_round_trip, create_all

BOTH = ("sqlite", "postgresql")
ALL = ("sqlite", "postgresql", "mysql")
PG = ("postgresql",)
COMMENTS = ("postgresql", "mysql")
MY = ("mysql",)


def users(*extra, name="users", **kw):
    md = kw.pop("metadata", None) or sa.MetaData()
    sa.Table(name, md, sa.Column("id", sa.Integer, primary_key=True), *extra, **kw)
    return md


def two(extra_a=(), extra_b=()):
    md = sa.MetaData()
    sa.Table("orgs", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("code", sa.String(10)))
    sa.Table("users", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("org_id", sa.Integer),
             sa.Column("email", sa.String(50)), *extra_b)
    return md


def with_enum(values):
    md = sa.MetaData()
    sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("s", pg.ENUM(*values, name="mood", metadata=md)))
    return md


def with_moods(values, default="a"):
    """What enum replacement must carry along (issue 10): a type whose name needs quotes,
    a column of it with a default, an array of it, a partial index and a CHECK on it."""
    md = sa.MetaData()
    mood = pg.ENUM(*values, name="MoodType", metadata=md)
    sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("s", mood, server_default=default),
             sa.Column("many", pg.ARRAY(mood), server_default="{" + default + "}"),
             sa.Index("ix_t_s_live", "s", postgresql_where=sa.text("s <> 'b'")),
             sa.CheckConstraint("s <> 'z'", name="ck_t_s"))
    return md


def with_domain(column=True, type_=sa.Integer, name="score", schema=None, arrays=True, **kw):
    """A table t, a domain (issue 10: domains are domains, not enums) and maybe a column of
    it and one of an array of it."""
    md = sa.MetaData()
    domain = pg.DOMAIN(name, type_, metadata=md, schema=schema, **kw)
    extra = [sa.Column("x", domain)] if column else []
    extra += [sa.Column("xs", pg.ARRAY(domain))] if column and arrays else []
    sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True), *extra)
    return md


def domain_over_enum():
    md = sa.MetaData()
    mood = pg.ENUM("calm", "busy", name="mood", schema="other", metadata=md)
    calm = pg.DOMAIN("calm_mood", mood, default="calm", check="VALUE <> 'busy'", schema="other",
                     metadata=md)
    inner = pg.DOMAIN("inner_pos", sa.Integer, check="VALUE > 0", metadata=md)
    pg.DOMAIN("outer_small", inner, check="VALUE < 10", metadata=md)
    sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("m", calm), schema="other")
    return md


SCENARIOS = {
    "create_table": (sa.MetaData, lambda: users(), ["create_table"], [], ALL),
    "drop_table": (lambda: users(), sa.MetaData, ["drop_table"], ["drop-table"], ALL),
    "add_column": (lambda: users(), lambda: users(sa.Column("x", sa.Integer)), ["add_column"], [], ALL),
    "add_column_not_null_no_default": (
        lambda: users(), lambda: users(sa.Column("x", sa.Integer, nullable=False)),
        ["add_column"], ["not-null-needs-backfill"], ALL),
    "drop_column": (lambda: users(sa.Column("x", sa.Integer)), lambda: users(), ["drop_column"],
                    ["drop-column"], ALL),
    "alter_type_widening": (lambda: users(sa.Column("x", sa.String(10))), lambda: users(sa.Column("x", sa.String(20))),
                            ["alter_column"], [], ALL),
    "alter_type_narrowing": (lambda: users(sa.Column("x", sa.String(20))), lambda: users(sa.Column("x", sa.String(5))),
                             ["alter_column"], ["type-narrowing"], ALL),
    "alter_type_unknown": (lambda: users(sa.Column("x", sa.Date)), lambda: users(sa.Column("x", sa.Integer)),
                           ["alter_column"], ["type-change"], ALL),
    "alter_nullable_to_not_null": (lambda: users(sa.Column("x", sa.Integer)),
                                   lambda: users(sa.Column("x", sa.Integer, nullable=False)),
                                   ["alter_column"], ["not-null-needs-backfill"], ALL),
    "alter_nullable_with_default": (lambda: users(sa.Column("x", sa.Integer)),
                                    lambda: users(sa.Column("x", sa.Integer, nullable=False, server_default="0")),
                                    ["alter_column"], ["not-null-needs-backfill"], ALL),
    "alter_default": (lambda: users(sa.Column("x", sa.Integer, server_default="1")),
                      lambda: users(sa.Column("x", sa.Integer, server_default="2")), ["alter_column"], [], ALL),
    "alter_comment": (lambda: users(sa.Column("x", sa.Integer)),
                      lambda: users(sa.Column("x", sa.Integer, comment="hi")), ["alter_column"], [], COMMENTS),
    "alter_identity": (lambda: users(sa.Column("x", sa.Integer, nullable=False)),
                       lambda: users(sa.Column("x", sa.Integer, sa.Identity(), nullable=False)),
                       ["alter_column"], [], PG),
    "alter_computed": (lambda: users(sa.Column("a", sa.Integer), sa.Column("b", sa.Integer, sa.Computed("a + 1"))),
                       lambda: users(sa.Column("a", sa.Integer), sa.Column("b", sa.Integer, sa.Computed("a + 2"))),
                       ["alter_column"], ["computed-changed"], ALL),
    "set_table_comment": (lambda: users(), lambda: users(comment="people"), ["set_table_comment"], [], COMMENTS),
    "create_index": (lambda: users(sa.Column("x", sa.Integer)),
                     lambda: users(sa.Column("x", sa.Integer), sa.Index("ix_x", "x")), ["create_index"], [], ALL),
    "drop_index": (lambda: users(sa.Column("x", sa.Integer), sa.Index("ix_x", "x")),
                   lambda: users(sa.Column("x", sa.Integer)), ["drop_index"], [], ALL),
    # the same definition under a new name: renamed, not built again
    "rename_index": (lambda: users(sa.Column("x", sa.Integer), sa.Index("ix_x", "x")),
                     lambda: users(sa.Column("x", sa.Integer), sa.Index("ix_users_x", "x")), ["rename_index"], [], ALL),
    # ... unless the new name is still taken by another index: drop both, create
    "rename_index_onto_a_taken_name": (
        lambda: users(sa.Column("x", sa.Integer), sa.Column("y", sa.Integer), sa.Index("ix_a", "x"), sa.Index("ix_b", "y")),
        lambda: users(sa.Column("x", sa.Integer), sa.Column("y", sa.Integer), sa.Index("ix_b", "x")),
        ["drop_index", "drop_index", "create_index"], [], ALL),
    "index_becomes_partial_and_desc": (
        lambda: users(sa.Column("x", sa.Integer), sa.Index("ix_x", "x")),
        lambda: users(sa.Column("x", sa.Integer), sa.Index("ix_x", sa.desc("x"), postgresql_where=sa.text("x > 0"),
                                                            sqlite_where=sa.text("x > 0"))),
        ["drop_index", "create_index"], [], ALL),
    "expression_index": (lambda: users(sa.Column("e", sa.String(20))),
                         lambda: users(sa.Column("e", sa.String(20)), sa.Index("ix_e", sa.func.lower(sa.text("e")))),
                         ["create_index"], [], BOTH),
    "include_index": (lambda: users(sa.Column("a", sa.Integer), sa.Column("b", sa.Integer)),
                      lambda: users(sa.Column("a", sa.Integer), sa.Column("b", sa.Integer),
                                    sa.Index("ix_a", "a", postgresql_include=["b"])), ["create_index"], [], PG),
    "add_unique": (lambda: users(sa.Column("x", sa.Integer)),
                   lambda: users(sa.Column("x", sa.Integer), sa.UniqueConstraint("x", name="uq_x")),
                   ["add_constraint"], [], ALL),
    "drop_unique": (lambda: users(sa.Column("x", sa.Integer), sa.UniqueConstraint("x", name="uq_x")),
                    lambda: users(sa.Column("x", sa.Integer)), ["drop_constraint"], [], ALL),
    "add_check": (lambda: users(sa.Column("x", sa.Integer)),
                  lambda: users(sa.Column("x", sa.Integer), sa.CheckConstraint("x > 0", name="ck_x")),
                  ["add_constraint"], [], ALL),
    "change_check": (lambda: users(sa.Column("x", sa.Integer), sa.CheckConstraint("x > 0", name="ck_x")),
                     lambda: users(sa.Column("x", sa.Integer), sa.CheckConstraint("x >= 0", name="ck_x")),
                     ["drop_constraint", "add_constraint"], [], ALL),
    "add_foreign_key": (lambda: two(), lambda: two(extra_b=[sa.ForeignKeyConstraint(["org_id"], ["orgs.id"], name="fk_org")]),
                        ["add_constraint"], [], ALL),
    "add_self_foreign_key": (
        lambda: users(sa.Column("parent_id", sa.Integer)),
        lambda: users(sa.Column("parent_id", sa.Integer),
                      sa.ForeignKeyConstraint(["parent_id"], ["users.id"], name="fk_parent")),
        ["add_constraint"], [], ALL),
    "foreign_key_options": (
        lambda: two(extra_b=[sa.ForeignKeyConstraint(["org_id"], ["orgs.id"], name="fk_org")]),
        lambda: two(extra_b=[sa.ForeignKeyConstraint(["org_id"], ["orgs.id"], name="fk_org", ondelete="CASCADE")]),
        ["drop_constraint", "add_constraint"], [], ALL),
    "change_primary_key": (
        lambda: _keyed("a"), lambda: _keyed("b"), ["drop_constraint", "add_constraint"], [], ALL),
    # explicit key names: PostgreSQL keeps `users_pkey` through a rename (see the note in diff)
    "rename_table_declared": (lambda: users(sa.Column("x", sa.Integer), sa.PrimaryKeyConstraint("id", name="pk_u")),
                              lambda: users(sa.Column("x", sa.Integer), sa.PrimaryKeyConstraint("id", name="pk_u"),
                                            name="people", info={"still": {"renamed_from": "users"}}),
                              ["rename_table"], [], ALL),
    "rename_table_guess": (lambda: users(sa.Column("x", sa.Integer)), lambda: users(sa.Column("x", sa.Integer), name="people"),
                           ["create_table", "drop_table"], ["drop-table", "possible-table-rename"], ALL),
    "rename_column_declared": (lambda: users(sa.Column("x", sa.Integer)),
                               lambda: users(sa.Column("y", sa.Integer, info={"still": {"renamed_from": "x"}})),
                               ["rename_column"], [], ALL),
    # the database rewrites the expressions that use a renamed column itself
    "rename_column_used_by_expressions": (
        lambda: users(sa.Column("qty", sa.Integer), sa.Column("Name", sa.String(20)),
                      sa.CheckConstraint("qty >= 0", name="ck_qty"),
                      sa.Index("ix_lower_name", sa.func.lower(sa.column("Name"))),
                      sa.Index("ix_positive", "id", sqlite_where=sa.text("qty > 0"),
                               postgresql_where=sa.text("qty > 0"))),
        lambda: users(sa.Column("amount", sa.Integer, info={"still": {"renamed_from": "qty"}}),
                      sa.Column("label", sa.String(20), info={"still": {"renamed_from": "Name"}}),
                      sa.CheckConstraint("amount >= 0", name="ck_qty"),
                      sa.Index("ix_lower_name", sa.func.lower(sa.column("label"))),
                      sa.Index("ix_positive", "id", sqlite_where=sa.text("amount > 0"),
                               postgresql_where=sa.text("amount > 0"))),
        ["rename_column", "rename_column"], [], BOTH),
    "rename_column_guess": (lambda: users(sa.Column("x", sa.Integer)), lambda: users(sa.Column("y", sa.Integer)),
                            ["add_column", "drop_column"], ["drop-column", "possible-column-rename"], ALL),
    "create_enum": (lambda: users(), lambda: with_enum(["a", "b"]), ["create_enum", "create_table", "drop_table"],
                    ["drop-table"], PG),
    "add_enum_value": (lambda: with_enum(["a", "c"]), lambda: with_enum(["a", "b", "c"]), ["add_enum_value"], [], PG),
    "remove_enum_value": (lambda: with_enum(["a", "b"]), lambda: with_enum(["a"]), ["replace_enum"],
                          ["enum-value-removed"], PG),
    "replace_enum_with_dependents": (lambda: with_moods(["a", "b", "z", "x"]), lambda: with_moods(["b", "a", "z"]),
                                     ["replace_enum"], ["enum-value-removed"], PG),
    # a new value that the same migration uses as a default cannot come from ADD VALUE
    "new_enum_value_used_at_once": (lambda: with_moods(["a", "b", "z"]),
                                    lambda: with_moods(["a", "b", "z", "new"], default="new"),
                                    ["replace_enum", "alter_column", "alter_column"], ["enum-recreated"], PG),
    "reorder_enum": (lambda: with_enum(["a", "b"]), lambda: with_enum(["b", "a"]), ["replace_enum"],
                     ["enum-values-reordered"], PG),
    "create_sequence": (lambda: users(), lambda: users(metadata=_seq_md()), ["create_sequence"], [], PG),
    "alter_sequence_increment": (lambda: users(metadata=_seq_md()), lambda: users(metadata=_seq_md(increment=5)),
                                 ["alter_sequence"], [], PG),
    "alter_sequence_descending": (lambda: users(metadata=_seq_md()),
                                  lambda: users(metadata=_seq_md(start=-1, increment=-1, cache=3, cycle=True)),
                                  ["alter_sequence"], [], PG),
    "alter_sequence_bounds": (lambda: users(metadata=_seq_md()),
                              lambda: users(metadata=_seq_md(minvalue=5, maxvalue=500)), ["alter_sequence"], [], PG),
    "create_schema": (lambda: users(), lambda: users(metadata=_schema_md()), ["create_schema", "create_table"], [], PG),
    # MySQL: a column is redefined whole (MODIFY COLUMN), whatever changes
    "mysql_enum_value_added": (lambda: users(sa.Column("s", mysql.ENUM("a", "b"), server_default="b")),
                               lambda: users(sa.Column("s", mysql.ENUM("a", "b", "c"), server_default="b")),
                               ["alter_column"], [], MY),
    "mysql_enum_value_removed": (lambda: users(sa.Column("s", mysql.ENUM("a", "b", "c"))),
                                 lambda: users(sa.Column("s", mysql.ENUM("a", "c"))),
                                 ["alter_column"], ["type-narrowing"], MY),
    "mysql_unsigned_and_on_update": (
        lambda: users(sa.Column("n", sa.Integer, comment="count"), sa.Column("at", mysql.TIMESTAMP, nullable=False,
                                                                             server_default=sa.func.now())),
        lambda: users(sa.Column("n", mysql.INTEGER(unsigned=True), comment="count"),
                      sa.Column("at", mysql.TIMESTAMP, nullable=False,
                                server_default=sa.text("CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP"))),
        ["alter_column", "alter_column"], ["type-narrowing"], MY),
    "mysql_int_to_uuid_and_a_renamed_json_column": (
        lambda: users(sa.Column("n", sa.BigInteger), sa.Column("doc", sa.JSON)),
        lambda: users(sa.Column("n", sa.Uuid), sa.Column("body", sa.JSON, info={"still": {"renamed_from": "doc"}})),
        ["rename_column", "alter_column"], ["type-change"], MY),
    "mysql_collation": (lambda: users(sa.Column("s", sa.String(10))),
                        lambda: users(sa.Column("s", sa.String(10, collation="utf8mb4_bin"))),
                        ["alter_column"], [], MY),
    "mysql_prefix_and_fulltext_indexes": (
        lambda: users(sa.Column("s", sa.String(40)), sa.Column("body", sa.Text)),
        lambda: users(sa.Column("s", sa.String(40)), sa.Column("body", sa.Text),
                      sa.Index("ix_s", "s", mysql_length=8), sa.Index("ix_body", "body", mysql_prefix="FULLTEXT")),
        ["create_index", "create_index"], [], MY),
    # on MySQL the index the server made for the key, named after it, is renamed with it
    "rename_foreign_key": (
        lambda: two(extra_b=[sa.ForeignKeyConstraint(["org_id"], ["orgs.id"], name="fk_org")]),
        lambda: two(extra_b=[sa.ForeignKeyConstraint(["org_id"], ["orgs.id"], name="fk_users_org")]),
        ["rename_constraint"], [], ALL),
    "mysql_drop_foreign_key_and_its_index": (
        lambda: two(extra_b=[sa.ForeignKeyConstraint(["org_id"], ["orgs.id"], name="fk_org")]), lambda: two(),
        ["drop_constraint", "drop_index"], [], MY),
    # the index that served the key goes: the key needs another before it can go
    "mysql_drop_the_index_a_foreign_key_uses": (
        lambda: two(extra_b=[sa.ForeignKeyConstraint(["org_id"], ["orgs.id"], name="fk_org"),
                             sa.Index("ix_org_email", "org_id", "email")]),
        lambda: two(extra_b=[sa.ForeignKeyConstraint(["org_id"], ["orgs.id"], name="fk_org")]),
        ["create_index", "drop_index"], [], MY),  # the key that takes over first (keys_first)
    # table options: the engine, and a new default collation converting the text columns
    # (the one with a collation of its own keeps it)
    "mysql_table_engine": (lambda: users(sa.Column("s", sa.String(10))),
                           lambda: users(sa.Column("s", sa.String(10)), mysql_engine="MyISAM"),
                           ["set_table_options"], ["table-rebuilt"], MY),
    "mysql_table_charset": (  # TEXT would become MEDIUMTEXT on the way back to utf8mb4
        lambda: users(sa.Column("s", sa.String(10)), sa.Column("b", sa.String(10, collation="utf8mb4_bin")),
                      sa.Column("t", sa.Text), sa.Column("doc", sa.JSON)),
        lambda: users(sa.Column("s", sa.String(10)), sa.Column("b", sa.String(10, collation="utf8mb4_bin")),
                      sa.Column("t", sa.Text), sa.Column("doc", sa.JSON), mysql_charset="latin1"),
        ["set_table_options"], ["table-rebuilt"], MY),
    "mysql_table_options_back_to_the_defaults": (
        lambda: users(sa.Column("s", sa.String(10)), sa.Column("b", sa.String(10, collation="latin1_bin")),
                      mysql_engine="Aria", mysql_collate="utf8mb3_unicode_ci"),
        lambda: users(sa.Column("s", sa.String(10)), sa.Column("b", sa.String(10, collation="latin1_bin"))),
        ["set_table_options"], ["table-rebuilt"], MY),
    "mysql_table_collation_and_a_column_that_follows_it": (
        lambda: users(sa.Column("s", sa.String(10, collation="latin1_swedish_ci"))),
        lambda: users(sa.Column("s", sa.String(10)), mysql_charset="latin1"),
        ["set_table_options", "alter_column"], ["table-rebuilt"], MY),
    # MLflow's trace_tags: the new primary key takes over the index the foreign key used; it
    # can only be added once the old key is gone (a table has one), so the old goes first
    "mysql_primary_key_takes_over_a_foreign_key_index": (
        lambda: _tagged(("key", "request_id"), index=True), lambda: _tagged(("request_id", "key")),
        ["drop_constraint", "add_constraint", "drop_index"], [], MY),
    "mysql_unique_index_is_a_unique_key": (
        lambda: users(sa.Column("x", sa.Integer)),
        lambda: users(sa.Column("x", sa.Integer), sa.Index("ix_x", "x", unique=True)), ["add_constraint"], [], MY),
    "create_domain_and_columns": (lambda: users(name="t"),
                                  lambda: with_domain(check="VALUE > 0", default="1", not_null=True),
                                  ["create_domain", "add_column", "add_column"], [], PG),
    "drop_domain_and_columns": (lambda: with_domain(check="VALUE > 0", collation=None),
                                lambda: users(name="t"),
                                ["drop_column", "drop_column", "drop_domain"], ["drop-column", "drop-column"], PG),
    "alter_domain_default_and_not_null": (lambda: with_domain(arrays=False, default="1"),
                                          lambda: with_domain(arrays=False, default=sa.text("2"), not_null=True),
                                          ["alter_domain"], [], PG),
    "alter_domain_drop_default": (lambda: with_domain(arrays=False, default="1", not_null=True),
                                  lambda: with_domain(arrays=False),
                                  ["alter_domain"], [], PG),
    "alter_domain_check": (lambda: with_domain(arrays=False, check="VALUE > 0"),
                           lambda: with_domain(arrays=False, check="VALUE >= 0"),
                           ["alter_domain"], [], PG),
    "alter_domain_check_name": (lambda: with_domain(arrays=False, check="VALUE > 0"),
                                lambda: with_domain(arrays=False, check="VALUE > 0", constraint_name="score_positive"),
                                ["alter_domain"], [], PG),
    "domain_base_type_of_unused_domain": (lambda: with_domain(column=False, type_=sa.String(10)),
                                          lambda: with_domain(column=False, type_=sa.String(20)),
                                          ["drop_domain", "create_domain"], ["domain-type-changed"], PG),
    "domain_collation_of_unused_domain": (lambda: with_domain(column=False, type_=sa.Text),
                                          lambda: with_domain(column=False, type_=sa.Text, collation="C"),
                                          ["drop_domain", "create_domain"], ["domain-type-changed"], PG),
    "column_to_domain": (lambda: users(sa.Column("x", sa.Integer), name="t"), lambda: with_domain(),
                         ["create_domain", "add_column", "alter_column"], ["type-change"], PG),
    "domains_over_enum_and_domain": (lambda: users(), domain_over_enum,
                                     ["create_schema", "create_enum", "create_domain", "create_domain",
                                      "create_domain", "create_table", "drop_table"], ["drop-table"], PG),
}


# MySQL gives a foreign key an index of its own when no other key serves it: the models
# declare it with the key (declare/mysql.py), so it is created first, under the key's name
MYSQL_OPS = {"add_foreign_key": ["create_index", "add_constraint"],
             "add_self_foreign_key": ["create_index", "add_constraint"]}
# PostgreSQL: the SERIAL key's sequence keeps the old table's name, and create_all's has the new one
POSTGRESQL_OPS = {"rename_table_declared": ["rename_table", "rename_sequence"]}


def _renamed_users():
    md = sa.MetaData()
    sa.Table("orgs", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("code", sa.String(10)))
    sa.Table("people", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("org_id", sa.Integer),
             sa.Column("email", sa.String(50)), sa.UniqueConstraint("email"),
             sa.ForeignKeyConstraint(["org_id"], ["orgs.id"]), info={"still": {"renamed_from": "users"}})
    return md


def _tagged(pk: tuple, index: bool = False):
    md = sa.MetaData()
    sa.Table("traces", md, sa.Column("id", sa.String(50), primary_key=True))
    sa.Table("tags", md, sa.Column("key", sa.String(50)), sa.Column("request_id", sa.String(50)),
             sa.PrimaryKeyConstraint(*pk), sa.ForeignKeyConstraint(["request_id"], ["traces.id"], name="fk_trace"),
             *([sa.Index("ix_tags_request_id", "request_id")] if index else []))
    return md


def _keyed(pk: str):
    md = sa.MetaData()
    # BIGINT: on SQLite an INTEGER primary key would be the rowid alias, another change
    sa.Table("k", md, sa.Column("a", sa.BigInteger, nullable=False, autoincrement=False),
             sa.Column("b", sa.BigInteger, nullable=False, autoincrement=False), sa.PrimaryKeyConstraint(pk))
    return md


def _seq_md(**options):
    md = sa.MetaData()
    sa.Sequence("counter", **{"start": 5, **options}, metadata=md)
    return md


def _schema_md():
    md = sa.MetaData()
    sa.Table("audit", md, sa.Column("id", sa.Integer, primary_key=True), schema="other")
    return md


CASES = [pytest.param(name, d, id=f"{name}-{d}") for name, spec in SCENARIOS.items() for d in spec[4]]


@pytest.mark.parametrize(("name", "dialect"), CASES)
def test_scenario(name, dialect, db_url):
    make_a, make_b, expected_ops, expected_findings, _ = SCENARIOS[name]
    if dialect in ("mysql", "postgresql"):
        expected_ops = (MYSQL_OPS if dialect == "mysql" else POSTGRESQL_OPS).get(name, expected_ops)
    model_a, model_b = make_a(), make_b()
    create_all(db_url, model_a)
    engine = migration_engine(db_url)
    try:
        with engine.connect() as conn:
            a = reflect(conn)
        b = declare(model_b, engine.dialect)
        plan = diff(a, b, declared_renames(model_b, b.default_schema))
        assert [op.op for op in plan.operations] == expected_ops
        assert sorted(f.code.value for f in plan.findings) == sorted(expected_findings)
        assert_plan_round_trip(engine, plan, a, b)
    finally:
        engine.dispose()


@pytest.mark.parametrize(("module", "dialect"), [(m, d) for m in ("app", "types", "postgres", "mysql", "domains", "pg_keys")
                                                 for d in __import__(f"fixtures.models.{m}", fromlist=["x"]).DIALECTS])
def test_no_drift_after_create_all(module, dialect, db_url):
    from tests.helpers import fixture_module

    metadata = fixture_module(module).metadata
    create_all(db_url, metadata)
    engine = sa.create_engine(db_url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        plan = diff(reflect(conn), declare(metadata, conn.dialect))
    engine.dispose()
    assert plan.empty, [op.op for op in plan.operations]


@pytest.mark.parametrize(("old", "new"), [(sa.Integer, sa.BigInteger), (sa.BigInteger, sa.Integer),
                                          (sa.SmallInteger, sa.BigInteger)])
def test_serial_key_changing_type_keeps_its_sequence(pg_url, old, new):
    def model(type_):
        md = sa.MetaData()
        sa.Table("Events", md, sa.Column("id", type_, primary_key=True), sa.Column("x", sa.Integer))
        return md

    create_all(pg_url, model(old))
    engine = migration_engine(pg_url)
    try:
        with engine.connect() as conn:
            a = reflect(conn)
        b = declare(model(new), engine.dialect)
        plan = diff(a, b)
        assert [op.op for op in plan.operations] == ["alter_column"]
        assert_plan_round_trip(engine, plan, a, b)
        from still.ops.ddl import execute_plan

        with engine.begin() as conn:
            execute_plan(plan, a, conn)
            # still fed by its sequence, which now has the column's type
            ids = [conn.execute(sa.text('INSERT INTO "Events" (x) VALUES (1) RETURNING id')).scalar()
                   for _ in range(2)]
            seq_type = conn.execute(sa.text(
                "SELECT data_type::text FROM pg_sequences WHERE sequencename = 'Events_id_seq'")).scalar()
        assert ids == [1, 2]
        assert seq_type == b.schemas["public"].tables["Events"].column("id").type
    finally:
        engine.dispose()


def test_altered_sequence_keeps_its_current_value(pg_url):
    create_all(pg_url, users(metadata=_seq_md()))
    engine = migration_engine(pg_url)
    try:
        with engine.begin() as conn:
            assert [conn.exec_driver_sql("SELECT nextval('counter')").scalar() for _ in range(2)] == [5, 6]
            a = reflect(conn)
        plan = diff(a, declare(users(metadata=_seq_md(increment=10)), engine.dialect))
        from still.ops.ddl import execute_plan

        with engine.begin() as conn:
            execute_plan(plan, a, conn)
            assert conn.exec_driver_sql("SELECT nextval('counter')").scalar() == 16
    finally:
        engine.dispose()


def test_unnamed_constraints_keep_any_name(pg_url):
    """Constraints the models leave unnamed may have any name: after a table rename
    PostgreSQL keeps the names it gave them under the old table's name, and a history may
    have named them itself; neither is drift, and nothing is renamed."""
    create_all(pg_url, two(extra_b=[sa.UniqueConstraint("email"), sa.ForeignKeyConstraint(["org_id"], ["orgs.id"])]))
    engine = migration_engine(pg_url)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("ALTER TABLE users RENAME CONSTRAINT users_email_key TO uq_from_history")
            a = reflect(conn)
        model_b = _renamed_users()
        from still.declare.base import invented_names

        with invented_names() as invented:
            b = declare(model_b, engine.dialect)
        assert ("public", "people", "people_email_key") in invented
        plan = diff(a, b, declared_renames(model_b, b.default_schema), frozenset(invented))
        # (the SERIAL key's sequence, named after the table, is not a constraint: renamed)
        assert [op.op for op in plan.operations] == ["rename_table", "rename_sequence"]
        # without knowing which names the models left to the database, they are renamed
        assert [op.op for op in diff(a, b, declared_renames(model_b, b.default_schema)).operations] == \
            ["rename_table", "rename_sequence", "rename_constraint", "rename_constraint", "rename_constraint"]
        from still.ops.ddl import execute_plan

        with engine.begin() as conn:
            execute_plan(plan, a, conn)
        with engine.connect() as conn:
            reached = reflect(conn)
        people = reached.table("people", "public")
        assert {u.name for u in people.unique_constraints} == {"uq_from_history"}
        assert {fk.name for fk in people.foreign_keys} == {"users_org_id_fkey"}
        assert diff(reached, b, loose=frozenset(invented)).empty
    finally:
        engine.dispose()


def test_domain_base_type_change_in_use_is_refused(pg_url):
    """ALTER DOMAIN cannot change a base type; with columns of the domain, still plans
    nothing for it and says so (a danger finding naming the columns), never a guess."""
    create_all(pg_url, with_domain(type_=sa.String(10)))
    engine = migration_engine(pg_url)
    try:
        with engine.connect() as conn:
            a = reflect(conn)
        b = declare(with_domain(type_=sa.String(20)), engine.dialect)
    finally:
        engine.dispose()
    plan = diff(a, b)
    assert [op.op for op in plan.operations] == []
    [finding] = plan.findings
    assert finding.code.value == "domain-type-changed" and finding.severity == "danger"
    assert "public.t.x" in finding.message and "public.t.xs" in finding.message
    assert "by hand" in finding.message


def test_domain_check_is_not_added_over_arrays_of_it(pg_url):
    """PostgreSQL refuses ALTER DOMAIN ... ADD CONSTRAINT / SET NOT NULL while a column holds
    an array of the domain: the plan leaves those out with a finding, and runs the rest."""
    create_all(pg_url, with_domain(check="VALUE > 0", default="1"))
    engine = migration_engine(pg_url)
    try:
        with engine.connect() as conn:
            a = reflect(conn)
        b = declare(with_domain(check="VALUE >= 0", not_null=True), engine.dialect)
        plan = diff(a, b)
        assert [op.op for op in plan.operations] == ["alter_domain"]
        assert [f.code.value for f in plan.findings] == ["domain-check-blocked"]
        assert "public.t.xs" in plan.findings[0].message
        from still.ops.ddl import execute_plan
        with engine.begin() as conn:
            execute_plan(plan, a, conn)
        with engine.connect() as conn:
            reached = reflect(conn).schemas["public"].domains["score"]
    finally:
        engine.dispose()
    assert reached.default is None and not reached.not_null
    assert [c.expression for c in reached.checks] == ["value > 0"]
