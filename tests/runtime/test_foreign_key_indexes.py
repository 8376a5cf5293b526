"""Foreign keys added op by op and the indexes they need: MySQL makes an index for a
foreign key that no key serves and drops it again when another key takes over, and it
refuses to drop the last index a foreign key can use. The executor's snapshot must follow
the server, and the database must end as create_all leaves the same models."""

from __future__ import annotations

import sqlalchemy as sa

from still import op
from still.declare import declare
from still.db import migration_engine
from tests.helpers import assert_same_snapshot
from tests.runtime.project import Project, reflect_url
from tests.runtime.test_op_api import run_ops


def _models() -> sa.MetaData:
    md = sa.MetaData()
    sa.Table("a", md, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table("b", md, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("a_id", sa.Integer, sa.ForeignKey("a.id", name="fk_b_a"), index=True),
             sa.Column("c_id", sa.Integer, sa.ForeignKey("a.id", name="fk_b_c")),
             sa.Column("d_id", sa.Integer),
             sa.Column("f_id", sa.Integer, sa.ForeignKey("a.id", name="fk_b_f")),
             sa.Column("g_id", sa.Integer),
             sa.ForeignKeyConstraint(["d_id"], ["a.id"]), sa.ForeignKeyConstraint(["g_id"], ["a.id"]))
    sa.Table("e", md, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("a_id", sa.Integer, sa.ForeignKey("a.id"), index=True),
             sa.Column("b_id", sa.Integer, sa.ForeignKey("b.id")))
    return md


def _as_alembic_writes_them():
    """The operations Alembic's autogenerate writes for _models(), plus hand-written ones."""
    op.create_table("a", sa.Column("id", sa.Integer, primary_key=True))
    op.create_table("b", sa.Column("id", sa.Integer, primary_key=True), sa.Column("a_id", sa.Integer),
                    sa.Column("c_id", sa.Integer), sa.Column("d_id", sa.Integer),
                    sa.ForeignKeyConstraint(["a_id"], ["a.id"], name="fk_b_a"))
    op.create_index("ix_b_a_id", "b", ["a_id"])  # takes over what fk_b_a made for itself
    op.create_foreign_key("fk_b_c", "b", "a", ["c_id"], ["id"])
    op.create_foreign_key(None, "b", "a", ["d_id"], ["id"])
    op.add_column("b", sa.Column("f_id", sa.Integer, sa.ForeignKey("a.id", name="fk_b_f")))
    op.add_column("b", sa.Column("g_id", sa.Integer, sa.ForeignKey("a.id")))
    op.create_table("e", sa.Column("id", sa.Integer, primary_key=True), sa.Column("a_id", sa.Integer),
                    sa.Column("b_id", sa.Integer),
                    sa.ForeignKeyConstraint(["a_id"], ["a.id"]), sa.ForeignKeyConstraint(["b_id"], ["b.id"]))
    op.create_index("ix_e_a_id", "e", ["a_id"])  # takes over what the unnamed key made


def _declared(url: str):
    engine = migration_engine(url)
    with engine.connect() as conn:
        out = declare(_models(), conn.dialect)
    engine.dispose()
    return out


def test_op_foreign_keys_end_as_create_all_ends(db_url, dialect):
    reflected = run_ops(db_url, _as_alembic_writes_them)  # the snapshot followed the server
    assert_same_snapshot(reflected, _declared(db_url), column_order=False)
    if dialect == "mysql":
        assert {ix.name: [e.column for e in ix.elements] for ix in reflected.table("b").indexes} == {
            "ix_b_a_id": ["a_id"], "fk_b_c": ["c_id"], "d_id": ["d_id"], "fk_b_f": ["f_id"], "g_id": ["g_id"]}
        assert sorted(fk.name for fk in reflected.table("b").foreign_keys) == [
            "b_ibfk_1", "b_ibfk_2", "fk_b_a", "fk_b_c", "fk_b_f"]
        assert {ix.name for ix in reflected.table("e").indexes} == {"ix_e_a_id", "b_id"}


def test_the_index_a_foreign_key_made_is_there_to_drop(db_url, dialect):
    """Alembic's order: the foreign key, then its index (which MySQL made for it)."""
    def create():
        op.create_table("a", sa.Column("id", sa.Integer, primary_key=True))
        op.create_table("b", sa.Column("id", sa.Integer, primary_key=True), sa.Column("a_id", sa.Integer))
        op.create_foreign_key("fk_b_a", "b", "a", ["a_id"], ["id"])

    def drop():
        op.drop_constraint("fk_b_a", "b", type_="foreignkey")
        if dialect == "mysql":
            op.drop_index("fk_b_a", "b")

    assert [ix.name for ix in run_ops(db_url, create).table("b").indexes] == (["fk_b_a"] if dialect == "mysql" else [])
    assert run_ops(db_url, drop).table("b").indexes == ()


_TABLES = '''
op.create_table("a", sa.Column("id", sa.Integer, primary_key=True))
op.create_table("b", sa.Column("id", sa.Integer, primary_key=True), sa.Column("a_id", sa.Integer),
                sa.Column("k", sa.Integer))
op.create_index("ix_b_a_id", "b", ["a_id"])
op.create_foreign_key("fk_b_a", "b", "a", ["a_id"], ["id"])
'''


def test_dropping_the_index_a_foreign_key_needs(tmp_path, mysql_url):
    """A revision file may drop the foreign key and then its index, or give the foreign
    key another index before it drops the old one; dropping the last index the foreign key
    can use first is what MySQL refuses: one line naming the revision and the statement."""
    project = Project(tmp_path / "p", mysql_url).init()
    project.revision("r1", "tables", _TABLES)
    project.revision("r2", "fk then index", 'op.drop_constraint("fk_b_a", "b", type_="foreignkey")\n'
                                            'op.drop_index("ix_b_a_id", "b")')
    project.revision("r3", "fk again", 'op.create_foreign_key("fk_b_a", "b", "a", ["a_id"], ["id"])')
    project.revision("r4", "another index first", 'op.create_index("ix_b_a_id_k", "b", ["a_id", "k"])\n'
                                                  'op.drop_index("fk_b_a", "b")')
    project.revision("r5", "index before fk", 'op.drop_index("ix_b_a_id_k", "b")\n'
                                              'op.drop_constraint("fk_b_a", "b", type_="foreignkey")')
    project.ok("upgrade", "r2")
    assert reflect_url(mysql_url)[0].table("b").indexes == ()
    project.ok("upgrade", "r4")  # r3's foreign key makes the index r4 drops, in the same run
    snap, rows = reflect_url(mysql_url)
    assert rows == ("r4",) and {ix.name for ix in snap.table("b").indexes} == {"ix_b_a_id_k"}
    error = project.fail("upgrade", "r5")
    assert error.startswith("error: upgrade of revision r5 (index before fk) failed:"), error
    assert "needed in a foreign key constraint" in error and "ALTER TABLE `b` DROP INDEX `ix_b_a_id_k`" in error
    assert reflect_url(mysql_url)[1] == ("r4",)
