"""Migration runtime speed, side by side with Alembic on the same history: `heads`,
`current` and `history` as whole processes on 1,000 revisions, and `upgrade head` of 1,000
small revisions on SQLite (online and as an offline --sql script).

    .venv/bin/python bench/migrate.py [--revisions 1000] [--no-alembic]
"""

from __future__ import annotations

import argparse
import compileall
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

REVISION = '''"""step {n}

Revision ID: {rev}
Revises: {down}
Create Date: 2026-01-01 00:00:00
"""
from still import op
import sqlalchemy as sa

revision = "{rev}"
down_revision = {down_literal}
branch_labels = None
depends_on = None


def upgrade() -> None:
    {upgrade}


def downgrade() -> None:
    {downgrade}
'''


ALEMBIC_ENV = '''from alembic import context
from sqlalchemy import create_engine

config = context.config
if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    with create_engine(config.get_main_option("sqlalchemy.url")).connect() as connection:
        context.configure(connection=connection, transaction_per_migration=True)
        with context.begin_transaction():
            context.run_migrations()
'''


def make_alembic_project(path: Path, count: int, url: str) -> None:
    """The same history as an Alembic environment (revision files differ only in `op`'s import)."""
    make_project(path, count, op_module="alembic")
    (path / "migrations" / "env.py").write_text(ALEMBIC_ENV)
    (path / "alembic.ini").write_text(f"[alembic]\nscript_location = migrations\nsqlalchemy.url = {url}\n")


def make_project(path: Path, count: int, op_module: str = "still") -> None:
    versions = path / "migrations" / "versions"
    versions.mkdir(parents=True)
    (path / "still.toml").write_text('script_location = "migrations"\nurl = "${DATABASE_URL}"\n')
    down = None
    for n in range(count):
        rev = f"r{n:05d}"
        if n % 10 == 0:
            table = f"t{n // 10}"
            up = f'op.create_table("{table}", sa.Column("id", sa.Integer, primary_key=True))'
            back = f'op.drop_table("{table}")'
        else:
            table = f"t{n // 10}"
            up = f'op.add_column("{table}", sa.Column("c{n}", sa.Integer))'
            back = f'op.drop_column("{table}", "c{n}")'
        (versions / f"{rev}_step.py").write_text(REVISION.format(
            n=n, rev=rev, down=down or "", down_literal=f'"{down}"' if down else "None",
            upgrade=up, downgrade=back).replace("from still import op", f"from {op_module} import op"))
        down = rev


def timed(args: list[str], cwd: Path, env: dict, repeat: int = 3, tool: str = "still") -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", tool, *args], cwd=cwd, env=env,
                                capture_output=True, text=True)
        elapsed = time.perf_counter() - start
        if result.returncode != 0:
            raise SystemExit(f"{tool} {' '.join(args)} failed: {result.stderr.strip()[-500:]}")
        best = min(best, elapsed)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--revisions", type=int, default=1000)
    parser.add_argument("--no-alembic", action="store_true")
    args = parser.parse_args()
    n = args.revisions
    rows = [("--help", ["--help"], ["--help"], 3), ("heads", ["heads"], ["heads"], 3),
            ("history", ["history"], ["history"], 3),
            (f"upgrade head ({n} revisions, SQLite)", ["-q", "upgrade", "head"], ["-q", "upgrade", "head"], 1),
            ("current", ["current"], ["current"], 3),
            (f"upgrade base:head --sql ({n} revisions)", ["upgrade", "base:head", "--sql", "-q"],
             ["upgrade", "base:head", "--sql"], 1)]
    # an installed package runs from byte-code (pip compiles it; the editable install here
    # may not, e.g. under PYTHONDONTWRITEBYTECODE): compile still's sources once, as Alembic's are
    compileall.compile_dir(str(ROOT / "src" / "still"), quiet=1)
    with tempfile.TemporaryDirectory() as tmp:
        still_dir, alembic_dir = Path(tmp) / "still", Path(tmp) / "alembic"
        make_project(still_dir, n)
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{still_dir / 'bench.db'}",
               "PYTHONPATH": str(ROOT / "src")}
        env.pop("STILL_DATABASE_URL", None)
        use_alembic = not args.no_alembic
        if use_alembic:
            try:
                import alembic  # noqa: F401
            except ImportError:
                use_alembic = False
        if use_alembic:
            make_alembic_project(alembic_dir, n, f"sqlite:///{alembic_dir / 'bench.db'}")
        print(f"{n} revisions; whole processes, best of 3 (upgrade: one run)")
        print(f"  {'':45} {'still':>8} {'alembic':>8} {'alembic/still':>14}")
        for name, still_args, alembic_args, repeat in rows:
            ours = timed(still_args, still_dir, env, repeat)
            theirs = timed(alembic_args, alembic_dir, env, repeat, "alembic") if use_alembic else float("nan")
            print(f"  {name:<45} {ours:7.3f}s {theirs:7.3f}s {theirs / ours:13.1f}x")
        for mode in ("wal-sync", "file"):  # the other sqlite_commit settings, each on a new database
            config = still_dir / f"still-{mode}.toml"
            config.write_text(f'script_location = "migrations"\nurl = "${{DATABASE_URL}}"\nsqlite_commit = "{mode}"\n')
            mode_env = {**env, "DATABASE_URL": f"sqlite:///{still_dir / f'bench-{mode}.db'}"}
            ours = timed(["-c", str(config), "-q", "upgrade", "head"], still_dir, mode_env, 1)
            print(f"  {f'upgrade head, sqlite_commit={mode}':<45} {ours:7.3f}s")
        print(f"  floor: the same DDL, version updates and {n} commits through sqlite3 alone:")
        for label, wal, sync in (("rollback journal, synchronous=FULL (how Alembic commits)", False, "FULL"),
                                 ("WAL, synchronous=NORMAL (still's default, sqlite_commit=wal)", True, "NORMAL"),
                                 ("WAL, synchronous=FULL (sqlite_commit=wal-sync)", True, "FULL")):
            floor = sqlite_floor(Path(tmp) / f"floor-{wal}-{sync}.db", n, wal, sync)
            print(f"    {label:<62} {floor:7.3f}s")


def sqlite_floor(path: Path, count: int, wal: bool = False, sync: str = "FULL") -> float:
    """What the database itself takes for the upgrade (no Python tool around it), so the
    figures above can be read as floor + overhead."""
    import sqlite3

    start = time.perf_counter()
    db = sqlite3.connect(path, isolation_level=None)
    if wal:
        db.execute("PRAGMA locking_mode=EXCLUSIVE")
        db.execute("PRAGMA journal_mode=WAL")
    db.execute(f"PRAGMA synchronous={sync}")
    db.execute("CREATE TABLE still_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)")
    db.execute("INSERT INTO still_version VALUES ('r-0001')")
    for n in range(count):
        db.execute("BEGIN")
        if n % 10 == 0:
            db.execute(f'CREATE TABLE "t{n // 10}" (id INTEGER NOT NULL, PRIMARY KEY (id))')
        else:
            db.execute(f'ALTER TABLE "t{n // 10}" ADD COLUMN "c{n}" INTEGER')
        db.execute(f"UPDATE still_version SET version_num='r{n:05d}' WHERE version_num='r{n - 1:05d}'")
        db.execute("COMMIT")
    if wal:
        db.execute("PRAGMA synchronous=FULL")
        db.execute("PRAGMA journal_mode=DELETE")  # checkpoints and syncs, as still does at the end
    db.close()
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
