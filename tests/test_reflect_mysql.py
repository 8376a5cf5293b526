"""MySQL/MariaDB reflection and declaration rules, each proved on the real server: what
create_all sends reflects to what declare says, for the spellings and the names the
server invents itself."""

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import mysql

from still.declare import declare
from still.diff import diff
from still.errors import StillError
from still.reflect import reflect
from tests.helpers import assert_same_snapshot, create_all

pytestmark = pytest.mark.mysql


def implicit_fk_indexes():
    md = sa.MetaData()
    sa.Table("p", md, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("a", sa.Integer), sa.Column("b", sa.Integer), sa.UniqueConstraint("a", "b"))
    sa.Table(
        "c", md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("p_id", sa.Integer, sa.ForeignKey("p.id")),  # unnamed: index named p_id_2
        sa.Column("q_id", sa.Integer, sa.ForeignKey("p.id", name="fk_c_q")),  # named: the index too
        sa.Column("r_id", sa.Integer, sa.ForeignKey("p.id")),  # served by the index below
        sa.Column("a", sa.Integer), sa.Column("b", sa.Integer),
        sa.Column("s_id", sa.Integer),
        sa.ForeignKeyConstraint(["a", "b"], ["p.a", "p.b"], ondelete="SET NULL"),  # unnamed, 2 columns
        sa.ForeignKeyConstraint(["s_id"], ["p.id"], ondelete="RESTRICT", onupdate="NO ACTION"),
        sa.UniqueConstraint("b", name="p_id"),  # takes the name MySQL would give p_id's index
        sa.Index("ix_c_r", "r_id", "a"),
        sa.Index("ix_c_s", "s_id", unique=True),  # a plain unique index is a unique key
    )
    return md


def names_and_checks():
    md = sa.MetaData()
    sa.Table(
        "n", md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("a", sa.Integer, sa.CheckConstraint("a > 0")),  # on a column: named a
        sa.Column("b", sa.String(10), unique=True),
        sa.Column("c", sa.String(10)),
        sa.Column("ok", sa.Boolean(create_constraint=True), nullable=False, server_default=sa.true()),
        sa.CheckConstraint("b <> 'x'"),
        sa.CheckConstraint("c <> 'y'", name="ck_named"),
        sa.CheckConstraint("a < 100"),
        sa.UniqueConstraint("b", "c"),  # first column b is taken: b_2
        sa.UniqueConstraint("c", name="uq_c"),
    )
    return md


def defaults_and_types():
    md = sa.MetaData()
    sa.Table(
        "d", md,
        sa.Column("id", mysql.BIGINT(unsigned=True), primary_key=True),
        sa.Column("quote", sa.String(20), server_default="it's"),
        sa.Column("numeric_text", sa.String(5), server_default=sa.text("5")),
        sa.Column("price", sa.Numeric(8, 2), server_default="1.5"),
        sa.Column("ratio", sa.Float, server_default=sa.text("0.25")),
        sa.Column("plain_decimal", sa.Numeric),
        sa.Column("on", sa.Boolean, server_default=sa.text("TRUE")),
        sa.Column("nothing", sa.Integer, server_default=sa.text("NULL")),
        sa.Column("kind", sa.Enum("a", "b", name="kind"), server_default="b"),
        sa.Column("tags", mysql.SET("x", "y"), server_default="x,y"),
        sa.Column("day", sa.Date, server_default="2020-01-02"),
        sa.Column("at", sa.DateTime, server_default=sa.func.current_timestamp()),
        sa.Column("touched", mysql.DATETIME(fsp=3), server_default=sa.text("now(3) on update now(3)")),
        sa.Column("small", mysql.SMALLINT(display_width=3)),
        sa.Column("tiny", mysql.TINYINT(unsigned=True)),
        sa.Column("ascii", sa.String(5, collation="ascii_bin")),
        sa.Column("latin", mysql.VARCHAR(5, charset="latin1")),
        sa.Column("same", sa.String(5, collation="utf8mb4_unicode_ci")),
        sa.Column("bits", mysql.BIT(3), server_default=sa.text("b'101'")),
        sa.Column("stamp", mysql.TIMESTAMP(fsp=0), nullable=True),
        sa.Column("big_text", mysql.LONGTEXT(collation="utf8mb4_bin")),  # not a JSON column
        mysql_collate="utf8mb4_unicode_ci", mysql_charset="utf8mb4",
        comment="it's a table",
    )
    return md


MODELS = {"implicit_fk_indexes": implicit_fk_indexes, "names_and_checks": names_and_checks,
          "defaults_and_types": defaults_and_types}


