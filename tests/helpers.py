"""Shared test helpers: loading fixture model modules and comparing snapshots readably."""

from __future__ import annotations

import importlib

import sqlalchemy as sa

FIXTURE_MODULES = ("app", "types", "postgres", "mysql", "domains", "pg_keys")


# the PostgreSQL version tests without a server declare for (as `postgresql_version` says it)
OFFLINE_POSTGRESQL = (17,)


def unconnected(dialect_name: str):
    """A dialect with no server behind it, told the version still cannot ask for: what a
    Computed without persisted= becomes depends on it (still.server_versions)."""
    from still.declare import dialect_named
    from still.server_versions import for_server

    return for_server(dialect_named(dialect_name), OFFLINE_POSTGRESQL)


def fixture_module(name: str):
    return importlib.import_module(f"fixtures.models.{name}")


def fixture_cases(dialects=("sqlite", "postgresql", "mysql")):
    """(module name, dialect) for every fixture and every dialect it supports, of `dialects`."""
    return [(name, d) for name in FIXTURE_MODULES for d in fixture_module(name).DIALECTS if d in dialects]


def snapshot_differences(left, right, path: str = "") -> list[str]:
    """Every leaf where two snapshots (or their JSON dumps) differ, as `path: a != b`."""
    if hasattr(left, "model_dump"):
        left = left.model_dump(mode="json")
    if hasattr(right, "model_dump"):
        right = right.model_dump(mode="json")
    if isinstance(left, dict) and isinstance(right, dict):
        out = []
        for key in list(left) + [k for k in right if k not in left]:
            if key not in right:
                out.append(f"{path}.{key}: only on the left")
            elif key not in left:
                out.append(f"{path}.{key}: only on the right")
            else:
                out += snapshot_differences(left[key], right[key], f"{path}.{key}")
        return out
    if isinstance(left, list) and isinstance(right, list):
        if len(left) != len(right) and all(isinstance(x, dict) and "name" in x for x in left + right):
            return snapshot_differences({x["name"]: x for x in left}, {x["name"]: x for x in right}, path)
        out = [f"{path}: {len(left)} items != {len(right)} items"] if len(left) != len(right) else []
        for i, (a, b) in enumerate(zip(left, right)):
            label = a.get("name", i) if isinstance(a, dict) else i
            out += snapshot_differences(a, b, f"{path}[{label}]")
        return out
    return [] if left == right else [f"{path}: {left!r} != {right!r}"]


def _columns_by_name(snap):
    data = snap.model_dump(mode="json") if hasattr(snap, "model_dump") else snap
    for schema in data["schemas"].values():
        for table in schema["tables"].values():
            table["columns"] = sorted(table["columns"], key=lambda c: c["name"])
    return data


def assert_same_snapshot(reflected, declared, column_order: bool = True):
    """Field-by-field equality with a readable diff. `column_order=False` is for states
    reached by migrations: a column dropped and added back returns at the end of the
    table (no database re-inserts a column in the middle), so order is not compared."""
    if not column_order:
        reflected, declared = _columns_by_name(reflected), _columns_by_name(declared)
    diffs = snapshot_differences(reflected, declared)
    assert not diffs, "reflected (left) != declared (right):\n  " + "\n  ".join(diffs)


def names_as_reflected(declared, reflected, invented) -> dict:
    """`declared` with each name the database was left to choose (`invented`, as
    still.declare.base.invented_names gathers them) replaced by the name the reflected twin
    of that item has: still keeps whatever name an unnamed constraint already holds, so a
    state reached by migrations may call it otherwise than a fresh CREATE TABLE would."""
    declared = declared.model_dump(mode="json") if hasattr(declared, "model_dump") else declared
    reflected = reflected.model_dump(mode="json") if hasattr(reflected, "model_dump") else reflected
    for schema_name, schema in declared["schemas"].items():
        for table_name, table in schema["tables"].items():
            there = reflected["schemas"].get(schema_name, {}).get("tables", {}).get(table_name)
            if there is None:
                continue
            for key, items in table.items():
                if not isinstance(items, list) or not all(isinstance(x, dict) and "name" in x for x in items):
                    continue
                theirs = list(there.get(key) or [])
                wanted = {x["name"] for x in items}
                # twins under their own name first, as the diff matches them
                theirs = [x for x in theirs if not any(x == y for y in items)]
                for item in items:
                    loose = (schema_name, table_name, item["name"]) in invented or \
                        (key == "indexes" and (schema_name, table_name, item["name"], "index") in invented)
                    if not loose or item in there.get(key, []):
                        continue
                    twin = next((x for x in theirs if x["name"] not in wanted
                                 and {**x, "name": None} == {**item, "name": None}), None)
                    if twin is not None:
                        theirs.remove(twin)
                        item["name"] = twin["name"]
                items.sort(key=lambda x: (x["name"] is None, x["name"] or ""))  # as snapshots sort
    return declared


