"""still plan on real applications' models, side by side with Alembic's compare_metadata.

    make bench            (or: .venv/bin/python bench/realworld.py [--repeat R])

For each app of the real-world corpus (tests/realworld: Prefect, MLflow, Optuna, installed
from the package index into venvs under .realworld/) and each dialect, a database is made by
`create_all` of the app's models; then, as whole processes in the app's venv, medians of R:
  floor                      importing the app's models (what both tools pay first)
  still plan                 `python -m still plan` on that database
  alembic compare_metadata   Alembic's autogenerate comparison of the same models
with the number of operations still plans there (phantoms: must be 0) and the number of
differences Alembic reports. Writes bench/REALWORLD.md.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from tests.pg_server import PostgresServer  # noqa: E402
from tests.realworld import runner  # noqa: E402
from tests.realworld.apps import APPS  # noqa: E402
from tests.realworld.venvs import venv_python  # noqa: E402


def timed(repeat: int, run) -> tuple[float, subprocess.CompletedProcess]:
    times, last = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        last = run()
        times.append(time.perf_counter() - start)
        assert last.returncode in (0, 1), last.stderr[-2000:]
    return statistics.median(times), last


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rows = []
    server = PostgresServer().start()
    admin = sa.create_engine(server.url, poolclass=sa.pool.NullPool, isolation_level="AUTOCOMMIT")
    try:
        _run_all(args, rows, server, admin)
    finally:
        admin.dispose()
        server.stop()
    _write(rows, args.repeat)


def _database(admin, name: str) -> str:
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE template0')
    return admin.url.set(database=name).render_as_string(hide_password=False)


def _run_all(args, rows, server, admin) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        for app in APPS.values():
            python = venv_python(app)
            for dialect in app.dialects:
                if dialect == "sqlite":
                    url = f"sqlite:///{tmp_path / f'{app.name}.db'}"
                else:
                    url = _database(admin, f"bench_{app.name.replace('-', '_')}")
                runner.loader(python, app, "create_all", url, tmp_path)
                loader = str(runner.HERE / "loader.py")
                floor, _ = timed(args.repeat, lambda: runner.run(python, app, url, loader, "site", url,
                                                                  tmp_path=tmp_path))
                still, plan = timed(args.repeat, lambda: runner.still(python, app, "plan", url, tmp_path,
                                                                      "--format", "json"))
                alembic, compared = timed(args.repeat, lambda: runner.run(
                    python, app, url, loader, "compare_metadata", url, tmp_path=tmp_path))
                operations = len(json.loads(plan.stdout)["operations"])
                rows.append((app.name, dialect, floor, still, alembic, operations, int(compared.stdout.strip())))
                print(f"{app.name:14} {dialect:10} floor {floor:5.2f}s  still plan {still:5.2f}s  "
                      f"alembic compare_metadata {alembic:5.2f}s  still ops {operations}  "
                      f"alembic diffs {compared.stdout.strip()}", flush=True)


def _write(rows, repeat: int) -> None:
    lines = ["# still plan on real applications' models", "",
             f"`make bench` (bench/realworld.py), medians of {repeat} whole processes in each app's venv, "
             "on a database `create_all` made from the app's models; this machine: "
             f"{_machine()}.", "",
             "| app | dialect | floor (import models) | still plan | Alembic compare_metadata | ratio | "
             "still operations (phantoms) | Alembic diffs |", "|---|---|---|---|---|---|---|---|"]
    for name, dialect, floor, still, alembic, ops, diffs in rows:
        lines.append(f"| {name} | {dialect} | {floor:.2f} s | {still:.2f} s | {alembic:.2f} s | "
                     f"{alembic / still:.1f}x | {ops} | {diffs} |")
    (ROOT / "bench" / "REALWORLD.md").write_text("\n".join(lines) + "\n")


def _machine() -> str:
    import os
    import platform

    return f"{os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()} {platform.machine()}"


if __name__ == "__main__":
    main()
