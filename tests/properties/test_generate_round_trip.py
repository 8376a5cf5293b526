"""Invariant 5, round trip through files: for generated schema pairs (A, B), with a
database at A stamped at head, `generate` writes a file; `upgrade head` brings the
database to B (check is clean); `downgrade -1` brings it back to A. The file is importable
and carries every finding as a REVIEW comment."""

import os
import tempfile
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg
import pytest
from hypothesis import HealthCheck, given, settings

from still.compare import compare
from still.config import load_config
from still.declare import declare
from still.declare.base import invented_names
from still.diff import diff
from still.diff.safe_forms import safe_forms
from still.errors import StillError
from still.lint.rows import row_findings
from still.reflect import reflect
from still.render import function_body, render_plan
from still.revisions import write_revision
from still.runtime.migrate import Run
from tests import rows
from tests.helpers import assert_same_snapshot, create_all, names_as_reflected, reset_database
from tests.properties.edits import FILE_EDITS, schema_pairs
from tests.properties.strategies import build

EXAMPLES = int(os.environ.get("STILL_GENERATE_EXAMPLES", "50"))


def _reflect(url: str, version_table: str = "still_version", conn=None):
    if conn is None:
        engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
        with engine.connect() as conn:
            return _reflect(url, version_table, conn)
    snap = reflect(conn)
    schema = snap.schemas[snap.default_schema]
    tables = {k: v for k, v in schema.tables.items() if k not in (version_table, f"{version_table}_log")}
    return snap.model_copy(update={"schemas": {**snap.schemas, snap.default_schema:
                                               schema.model_copy(update={"tables": tables})}})


@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(pair=schema_pairs(edits=FILE_EDITS))
@pytest.mark.parametrize("dialect", ("sqlite",))  # PostgreSQL and MySQL: their own profiles below
def test_generate_upgrade_downgrade(db_url, dialect, pair):
    generate_upgrade_downgrade(db_url, dialect, pair)


@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(pair=schema_pairs(dialect="postgresql", edits=FILE_EDITS))
def test_generate_upgrade_downgrade_on_postgresql(pg_url, pair):
    generate_upgrade_downgrade(pg_url, "postgresql", pair)


@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(pair=schema_pairs(dialect="mysql", edits=FILE_EDITS))
def test_generate_upgrade_downgrade_on_mysql(mysql_url, pair):
    generate_upgrade_downgrade(mysql_url, "mysql", pair)


def generate_upgrade_downgrade(db_url, dialect, pair):
    reset_database(db_url)
    round_trip(db_url, dialect, build(pair[0]), build(pair[1]), data=pair)


def _run_over_rows(db_url: str, held, run, findings) -> bool:
    """`run` (an upgrade or downgrade) over rows: True when it ran; when it failed, a finding
    said it might, and (where DDL is transactional) nothing changed; the rows are then
    deleted, so the run can be made again on empty tables."""
    try:
        run()
    except StillError as err:
        assert rows.predicted(findings, str(err)), f"the run failed over rows with no finding saying why: {err}"
        if not db_url.startswith("mysql"):
            assert rows.read(db_url, {t: ["id"] for t in held}) == {t: [r[:1] for r in v] for t, v in held.items()}
            rows.empty(db_url)
        return False
    return True


