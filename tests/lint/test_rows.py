"""Constraints a plan adds that the rows already there break (still.lint.rows): counted
against the live database when the plan is made, one `rows-break-constraint` finding each,
and none when the rows keep them; the plan run over such rows does fail (the finding is
true), and changes nothing on a database whose DDL is transactional."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from still.compare import compare
from still.db import migration_engine
from still.errors import StillError
from still.ops.ddl import execute_plan
from tests.conftest import TRANSACTIONAL_DDL
from tests.helpers import create_all

ROWS = [(1, "a", 1, 10), (2, "a", 2, -1), (3, "b", None, 5), (4, None, None, None)]


def _models(*extra, parent_rows: bool = True, renamed: bool = False) -> sa.MetaData:
    md = sa.MetaData()
    sa.Table("parent" if parent_rows else "parent_new", md,
             sa.Column("id", sa.Integer, primary_key=True, autoincrement=False))
    info = {"still": {"renamed_from": "t"}} if renamed else {}
    sa.Table("t2" if renamed else "t", md, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
             sa.Column("code", sa.String(10)), sa.Column("parent_id", sa.Integer), sa.Column("n", sa.Integer),
             *extra, info=info)
    return md


# (what the models add, whether the rows above break it)
CASES = {
    "unique_broken": (lambda: [sa.UniqueConstraint("code", name="uq_code")], True),
    "unique_kept": (lambda: [sa.UniqueConstraint("id", "code", name="uq_code")], False),
    "unique_index_broken": (lambda: [sa.Index("ix_code", "code", unique=True)], True),
    "check_broken": (lambda: [sa.CheckConstraint("n >= 0", name="ck_n")], True),
    "check_kept": (lambda: [sa.CheckConstraint("n >= -1", name="ck_n")], False),
    "fk_broken": (lambda: [sa.ForeignKeyConstraint(["n"], ["parent.id"], name="fk_p")], True),
    "fk_kept": (lambda: [sa.ForeignKeyConstraint(["parent_id"], ["parent.id"], name="fk_p")], False),
}


def _database(url: str) -> None:
    create_all(url, _models())
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO parent (id) VALUES (1), (2)"))
        conn.execute(sa.text("INSERT INTO t (id, code, parent_id, n) VALUES (:a, :b, :c, :d)"),
                     [dict(zip("abcd", row)) for row in ROWS])
    engine.dispose()


def _plan(url: str, models):
    engine = migration_engine(url)
    try:
        with engine.connect() as conn:
            return compare(conn, models)
    finally:
        engine.dispose()


def _codes(comparison) -> list[str]:
    return [f.code.value for f in comparison.plan.findings if f.code.value == "rows-break-constraint"]


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_constraint_the_rows_break_is_found(db_url, dialect, case):
    _database(db_url)
    make, broken = CASES[case]
    comparison = _plan(db_url, _models(*make()))
    assert _codes(comparison) == (["rows-break-constraint"] if broken else []), comparison.plan.findings


def test_the_message_counts_the_rows(db_url, dialect):
    _database(db_url)
    found = [f for f in _plan(db_url, _models(sa.CheckConstraint("n >= 0", name="ck_n"))).plan.findings
             if f.code.value == "rows-break-constraint"]
    assert [f.message for f in found] == [
        "check ck_n on t (n >= 0): 1 row fails it: the upgrade fails until it is fixed"]


def test_a_key_to_a_table_the_plan_creates_counts_every_row_with_a_value(db_url, dialect):
    """The parent is new (empty): the two rows with a parent_id break the key."""
    _database(db_url)
    models = _models(sa.ForeignKeyConstraint(["parent_id"], ["parent_new.id"], name="fk_p"), parent_rows=False)
    found = [f.message for f in _plan(db_url, models).plan.findings if f.code.value == "rows-break-constraint"]
    assert len(found) == 1 and ": 2 rows refer to no row there" in found[0], found


def test_a_renamed_table_is_asked_by_its_old_name(db_url, dialect):
    _database(db_url)
    models = _models(sa.UniqueConstraint("code", name="uq_code"), renamed=True)
    assert _codes(_plan(db_url, models)) == ["rows-break-constraint"]


@pytest.mark.parametrize("dialect", TRANSACTIONAL_DDL)
def test_the_finding_is_true_and_the_failed_run_changes_nothing(db_url, dialect):
    _database(db_url)
    comparison = _plan(db_url, _models(sa.UniqueConstraint("code", name="uq_code")))
    assert _codes(comparison) == ["rows-break-constraint"]
    engine = migration_engine(db_url)
    try:
        with pytest.raises(StillError):
            with engine.begin() as conn:
                execute_plan(comparison.plan, comparison.current, conn)
        with engine.connect() as conn:
            assert len(conn.exec_driver_sql("SELECT id FROM t").fetchall()) == 4
    finally:
        engine.dispose()


MODELS = '''import sqlalchemy as sa
metadata = sa.MetaData()
sa.Table("parent", metadata, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False))
sa.Table("t", metadata, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
         sa.Column("code", sa.String(10)), sa.Column("parent_id", sa.Integer), sa.Column("n", sa.Integer),
         sa.UniqueConstraint("code", name="uq_code"))
'''


@pytest.mark.parametrize("from_", ["db", "url"])
def test_plan_and_generate_count_the_rows_of_the_database_they_start_from(db_url, dialect, tmp_path, from_):
    """Through the command line: `plan` (from the configured database or a URL) and
    `generate` carry the finding, the revision as a REVIEW comment; from a snapshot file
    there are no rows to count."""
    import json

    from tests.runtime.project import Project

    _database(db_url)
    project = Project(tmp_path, db_url)
    (tmp_path / "models.py").write_text(MODELS)
    (tmp_path / "still.toml").write_text('url = "${DATABASE_URL}"\nmetadata = "models:metadata"\n'
                                         'script_location = "migrations"\n')
    args = [] if from_ == "db" else ["--from", db_url]
    report = json.loads(project.ok("plan", "--format", "json", *args))
    assert [f["message"] for f in report["findings"] if f["code"] == "rows-break-constraint"] == [
        "unique uq_code on t (code): 1 value repeated in the rows there: the upgrade fails until it is fixed"]
    project.ok("snapshot", "--out", "snap.json")
    report = json.loads(project.ok("plan", "--format", "json", "--from", "snap.json"))
    assert not [f for f in report["findings"] if f["code"] == "rows-break-constraint"]
    (tmp_path / "migrations" / "versions").mkdir(parents=True)
    project.ok("generate", "-m", "unique code", "--rev-id", "r1")
    text = (tmp_path / "migrations" / "versions").joinpath(
        next(p.name for p in (tmp_path / "migrations" / "versions").glob("r1*.py"))).read_text()
    assert "# REVIEW(rows-break-constraint): unique uq_code on t (code): 1 value repeated" in text
