"""Real applications' models and their own Alembic histories (DESIGN.md, invariant 6).

For each app and dialect:
- `create_all` then `still check` exits 0 and `still plan` lists no operation;
- the app's own history, run by Alembic on an empty database, then `still plan`: the objects
  its operations touch are exactly those that differ from the create_all database by the
  catalogs (catalog.py), and once its statements have run the two databases' catalogs
  are the same and `still check` is clean.

A case that fails because of a bug in still is listed in KNOWN with what still does wrong,
one where the app's own history does not run under Alembic on a dialect with why; it is
`xfail(strict=True)`, so it turns red the moment the bug is fixed.
"""

from __future__ import annotations

import json
import sqlite3

import pytest
import sqlalchemy as sa

from tests.realworld import catalog, runner

# still's bugs these apps show, as still prints them.
DDL_IF_PG = ("Index(...).ddl_if(dialect='postgresql') is declared on SQLite too (create_all skips it): "
             "+ index trgm_ix_block_document_name (name), + index ix_block_schema__capabilities (capabilities), "
             "+ index trgm_ix_block_type_name (name), + index trgm_ix_deployment_name (name), "
             "+ index trgm_ix_flow_name (name), + index trgm_ix_flow_run_name (name), "
             "+ index trgm_ix_task_run_name (name), + index trgm_ix_work_queue_name (name)")
PREFECT_PG = ("server_default='0'/'1' on Boolean is declared as 0/1 where PostgreSQL stores false/true: "
              "~ column enabled: default true → 1 (automation), ~ column <c>: default false → 0 for "
              "automation_related_resource.automation_owned_by_resource, block_document.is_anonymous, "
              "block_type.is_protected, deployment.paused, deployment.enforce_parameter_schema, "
              "flow_run.auto_scheduled, work_pool.is_paused, work_queue.is_paused; server_default='0' on "
              "Interval: ~ column total_run_time: default '00:00:00' → 0 (flow_run, task_run); "
              "Index.ddl_if(dialect='sqlite') declared on PostgreSQL: + index ix_flow_run_state__type_name_timestamp "
              "(type, name, timestamp), + index ix_task_run_state__type_name_timestamp (type, name, timestamp)")
TEXT_DESC = ("Index elements sa.text('version_major DESC') are declared as expressions, reflected as columns: "
             "- index idx_mcp_server_versions_latest (workspace, name, status, version_major DESC, version_minor DESC, "
             "version_patch DESC) + index idx_mcp_server_versions_latest (workspace, name, status, (version_major DESC), "
             "(version_minor DESC), (version_patch DESC))")
MLFLOW_PG_BOOL = ("server_default='0' on Boolean declared as 0: ~ column enable_comment: default false → 0, "
                  "~ column is_default: default false → 0 (label_schemas)")
BOOL_DDL = "and the plan's DDL fails: column \"{}\" is of type boolean but default expression is of type integer"
# Optuna's own history, run by Alembic, on MariaDB
OPTUNA_MARIADB = ("Optuna's v2.4.0.a drops trial_values.step, a column of the unique key (trial_id, step), under "
                  "Alembic: MariaDB refuses (1072 Key column 'step' doesn't exist in table) where MySQL shrinks the "
                  "key to (trial_id), so the history stops there (still's op.drop_column drops the key first and "
                  "completes: test_alembic_half_way_then_still[optuna-mysql])")
# ZenML's own history on SQLite, run by Alembic
ZENML_SQLITE = ("ZenML's 728c6369cfaa (0.36.1) calls _disable_primary_key_requirement_if_necessary(), which "
                "raises NotImplementedError('Unsupported engine: sqlite') for any engine but MySQL/MariaDB: under "
                "Alembic as under still the history stops there (ZenML makes a new SQLite database by create_all "
                "and stamps head, so it never runs it)")
KNOWN: dict[tuple[str, str, str], str] = {
    ("history", "optuna", "mysql"): OPTUNA_MARIADB,
    ("history", "zenml", "sqlite"): ZENML_SQLITE,
}


def cases(test: str):
    return runner.cases(test, KNOWN)


@pytest.mark.parametrize(("app", "dialect"), cases("create_all"))
def test_create_all_has_no_drift(app, dialect, app_python, new_db, tmp_path):
    python, url = app_python(app), new_db(dialect)
    runner.loader(python, app, "create_all", url, tmp_path)
    planned, text = runner.plan(python, app, url, tmp_path)
    check = runner.still(python, app, "check", url, tmp_path)
    assert not planned["operations"] and check.returncode == 0, (
        f"still check exit {check.returncode}; phantom operations:\n" + "\n".join(runner.operation_lines(text)))


@pytest.mark.parametrize(("app", "dialect"), cases("history"))
def test_history_plan_is_the_real_difference(app, dialect, app_python, new_db, tmp_path):
    python, models_url, history_url = app_python(app), new_db(dialect), new_db(dialect)
    runner.loader(python, app, "create_all", models_url, tmp_path)
    runner.loader(python, app, "history", history_url, tmp_path)
    named = json.loads(runner.loader(python, app, "names", models_url, tmp_path))
    models, history = catalog.schema(models_url), catalog.schema(history_url)
    real = catalog.differences(history, models, named)

    planned, text = runner.plan(python, app, history_url, tmp_path)
    operations = catalog.lasting(planned["operations"])
    key_indexes = frozenset(op.get("using_index") for op in operations if op["op"] == "add_constraint")
    touched = set().union(*(catalog.op_keys(op, key_indexes) for op in operations))
    touched = catalog.within_tables(touched, {k for k in real if k[0] == "table"})
    phantom, missed = touched - real, real - touched
    errors = []
    if phantom:
        errors.append("phantom (planned, the same in both catalogs): " + ", ".join(map(str, sorted(phantom))))
    if missed:
        errors.append("missed (differ by the catalogs, not planned):\n  "
                      + "\n  ".join(catalog.describe(history, models, missed)))

    try:
        runner.execute(history_url, planned["statements"])
    except (sa.exc.DBAPIError, sqlite3.Error) as exc:  # the plan's DDL fails where it was planned
        errors.append(f"applying the plan failed: {str(exc).splitlines()[0]}")
    else:
        after = catalog.schema(history_url)
        left = catalog.differences(after, models, named)
        if left:
            errors.append("after the plan the catalogs still differ:\n  "
                          + "\n  ".join(catalog.describe(after, models, left)))
        check = runner.still(python, app, "check", history_url, tmp_path)
        if check.returncode != 0:
            errors.append(f"still check after the plan: exit {check.returncode}\n"
                          + "\n".join(runner.operation_lines(check.stdout)) + check.stderr[-2000:])
    assert not errors, "\n".join(errors) + "\nplan:\n" + "\n".join(runner.operation_lines(text))
