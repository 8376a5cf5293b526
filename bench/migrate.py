"""Migration runtime speed: `heads`, `current` and `history` as whole processes on 1,000
revisions, and `upgrade head` of 1,000 small revisions on SQLite.

    .venv/bin/python bench/migrate.py [--revisions 1000]
"""

from __future__ import annotations

import argparse
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


def make_project(path: Path, count: int) -> None:
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
            upgrade=up, downgrade=back))
        down = rev


def timed(args: list[str], cwd: Path, env: dict, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", "still", *args], cwd=cwd, env=env,
                                capture_output=True, text=True)
        elapsed = time.perf_counter() - start
        if result.returncode != 0:
            raise SystemExit(f"still {' '.join(args)} failed: {result.stderr.strip()}")
        best = min(best, elapsed)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--revisions", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp)
        make_project(path, args.revisions)
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{path / 'bench.db'}",
               "PYTHONPATH": str(ROOT / "src")}
        env.pop("STILL_DATABASE_URL", None)
        figures = {
            "still --help": timed(["--help"], path, env),
            "heads": timed(["heads"], path, env),
            "history": timed(["history"], path, env),
        }
        figures[f"upgrade head ({args.revisions} revisions, SQLite)"] = timed(["-q", "upgrade", "head"], path, env, 1)
        figures["current"] = timed(["current"], path, env)
        figures[f"upgrade base:head --sql ({args.revisions} revisions)"] = timed(["upgrade", "base:head", "--sql", "-q"], path, env, 1)
        print(f"{args.revisions} revisions, best of 3 whole-process runs (upgrade: one run)")
        for name, seconds in figures.items():
            print(f"  {name:<45} {seconds:8.3f} s")


if __name__ == "__main__":
    main()
