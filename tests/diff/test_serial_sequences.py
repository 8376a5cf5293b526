"""The sequence a SERIAL or identity column owns keeps its name through a rename of its
table or column (PostgreSQL names it once, `<table>_<column>_seq`), where create_all of the
models names it after the new names (Airflow 3.0.0 renames dataset to asset: the history
leaves dataset_id_seq, create_all makes asset_id_seq). still sees the old name and plans
ALTER SEQUENCE ... RENAME TO, which keeps the sequence's current value."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from still.canon.postgresql import make_object_name, sequence_name
from still.compare import compare, declared_renames
from still.config import load_config
from still.db import migration_engine
from still.declare import declare
from still.diff import diff
from still.ops.ddl import execute_plan
from still.reflect import reflect
from still.render import function_body, render_plan
from still.revisions import write_revision
from still.runtime.migrate import Run
from tests.catalogs import catalog, differences
from tests.helpers import assert_plan_round_trip, assert_same_snapshot, create_all

ROOT = Path(__file__).resolve().parents[2]
MODELS = '''
import sqlalchemy as sa

metadata = sa.MetaData()
sa.Table("{table}", metadata, sa.Column("{column}", sa.Integer), sa.Column("name", sa.String(20)),
         sa.PrimaryKeyConstraint("{column}", name="pk_data"))
'''


def dataset(table="dataset", column="id", identity=False, renamed_from=None):
    md = sa.MetaData()
    key = sa.Column(column, sa.Integer, *([sa.Identity()] if identity else []))
    info = {"still": {"renamed_from": renamed_from}} if renamed_from else {}
    # the key named by the models: one left unnamed keeps its name (dataset_pkey) as well,
    # which the models take as good
    sa.Table(table, md, key, sa.Column("name", sa.String(20)), sa.PrimaryKeyConstraint(column, name="pk_data"),
             info=info)
    return md


def run(url, *statements):
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        for sql in statements:
            conn.exec_driver_sql(sql)
    engine.dispose()


def scalar(url, sql):
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        value = conn.exec_driver_sql(sql).scalar()
    engine.dispose()
    return value


def filled(url, table="dataset"):
    """Three rows in, by the column's default: the sequence is at 3."""
    run(url, *(f"INSERT INTO {table} (name) VALUES ('row {i}')" for i in range(3)))


def catalogs_of(url):
    found = catalog(url)
    found["owned"] = scalar(url, "SELECT string_agg(pg_get_serial_sequence(c.relname, a.attname), ',' "
                                 "ORDER BY c.relname, a.attname) FROM pg_class c JOIN pg_attribute a "
                                 "ON a.attrelid = c.oid WHERE c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace "
                                 "AND a.attnum > 0 AND pg_get_serial_sequence(c.relname, a.attname) IS NOT NULL")
    return found


@pytest.mark.parametrize("identity", [False, True], ids=["serial", "identity"])
def test_renamed_table_keeps_its_sequence_name_and_the_plan_renames_it(pg_url, pg_admin_engine, identity):
    models_url = pg_url + "_models"
    with pg_admin_engine.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{models_url.rsplit("/", 1)[1]}" TEMPLATE template0')
    try:
        create_all(models_url, dataset("asset", identity=identity))
        create_all(pg_url, dataset(identity=identity))
        filled(pg_url)
        run(pg_url, "ALTER TABLE dataset RENAME TO asset")
        assert differences(catalogs_of(pg_url), catalogs_of(models_url))

        engine = migration_engine(pg_url)
        with engine.connect() as conn:
            comparison = compare(conn, dataset("asset", identity=identity))
        assert comparison.current.table("asset").column("id").sequence == "dataset_id_seq"
        plan = comparison.plan
        assert [(op.op, op.old_name, op.new_name, op.table_name, op.column_name) for op in plan.operations] == [
            ("rename_sequence", "dataset_id_seq", "asset_id_seq", "asset", "id")]
        with engine.begin() as conn:
            execute_plan(plan, comparison.current, conn)
        with engine.connect() as conn:
            reached = reflect(conn)
            assert_same_snapshot(reached, declare(dataset("asset", identity=identity), conn.dialect))
            assert compare(conn, dataset("asset", identity=identity)).plan.empty
        engine.dispose()
        assert differences(catalogs_of(pg_url), catalogs_of(models_url)) == []
        run(pg_url, "INSERT INTO asset (name) VALUES ('after')")  # the sequence went on from 3
        assert scalar(pg_url, "SELECT id FROM asset WHERE name = 'after'") == 4
    finally:
        with pg_admin_engine.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{models_url.rsplit("/", 1)[1]}" WITH (FORCE)')


