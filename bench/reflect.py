"""Reflection and `plan` speed on 1,000- and 5,000-table schemas, side by side with
SQLAlchemy and Alembic.

    make bench   (or: .venv/bin/python bench/reflect.py [--tables 1000,5000] [--repeat R] [--write-results])

For each dialect it builds the schema once (SQLite: a file; PostgreSQL and MariaDB: a
throwaway server from the installed binaries, or STILL_BENCH_POSTGRES_URL /
STILL_BENCH_MYSQL_URL), then times, median of R runs:
  still reflect                  the whole schema -> Snapshot
  still plan                     reflect + declare the models + diff (what `still plan` does)
  sqlalchemy MetaData.reflect    what Alembic's autogenerate reflects through
  alembic compare_metadata       Alembic's autogenerate comparison (reflection + compare)
and prints the catalog queries each one issued. Then, as whole processes (median of 3, the
runs taken in turns):
  still plan                     the command, on a project whose models module builds the schema
  alembic check                  Alembic's autogenerate comparison of the same models
  floor                          a bare `python -c "import <models>"`: what both pay first
                                 (exiting without the collector's last pass, as still does)
  floor, collector paused        the same import with the cyclic collector off, as still
                                 imports the models: still plan minus it is still's own work
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from results import Row, compile_sources, interleaved, write  # noqa: E402

from fixtures.models.generated import wide_metadata  # noqa: E402
from still.reflect import reflect  # noqa: E402


def count_queries(engine):
    box = [0]

    @sa.event.listens_for(engine, "before_cursor_execute")
    def _count(*_args, **_kw):
        box[0] += 1

    return box


def best_of(repeat, engine, fn):
    counter = count_queries(engine)
    times, queries = [], 0
    for _ in range(repeat):
        counter[0] = 0
        with engine.connect() as conn:
            start = time.perf_counter()
            fn(conn)
            times.append(time.perf_counter() - start)
        queries = counter[0]
    return statistics.median(times), queries


def still_plan(metadata):
    def run(conn):
        from still.compare import compare

        plan = compare(conn, metadata).plan
        assert plan.empty, [op.op for op in plan.operations][:5]

    return run


def alembic_compare(metadata):
    def run(conn):
        from alembic.autogenerate import compare_metadata
        from alembic.migration import MigrationContext

        compare_metadata(MigrationContext.configure(conn), metadata)

    return run


def bench_dialect(label, url, metadata, repeat):
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        metadata.create_all(conn)
    rows = [
        ("still reflect", best_of(repeat, engine, lambda c: reflect(c))),
        ("still plan (reflect+declare+diff)", best_of(repeat, engine, still_plan(metadata))),
        ("sqlalchemy MetaData.reflect", best_of(repeat, engine, lambda c: sa.MetaData().reflect(c))),
    ]
    try:
        rows.append(("alembic compare_metadata", best_of(repeat, engine, alembic_compare(metadata))))
    except ImportError:
        rows.append(("alembic compare_metadata", (float("nan"), 0)))
    engine.dispose()
    base = rows[0][1][0]
    print(f"\n{label}: {len(metadata.tables)} tables")
    print(f"  {'':34} {'seconds':>9} {'queries':>8} {'vs still reflect':>17}")
    for name, (secs, queries) in rows:
        print(f"  {name:34} {secs:9.3f} {queries:8d} {secs / base:16.1f}x")
    plan, alembic = rows[1][1][0], rows[-1][1][0]
    print(f"  alembic compare_metadata / still plan: {alembic / plan:.1f}x")
    n = len(metadata.tables)
    table = [Row(f"reflect, in-process ({n} tables, {label}; {rows[0][1][1]} queries; Alembic column: "
                 f"MetaData.reflect, {rows[2][1][1]} queries)", rows[0][1][0], rows[2][1][0]),
             Row(f"plan vs compare_metadata, in-process ({n} tables, {label})", plan,
                 None if alembic != alembic else alembic)]
    table.append(plan_processes(label, url, n))
    return table


MODELS = "from fixtures.models.generated import wide_metadata\n\nmetadata = wide_metadata({n})\n"
ALEMBIC_ENV = """from alembic import context
from sqlalchemy import create_engine

