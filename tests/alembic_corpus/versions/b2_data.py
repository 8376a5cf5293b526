"""data through constructs, the context and the connection

Revision ID: b2
Revises: a1
Create Date: 2026-01-02 00:00:00

"""
from alembic import context, op
import sqlalchemy as sa

revision = "b2"
down_revision = "a1"
branch_labels = None
depends_on = None

accounts = sa.table("accounts", sa.column("id", sa.Integer), sa.column("status", sa.String))
notes = sa.table("notes", sa.column("key", sa.String), sa.column("value", sa.String))


def upgrade() -> None:
    op.execute(accounts.update().where(accounts.c.status == op.inline_literal("old"))
               .values({"status": op.inline_literal("archived")}))
    ctx = op.get_context()
    url = context.config.get_main_option("sqlalchemy.url")
    x = context.get_x_argument(as_dictionary=True)
    assert ctx.as_sql == context.is_offline_mode() and ctx.bind is not None
    if context.is_offline_mode():
        archived = 2  # offline nothing can be read back
    else:
        archived = op.get_bind().execute(
            sa.text("SELECT count(*) FROM accounts WHERE status = 'archived'")).scalar()
    op.bulk_insert(notes, [
        {"key": "dialect", "value": ctx.dialect.name},
        {"key": "url-scheme", "value": url.split(":", 1)[0].split("+", 1)[0]},
        {"key": "archived", "value": str(archived)},
        {"key": "x-mode", "value": x.get("mode", "none")},
        {"key": "offline", "value": str(context.is_offline_mode())},
    ])
    # MySQL reads || as OR
    concat = "CONCAT(name, '!')" if op.get_context().dialect.name == "mysql" else "name || '!'"
    op.execute(f"UPDATE accounts SET name = {concat} WHERE id = 3")


def downgrade() -> None:
    op.execute("UPDATE accounts SET name = substr(name, 1, length(name) - 1) WHERE id = 3")
    op.execute(notes.delete())
    op.execute(accounts.update().where(accounts.c.status == op.inline_literal("archived"))
               .values({"status": op.inline_literal("old")}))
