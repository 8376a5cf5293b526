"""guarded creates and drops, falsy SQL defaults, MySQL's restated columns

Revision ID: f6
Revises: e5
Create Date: 2026-01-06 00:00:00

"""
from alembic import op
import sqlalchemy as sa

revision = "f6"
down_revision = "e5"
branch_labels = None
depends_on = None

KIND = sa.Enum("a", "b", name="kind")


def upgrade() -> None:
    dialect = op.get_context().dialect.name
    for _ in range(2):  # the second time each is there already: nothing happens
        op.create_table("tags", sa.Column("id", sa.Integer, primary_key=True),
                        sa.Column("label", sa.String(30), nullable=False, server_default="t"),
                        sa.Column("hidden", sa.Boolean, nullable=False, server_default=sa.true()),
                        if_not_exists=True)
        op.create_index("ix_tags_label", "tags", ["label"], if_not_exists=True)
        if dialect != "sqlite":  # SQLite's ADD COLUMN has no IF NOT EXISTS
            op.add_column("tags", sa.Column("rank", sa.Integer), if_not_exists=True)
    op.drop_index("ix_tags_gone", table_name="tags", if_exists=True)
    op.drop_table("gone", if_exists=True)
    if dialect != "sqlite":
        op.drop_column("tags", "gone", if_exists=True)
    if dialect == "postgresql":  # only there does DROP CONSTRAINT take IF EXISTS
        op.drop_constraint("ck_tags_gone", "tags", type_="check", if_exists=True)
    with op.batch_alter_table("tags") as batch_op:
        # a falsy SQL construct is a default all the same
        batch_op.alter_column("hidden", server_default=sa.false(), existing_type=sa.Boolean,
                              existing_nullable=False)
    with op.batch_alter_table("tags", table_kwargs={"oracle_compress": True}) as batch_op:
        # on MySQL the rename restates the column: without existing_nullable it is NULL,
        # without existing_server_default it has no default
        batch_op.alter_column("label", new_column_name="name", existing_type=sa.String(30))
    if dialect == "mysql":
        op.add_column("tags", sa.Column("kind", KIND, nullable=False, server_default="a"))
        op.alter_column("tags", "kind", existing_type=KIND, type_=sa.Enum("a", "b", "c", name="kind"))


def downgrade() -> None:
    op.drop_index("ix_tags_label", table_name="tags", if_exists=True)
    op.drop_index("ix_tags_label", table_name="tags", if_exists=True)
    op.drop_table("tags", if_exists=True)
    op.drop_table("tags", if_exists=True)
