"""Reflection speed on a 1,000-table schema, side by side with SQLAlchemy and Alembic.

    make bench            (or: .venv/bin/python bench/reflect.py [--tables N] [--repeat R])

For each dialect it builds the schema once (SQLite: a file; PostgreSQL and MariaDB: a
throwaway server from the installed binaries, or STILL_BENCH_POSTGRES_URL /
STILL_BENCH_MYSQL_URL), then times, best of R runs:
  still reflect                  the whole schema -> Snapshot
  still plan                     reflect + declare the models + diff (what `still plan` does)
  sqlalchemy MetaData.reflect    what Alembic's autogenerate reflects through
  alembic compare_metadata       Alembic's autogenerate comparison (reflection + compare)
and prints the catalog queries each one issued.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

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
    return min(times), queries


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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tables", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    metadata = wide_metadata(args.tables)

    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        bench_dialect("sqlite", f"sqlite:///{tmp}/bench.db", metadata, args.repeat)

    url = os.environ.get("STILL_BENCH_POSTGRES_URL")
    server = None
    if not url:
        from tests.pg_server import PostgresServer

        server = PostgresServer().start()
        url = server.url
    try:
        bench_dialect("postgresql", url, metadata, args.repeat)
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
        bench_dialect("mysql (MariaDB)", url, metadata, args.repeat)
    finally:
        if server:
            server.stop()


if __name__ == "__main__":
    main()
