"""Migration runtime speed, side by side with Alembic on the same history, as whole
processes (median of 3, still's and Alembic's runs taken in turns): `heads`, `history`, `current` and `show head` on 1,000 and 10,000
revisions, and on 1,000 small revisions `upgrade head` on SQLite (against the floor of
sqlite3 alone) and the offline scripts `upgrade base:head --sql` / `downgrade head:base --sql`.

    .venv/bin/python bench/migrate.py [--revisions 1000] [--readers 1000,10000] [--no-alembic] [--write-results]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Optional

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from results import Row, _secs, compile_sources, interleaved, median_process, write  # noqa: E402

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
    # a history is files written well before a run: still's indexes leave out a file modified
    # in the last 2 s (see still.revisions.header_index); the "cold" rows time a run without them
    past = time.time() - 60
    for file in versions.iterdir():
        os.utime(file, (past, past))


def timed(args: list[str], cwd: Path, env: dict, tool: str = "still", runs: int = 3) -> float:
    return median_process([sys.executable, "-m", tool, *args], cwd, env, runs)


def side_by_side(ours: list[str], theirs: Optional[list[str]], still_dir: Path, alembic_dir: Path,
                 env: dict, floor: Optional[list[str]] = None) -> tuple[float, Optional[float], Optional[float]]:
    """still's, Alembic's (None: not installed) and the floor's medians, their runs taken in
    turns (results.interleaved)."""
    commands = [([sys.executable, "-m", "still", *ours], still_dir, (0,))]
    if theirs is not None:
        commands.append(([sys.executable, "-m", "alembic", *theirs], alembic_dir, (0,)))
    if floor is not None:
        commands.append(([sys.executable, *floor], still_dir, (0,)))
    times = interleaved(commands, env)
    return times[0], times[1] if theirs is not None else None, times[-1] if floor is not None else None


def readers(n: int, tmp: Path, use_alembic: bool) -> list[Row]:
    """heads, history, current and show on an n-revision history at head (stamped)."""
    still_dir, alembic_dir = tmp / f"still-{n}", tmp / f"alembic-{n}"
    make_project(still_dir, n)
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{still_dir / 'bench.db'}", "PYTHONPATH": str(ROOT / "src")}
    env.pop("STILL_DATABASE_URL", None)
    subprocess.run([sys.executable, "-m", "still", "-q", "stamp", "head"], cwd=still_dir, env=env, check=True)
    if use_alembic:
        make_alembic_project(alembic_dir, n, f"sqlite:///{alembic_dir / 'bench.db'}")
        subprocess.run([sys.executable, "-m", "alembic", "stamp", "head"], cwd=alembic_dir, env=env,
                       check=True, capture_output=True)
    rows = []
    for args in (["heads"], ["history"], ["current"], ["show", "head"]):
        name = f"{' '.join(args)} ({n} revisions)"
        ours, theirs, _ = side_by_side(args, args if use_alembic else None, still_dir, alembic_dir, env)
        rows.append(Row(name, ours, theirs))
        print(f"  {name:<45} {ours:7.3f}s {_secs(theirs):>8} {_ratio(ours, theirs):>13}", flush=True)
    cache = still_dir / "migrations" / ".still_cache"
    times = []
    for _ in range(3):  # the first run after a checkout: every header read, the index written
        shutil.rmtree(cache, ignore_errors=True)
        times.append(timed(["heads"], still_dir, env, runs=1))
    name = f"heads, cold: no header index ({n} revisions)"
    rows.append(Row(name, statistics.median(times), rows[0].alembic))
    print(f"  {name:<45} {rows[-1].still:7.3f}s", flush=True)
    return rows


def _ratio(ours: float, theirs) -> str:
    return f"{theirs / ours:.1f}x" if theirs is not None else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--revisions", type=int, default=1000)
    parser.add_argument("--readers", default="1000,10000",
                        help="history sizes for heads/history/current/show (comma-separated)")
    parser.add_argument("--no-alembic", action="store_true")
    parser.add_argument("--write-results", action="store_true", help="update bench/RESULTS.md")
    args = parser.parse_args()
    n = args.revisions
    compile_sources()
    use_alembic = not args.no_alembic
    if use_alembic:
        try:
            import alembic  # noqa: F401
        except ImportError:
            use_alembic = False
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        print("whole processes, median of 3, taken in turns")
        print(f"  {'':45} {'still':>8} {'alembic':>8} {'alembic/still':>14}")
        for size in (int(s) for s in args.readers.split(",") if s):
            rows += readers(size, tmp, use_alembic)
        still_dir, alembic_dir = tmp / "still", tmp / "alembic"
        make_project(still_dir, n)
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{still_dir / 'bench.db'}",
               "PYTHONPATH": str(ROOT / "src")}
        env.pop("STILL_DATABASE_URL", None)
        if use_alembic:
            make_alembic_project(alembic_dir, n, f"sqlite:///{alembic_dir / 'bench.db'}")
        floors = {(wal, sync): sqlite_floor(tmp / f"floor-{wal}-{sync}.db", n, wal, sync)
                  for wal, sync in ((False, "FULL"), (True, "NORMAL"), (True, "FULL"))}
        # what any tool writing the script from these files pays first: the revision files
        # import SQLAlchemy (timed in turns with the two tools)
        bare = ["-c", "import sqlalchemy"]
        cases = [("--help", ["--help"], ["--help"], None),
                 (f"upgrade base:head --sql ({n} revisions; floor: import sqlalchemy)",
                  ["upgrade", "base:head", "--sql", "-q"], ["upgrade", "base:head", "--sql"], bare),
                 (f"downgrade head:base --sql ({n} revisions; floor: import sqlalchemy)",
                  ["downgrade", "head:base", "--sql", "-q"], ["downgrade", "head:base", "--sql"], bare),
                 (f"upgrade head ({n} revisions, SQLite; floor: WAL, synchronous=NORMAL)",
                  ["-q", "upgrade", "head"], ["-q", "upgrade", "head"], floors[True, "NORMAL"])]
        for name, still_args, alembic_args, floor in cases:
            if still_args[-1] == "head":  # each run starts from an empty database
                ours = _fresh(lambda: timed(still_args, still_dir, env, runs=1), still_dir / "bench.db")
                theirs = _fresh(lambda: timed(alembic_args, alembic_dir, env, "alembic", 1),
                                alembic_dir / "bench.db") if use_alembic else None
            else:
                ours, theirs, floor = side_by_side(still_args, alembic_args if use_alembic else None,
                                                   still_dir, alembic_dir, env, floor)
            rows.append(Row(name, ours, theirs, floor))
            print(f"  {name:<45} {ours:7.3f}s {_secs(theirs):>8} {_ratio(ours, theirs):>13}", flush=True)
        for mode, floor in (("wal-sync", floors[True, "FULL"]), ("file", floors[False, "FULL"])):
            config = still_dir / f"still-{mode}.toml"
            config.write_text(f'script_location = "migrations"\nurl = "${{DATABASE_URL}}"\nsqlite_commit = "{mode}"\n')
            mode_env = {**env, "DATABASE_URL": f"sqlite:///{still_dir / f'bench-{mode}.db'}"}
            ours = _fresh(lambda: timed(["-c", str(config), "-q", "upgrade", "head"], still_dir, mode_env, runs=1),
                          still_dir / f"bench-{mode}.db")
            name = f"upgrade head, sqlite_commit={mode} (floor: {'WAL' if mode == 'wal-sync' else 'rollback journal'}, synchronous=FULL)"
            rows.append(Row(name, ours, None, floor))
            print(f"  {name:<45} {ours:7.3f}s", flush=True)
    if args.write_results:
        write("migrate.py", rows)


def _fresh(run, database: Path) -> float:
    """`run` timed 3 times, as median_process does, each time on a new database file."""
    import statistics

    times = []
    for _ in range(3):
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(str(database) + suffix).unlink(missing_ok=True)
        times.append(run())
    return statistics.median(times)


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
