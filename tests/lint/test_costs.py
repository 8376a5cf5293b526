"""The cost still claims for each operation is what the server does (issue 23, item 2).

Every scenario of tests/diff/test_scenarios.py is planned and run operation by operation on
a real server, and each operation's claimed cost is checked against the server itself:
- PostgreSQL: the strongest lock the transaction holds on each table named (pg_locks), and
  whether the table was rewritten (its relfilenode changes exactly when a rewrite is claimed);
- MariaDB: each ALTER TABLE is run with the ALGORITHM/LOCK claimed (the server refuses one
  it cannot honour), after the next cheaper algorithm was refused (so the claim is not
  more pessimistic than the server).
"""

from __future__ import annotations

import pytest

from still.compare import declared_renames
from still.db import migration_engine
from still.declare import declare
from still.diff import diff
from still.lint import costs
from still.ops.ddl import plan_statements
from still.reflect import reflect
from tests.diff.test_scenarios import SCENARIOS
from tests.helpers import create_all

_MODES = {"ACCESS EXCLUSIVE": "AccessExclusiveLock", "SHARE ROW EXCLUSIVE": "ShareRowExclusiveLock",
          "SHARE": "ShareLock", "SHARE UPDATE EXCLUSIVE": "ShareUpdateExclusiveLock"}
_ORDER = ["AccessShareLock", "RowShareLock", "RowExclusiveLock", "ShareUpdateExclusiveLock", "ShareLock",
          "ShareRowExclusiveLock", "ExclusiveLock", "AccessExclusiveLock"]


def _plan(db_url, name):
    make_a, make_b = SCENARIOS[name][:2]
    create_all(db_url, make_a())
    engine = migration_engine(db_url)
    with engine.connect() as conn:
        a = reflect(conn)
    b = declare(make_b(), engine.dialect)
    return engine, a, diff(a, b, declared_renames(make_b(), b.default_schema))


def _oid(conn, table: str):
    return conn.exec_driver_sql("SELECT to_regclass(%(t)s)::oid", {"t": table}).scalar()


@pytest.mark.parametrize("name", [n for n, spec in SCENARIOS.items() if "postgresql" in spec[4]])
def test_postgresql_locks_and_rewrites_are_as_claimed(name, pg_url):
    engine, a, plan = _plan(pg_url, name)
    claimed = costs(plan.operations, a, "postgresql")
    wrong = []
    try:
        for (op, stmts), cost in zip(plan_statements(plan, a, engine.dialect), claimed):
            with engine.begin() as conn:
                quoted = {t: '"' + '"."'.join(t.split(".")) + '"' for t in cost.tables}
                oids = {t: _oid(conn, q) for t, q in quoted.items()}
                nodes = {t: conn.exec_driver_sql("SELECT relfilenode FROM pg_class WHERE oid = %(o)s",
                                                 {"o": o}).scalar() for t, o in oids.items() if o}
                for sql in stmts:
                    conn.exec_driver_sql(sql)
                for table, oid in oids.items():
                    if oid is None:  # a table the operation creates: nobody else can see it yet
                        continue
                    modes = [m for (m,) in conn.exec_driver_sql(
                        "SELECT mode FROM pg_locks WHERE pid = pg_backend_pid() AND relation = %(o)s AND granted",
                        {"o": oid})]
                    strongest = max(modes, key=_ORDER.index) if modes else "none"
                    if strongest != _MODES.get(cost.lock, "none"):
                        wrong.append(f"{op.op} on {table}: claimed {cost.lock}, held {strongest}")
                    after = conn.exec_driver_sql("SELECT relfilenode FROM pg_class WHERE oid = %(o)s",
                                                 {"o": oid}).scalar()
                    if after is not None and (after != nodes[table]) != (cost.work == "rewrite"):
                        wrong.append(f"{op.op} on {table}: claimed {cost.work}, "
                                     f"{'rewritten' if after != nodes[table] else 'not rewritten'}")
    finally:
        engine.dispose()
    assert not wrong, wrong


_CHEAPER = {"ALGORITHM=COPY, LOCK=SHARED": "ALGORITHM=INPLACE",
            "ALGORITHM=INPLACE, LOCK=NONE": "ALGORITHM=INSTANT",
            "ALGORITHM=INPLACE, LOCK=SHARED": "ALGORITHM=INPLACE, LOCK=NONE"}


@pytest.mark.parametrize("name", [n for n, spec in SCENARIOS.items() if "mysql" in spec[4]])
def test_mariadb_algorithms_are_as_claimed(name, mysql_url):
    from sqlalchemy import exc

    engine, a, plan = _plan(mysql_url, name)
    claimed = costs(plan.operations, a, "mysql")
    wrong = []
    try:
        for (op, stmts), cost in zip(plan_statements(plan, a, engine.dialect), claimed):
            with engine.begin() as conn:
                cheaper = _CHEAPER.get(cost.lock)
                altered = refused = False  # the claim is the costliest statement's: one must refuse cheaper
                for sql in stmts:
                    if not sql.startswith("ALTER TABLE") or not cost.lock.startswith("ALGORITHM"):
                        conn.exec_driver_sql(sql)
                        continue
                    altered = True
                    if cheaper is not None:
                        try:
                            conn.exec_driver_sql(f"{sql}, {cheaper}")
                            continue
                        except exc.DBAPIError:
                            refused = True
                    try:
                        conn.exec_driver_sql(f"{sql}, {cost.lock}")
                    except exc.DBAPIError as err:
                        wrong.append(f"{op.op}: claimed {cost.lock}, refused: {err.orig} ({sql})")
                        conn.exec_driver_sql(sql)
                if altered and cheaper is not None and not refused:
                    wrong.append(f"{op.op}: claimed {cost.lock}, but {cheaper} ran: {stmts}")
    finally:
        engine.dispose()
    assert not wrong, wrong
