"""Alembic's if_exists= / if_not_exists= on drop_index/create_index and drop_table/
create_table: where the object is missing (already there), the call does nothing, as the
database does with `DROP ... IF EXISTS` (`CREATE ... IF NOT EXISTS`); otherwise it runs.
Airflow's 2.8.1 revision drops `ti_state_incl_start_date` with if_exists=True on
databases that never had it."""

from __future__ import annotations

import sqlalchemy as sa

from still import op
from tests.runtime.test_op_api import run_ops


def test_a_guarded_call_on_what_is_missing_or_there_does_nothing(db_url):
    def body():
        op.create_table("task", sa.Column("id", sa.Integer, primary_key=True), sa.Column("state", sa.String(20)))
        op.create_index("ix_task_state", "task", ["state"])
        op.drop_index("ti_state_incl_start_date", table_name="task", if_exists=True)
        op.drop_index("ti_state_incl_start_date", if_exists=True)  # no table named
        op.create_index("ix_task_state", "task", ["state"], if_not_exists=True)
        op.drop_table("gone", if_exists=True)
        op.create_table("task", sa.Column("id", sa.Integer, primary_key=True), if_not_exists=True)
        # and where the guard holds, the statement runs
        op.create_index("ix_task_id_state", "task", ["id", "state"], if_not_exists=True)
        op.drop_index("ix_task_state", table_name="task", if_exists=True)
        op.create_table("more", sa.Column("id", sa.Integer, primary_key=True), if_not_exists=True)
        op.drop_table("more", if_exists=True)

    reflected = run_ops(db_url, body)
    tables = reflected.schemas[reflected.default_schema].tables
    assert set(tables) == {"task"}
    assert [c.name for c in tables["task"].columns] == ["id", "state"]
    assert {ix.name for ix in tables["task"].indexes} == {"ix_task_id_state"}


def test_a_missing_constraint_or_index_is_a_value_error_as_in_alembic_batch_mode(db_url):
    """Alembic's batch mode raises ValueError("No such constraint") for a constraint the
    table lacks; Airflow's 3.0.0 revision drops foreign keys that may be missing inside
    `try: ... except ValueError: pass` on SQLite. The run goes on after it."""
    def body():
        op.create_table("alias", sa.Column("id", sa.Integer, primary_key=True))
        for drop in (lambda batch: batch.drop_constraint("ds_dsa_alias_id", type_="foreignkey"),
                     lambda batch: batch.drop_index("ix_gone")):
            try:
                with op.batch_alter_table("alias") as batch:
                    drop(batch)
            except ValueError:
                pass
        op.add_column("alias", sa.Column("name", sa.String(20)))

    reflected = run_ops(db_url, body)
    assert [c.name for c in reflected.schemas[reflected.default_schema].tables["alias"].columns] == ["id", "name"]


def test_dropping_a_key_column_then_keying_another(db_url, dialect):
    """Airflow's 3.0.0 7645189f3479: drop the key column `id` of task_instance_history, then
    key the table on `try_id`. The database drops the key with its only column (PostgreSQL
    with any of its columns); still's schema must not keep it, or it drops it again first."""
    def body():
        op.create_table("history", sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
                        sa.Column("try_id", sa.String(36), nullable=False))
        with op.batch_alter_table("history") as batch:
            batch.drop_column("id")
            batch.create_primary_key("history_pkey", ["try_id"])

    reflected = run_ops(db_url, body)
    key = reflected.schemas[reflected.default_schema].tables["history"].primary_key
    assert key.columns == ("try_id",)


def test_a_guard_sees_what_the_revision_did_on_the_connection_it_holds(db_url):
    """Airflow's 2.9.2 takes `conn = op.get_bind()` first, runs other op calls, rebuilds
    dag_run by hand on `conn`, then create_index(..., if_not_exists=True): the guard asks
    the database as it is then, not still's schema from before the hand-written DDL."""
    def body():
        conn = op.get_bind()
        op.create_table("run", sa.Column("id", sa.Integer, primary_key=True), sa.Column("state", sa.String(20)))
        op.create_index("ix_run_id_state", "run", ["id", "state"])
        conn.execute(sa.text("CREATE INDEX ix_run_state ON run (state)"))
        conn.execute(sa.text("DROP INDEX ix_run_id_state" + (" ON run" if conn.dialect.name == "mysql" else "")))
        op.drop_index("ix_run_state", table_name="run", if_exists=True)
        op.create_index("ix_run_id_state", "run", ["id", "state"], if_not_exists=True)

    reflected = run_ops(db_url, body)
    assert {ix.name for ix in reflected.schemas[reflected.default_schema].tables["run"].indexes} == {"ix_run_id_state"}