def create_all(url: str, metadata: sa.MetaData) -> None:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            for schema in {t.schema for t in metadata.tables.values() if t.schema}:
                conn.exec_driver_sql(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
        metadata.create_all(conn)
    engine.dispose()


def assert_plan_round_trip(engine, plan, a, b, data=None) -> None:
    """Execute `plan` on a database at `a`: it must reflect to `b`, with nothing left to do;
    then the reversed plan must bring it back to `a`.

    `data`: the generated specs (A, B) of `a` and `b`. A's tables then hold rows
    (tests/rows.py) when each way runs: it either keeps every value of the columns it keeps,
    or fails where a finding said it may, changing nothing; a run that failed so is made
    again on empty tables, so the schema round trip is checked all the same (on MySQL, whose
    DDL is not transactional, the example ends there)."""
    from still.diff import diff
    from still.ops.ddl import execute_plan
    from still.reflect import reflect
    from tests import rows

    url = engine.url.render_as_string(hide_password=False)
    held = rows.fill(url, data[0]) if data is not None else None

    def run(step, before, findings, back: bool) -> None:
        nonlocal held
        if held is not None:
            if rows.run_over_rows(engine, step, before, findings):
                rows.assert_kept(url, held, *data, back=back)
                return
            rows.empty(url)  # failed where a finding said it may: the schema round trip goes on empty
            held = None
        with engine.begin() as conn:
            execute_plan(step, before, conn)

    if data is not None and engine.dialect.name == "mysql":
        # MySQL commits each DDL statement: a run that fails over rows leaves what ran
        if not rows.run_over_rows(engine, plan, a, plan.findings):
            return
        rows.assert_kept(url, held, *data)
    else:
        run(plan, a, plan.findings, back=False)
    with engine.connect() as conn:
        reached = reflect(conn)
    assert_same_snapshot(reached, b, column_order=False)
    assert diff(reached, b).empty
    if data is not None and engine.dialect.name == "mysql" and held is not None:
        if not rows.run_over_rows(engine, plan.reverse(), b, diff(reached, a).findings):
            return
        rows.assert_kept(url, held, *data, back=True)
    else:
        run(plan.reverse(), b, diff(reached, a).findings, back=True)
    with engine.connect() as conn:
        assert_same_snapshot(reflect(conn), a, column_order=False)


def run_statements(url: str, statements) -> None:
    """Run what `still plan --sql` prints: in one transaction, except on PostgreSQL, where
    each runs on its own as psql runs a script (the safe forms' CREATE INDEX CONCURRENTLY
    and ALTER TYPE ... ADD VALUE cannot run in a transaction); MySQL commits each DDL
    statement anyway."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    if engine.dialect.name == "postgresql":
        engine = engine.execution_options(isolation_level="AUTOCOMMIT")
    with engine.begin() as conn:
        for sql in statements:
            conn.exec_driver_sql(sql)
    engine.dispose()


def reset_database(url: str) -> None:
    """Empty a test database again (hypothesis reuses one per test function)."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("DROP SCHEMA public CASCADE")
            conn.exec_driver_sql("CREATE SCHEMA public")
        elif conn.dialect.name == "mysql":
            conn.exec_driver_sql("SET FOREIGN_KEY_CHECKS=0")
            for (name,) in conn.exec_driver_sql(
                    "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()").fetchall():
                conn.exec_driver_sql(f"DROP TABLE `{name}`")
            conn.exec_driver_sql("SET FOREIGN_KEY_CHECKS=1")
        else:
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            for (name,) in conn.exec_driver_sql(
                    "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'").fetchall():
                conn.exec_driver_sql(f'DROP TABLE "{name}"')
    engine.dispose()
