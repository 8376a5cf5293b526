"""A throwaway still project driven through the real command line (`python -m still`)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Optional

ROOT = Path(__file__).resolve().parents[2]


class Project:
    def __init__(self, path: Path, url: Optional[str]):
        self.path = path
        self.url = url
        path.mkdir(parents=True, exist_ok=True)

    def env(self) -> dict:
        env = {k: v for k, v in os.environ.items() if k not in ("STILL_DATABASE_URL", "STILL_CONFIG", "DATABASE_URL")}
        if self.url is not None:
            env["DATABASE_URL"] = self.url
        env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")])
        return env

    def run(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "still", *args], capture_output=True, text=True,
                              cwd=self.path, env=self.env(), timeout=120)

    def ok(self, *args: str) -> str:
        result = self.run(*args)
        assert result.returncode == 0, (args, result.returncode, result.stdout, result.stderr)
        return result.stdout

    def fail(self, *args: str) -> str:
        """The one-line error (after any progress lines) of a command that must exit 2."""
        result = self.run(*args)
        last = (result.stderr.strip().splitlines() or [""])[-1]
        assert result.returncode == 2 and last.startswith("error: ") and "Traceback" not in result.stderr, \
            (args, result.returncode, result.stdout, result.stderr)
        return last

    def init(self) -> "Project":
        self.ok("init", "migrations")
        return self

    @property
    def versions(self) -> Path:
        return self.path / "migrations" / "versions"

    def revision(self, rev_id: str, message: str, upgrade: str = "pass", downgrade: str = "pass",
                 *args: str) -> Path:
        out = self.ok("revision", "-m", message, "--rev-id", rev_id, *args)
        path = Path(re.search(r"created (.+\.py)", out).group(1))
        write_bodies(path, upgrade, downgrade)
        return path


def write_bodies(path: Path, upgrade: str, downgrade: str) -> None:
    text = path.read_text()
    for name, body in (("upgrade", upgrade), ("downgrade", downgrade)):
        body = textwrap.indent(textwrap.dedent(body).strip() or "pass", "    ")
        text = text.replace(f"def {name}() -> None:\n    pass", f"def {name}() -> None:\n{body}")
    path.write_text(text)


def reflect_url(url: str):
    import sqlalchemy as sa

    from still.reflect import reflect

    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        snap = reflect(conn)
        rows = ()
        if sa.inspect(conn).has_table("still_version"):
            rows = tuple(sorted(r[0] for r in conn.exec_driver_sql("SELECT version_num FROM still_version")))
    engine.dispose()
    return snap, rows


# A small history used by several tests: create, alter (a SQLite rebuild), FK + index.
HISTORY = [
    ("a1", "create users", """
        op.create_table(
            "users",
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("name", sa.String(50), nullable=False),
        )
        op.create_index("ix_users_name", "users", ["name"])
     """, """
        op.drop_index("ix_users_name", "users")
        op.drop_table("users")
     """),
    ("b2", "add email", """
        op.add_column("users", sa.Column("email", sa.String(100), server_default="none"))
        op.alter_column("users", "name", nullable=True, type_=sa.String(80))
        op.create_unique_constraint("uq_users_email", "users", ["email"])
     """, """
        op.drop_constraint("uq_users_email", "users", type_="unique")
        op.alter_column("users", "name", nullable=False, type_=sa.String(50))
        op.drop_column("users", "email")
     """),
    ("c3", "create posts", """
        op.create_table(
            "posts",
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("user_id", sa.Integer, nullable=False),
            sa.Column("title", sa.Text),
            sa.CheckConstraint("length(title) > 0", name="ck_posts_title"),
        )
        op.create_foreign_key("fk_posts_user", "posts", "users", ["user_id"], ["id"], ondelete="CASCADE")
        op.create_index("ix_posts_title", "posts", ["title"], unique=True)
        op.bulk_insert(sa.table("users", sa.column("id"), sa.column("name")), [{"id": 1, "name": "ann"}])
     """, """
        op.drop_index("ix_posts_title")
        op.drop_constraint("fk_posts_user", "posts", type_="foreignkey")
        op.drop_table("posts")
        op.execute("DELETE FROM users WHERE id = 1")
     """),
]


def history_project(path: Path, url: Optional[str]) -> Project:
    project = Project(path, url).init()
    for rev_id, message, up, down in HISTORY:
        project.revision(rev_id, message, up, down)
    return project
