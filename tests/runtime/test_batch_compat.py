"""Alembic's batch mode, as still runs it: the table is as if recreated once at the end
of the block, so what drop_column took along comes back when the column does."""

from __future__ import annotations

import sqlalchemy as sa

from still import op
from tests.runtime.test_op_api import run_ops


def _spans():
    op.create_table("traces", sa.Column("id", sa.Integer, primary_key=True))
    op.create_table("spans", sa.Column("id", sa.Integer, primary_key=True),
                    sa.Column("a", sa.BigInteger), sa.Column("b", sa.BigInteger),
                    sa.Column("parent", sa.Integer),
                    sa.Column("d", sa.BigInteger, sa.Computed("b - a", persisted=True)))
    op.create_index("ix_d", "spans", ["id", "d"])
    op.create_index("ix_parent", "spans", ["parent"])
    op.create_foreign_key("fk_parent", "spans", "traces", ["parent"], ["id"])


def test_a_column_dropped_and_added_back_keeps_its_index(db_url):
    def body():
        _spans()
        with op.batch_alter_table("spans") as batch_op:  # as MLflow's 75868b020152 does
            batch_op.drop_column("d")
            batch_op.add_column(sa.Column("d", sa.BigInteger, sa.Computed("b - a", persisted=True)))
    table = run_ops(db_url, body).table("spans")
    assert {ix.name for ix in table.indexes} == {"ix_d", "ix_parent"}


def test_what_drop_column_took_along_stays_dropped_and_may_be_dropped_again(db_url):
    def body():
        _spans()
        with op.batch_alter_table("spans") as batch_op:
            batch_op.drop_column("d")
            batch_op.drop_index("ix_d")  # already gone with its column: nothing to do
            batch_op.drop_column("parent")
            batch_op.drop_constraint("fk_parent", type_="foreignkey")
    table = run_ops(db_url, body).table("spans")
    assert not table.indexes and not table.foreign_keys
    assert [c.name for c in table.columns] == ["id", "a", "b"]


def test_naming_convention_names_unnamed_constraints(db_url):
    convention = {"fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
                  "uq": "uq_%(table_name)s_%(column_0_N_name)s"}

    def body():
        op.create_table("a", sa.Column("id", sa.Integer, primary_key=True))
        op.create_table("b", sa.Column("id", sa.Integer, primary_key=True),
                        sa.Column("a_id", sa.Integer), sa.Column("x", sa.Integer), sa.Column("y", sa.Integer),
                        sa.ForeignKeyConstraint(["a_id"], ["a.id"]), sa.UniqueConstraint("x", "y"))
        if op.get_context().dialect.name == "sqlite":  # PostgreSQL names them itself
            with op.batch_alter_table("b", naming_convention=convention) as batch_op:
                batch_op.drop_constraint("fk_b_a_id_a", type_="foreignkey")
                batch_op.drop_constraint("uq_b_x_y", type_="unique")
        else:  # the server's own names: PostgreSQL's, MySQL's (<table>_ibfk_<n>, the first column)
            mysql = op.get_context().dialect.name == "mysql"
            with op.batch_alter_table("b") as batch_op:
                batch_op.drop_constraint("b_ibfk_1" if mysql else "b_a_id_fkey", type_="foreignkey")
                batch_op.drop_constraint("x" if mysql else "b_x_y_key", type_="unique")
    table = run_ops(db_url, body).table("b")
    assert not table.foreign_keys and not table.unique_constraints


def test_an_index_over_columns_the_block_adds_later(db_url, dialect):
    """Where Alembic recreates the table (SQLite, recreate="always"), a batch's indexes are
    made after all its column changes: Prefect's b75d279ba985 downgrade creates an index
    over two columns before it adds them back."""
    def body():
        op.create_table("block_schema", sa.Column("id", sa.Integer, primary_key=True),
                        sa.Column("checksum", sa.String(40)))
        recreate = "auto" if dialect == "sqlite" else "always"
        with op.batch_alter_table("block_schema", recreate=recreate) as batch_op:
            batch_op.create_index("ix_name_version", ["name", "version"])
            batch_op.create_index("ix_gone", ["name"])
            batch_op.drop_index("ix_gone")  # dropped before it was ever made
            batch_op.drop_column("checksum")
            batch_op.add_column(sa.Column("version", sa.String(20)))
            batch_op.add_column(sa.Column("name", sa.String(20)))
    table = run_ops(db_url, body).table("block_schema")
    assert [(ix.name, [e.column for e in ix.elements]) for ix in table.indexes] == \
        [("ix_name_version", ["name", "version"])]
