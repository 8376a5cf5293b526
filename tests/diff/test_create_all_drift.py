"""No false drift on what create_all makes, for the shapes seen on real applications
where the database stores something other than what SQLAlchemy sends: a TEXT or BLOB
length MySQL turns into another type, SQLite's AUTOINCREMENT and the primary key it
writes inline, the same unnamed UNIQUE twice, and constraints named in the database that
the models leave unnamed."""

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import mysql

from still.declare import declare
from still.diff import diff
from still.reflect import reflect
from tests.conftest import ALL_DIALECTS
from tests.helpers import assert_same_snapshot


def _created(url: str, metadata: sa.MetaData, statements=()):
    """(reflected, declared) for a database made by create_all(metadata), or by `statements`."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        if statements:
            for sql in statements:
                conn.exec_driver_sql(sql)
        else:
            metadata.create_all(conn)
    with engine.connect() as conn:
        found = reflect(conn), declare(metadata, conn.dialect)
    engine.dispose()
    return found


def _no_drift(reflected, declared) -> None:
    plan = diff(reflected, declared)
    assert plan.empty, [(op.op, op.model_dump()) for op in plan.operations]


def test_text_and_blob_lengths_are_the_type_mysql_stores(mysql_url):
    md = sa.MetaData()
    sa.Table(
        "notes", md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("short", sa.Text(60)),  # 240 bytes of utf8mb4: tinytext
        sa.Column("body", sa.Text(1000)),  # text
        sa.Column("page", sa.UnicodeText(20000)),  # 80,000 bytes: mediumtext
        sa.Column("book", sa.Text(5000000)),  # longtext
        sa.Column("code", mysql.TEXT(255, charset="latin1")),  # tinytext in latin1
        sa.Column("bin_text", sa.Text(100, collation="utf8mb4_bin")),
        sa.Column("raw", sa.LargeBinary(255)),  # tinyblob: a BLOB counts bytes
        sa.Column("image", sa.LargeBinary(70000)),  # mediumblob
        sa.Column("blob", mysql.BLOB(1000)),
    )
    sa.Table(
        "latin", md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("label", sa.Text(200)),  # the table's latin1: tinytext
        sa.Column("wide", sa.Text(200, collation="utf8mb4_general_ci")),  # text
        mysql_charset="latin1",
    )
    reflected, declared = _created(mysql_url, md)
    assert_same_snapshot(reflected, declared)
    _no_drift(reflected, declared)


# constraints named in the database (a history written for another database names them
# all) under names none of the databases would give them
NAMED_IN_DATABASE = {
    "sqlite": [
        "CREATE TABLE p (id INTEGER NOT NULL, CONSTRAINT pk_p PRIMARY KEY (id))",
        "CREATE TABLE t (id INTEGER NOT NULL, a INTEGER, b INTEGER, CONSTRAINT pk_t PRIMARY KEY (id), "
        "CONSTRAINT uq_t_a UNIQUE (a), CONSTRAINT ck_t_b CHECK (b > 0), "
        "CONSTRAINT fk_t_a FOREIGN KEY (a) REFERENCES p (id))",
    ],
    "postgresql": [
        "CREATE TABLE p (id INTEGER NOT NULL, CONSTRAINT pk_p PRIMARY KEY (id))",
        "CREATE TABLE t (id INTEGER NOT NULL, a INTEGER, b INTEGER, CONSTRAINT pk_t PRIMARY KEY (id), "
        "CONSTRAINT uq_t_a UNIQUE (a), CONSTRAINT ck_t_b CHECK (b > 0), "
        "CONSTRAINT fk_t_a FOREIGN KEY (a) REFERENCES p (id))",
    ],
    "mysql": [  # a primary key is always PRIMARY
        "CREATE TABLE p (id INTEGER NOT NULL, PRIMARY KEY (id))",
        "CREATE TABLE t (id INTEGER NOT NULL, a INTEGER, b INTEGER, PRIMARY KEY (id), "
        "CONSTRAINT uq_t_a UNIQUE (a), CONSTRAINT ck_t_b CHECK (b > 0), "
        "CONSTRAINT fk_t_a FOREIGN KEY (a) REFERENCES p (id))",
    ],
}


def unnamed_models() -> sa.MetaData:
    md = sa.MetaData()
    sa.Table("p", md, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False))
    sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
             sa.Column("a", sa.Integer, sa.ForeignKey("p.id")), sa.Column("b", sa.Integer),
             sa.UniqueConstraint("a"), sa.CheckConstraint("b > 0"))
    return md


@pytest.mark.parametrize("dialect", ALL_DIALECTS)
def test_what_the_models_leave_unnamed_matches_any_name(db_url, dialect):
    from still.compare import compare

    engine = sa.create_engine(db_url, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        for sql in NAMED_IN_DATABASE[dialect]:
            conn.exec_driver_sql(sql)
    with engine.connect() as conn:
        plan = compare(conn, unnamed_models()).plan
    engine.dispose()
    assert plan.empty, [(op.op, op.model_dump()) for op in plan.operations]


def test_a_name_the_models_give_an_unnamed_key_is_written(sqlite_url):
    """The other way round is a change: SQLite rebuilds the table with the key's name."""
    md = sa.MetaData()
    sa.Table("t", md, sa.Column("id", sa.Integer), sa.PrimaryKeyConstraint("id", name="pk_t"))
    reflected, declared = _created(sqlite_url, md, ["CREATE TABLE t (id INTEGER NOT NULL, PRIMARY KEY (id))"])
    assert [op.op for op in diff(reflected, declared).operations] == ["drop_constraint", "add_constraint"]


