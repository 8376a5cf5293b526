"""tables, rows, names marked final

Revision ID: a1
Revises:
Create Date: 2026-01-01 00:00:00

"""
from alembic import op
import sqlalchemy as sa

revision = "a1"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    accounts = op.create_table(
        "accounts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(50), nullable=False),
        sa.Column("status", sa.String(10), nullable=False, server_default="new"),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.UniqueConstraint("name", name=op.f("uq_accounts_name")),
    )
    op.bulk_insert(accounts, [{"id": 1, "name": "ann", "status": "new", "active": True},
                              {"id": 2, "name": "bob", "status": "old", "active": False}])
    op.bulk_insert(accounts, [{"id": 3, "name": "cy", "status": "old", "active": True}], multiinsert=False)
    op.create_table(
        "posts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("account_id", sa.Integer, nullable=True),
        sa.Column("title", sa.String(100)),
        sa.Column("body", sa.Text),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"]),  # no name: SQLite keeps none
    )
    op.create_index(op.f("ix_posts_title"), "posts", ["title"], unique=False)
    op.create_table("notes", sa.Column("key", sa.String(40), primary_key=True),
                    sa.Column("value", sa.String(200), nullable=False))


def downgrade() -> None:
    op.drop_table("notes")
    op.drop_index(op.f("ix_posts_title"), table_name="posts")
    op.drop_table("posts")
    op.drop_table("accounts")
