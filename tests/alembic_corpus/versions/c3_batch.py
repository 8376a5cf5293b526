"""batch: recreate, copy_from, naming_convention, replaced constraints

Revision ID: c3
Revises: b2
Create Date: 2026-01-03 00:00:00

"""
from alembic import op
import sqlalchemy as sa

revision = "c3"
down_revision = "b2"
branch_labels = None
depends_on = None

naming = {"fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s"}


def _posts_fk() -> str:
    # PostgreSQL and MySQL name the unnamed foreign key themselves; on SQLite the convention names it
    return {"postgresql": "posts_account_id_fkey", "mysql": "posts_ibfk_1"}.get(
        op.get_context().dialect.name, "fk_posts_account_id_accounts")


def upgrade() -> None:
    # PostgreSQL cannot recreate a table others refer to (Alembic fails there too)
    sqlite = op.get_context().dialect.name == "sqlite"
    with op.batch_alter_table("accounts", recreate="always" if sqlite else "auto", table_args=(),
                              reflect_args=[sa.Column("status", sa.String(10), nullable=False,
                                                       server_default="new")]) as batch_op:
        batch_op.add_column(sa.Column("email", sa.String(120), nullable=True))
        batch_op.alter_column("status", existing_type=sa.String(10), type_=sa.String(20),
                              existing_nullable=False, existing_server_default="new")
        batch_op.create_index(batch_op.f("ix_accounts_email"), ["email"], unique=False)
        batch_op.create_check_constraint("ck_accounts_status", "status <> ''")
    with op.batch_alter_table("accounts", recreate="always" if sqlite else "auto") as batch_op:
        # the same name again: where batch mode recreates the table, it replaces the constraint
        if not sqlite:
            batch_op.drop_constraint("ck_accounts_status", type_="check")
        batch_op.create_check_constraint("ck_accounts_status", "length(status) > 1")
    with op.batch_alter_table("posts", naming_convention=naming) as batch_op:
        batch_op.drop_constraint(_posts_fk(), type_="foreignkey")
        batch_op.create_foreign_key(batch_op.f("fk_posts_account"), "accounts", ["account_id"], ["id"],
                                    ondelete="CASCADE")
        batch_op.drop_column("body")
    # copy_from: the table as it is, given instead of read (Alembic then skips reflection)
    meta = sa.MetaData()
    sa.Table("accounts", meta, sa.Column("id", sa.Integer, primary_key=True))
    posts = sa.Table("posts", meta, sa.Column("id", sa.Integer, primary_key=True),
                     sa.Column("account_id", sa.Integer), sa.Column("title", sa.String(100)),
                     sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], name="fk_posts_account",
                                             ondelete="CASCADE"),
                     sa.Index("ix_posts_title", "title"))
    with op.batch_alter_table("posts", copy_from=posts) as batch_op:
        batch_op.alter_column("title", existing_type=sa.String(100), type_=sa.String(200),
                              existing_nullable=True, nullable=False, server_default="untitled")


def downgrade() -> None:
    with op.batch_alter_table("posts") as batch_op:
        batch_op.alter_column("title", existing_type=sa.String(200), type_=sa.String(100),
                              existing_nullable=False, nullable=True, server_default=None,
                              existing_server_default="untitled")
        batch_op.add_column(sa.Column("body", sa.Text))
        batch_op.drop_constraint("fk_posts_account", type_="foreignkey")
        batch_op.create_foreign_key("fk_posts_account_id_accounts", "accounts", ["account_id"], ["id"])
    with op.batch_alter_table("accounts") as batch_op:
        batch_op.drop_constraint("ck_accounts_status", type_="check")
        batch_op.drop_index(batch_op.f("ix_accounts_email"))
        batch_op.alter_column("status", existing_type=sa.String(20), type_=sa.String(10),
                              existing_nullable=False, existing_server_default="new")
        batch_op.drop_column("email")