def twin_models(named: bool) -> sa.MetaData:
    md = sa.MetaData()
    extra = [sa.UniqueConstraint("a", name="uq_t_a")] if named else []
    sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("a", sa.Integer),
             *extra, sa.UniqueConstraint("a"), sa.UniqueConstraint("a"))
    return md


@pytest.mark.parametrize("dialect", ALL_DIALECTS)
def test_the_same_unnamed_unique_twice(db_url, dialect):
    """SQLite keeps both in its text (and makes one index of them), MariaDB names them
    apart, PostgreSQL keeps one: declared and reflected agree. Beside a named one, the
    named one is what goes when the models drop it (not one of the unnamed twins)."""
    reflected, declared = _created(db_url, twin_models(named=True))
    assert_same_snapshot(reflected, declared)
    _no_drift(reflected, declared)
    plan = diff(reflected, declare(twin_models(named=False), dialect))
    if dialect == "postgresql":  # one constraint left, under the name it had: taken back
        assert [op.op for op in plan.operations] == ["rename_constraint"]
    else:
        assert [(op.op, op.constraint.name) for op in plan.operations] == [("drop_constraint", "uq_t_a")]


def test_the_index_of_an_unnamed_foreign_key_matches_any_name(mysql_url):
    """MariaDB names the index it adds for a foreign key after the key: one the models
    leave unnamed may have any name (the key's own, from a history that named it)."""
    from still.compare import compare

    engine = sa.create_engine(mysql_url, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        for sql in NAMED_IN_DATABASE["mysql"]:
            conn.exec_driver_sql(sql)
        # the unique key on `a` serves the foreign key: give it one of its own
        conn.exec_driver_sql("CREATE TABLE u (id INTEGER NOT NULL PRIMARY KEY, p_id INTEGER, "
                             "CONSTRAINT fk_u_p FOREIGN KEY (p_id) REFERENCES p (id))")
    md = unnamed_models()
    sa.Table("u", md, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
             sa.Column("p_id", sa.Integer, sa.ForeignKey("p.id")))
    with engine.connect() as conn:
        indexes = {ix.name for ix in reflect(conn).table("u").indexes}
        plan = compare(conn, md).plan
    engine.dispose()
    assert indexes == {"fk_u_p"}
    assert plan.empty, [(op.op, op.model_dump()) for op in plan.operations]