def test_renamed_column_keeps_its_sequence_name_and_the_plan_renames_it(pg_url):
    create_all(pg_url, dataset())
    filled(pg_url)
    run(pg_url, "ALTER TABLE dataset RENAME COLUMN id TO key")
    engine = migration_engine(pg_url)
    with engine.connect() as conn:
        comparison = compare(conn, dataset(column="key"))
    plan = comparison.plan
    assert [(op.op, op.old_name, op.new_name) for op in plan.operations] == [
        ("rename_sequence", "dataset_id_seq", "dataset_key_seq")]
    with engine.begin() as conn:
        execute_plan(plan, comparison.current, conn)
    with engine.connect() as conn:
        assert compare(conn, dataset(column="key")).plan.empty
    engine.dispose()
    assert scalar(pg_url, "SELECT pg_get_serial_sequence('dataset', 'key')") == "public.dataset_key_seq"
    run(pg_url, "INSERT INTO dataset (name) VALUES ('after')")
    assert scalar(pg_url, "SELECT key FROM dataset WHERE name = 'after'") == 4


def test_still_renaming_a_table_renames_its_sequence_too(pg_url):
    """A rename still plans itself converges on create_all's names, and reverses."""
    create_all(pg_url, dataset())
    filled(pg_url)
    engine = migration_engine(pg_url)
    models = dataset("asset", renamed_from="dataset")
    with engine.connect() as conn:
        a = reflect(conn)
        b = declare(models, conn.dialect)
    plan = diff(a, b, declared_renames(models, b.default_schema))
    assert [op.op for op in plan.operations] == ["rename_table", "rename_sequence"]
    assert_same_snapshot(plan.apply(a), b)
    assert_same_snapshot(plan.reverse().apply(b), a)
    # the reverse renames the sequence back before the table: executed, it gives back A
    assert_plan_round_trip(engine, plan, a, b)
    with engine.begin() as conn:
        execute_plan(plan, a, conn)
    engine.dispose()
    run(pg_url, "INSERT INTO asset (name) VALUES ('after')")
    assert scalar(pg_url, "SELECT id FROM asset WHERE name = 'after'") == 4


def test_history_rename_then_plan_text_json_sql_and_revision(pg_url, tmp_path):
    """A history renames the table by op.rename_table, as Alembic's does: run by still it
    leaves the sequence's name as Alembic does. The plan says the rename (text, JSON, SQL),
    and the revision written from it runs offline and online, and goes back."""
    (tmp_path / "still.toml").write_text(f'url = "{pg_url}"\nscript_location = "migrations"\n')
    versions = tmp_path / "migrations" / "versions"
    versions.mkdir(parents=True)
    cfg = load_config(path=tmp_path / "still.toml", cwd=tmp_path)
    write_revision(versions, "dataset, renamed", rev_id="a0", upgrade_body=function_body(
        '    op.create_table("dataset", sa.Column("id", sa.Integer), sa.Column("name", sa.String(20)),\n'
        '                    sa.PrimaryKeyConstraint("id", name="pk_data"))\n'
        '    op.rename_table("dataset", "asset")'))
    Run(cfg).upgrade("head")
    assert scalar(pg_url, "SELECT pg_get_serial_sequence('asset', 'id')") == "public.dataset_id_seq"

    (tmp_path / "serial_models.py").write_text(MODELS.format(table="asset", column="id"))
    env = {k: v for k, v in os.environ.items() if k not in ("STILL_DATABASE_URL", "STILL_CONFIG")}
    env["PYTHONPATH"] = os.pathsep.join([str(tmp_path), str(ROOT)])

    def still(*args):
        return subprocess.run([sys.executable, "-m", "still", *args, "--metadata", "serial_models:metadata"],
                              capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120)

    text = still("plan", "--sql")
    assert text.returncode == 0, text.stderr
    assert "~ rename sequence dataset_id_seq → asset_id_seq (owned by column id)" in text.stdout
    assert "ALTER SEQUENCE dataset_id_seq RENAME TO asset_id_seq;" in text.stdout
    planned = json.loads(still("plan", "--format", "json", "--sql").stdout)
    assert [{k: op[k] for k in ("op", "old_name", "new_name", "table_name", "column_name")}
            for op in planned["operations"]] == [
        {"op": "rename_sequence", "old_name": "dataset_id_seq", "new_name": "asset_id_seq",
         "table_name": "asset", "column_name": "id"}]
    assert planned["statements"] == ["ALTER SEQUENCE dataset_id_seq RENAME TO asset_id_seq"]

    engine = migration_engine(pg_url)
    with engine.connect() as conn:
        comparison = compare(conn, dataset("asset"))
    rendered = render_plan(comparison.plan, "postgresql", (comparison.current, comparison.target))
    assert 'op.rename_sequence("dataset_id_seq", "asset_id_seq")' in rendered.upgrade
    assert 'op.rename_sequence("asset_id_seq", "dataset_id_seq")' in rendered.downgrade
    write_revision(versions, "sequence", head=("a0",), rev_id="b1", upgrade_body=function_body(rendered.upgrade),
                   downgrade_body=function_body(rendered.downgrade), imports=rendered.imports,
                   summary=rendered.summary)
    offline = io.StringIO()
    Run(cfg).upgrade("a0:b1", sql=True, out=offline)
    assert "ALTER SEQUENCE dataset_id_seq RENAME TO asset_id_seq;" in offline.getvalue()
    offline = io.StringIO()
    Run(cfg).downgrade("b1:a0", sql=True, out=offline)
    assert "ALTER SEQUENCE asset_id_seq RENAME TO dataset_id_seq;" in offline.getvalue()
    Run(cfg).upgrade("head")
    with engine.connect() as conn:
        assert compare(conn, dataset("asset")).plan.empty
    Run(cfg).downgrade("-1")
    with engine.connect() as conn:
        back = reflect(conn).schemas["public"].tables
    assert {name: back[name] for name in ("asset",)} == comparison.current.schemas["public"].tables
    assert back["asset"].column("id").sequence == "dataset_id_seq"
    engine.dispose()


