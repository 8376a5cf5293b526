"""The costs `plan` claims for the safe constraint forms (issue 23, item 4) are what the
server does: every PostgreSQL scenario of tests/diff/test_scenarios.py is planned, put in
its safe forms, and run operation by operation; each operation run in a transaction holds
exactly the lock claimed (pg_locks) and rewrites exactly when claimed. The CONCURRENTLY
builds run outside a transaction, as the revision runs them. The schema reached is the
plain plan's."""

from __future__ import annotations

import pytest

from still.diff.safe_constraints import safe_constraints
from still.lint import costs
from still.ops.ddl import plan_statements
from still.reflect import reflect
from tests.diff.test_scenarios import SCENARIOS
from tests.helpers import assert_same_snapshot
from tests.lint.test_costs import _MODES, _ORDER, _oid, _plan

_SAFE_OPS = {"validate_constraint"}


@pytest.mark.parametrize("name", [n for n, spec in SCENARIOS.items() if "postgresql" in spec[4]])
def test_safe_forms_hold_the_locks_claimed(name, pg_url):
    engine, a, plain = _plan(pg_url, name)
    plan = safe_constraints(plain, a)
    claimed = costs(plan.operations, a, "postgresql")
    wrong = []
    try:
        for (op, stmts), cost in zip(plan_statements(plan, a, engine.dialect), claimed):
            if getattr(op, "concurrently", False):
                with engine.connect() as conn:
                    conn = conn.execution_options(isolation_level="AUTOCOMMIT")
                    for sql in stmts:
                        conn.exec_driver_sql(sql)
                continue
            with engine.begin() as conn:
                oids = {t: _oid(conn, '"' + '"."'.join(t.split(".")) + '"') for t in cost.tables}
                nodes = {t: conn.exec_driver_sql("SELECT relfilenode FROM pg_class WHERE oid = %(o)s",
                                                 {"o": o}).scalar() for t, o in oids.items() if o}
                for sql in stmts:
                    conn.exec_driver_sql(sql)
                for table, oid in oids.items():
                    if oid is None:
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
                        wrong.append(f"{op.op} on {table}: claimed {cost.work}")
        with engine.connect() as conn:
            reached = reflect(conn)
    finally:
        engine.dispose()
    assert not wrong, wrong
    assert_same_snapshot(reached, plain.apply(a), column_order=False)


def test_the_scenarios_reach_every_safe_form():
    """The test above is not empty: the scenarios add constraints and NOT NULL to tables
    that exist, so every safe form runs in it."""
    from still.declare import declare
    from sqlalchemy.dialects import postgresql

    from still.compare import declared_renames
    from still.diff import diff

    seen = set()
    for name, spec in SCENARIOS.items():
        if "postgresql" not in spec[4]:
            continue
        dialect = postgresql.dialect()
        dialect.server_version_info = (16,)
        a, b = declare(spec[0](), dialect), declare(spec[1](), dialect)
        safe = safe_constraints(diff(a, b, declared_renames(spec[1](), b.default_schema)), a)
        seen |= {(op.op, getattr(op, "kind", None)) for op in safe.operations
                 if op.op == "validate_constraint" or getattr(op, "using_index", None)}
    assert {("validate_constraint", "foreign_key"), ("validate_constraint", "check")} <= seen, seen
    assert {k for o, k in seen if o == "add_constraint"} == {"unique", "primary_key"}, seen
