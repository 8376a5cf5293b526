"""The version table on real databases: created on first use, read, changed by steps."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from still.errors import StillError
from still.runtime.version_table import VersionTable


def test_create_read_change(db_url):
    table = VersionTable("vt", None)
    engine = sa.create_engine(db_url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        assert table.heads(conn) == ()
        assert table.ensure(conn) is True and table.ensure(conn) is False
        table.apply(conn, (), ("a",))
        table.apply(conn, ("a",), ("b",))  # one UPDATE
        table.apply(conn, (), ("c",))
        assert table.heads(conn) == ("b", "c")
        table.apply(conn, ("b", "c"), ("m",))  # a merge: DELETEs then INSERT
        assert table.heads(conn) == ("m",)
        with pytest.raises(StillError, match="does not hold the expected revision"):
            table.apply(conn, ("zzz",), ("m2",))
        conn.commit()
    engine.dispose()


def test_sql_text(dialect):
    from sqlalchemy.engine import make_url

    url = {"sqlite": "sqlite://", "mysql": "mysql+pymysql://u@h/d"}.get(dialect, "postgresql+psycopg://u@h/d")
    d = make_url(url).get_dialect()()
    assert d.name == dialect
    table = VersionTable("still_version", "meta" if dialect == "postgresql" else None)
    name = "meta.still_version" if dialect == "postgresql" else "still_version"
    assert table.create_sql(d).startswith(f"CREATE TABLE {name} (\n    version_num VARCHAR(32) NOT NULL")
    assert table.change_sql(d, ("a",), ("b",)) == [
        f"UPDATE {name} SET version_num='b' WHERE {name}.version_num = 'a'"]
    assert table.change_sql(d, (), ("x'y",)) == [f"INSERT INTO {name} (version_num) VALUES ('x''y')"]
