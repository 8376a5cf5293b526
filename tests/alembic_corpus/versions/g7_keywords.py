"""the rest of op: primary keys, table comments, renames, foreign key and index keywords

Revision ID: g7
Revises: f6
Create Date: 2026-01-07 00:00:00

"""
from alembic import op
import sqlalchemy as sa

revision = "g7"
down_revision = "f6"
branch_labels = None
depends_on = None


def upgrade() -> None:
    dialect = op.get_context().dialect.name
    op.create_table("teams", sa.Column("id", sa.Integer, primary_key=True),
                    sa.Column("name", sa.String(40), nullable=False, comment="shown to people"),
                    sa.Column("code", sa.String(10)),
                    comment="groups of accounts")
    op.rename_table("teams", "squads")
    op.create_table("memberships", sa.Column("squad_id", sa.Integer, nullable=False),
                    sa.Column("account_id", sa.Integer, nullable=False),
                    sa.Column("role", sa.String(20), nullable=False, server_default="member"))
    # SQLite alters constraints only by rebuilding the table: batch mode there, in place elsewhere
    with op.batch_alter_table("memberships") as batch_op:
        batch_op.create_primary_key("pk_memberships", ["squad_id", "account_id"])
        batch_op.create_foreign_key("fk_memberships_squad", "squads", ["squad_id"], ["id"],
                                    onupdate="CASCADE", ondelete="CASCADE")
        batch_op.create_foreign_key("fk_memberships_account", "accounts", ["account_id"], ["id"],
                                    **({"deferrable": True, "initially": "DEFERRED", "match": "FULL"}
                                       if dialect == "postgresql" else {}))
        batch_op.create_unique_constraint("uq_memberships_role", ["account_id", "role"],
                                          **({"deferrable": True} if dialect == "postgresql" else {}))
        batch_op.create_check_constraint("ck_memberships_role", sa.column("role") != "")
    with op.batch_alter_table("squads") as batch_op:
        batch_op.alter_column("code", new_column_name="short_code", existing_type=sa.String(10),
                              existing_nullable=True)
    with op.batch_alter_table("squads") as batch_op:
        batch_op.create_index("ix_squads_code", ["short_code"], unique=True,
                              sqlite_where=sa.text("short_code IS NOT NULL"),
                              postgresql_where=sa.text("short_code IS NOT NULL"), postgresql_using="btree",
                              mysql_length={"short_code": 5})
    if dialect != "sqlite":  # SQLite keeps no comments
        op.create_table_comment("squads", "teams of accounts", existing_comment="groups of accounts")
        op.alter_column("squads", "name", comment="the squad's name", existing_comment="shown to people",
                        existing_type=sa.String(40), existing_nullable=False)
        op.drop_table_comment("memberships")
        # the foreign key inline in ADD COLUMN (unnamed: the database names it), a primary
        # key inline too
        op.add_column("posts", sa.Column("squad_id", sa.Integer, sa.ForeignKey("squads.id", ondelete="SET NULL")),
                      inline_references=True)
        op.create_table("badges", sa.Column("label", sa.String(20), nullable=False))
        op.add_column("badges", sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
                      inline_primary_key=True)
    op.execute(sa.text("UPDATE accounts SET status = status WHERE id = 1"), execution_options={"no_parameters": False})


def downgrade() -> None:
    dialect = op.get_context().dialect.name
    if dialect != "sqlite":
        op.drop_table("badges")
        fk = {"postgresql": "posts_squad_id_fkey", "mysql": "posts_ibfk_1"}[dialect]
        op.drop_constraint(fk, "posts", type_="foreignkey")
        if dialect == "mysql":  # the index MariaDB made for the key stays behind it
            op.drop_index("squad_id", table_name="posts")
        op.drop_column("posts", "squad_id")
    op.drop_table("memberships")
    op.drop_table("squads")