def test_long_and_clashing_names_are_postgresqls_own(pg_url):
    """Names past 63 bytes are cut as PostgreSQL cuts them (the longer name first, never
    inside a character), and a name another relation holds gets a number: create_all's
    database shows no sequence name of its own, so no drift."""
    long_table, long_column = "t" * 40 + "é" * 10, "c" * 30
    md = sa.MetaData()
    sa.Table(long_table, md, sa.Column(long_column, sa.Integer, primary_key=True))
    sa.Table("a_b", md, sa.Column("c", sa.Integer, primary_key=True))
    sa.Table("a", md, sa.Column("b_c", sa.Integer, primary_key=True), sa.Column("x", sa.Integer))
    create_all(pg_url, md)
    chosen = scalar(pg_url, f"SELECT pg_get_serial_sequence('\"{long_table}\"', '{long_column}')")
    assert chosen.split(".", 1)[1].strip('"') == make_object_name(long_table, long_column, "seq")
    assert len(make_object_name(long_table, long_column, "seq").encode()) <= 63
    found = {scalar(pg_url, "SELECT pg_get_serial_sequence('a_b', 'c')"),
             scalar(pg_url, "SELECT pg_get_serial_sequence('a', 'b_c')")}
    assert found == {"public.a_b_c_seq", "public.a_b_c_seq1"}
    assert sequence_name("a", "b_c", {"a_b_c_seq"}) == "a_b_c_seq1"
    engine = migration_engine(pg_url)
    with engine.connect() as conn:
        snap = reflect(conn)
        assert all(c.sequence is None for _, t in snap.all_tables() for c in t.columns)
        assert diff(snap, declare(md, conn.dialect)).empty
    engine.dispose()


def test_a_dropped_table_comes_back_with_its_sequence_name(pg_url):
    """The downgrade of a drop makes the table again, and its sequence under the name it had."""
    create_all(pg_url, dataset())
    run(pg_url, "ALTER TABLE dataset RENAME TO asset")
    engine = migration_engine(pg_url)
    with engine.connect() as conn:
        a = reflect(conn)
        b = declare(sa.MetaData(), conn.dialect)
    plan = diff(a, b)
    assert [op.op for op in plan.operations] == ["drop_table"]
    assert_plan_round_trip(engine, plan, a, b)  # the table made again: its sequence renamed back
    engine.dispose()
    assert scalar(pg_url, "SELECT pg_get_serial_sequence('asset', 'id')") == "public.dataset_id_seq"
    rendered = render_plan(plan, "postgresql", (a, b))
    assert 'op.rename_sequence("asset_id_seq", "dataset_id_seq")' in rendered.downgrade
