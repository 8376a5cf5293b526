"""string defaults on every numeric width, a type's own CHECK replaced

Revision ID: e5
Revises: d4
Create Date: 2026-01-05 00:00:00

"""
from alembic import op
import sqlalchemy as sa

revision = "e5"
down_revision = "d4"
branch_labels = None
depends_on = None

OLD = sa.Enum("new", "old", "archived", name="ck_accounts_known", native_enum=False, create_constraint=True)
NEW = sa.Enum("new", "old", "archived", "gone", name="ck_accounts_known_v2", native_enum=False,
              create_constraint=True)


def upgrade() -> None:
    op.add_column("posts", sa.Column("views", sa.BigInteger, nullable=False, server_default="0"))
    op.add_column("posts", sa.Column("rank", sa.SmallInteger, nullable=False, server_default="-1"))
    op.add_column("posts", sa.Column("score", sa.Numeric(6, 2), nullable=False, server_default="1.50"))
    op.add_column("posts", sa.Column("ratio", sa.Float, server_default="1e-05"))
    op.add_column("posts", sa.Column("pinned", sa.Boolean, nullable=False, server_default="0"))
    with op.batch_alter_table("accounts") as batch_op:
        batch_op.create_check_constraint("ck_accounts_known", "status IN ('new', 'old', 'archived')")
    with op.batch_alter_table("accounts") as batch_op:
        batch_op.alter_column("status", type_=NEW, existing_type=OLD, existing_nullable=False,
                              existing_server_default="new")


def downgrade() -> None:
    with op.batch_alter_table("accounts") as batch_op:
        if op.get_context().dialect.name == "mysql":
            # Alembic's MySQL dialect keeps a type's own CHECK when the type changes, and
            # adds OLD's again: the kept one goes first
            batch_op.drop_constraint("ck_accounts_known", type_="check")
        batch_op.alter_column("status", type_=OLD, existing_type=NEW, existing_nullable=False,
                              existing_server_default="new")
    with op.batch_alter_table("accounts") as batch_op:
        batch_op.drop_constraint("ck_accounts_known", type_="check")
    with op.batch_alter_table("posts") as batch_op:
        for column in ("pinned", "ratio", "score", "rank", "views"):
            batch_op.drop_column(column)
