"""PostgreSQL reflection and declaration: the cases where what SQLAlchemy sends and what
`pg_catalog` reports differ most, each checked both ways (reflect == declare) and
against the values PostgreSQL is known to report."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg

from still.declare import declare
from still.reflect import reflect
from tests.helpers import assert_same_snapshot

pytestmark = pytest.mark.postgresql


def build(url: str, metadata: sa.MetaData, schemas=(), sql=()):
    """create_all(metadata) in fresh schemas (plus extra SQL); (reflected, declared)."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        for schema in schemas:
            conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        metadata.create_all(conn)
        for statement in sql:
            conn.exec_driver_sql(statement)
    with engine.connect() as conn:
        reflected = reflect(conn)
        declared = declare(metadata, conn.dialect)
    engine.dispose()
    return reflected, declared


def roundtrip(url: str, metadata: sa.MetaData, schemas=()):
    reflected, declared = build(url, metadata, schemas)
    assert_same_snapshot(reflected, declared)
    assert reflected == declared
    return reflected


# -- names -----------------------------------------------------------------------------------
def test_quoted_mixed_case_names(pg_url):
    metadata = sa.MetaData()
    mood = pg.ENUM("Happy", "so-so", "SAD", name="Mood", metadata=metadata)
    accounts = sa.Table(
        "UserAccounts", metadata,
        sa.Column("Id", sa.Integer, primary_key=True),
        sa.Column("EmailAddress", sa.String(100), nullable=False, unique=True),
        sa.Column("select", sa.Integer, sa.CheckConstraint('"select" > 0')),
        sa.Column("Mood", mood, server_default="Happy"),
        sa.Column("Moods", pg.ARRAY(mood)),
        comment="Quoted 'table'",
    )
    sa.Index("IX Mixed Case", accounts.c.EmailAddress.desc(), accounts.c.select)
    sa.Index("ix_lower_email", sa.func.lower(accounts.c.EmailAddress))
    snap = roundtrip(pg_url, metadata)
    table = snap.table("UserAccounts")
    assert table.primary_key.name == "UserAccounts_pkey"
    assert [u.name for u in table.unique_constraints] == ["UserAccounts_EmailAddress_key"]
    assert [c.name for c in table.check_constraints] == ["UserAccounts_select_check"]
    assert table.column("Mood").type == '"Mood"'
    assert table.column("Moods").type == '"Mood"[]'
    assert snap.schemas["public"].enums["Mood"].values == ("Happy", "so-so", "SAD")
    index = {i.name: i for i in table.indexes}["IX Mixed Case"]
    assert [(e.column, e.descending) for e in index.elements] == [("EmailAddress", True),
                                                                  ("select", False)]