from bench_models import metadata

with create_engine(context.config.get_main_option("sqlalchemy.url")).connect() as connection:
    context.configure(connection=connection, target_metadata=metadata)
    with context.begin_transaction():
        context.run_migrations()
"""


def plan_processes(label: str, url: str, n: int) -> Row:
    """`still plan` and `alembic check` as whole processes on the database just built, and
    the floor: a bare process importing the models module both of them import."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp)
        (project / "bench_models.py").write_text(MODELS.format(n=n))
        (project / "still.toml").write_text(f'url = "{url}"\nmetadata = "bench_models:metadata"\n')
        (project / "migrations" / "versions").mkdir(parents=True)
        (project / "migrations" / "env.py").write_text(ALEMBIC_ENV)
        (project / "alembic.ini").write_text(f"[alembic]\nscript_location = migrations\nsqlalchemy.url = {url}\n")
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(project), str(ROOT / "src"), str(ROOT)])}
        env.pop("STILL_DATABASE_URL", None)
        python = sys.executable
        commands = [
            # the floor imports the models and ends as still does, without the interpreter's
            # final collection over them (seconds at 5,000 tables; see still.cli.main)
            ([python, "-c", "import gc, bench_models; gc.freeze()"], project, (0,)),
            # the same with the cyclic collector paused during the import, as still imports
            # the models (still.collector): what still's own work is measured against
            ([python, "-c", "import gc; gc.disable(); import bench_models; gc.freeze()"], project, (0,)),
            ([python, "-m", "still", "plan"], project, (0,))]
        try:
            import alembic  # noqa: F401

            # exit 255 is its "New upgrade operations detected" (it reports the descending
            # indexes as changed): the comparison ran all the same
            commands.append(([python, "-m", "alembic", "check"], project, (0, 255)))
        except ImportError:
            pass
        floor, paused, ours, *rest = interleaved(commands, env)
        theirs = rest[0] if rest else None
    case = (f"plan ({n} tables, {label}; Alembic: alembic check; floor: import the models) — "
            f"importing them with the collector paused, as still does: {paused:.3f} s")
    print(f"  whole processes: still plan {ours:.3f}s, alembic check "
          f"{theirs if theirs is None else round(theirs, 3)}s, floor {floor:.3f}s (plan - floor {ours - floor:.3f}s), "
          f"collector paused {paused:.3f}s (plan - that {ours - paused:.3f}s)")
    return Row(case, ours, theirs, floor)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tables", default="1000,5000", help="schema sizes (comma-separated)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--write-results", action="store_true", help="update bench/RESULTS.md")
    args = parser.parse_args()
    compile_sources()
    import tempfile

    rows: list[Row] = []
    url = os.environ.get("STILL_BENCH_POSTGRES_URL")
    server = None
    if not url:
        from tests.pg_server import PostgresServer

        server = PostgresServer().start()
        url = server.url
    try:
        for n in (int(t) for t in args.tables.split(",") if t):
            metadata = wide_metadata(n)
            with tempfile.TemporaryDirectory() as tmp:
                rows += bench_dialect("sqlite", f"sqlite:///{tmp}/bench.db", metadata, args.repeat)
            rows += bench_dialect("postgresql", url, metadata, args.repeat)
            engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
            with engine.begin() as conn:
                metadata.drop_all(conn)
            engine.dispose()
    finally:
        if server:
            server.stop()

    url = os.environ.get("STILL_BENCH_MYSQL_URL")
    server = None
    if not url:
        from tests.mysql_server import MariaDBServer

        server = MariaDBServer().start()
        admin = sa.create_engine(server.url, poolclass=sa.pool.NullPool)
        with admin.connect() as conn:
            conn.exec_driver_sql("CREATE DATABASE bench")
        admin.dispose()
        url = server.url.rsplit("/", 1)[0] + "/bench"
    try:
        rows += bench_dialect("mysql (MariaDB)", url, wide_metadata(1000), args.repeat)
    finally:
        if server:
            server.stop()
    if args.write_results:
        write("reflect.py", rows)


if __name__ == "__main__":
    main()