def round_trip(db_url: str, dialect: str, model_a, model_b, data=None) -> None:
    """Database at A, stamped; generate to B; upgrade reaches B, check is clean; downgrade
    comes back to A. `data`: the generated specs of A and B, whose tables then hold rows
    (tests/rows.py): each run keeps the values of the columns it keeps, or fails where a
    finding (REVIEW comment) said it may, changing nothing, and is made again on empty tables
    (on MySQL, whose DDL is not transactional, the example ends there)."""
    create_all(db_url, model_a)
    held = rows.fill(db_url, data[0]) if data is not None else None
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "migrations" / "versions").mkdir(parents=True)
        (root / "still.toml").write_text(f'url = "{db_url}"\nscript_location = "migrations"\n')
        cfg = load_config(path=root / "still.toml", cwd=root)
        base = write_revision(root / "migrations" / "versions", "schema A", rev_id="a0")
        Run(cfg).stamp(["head"])
        at_a = _reflect(db_url)

        engine = sa.create_engine(db_url, poolclass=sa.pool.NullPool)
        with engine.connect() as conn:
            comparison = compare(conn, model_b)
        engine.dispose()
        # as `still generate` writes it: the safe forms on (PostgreSQL: CONCURRENTLY indexes;
        # constraints NOT VALID then VALIDATE, SET NOT NULL through a CHECK, UNIQUE / PRIMARY
        # KEY USING INDEX, in upgrade() and downgrade())
        from still.cli.safety import constraint_forms

        plan = safe_forms(comparison.plan, dialect)
        rendered = render_plan(plan, dialect, (comparison.current, comparison.target),
                               constraint_forms(cfg, engine.dialect))
        path = write_revision(root / "migrations" / "versions", "to B", head=("a0",), rev_id="b1",
                              upgrade_body=function_body(rendered.upgrade),
                              downgrade_body=function_body(rendered.downgrade),
                              imports=rendered.imports, summary=rendered.summary)
        text = path.read_text()
        compile(text, str(path), "exec")
        for finding in plan.findings:
            assert f"# REVIEW({finding.code.value}): {finding.message}" in text

        if held is None:
            Run(cfg).upgrade("head")
        elif _run_over_rows(db_url, held, lambda: Run(cfg).upgrade("head"), plan.findings):
            rows.assert_kept(db_url, held, *data)
        elif dialect == "mysql":
            return
        else:
            held = None
            Run(cfg).upgrade("head")
        engine = sa.create_engine(db_url, poolclass=sa.pool.NullPool)
        with engine.connect() as conn:  # the dialect as it knows its server (MariaDB: native UUID)
            # and, once reflected, the defaults MySQL table options are relative to
            reached = _reflect(db_url, conn=conn)
            with invented_names() as invented:  # an unnamed constraint keeps the name it has
                declared = declare(model_b, conn.dialect)
            declared = names_as_reflected(declared, reached, frozenset(invented))
            assert_same_snapshot(reached, declared, column_order=False)
            assert compare(conn, model_b).plan.empty
            back = [*diff(reached, declare(model_a, conn.dialect)).findings,
                    *row_findings(conn, plan.reverse().operations, reached)]
        engine.dispose()

        if held is None:
            Run(cfg).downgrade("-1")
        elif _run_over_rows(db_url, held, lambda: Run(cfg).downgrade("-1"), back):
            rows.assert_kept(db_url, held, *data, back=True)
        elif dialect == "mysql":
            return
        else:
            Run(cfg).downgrade("-1")
        assert_same_snapshot(_reflect(db_url), at_a, column_order=False)
        assert base.exists()


def _domain_models(step: int):
    md = sa.MetaData()
    score = pg.DOMAIN("score", sa.Integer, check="VALUE > 0" if step == 0 else "VALUE >= 0",
                      default="1" if step == 0 else None, metadata=md)
    columns = [sa.Column("points", score)]
    if step == 1:
        email = pg.DOMAIN("email", sa.String(120), not_null=True, default="nobody@example.org",
                          collation="C", schema="people", metadata=md)
        columns += [sa.Column("email", email, nullable=False), sa.Column("history", pg.ARRAY(score))]
    sa.Table("person", md, sa.Column("id", sa.Integer, primary_key=True), *columns)
    if step == 0:
        pg.DOMAIN("gone", sa.Text, metadata=md)
    return md


def test_domains_generate_upgrade_downgrade(pg_url):
    """Issue 10: a revision generated for domains (created, altered, dropped, columns of
    them and an array of one) runs, reaches the models, and comes back."""
    round_trip(pg_url, "postgresql", _domain_models(0), _domain_models(1))