@pytest.mark.parametrize("name", sorted(MODELS))
def test_create_all_reflects_as_declared(name, mysql_url):
    metadata = MODELS[name]()
    create_all(mysql_url, metadata)
    engine = sa.create_engine(mysql_url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        reflected = reflect(conn)
        declared = declare(metadata, conn.dialect)
    engine.dispose()
    assert_same_snapshot(reflected, declared)
    assert diff(reflected, declared).empty


def test_implicit_foreign_key_indexes_are_named_as_the_server_names_them(mysql_url):
    metadata = implicit_fk_indexes()
    create_all(mysql_url, metadata)
    engine = sa.create_engine(mysql_url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        table = reflect(conn).table("c")
    engine.dispose()
    assert {ix.name for ix in table.indexes} == {"p_id_2", "fk_c_q", "a", "ix_c_r"}
    assert {u.name for u in table.unique_constraints} == {"ix_c_s", "p_id"}
    assert {fk.name for fk in table.foreign_keys} == {"c_ibfk_1", "c_ibfk_2", "c_ibfk_3", "c_ibfk_4", "fk_c_q"}


def test_unnamed_constraints_take_the_servers_names():
    snap = declare(names_and_checks(), "mysql")
    table = snap.table("n")
    assert {c.name for c in table.check_constraints} == {"a", "CONSTRAINT_1", "CONSTRAINT_2",
                                                         "CONSTRAINT_3", "ck_named"}
    assert {u.name for u in table.unique_constraints} == {"b", "b_2", "uq_c"}
    assert table.primary_key.name == "PRIMARY"


def test_a_json_column_is_json_and_its_check_is_not_the_models(mysql_url):
    md = sa.MetaData()
    sa.Table("j", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("doc", sa.JSON))
    create_all(mysql_url, md)
    engine = sa.create_engine(mysql_url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        table = reflect(conn).table("j")
    engine.dispose()
    assert table.column("doc").type == "json" and table.column("doc").collation is None
    assert table.check_constraints == ()


def test_varchar_without_length_is_rejected_as_sqlalchemy_rejects_it():
    md = sa.MetaData()
    sa.Table("v", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("name", sa.String))
    with pytest.raises(StillError, match=r"^column v.name: VARCHAR requires a length on dialect mysql$"):
        declare(md, "mysql")


@pytest.mark.parametrize(("type_", "sent", "stored"), [
    (sa.Date, "2020-1-2", "'2020-01-02'"),
    (sa.DateTime, "2020-01-02", "'2020-01-02 00:00:00'"),
    (sa.DateTime, "2020-01-02 03:04:05.500", "'2020-01-02 03:04:05'"),
    (mysql.DATETIME(fsp=3), "2020-1-2 3:4:5.5", "'2020-01-02 03:04:05.500'"),
    (sa.Time, "1:2", "'01:02:00'"),
    (sa.Uuid, "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11", "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'"),
    (sa.Float, "0.00001", "1e-05"),
    (sa.Numeric(10, 2), "1e3", "1000.00"),
    (sa.BigInteger, " 12", "12"),
])
def test_a_literal_default_is_the_value_the_server_stores(mysql_url, type_, sent, stored):
    md = sa.MetaData()
    sa.Table("lit", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("v", type_, server_default=sent))
    create_all(mysql_url, md)
    engine = sa.create_engine(mysql_url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        reflected = reflect(conn).table("lit").column("v")
        declared = declare(md, conn.dialect).table("lit").column("v")
    engine.dispose()
    assert reflected.default == declared.default == stored


def test_a_mariadb_url_is_the_same_dialect_under_its_own_name(mysql_url):
    # SQLAlchemy reads mariadb_* options (not mysql_*) for mariadb:// URLs
    metadata = sa.MetaData()
    sa.Table("m", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("body", sa.Text),
             sa.Column("code", sa.String(40)), sa.Column("doc", sa.JSON),
             sa.Index("ix_m_body", "body", mariadb_prefix="FULLTEXT"),
             sa.Index("ix_m_code", "code", mariadb_length=4), mariadb_collate="utf8mb4_bin")

    url = mysql_url.replace("mysql+pymysql://", "mariadb+pymysql://", 1)
    create_all(url, metadata)
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        reflected = reflect(conn)
        declared = declare(metadata, conn.dialect)
    engine.dispose()
    assert reflected.dialect == declared.dialect == "mariadb"
    assert_same_snapshot(reflected, declared)
    from still.render import render_plan

    text = render_plan(diff(declare(sa.MetaData(), engine.dialect), declared), "mariadb").upgrade
    assert 'mariadb_prefix="fulltext"' in text and 'mariadb_length={"code": 4}' in text


def test_foreign_key_rules_belong_to_their_own_key_in_every_schema(mysql_url, mysql_admin_engine):
    # the key columns and the rules are read apart and matched by schema, table and name:
    # keys of one name in two databases, and two keys of one table, keep their own rules
    other = sa.engine.make_url(mysql_url).database + "_other"
    with mysql_admin_engine.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE `{other}`")
    engine = sa.create_engine(mysql_url, poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as conn:
            for schema, rule in ((other, "CASCADE"), (None, "SET NULL")):
                where = f"`{schema}`." if schema else ""
                conn.exec_driver_sql(f"CREATE TABLE {where}p (a INTEGER, b INTEGER, PRIMARY KEY (a, b), KEY (b, a))")
                conn.exec_driver_sql(
                    f"CREATE TABLE {where}c (x INTEGER, y INTEGER, z INTEGER,"
                    f" CONSTRAINT fk_c FOREIGN KEY (y, x) REFERENCES {where}p (b, a) ON DELETE {rule},"
                    f" CONSTRAINT fk_d FOREIGN KEY (z, x) REFERENCES `{other}`.p (a, b) ON UPDATE CASCADE)")
        with engine.connect() as conn:
            snap = reflect(conn, schemas=["", other])
    finally:
        with engine.begin() as conn:  # it refers to the other database, which goes first
            conn.exec_driver_sql("DROP TABLE IF EXISTS c")
        engine.dispose()
        with mysql_admin_engine.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS `{other}`")
    for schema, rule in ((other, "CASCADE"), ("", "SET NULL")):
        fks = {fk.name: fk for fk in snap.table("c", schema).foreign_keys}
        assert (fks["fk_c"].columns, fks["fk_c"].referred_columns) == (("y", "x"), ("b", "a"))
        assert (fks["fk_c"].referred_schema, fks["fk_c"].ondelete, fks["fk_c"].onupdate) == (schema, rule, None)
        assert (fks["fk_d"].columns, fks["fk_d"].referred_columns) == (("z", "x"), ("a", "b"))
        assert (fks["fk_d"].referred_schema, fks["fk_d"].ondelete, fks["fk_d"].onupdate) == (other, None, "CASCADE")