def test_long_implicit_names_are_truncated_like_postgresql(pg_url):
    metadata = sa.MetaData()
    long_table = "a_table_name_that_is_long_enough_to_need_truncation_of_names"  # 60 bytes
    long_col = "a_column_name_that_is_also_rather_long_indeed_yes_very_long"
    sa.Table("parent_with_a_long_name", metadata, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table(
        long_table, metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(long_col, sa.Integer, sa.ForeignKey("parent_with_a_long_name.id")),
        sa.Column("short", sa.Integer),
        sa.Column("ünïcödé_çölümn_ñämé", sa.Integer),
        sa.UniqueConstraint(long_col, "short"),
        sa.UniqueConstraint("ünïcödé_çölümn_ñämé", "short", "id"),
        sa.CheckConstraint(f"{long_col} > 0"),
        sa.CheckConstraint(f"{long_col} > short"),
        sa.CheckConstraint("short < 100 AND id > 0"),
    )
    table = roundtrip(pg_url, metadata).table(long_table)
    names = ([table.primary_key.name] + [u.name for u in table.unique_constraints]
             + [c.name for c in table.check_constraints] + [f.name for f in table.foreign_keys])
    assert sorted(names) == [
        "a_table_name_that_is_long_en_a_column_name_that_is_also_r_check",
        "a_table_name_that_is_long_eno_a_column_name_that_is_also_r_fkey",
        "a_table_name_that_is_long_eno_a_column_name_that_is_also_ra_key",
        # the longer part is cut first, by bytes, never inside a character
        "a_table_name_that_is_long_eno_ünïcödé_çölümn_ñämé_key",
        # CHECKs over several columns: numbered in creation order
        "a_table_name_that_is_long_enough_to_need_truncation_of_n_check1",
        "a_table_name_that_is_long_enough_to_need_truncation_of_na_check",
        "a_table_name_that_is_long_enough_to_need_truncation_of_nam_pkey",
    ]
    assert all(len(n.encode()) <= 63 for n in names)


def test_unnamed_checks_are_named_and_numbered_in_creation_order(pg_url):
    metadata = sa.MetaData()
    sa.Table(
        "t", metadata,
        sa.Column("a", sa.Integer, sa.CheckConstraint("a > 0")),
        sa.Column("b", sa.Integer),
        sa.CheckConstraint("a < b"),
        sa.CheckConstraint("b > 0"),
        sa.CheckConstraint("b < 10"),
        sa.CheckConstraint("a + b < 100"),
        sa.CheckConstraint("a < 5", name="t_check2"),
    )
    table = roundtrip(pg_url, metadata).table("t")
    by_name = {c.name: c.expression for c in table.check_constraints}
    assert set(by_name) == {"t_a_check", "t_check", "t_b_check", "t_b_check1", "t_check1",
                            "t_check2"}


def test_repeated_unique_constraints_fold_like_postgresql(pg_url):
    metadata = sa.MetaData()
    sa.Table(
        "t", metadata,
        sa.Column("id", sa.Integer, primary_key=True, unique=True),  # UNIQUE dropped
        sa.Column("a", sa.Integer),
        sa.Column("b", sa.Integer, comment=""),  # an empty comment is no comment
        sa.UniqueConstraint("a"),
        sa.UniqueConstraint("a", name="uq_a_named"),  # repeats the one before: lends its name
        sa.UniqueConstraint("b", "a"),
        sa.UniqueConstraint("a", "b"),
        comment="",
    )
    sa.Table(
        "u", metadata,
        sa.Column("id", sa.Integer),
        sa.UniqueConstraint("id", name="u_named_key"),
        sa.PrimaryKeyConstraint("id"),  # the key takes the name of the UNIQUE it absorbs
    )
    snap = roundtrip(pg_url, metadata)
    t = snap.table("t")
    assert t.primary_key.name == "t_pkey" and t.comment is None
    assert [u.name for u in t.unique_constraints] == ["t_a_b_key", "t_b_a_key", "uq_a_named"]
    assert snap.table("u").primary_key.name == "u_named_key"
    assert snap.table("u").unique_constraints == ()


# -- schemas ---------------------------------------------------------------------------------
def test_same_table_names_in_two_schemas_and_foreign_keys_across_them(pg_url):
    metadata = sa.MetaData()
    level = pg.ENUM("low", "high", name="level", schema="shared", metadata=metadata)
    counter = sa.Sequence("counter", metadata=metadata)
    for schema in ("alpha", "beta"):
        sa.Table(
            "items", metadata,
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("level", level, nullable=False, server_default="low"),
            sa.Column("n", sa.Integer, server_default=counter.next_value()),
            sa.CheckConstraint("level <> 'high' OR n > 0"),
            sa.Column("parent_id", sa.Integer,
                      sa.ForeignKey("alpha.items.id", ondelete="SET NULL")),
            sa.Column("owner_id", sa.Integer, sa.ForeignKey("owners.id")),
            sa.Index(f"ix_{schema}_items_level", "level", postgresql_where=sa.text("level = 'low'")),
            schema=schema,
        )
    sa.Table("owners", metadata, sa.Column("id", sa.Integer, primary_key=True))
    snap = roundtrip(pg_url, metadata, schemas=("alpha", "beta", "shared"))
    assert set(snap.schemas) == {"alpha", "beta", "public", "shared"}
    assert snap.schemas["shared"].enums["level"].values == ("low", "high")
    beta = snap.table("items", "beta")
    assert beta.column("level").type == "shared.level"
    fks = {f.name: f for f in beta.foreign_keys}
    assert fks["items_parent_id_fkey"].referred_schema == "alpha"
    assert fks["items_owner_id_fkey"].referred_schema == "public"

    engine = sa.create_engine(pg_url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        only_beta = reflect(conn, schemas=["beta"])
        # the session's search_path changes neither how types and defaults read nor
        # the session itself
        conn.exec_driver_sql("SET search_path TO shared, alpha")
        moved = reflect(conn)
        path = conn.exec_driver_sql("SHOW search_path").scalar()
    engine.dispose()
    assert set(only_beta.schemas) == {"beta", "public"}  # the default schema is always listed
    assert only_beta.schemas["public"].tables == {}
    assert only_beta.table("items", "beta") == beta
    assert moved == snap
    assert path == "shared, alpha"


def test_enum_in_public_shared_by_tables_in_two_schemas(pg_url):
    metadata = sa.MetaData()
    color = sa.Enum("red", "green", name="color")
    sa.Table("a", metadata, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("c", color))
    sa.Table("b", metadata, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("c", color, server_default="green"), schema="other")
    snap = roundtrip(pg_url, metadata, schemas=("other",))
    assert snap.schemas["public"].enums["color"].values == ("red", "green")
    assert snap.table("b", "other").column("c").type == "color"


# -- SERIAL, identity and sequences ---------------------------------------------------------
def test_identity_and_serial_columns(pg_url):
    metadata = sa.MetaData()
    sa.Table("s_int", metadata, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table("s_big", metadata, sa.Column("id", sa.BigInteger, primary_key=True))
    sa.Table("s_small", metadata, sa.Column("id", sa.SmallInteger, primary_key=True))
    sa.Table("no_serial", metadata,
             sa.Column("id", sa.Integer, primary_key=True, autoincrement=False))
    sa.Table("i_default", metadata, sa.Column("id", sa.Integer, sa.Identity(), primary_key=True))
    sa.Table("i_always", metadata,
             sa.Column("id", sa.BigInteger, sa.Identity(always=True, start=100, increment=10,
                                                        maxvalue=10_000, cycle=True, cache=5),
                       primary_key=True))
    sa.Table("i_down", metadata,
             sa.Column("id", sa.Integer, sa.Identity(increment=-1), primary_key=True),
             sa.Column("other", sa.SmallInteger, sa.Identity(minvalue=5)))
    snap = roundtrip(pg_url, metadata)

    for name, type_ in [("s_int", "integer"), ("s_big", "bigint"), ("s_small", "smallint")]:
        col = snap.table(name).column("id")
        assert (col.type, col.autoincrement, col.default, col.identity) == (type_, True, None, None)
    col = snap.table("no_serial").column("id")
    assert (col.autoincrement, col.default) == (False, None)
    assert snap.table("i_default").column("id").identity == sa_identity()
    assert snap.table("i_always").column("id").identity == sa_identity(
        always=True, start=100, increment=10, maxvalue=10_000, cycle=True, cache=5)
    down = snap.table("i_down")
    assert down.column("id").identity == sa_identity(start=-1, increment=-1)
    assert down.column("other").identity == sa_identity(start=5, minvalue=5)
    assert not down.column("other").nullable
    assert snap.schemas["public"].sequences == {}  # owned sequences stay hidden


def sa_identity(**kw):
    from still.snapshot import Identity

    return Identity(**kw)


def test_standalone_sequences_versus_owned_ones(pg_url):
    metadata = sa.MetaData()
    plain = sa.Sequence("plain_seq", metadata=metadata)
    tuned = sa.Sequence("tuned_seq", start=7, increment=3, minvalue=7, maxvalue=1000,
                        cycle=True, cache=2, data_type=sa.Integer, schema="extra",
                        metadata=metadata)
    sa.Table("uses", metadata,
             sa.Column("id", sa.Integer, primary_key=True),  # SERIAL: owned, hidden
             sa.Column("n", sa.BigInteger, plain, server_default=plain.next_value()),
             sa.Column("m", sa.Integer, server_default=tuned.next_value()))
    sa.Table("by_sequence", metadata,  # a PK with its own Sequence is no SERIAL
             sa.Column("id", sa.Integer, sa.Sequence("by_sequence_id"), primary_key=True))
    reflected, declared = build(pg_url, metadata, schemas=("extra",), sql=(
        # owned by a column but not its default: still a sequence of its own
        "CREATE SEQUENCE loose_seq OWNED BY uses.n",
    ))
    sequences = reflected.schemas["public"].sequences
    assert set(sequences) == {"plain_seq", "by_sequence_id", "loose_seq"}
    assert reflected.schemas["extra"].sequences["tuned_seq"].model_dump() == dict(
        name="tuned_seq", start=7, increment=3, minvalue=7, maxvalue=1000, cycle=True, cache=2)
    uses = reflected.table("uses")
    assert uses.column("id").autoincrement and uses.column("id").default is None
    assert "nextval" in uses.column("n").default
    by_sequence = reflected.table("by_sequence").column("id")
    assert (by_sequence.autoincrement, by_sequence.default) == (False, None)

    loose = sequences["loose_seq"]
    reflected = reflected.model_copy(update={"schemas": {
        **reflected.schemas,
        "public": reflected.schemas["public"].model_copy(update={"sequences": {
            k: v for k, v in sequences.items() if k != "loose_seq"}})}})
    assert_same_snapshot(reflected, declared)
    assert loose.start == 1 and loose.maxvalue is None


# -- indexes and constraints ----------------------------------------------------------------
def test_expression_partial_include_and_ordered_indexes(pg_url, pg_version):
    metadata = sa.MetaData()
    sa.Table(
        "docs", metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("body", sa.Text),
        sa.Column("score", sa.Integer),
        sa.Column("tags", pg.ARRAY(sa.Text)),
        sa.Column("deleted", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Index("ix_docs_lower_title", sa.func.lower(sa.column("title")), unique=True,
                 postgresql_where=sa.text("NOT deleted")),
        sa.Index("ix_docs_score", sa.desc("score").nulls_first(),
                 sa.column("id").asc().nulls_first(), postgresql_include=["title", "body"]),
        sa.Index("ix_docs_score_default_nulls", sa.desc("score").nulls_last(), "title"),
        sa.Index("ix_docs_sum", sa.text("(score + id)"), sa.text("length(body)")),
        sa.Index("ix_docs_tags", "tags", postgresql_using="gin"),
        sa.Index("ix_docs_between", "score",
                 postgresql_where=sa.text("score BETWEEN 1 AND 10 AND title LIKE 'a%'")),
        # NULLS NOT DISTINCT is PostgreSQL 15's
        *([sa.Index("ix_docs_nnd", "title", "score", unique=True, postgresql_nulls_not_distinct=True)]
          if pg_version >= (15,) else []),
    )
    table = roundtrip(pg_url, metadata).table("docs")
    by_name = {i.name: i for i in table.indexes}
    assert by_name["ix_docs_lower_title"].elements[0].expression == "lower(title)"
    assert by_name["ix_docs_lower_title"].where == "not deleted"
    score = by_name["ix_docs_score"]
    assert [(e.column, e.descending, e.nulls) for e in score.elements] == [
        ("score", True, None), ("id", False, "first")]
    assert score.include == ("title", "body")
    assert by_name["ix_docs_score_default_nulls"].elements[0].nulls == "last"
    assert by_name["ix_docs_tags"].method == "gin"
    assert pg_version < (15,) or by_name["ix_docs_nnd"].nulls_not_distinct


def test_foreign_key_actions_and_deferrability(pg_url):
    metadata = sa.MetaData()
    sa.Table("p", metadata, sa.Column("a", sa.Integer, primary_key=True),
             sa.Column("b", sa.Integer, primary_key=True))
    sa.Table(
        "c", metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("a", sa.Integer), sa.Column("b", sa.Integer),
        sa.ForeignKeyConstraint(["a", "b"], ["p.a", "p.b"], ondelete="set default",
                                onupdate="no action", deferrable=True),
        sa.ForeignKeyConstraint(["b", "a"], ["p.a", "p.b"], name="fk_later",
                                initially="DEFERRED"),
        sa.ForeignKeyConstraint(["a", "b"], ["p.a", "p.b"], name="fk_restrict",
                                ondelete="RESTRICT", deferrable=False, initially="IMMEDIATE"),
    )
    table = roundtrip(pg_url, metadata).table("c")
    fks = {f.name: f for f in table.foreign_keys}
    first = fks["c_a_b_fkey"]
    assert (first.ondelete, first.onupdate, first.deferrable, first.initially) == (
        "SET DEFAULT", None, True, "IMMEDIATE")
    assert (fks["fk_later"].deferrable, fks["fk_later"].initially) == (True, "DEFERRED")
    assert fks["fk_later"].columns == ("b", "a")
    assert (fks["fk_restrict"].ondelete, fks["fk_restrict"].initially) == ("RESTRICT", None)


def test_types_collations_and_comments(pg_url):
    metadata = sa.MetaData()
    sa.Table(
        "typed", metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("c", sa.CHAR), sa.Column("c3", sa.CHAR(3)),
        sa.Column("v", sa.String), sa.Column("vc", sa.String(20, collation="C")),
        sa.Column("n", sa.Numeric), sa.Column("n5", sa.Numeric(5)),
        sa.Column("f", sa.Float), sa.Column("f10", sa.Float(10)), sa.Column("d", sa.Double),
        sa.Column("r", sa.REAL),
        sa.Column("ts3", sa.TIMESTAMP(timezone=False)), sa.Column("tz", pg.TIMESTAMP(precision=3, timezone=True)),
        sa.Column("t", pg.TIME(timezone=True)),
        sa.Column("iv", pg.INTERVAL(fields="DAY TO SECOND", precision=2)),
        sa.Column("grid", pg.ARRAY(sa.Integer, dimensions=2)),
        sa.Column("u", sa.Uuid), sa.Column("j", pg.JSON), sa.Column("jb", pg.JSONB),
        sa.Column("ip", pg.INET), sa.Column("bits", pg.BIT(4)), sa.Column("m", pg.MONEY),
        sa.Column("note", sa.Text, comment="it's a note"),
        comment="all the types",
    )
    table = roundtrip(pg_url, metadata).table("typed")
    types = {c.name: c.type for c in table.columns}
    assert types["c"] == "character(1)" and types["n5"] == "numeric(5,0)"
    assert types["f"] == "double precision" and types["f10"] == "real"
    assert types["grid"] == "integer[]"
    assert types["tz"] == "timestamp(3) with time zone"
    assert table.column("vc").collation == "C" and table.column("v").collation is None
