"""MySQL/MariaDB table options through the `op` API: `op.create_table(mysql_engine=...,
mysql_charset=...)` and `op.alter_table_options`, with the executor's snapshot equal to
what the server reflects to after each, and the rows still readable after a conversion."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from still import op
from still import snapshot as s
from still.errors import StillError
from tests.runtime.test_op_api import run_ops


def _show_create(url: str, table: str) -> str:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        text = conn.exec_driver_sql(f"SHOW CREATE TABLE `{table}`").one()[1]
    engine.dispose()
    return text


def test_create_table_with_options_and_change_them(mysql_url):
    def body():
        op.create_table("legacy", sa.Column("id", sa.Integer, primary_key=True),
                        sa.Column("name", sa.String(40)), sa.Column("note", sa.Text),
                        sa.Column("code", sa.String(10, collation="utf8mb4_bin")),
                        mysql_engine="MyISAM", mysql_charset="latin1")
        op.bulk_insert(sa.table("legacy", sa.column("id"), sa.column("name"), sa.column("note")),
                       [{"id": 1, "name": "Zoë", "note": "café"}])
        op.alter_table_options("legacy", engine="InnoDB")
        op.alter_table_options("legacy", collation="utf8mb4_unicode_ci")

    snap = run_ops(mysql_url, body)
    table = snap.table("legacy")
    assert table.options == s.TableOptions(collation="utf8mb4_unicode_ci")  # InnoDB is the default
    # converted whole: TEXT stays TEXT (the conversion would make it MEDIUMTEXT), and the
    # column with a collation of its own keeps it
    assert table.column("note").type == "text"
    assert table.column("code").collation == "utf8mb4_bin"
    assert table.column("name").collation is None
    text = _show_create(mysql_url, "legacy")
    assert "ENGINE=InnoDB" in text and "COLLATE=utf8mb4_unicode_ci" in text
    engine = sa.create_engine(mysql_url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT name, note FROM legacy").one() == ("Zoë", "café")
    engine.dispose()


def test_back_to_the_database_defaults(mysql_url):
    def body():
        op.create_table("t", sa.Column("id", sa.Integer, primary_key=True), sa.Column("s", sa.String(10)),
                        mysql_engine="Aria", mysql_collate="latin1_bin")
        op.alter_table_options("t", engine=None, collation=None)

    snap = run_ops(mysql_url, body)
    assert snap.table("t").options == s.TableOptions()
    assert "ENGINE=InnoDB" in _show_create(mysql_url, "t")


def test_table_options_are_mysql_only(sqlite_url):
    with pytest.raises(StillError, match="alter_table_options is for MySQL and MariaDB, not sqlite"):
        run_ops(sqlite_url, lambda: (op.create_table("t", sa.Column("id", sa.Integer, primary_key=True)),
                                     op.alter_table_options("t", engine="MyISAM")))
