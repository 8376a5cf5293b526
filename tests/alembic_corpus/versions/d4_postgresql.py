"""outside a transaction, EXCLUDE, plain alter/drop with existing_* and type_

Revision ID: d4
Revises: c3
Create Date: 2026-01-04 00:00:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = "d4"
down_revision = "c3"
branch_labels = None
depends_on = None


def upgrade() -> None:
    postgres = op.get_context().dialect.name == "postgresql"
    with op.get_context().autocommit_block():
        op.create_index("ix_posts_account", "posts", ["account_id"], postgresql_concurrently=postgres)
    if postgres:
        # postgresql_ops: the compiler writes the text after the key as it is, an operator
        # class, an ordering (Airflow's {"id": "DESC"}) or both
        op.create_table("bookings", sa.Column("id", sa.Integer, primary_key=True),
                        sa.Column("room", sa.Integer, nullable=False),
                        sa.Column("during", postgresql.TSRANGE, nullable=False),
                        sa.Column("guest", sa.String(40)),
                        sa.Index("ix_bookings_room_latest", "room", "id", postgresql_ops={"id": "DESC NULLS LAST"}),
                        sa.Index("ix_bookings_guest", "guest", postgresql_ops={"guest": "varchar_pattern_ops"}))
        op.create_exclude_constraint("no_overlap", "bookings", ("during", "&&"), using="gist")
        op.create_index("ix_posts_account_latest", "posts", ["account_id", "id"], postgresql_ops={"id": "DESC"})
        op.create_index("ix_posts_title_pattern", "posts", ["title"], postgresql_ops={"title": "text_pattern_ops"})
        with op.batch_alter_table("accounts") as batch_op:
            batch_op.create_index("ix_accounts_status_name", ["status", "name"],
                                  postgresql_ops={"name": "text_pattern_ops DESC"})
        op.alter_column("accounts", "name", existing_type=sa.String(50), type_=sa.String(80),
                        existing_nullable=False)
        op.drop_constraint("uq_accounts_name", "accounts", type_="unique")
        op.create_unique_constraint(op.f("uq_accounts_name_status"), "accounts", ["name", "status"])
    else:
        with op.batch_alter_table("accounts") as batch_op:
            batch_op.alter_column("name", existing_type=sa.String(50), type_=sa.String(80),
                                  existing_nullable=False)
            batch_op.drop_constraint("uq_accounts_name", type_="unique")
            batch_op.create_unique_constraint(batch_op.f("uq_accounts_name_status"), ["name", "status"])


def downgrade() -> None:
    postgres = op.get_context().dialect.name == "postgresql"
    if postgres:
        op.drop_index("ix_accounts_status_name", table_name="accounts")
        op.drop_index("ix_posts_title_pattern", table_name="posts")
        op.drop_index("ix_posts_account_latest", table_name="posts")
    with op.batch_alter_table("accounts") as batch_op:
        batch_op.drop_constraint("uq_accounts_name_status", type_="unique")
        batch_op.create_unique_constraint("uq_accounts_name", ["name"])
        batch_op.alter_column("name", existing_type=sa.String(80), type_=sa.String(50), existing_nullable=False)
    if postgres:
        op.drop_table("bookings")
    if op.get_context().dialect.name == "mysql":
        # MariaDB will not drop the index the foreign key uses (error 1553): the key goes
        # and comes back around it
        op.drop_constraint("fk_posts_account", "posts", type_="foreignkey")
        op.drop_index("ix_posts_account", table_name="posts")
        op.create_foreign_key("fk_posts_account", "posts", "accounts", ["account_id"], ["id"], ondelete="CASCADE")
    else:
        op.drop_index("ix_posts_account", table_name="posts")
