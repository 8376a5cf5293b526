"""still plan on real applications' models, side by side with Alembic's compare_metadata.

    make bench            (or: .venv/bin/python bench/realworld.py [--repeat R] [--dialect D ...])

For each app of the real-world corpus (tests/realworld: Prefect, MLflow, Optuna, installed
from the package index into venvs under .realworld/) and each of its dialects (SQLite,
PostgreSQL and MariaDB, each server a throwaway one), a database is made by
`create_all` of the app's models; then, as whole processes in the app's venv, medians of R
(the runs of the four taken in turns):
  floor                      importing the app's models (what both tools pay first), exiting
                             without the collector's last pass over them, as still does
  floor, collector paused    the same import with the cyclic collector off, as still imports
                             the models (still.collector): still plan minus it is still's own work
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

from tests.mysql_server import MariaDBServer  # noqa: E402
from tests.pg_server import PostgresServer  # noqa: E402
from tests.realworld import runner  # noqa: E402
from tests.realworld.apps import APPS  # noqa: E402
from tests.realworld.venvs import venv_python  # noqa: E402


def in_turns(repeat: int, *runs) -> list[tuple[float, subprocess.CompletedProcess]]:
    """Each run's median time and its last result, the runs taken in turns (a b c, b c a, ...)
    so that a slow minute of the machine falls on all of them alike."""
    times: list[list[float]] = [[] for _ in runs]
    last: list = [None] * len(runs)
    for round_ in range(repeat):
        for offset in range(len(runs)):
            which = (round_ + offset) % len(runs)
            start = time.perf_counter()
            last[which] = runs[which]()
            times[which].append(time.perf_counter() - start)
            assert last[which].returncode in (0, 1), last[which].stderr[-2000:]
    return [(statistics.median(t), result) for t, result in zip(times, last)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dialect", action="append", choices=("sqlite", "postgresql", "mysql"),
                        help="only these dialects (all when not given)")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "bench"))
    from results import compile_sources

    compile_sources()
    wanted = set(args.dialect or ("sqlite", "postgresql", "mysql"))
    rows, servers, admins = [], [], {}
    try:
        for dialect, server_type in (("postgresql", PostgresServer), ("mysql", MariaDBServer)):
            if dialect in wanted:
                servers.append(server_type().start())
                admins[dialect] = sa.create_engine(servers[-1].url, poolclass=sa.pool.NullPool,
                                                   isolation_level="AUTOCOMMIT")
        _run_all(args, rows, admins, wanted)
    finally:
        for admin in admins.values():
            admin.dispose()
        for server in servers:
            server.stop()
    _write(rows, args.repeat, wanted)


def _database(admin, name: str) -> str:
    q = "`" if admin.dialect.name == "mysql" else '"'
    with admin.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {q}{name}{q}")
        conn.exec_driver_sql(f"CREATE DATABASE {q}{name}{q}" + (" TEMPLATE template0" if q == '"' else ""))
    return admin.url.set(database=name).render_as_string(hide_password=False)


def _run_all(args, rows, admins, wanted) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        for app in APPS.values():
            if not wanted & set(app.dialects):
                continue
            python = venv_python(app)
            for dialect in (d for d in app.dialects if d in wanted):
                if dialect == "sqlite":
                    url = f"sqlite:///{tmp_path / f'{app.name}.db'}"
                else:
                    url = _database(admins[dialect], f"bench_{app.name.replace('-', '_')}")
                runner.loader(python, app, "create_all", url, tmp_path)
                loader = str(runner.HERE / "loader.py")
                (floor, _), (paused, _), (still, plan), (alembic, compared) = in_turns(
                    args.repeat,
                    # the models imported as still imports them (`--metadata loader:metadata`)
                    lambda: runner.run(python, app, url, "-c", "import gc, loader; gc.freeze()", tmp_path=tmp_path),
                    lambda: runner.run(python, app, url, "-c", "import gc; gc.disable(); import loader; gc.freeze()",
                                       tmp_path=tmp_path),
                    lambda: runner.still(python, app, "plan", url, tmp_path, "--format", "json"),
                    lambda: runner.run(python, app, url, loader, "compare_metadata", url, tmp_path=tmp_path))
                operations = len(json.loads(plan.stdout)["operations"])
                rows.append((app.name, dialect, floor, paused, still, alembic, operations,
                             int(compared.stdout.strip())))
                print(f"{app.name:14} {dialect:10} floor {floor:5.2f}s  paused {paused:5.2f}s  still plan {still:5.2f}s  "
                      f"alembic compare_metadata {alembic:5.2f}s  still ops {operations}  "
                      f"alembic diffs {compared.stdout.strip()}", flush=True)


OUT = ROOT / "bench" / "REALWORLD.md"


def _write(rows, repeat: int, wanted: set) -> None:
    lines = ["# still plan on real applications' models", "",
             f"`make bench` (bench/realworld.py), medians of {repeat} whole processes in each app's venv "
             "(the four runs taken in turns), on a database `create_all` made from the app's models; "
             f"this machine: {_machine()}. Floor: importing the models and exiting as still does; "
             "collector paused: the same import with the cyclic collector off, as still imports them.", "",
             "| app | dialect | floor (import models) | floor, collector paused | still plan | "
             "Alembic compare_metadata | ratio | still operations (phantoms) | Alembic diffs |",
             "|---|---|---|---|---|---|---|---|---|"]
    table = _kept_rows(wanted)
    for name, dialect, floor, paused, still, alembic, ops, diffs in rows:
        table[(name, dialect)] = (f"| {name} | {dialect} | {floor:.2f} s | {paused:.2f} s | {still:.2f} s | "
                                  f"{alembic:.2f} s | {alembic / still:.1f}x | {ops} | {diffs} |")
    order = [(app.name, d) for app in APPS.values() for d in ("sqlite", "postgresql", "mysql")]
    lines += [table[key] for key in sorted(table, key=lambda k: order.index(k) if k in order else len(order))]
    OUT.write_text("\n".join(lines) + "\n")


def _kept_rows(wanted: set) -> dict:
    """The rows of the dialects not run this time, as the last run wrote them."""
    if not OUT.is_file():
        return {}
    kept = {}
    for line in OUT.read_text().splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) == 9 and cells[0] in APPS and cells[1] not in wanted:
            kept[(cells[0], cells[1])] = line
    return kept


def _machine() -> str:
    import os
    import platform

    return f"{os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()} {platform.machine()}"


if __name__ == "__main__":
    main()
