import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import mysql
from still.declare import declare
from still.diff import diff
from still.reflect import reflect
from tests.conftest import ALL_DIALECTS
from tests.helpers import snapshot_differences


def run(db_url, md):
    engine = sa.create_engine(db_url, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        md.create_all(conn)
    with engine.connect() as conn:
        r = reflect(conn); d = declare(md, conn.dialect)
    engine.dispose()
    p = diff(r, d)
    return [o.op for o in p.operations], snapshot_differences(r, d)


@pytest.mark.parametrize("dialect", ALL_DIALECTS)
def test_dup_unique(db_url, dialect):
    md = sa.MetaData()
    sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("a", sa.Integer, unique=True), sa.UniqueConstraint("a"), sa.UniqueConstraint("a"))
    print(dialect, run(db_url, md))


@pytest.mark.parametrize("dialect", ALL_DIALECTS)
def test_named_pk(db_url, dialect):
    md = sa.MetaData()
    sa.Table("t", md, sa.Column("id", sa.Integer), sa.PrimaryKeyConstraint("id", name="t_pk"), sqlite_autoincrement=True)
    print(dialect, run(db_url, md))


@pytest.mark.parametrize("dialect", ["mysql"])
def test_text_len(db_url, dialect):
    md = sa.MetaData()
    sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("a", sa.Text(1000)), sa.Column("b", sa.Text(255)), sa.Column("c", sa.Text(100000)), sa.Column("d", sa.Text(20000000)),
             sa.Column("e", sa.LargeBinary(1000)), sa.Column("f", sa.LargeBinary(255)), sa.Column("g", sa.LargeBinary(70000)),
             sa.Column("h", mysql.TEXT(1000, charset="latin1")), sa.Column("i", sa.Unicode(100).with_variant(mysql.VARCHAR(100), "mysql")),
             sa.Column("j", sa.UnicodeText(70)), sa.Column("l", mysql.BLOB(10)),
             sa.Column("n", sa.LargeBinary(16777216)), sa.Column("o", mysql.TEXT(5000, charset="utf8mb3")))
    print(dialect, run(db_url, md))
    engine = sa.create_engine(db_url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        print(conn.exec_driver_sql("show create table t").fetchall())
