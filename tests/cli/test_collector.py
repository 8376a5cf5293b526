"""The cyclic collector is paused while plan/check/generate import the user's models (the
bench: a third of a 1,000-table import goes to it), on again before the process ends, and
never paused while an online upgrade runs a revision's code (which may loop over data)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# the models say, in a file, whether the collector ran while they were imported and
# whether it is back on when the process ends
MODELS = '''
import atexit, gc, os
import sqlalchemy as sa

with open(os.environ["GC_LOG"], "a") as log:
    log.write(f"import {gc.isenabled()}\\n")
atexit.register(lambda: open(os.environ["GC_LOG"], "a").write(f"exit {gc.isenabled()}\\n"))

metadata = sa.MetaData()
sa.Table("items", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("name", sa.String(20)))
'''

REVISION = '''"""first

Revision ID: r1
Revises:
Create Date: 2026-01-01 00:00:00
"""
import gc, os
from still import op
import sqlalchemy as sa

revision = "r1"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    with open(os.environ["GC_LOG"], "a") as log:
        log.write(f"revision {gc.isenabled()}\\n")
    op.create_table("items", sa.Column("id", sa.Integer, primary_key=True), sa.Column("name", sa.String(20)))


def downgrade() -> None:
    op.drop_table("items")
'''


def make_project(tmp_path):
    (tmp_path / "models.py").write_text(MODELS)
    log = tmp_path / "gc.log"
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("STILL_")}, "GC_LOG": str(log),
           "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT / "src"), str(ROOT)])}

    def still(*args, ok=(0,)):
        log.write_text("")
        result = subprocess.run([sys.executable, "-m", "still", *args], capture_output=True, text=True,
                                cwd=tmp_path, env=env, timeout=120)
        assert result.returncode in ok, (args, result.stdout, result.stderr)
        return log.read_text().split("\n")[:-1]

    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'app.db'}"
    still("init", "migrations")
    with open(tmp_path / "still.toml", "a") as f:
        f.write('metadata = "models:metadata"\n')
    return still


def test_models_are_imported_with_the_collector_paused(tmp_path):
    still = make_project(tmp_path)
    (tmp_path / "migrations" / "versions" / "r1_first.py").write_text(REVISION)
    (tmp_path / "app.db").write_bytes(b"")  # an empty SQLite database
    # plan and check take the fast path, --format github and generate go through typer
    assert still("plan") == ["import False", "exit True"]
    assert still("check", ok=(1,)) == ["import False", "exit True"]
    assert still("check", "--format", "github", ok=(1,)) == ["import False", "exit True"]
    # the online run: the revision's code runs with the collector on
    assert still("upgrade", "head") == ["revision True"]
    assert still("check") == ["import False", "exit True"]
    # replaying the revision files offline is bounded work too
    # (the --from state, the history, is read before the --to state, the models)
    assert still("check", "--against", "history") == ["revision False", "import False", "exit True"]
    assert still("generate", "-m", "nothing", "--empty") == ["import False", "exit True"]
