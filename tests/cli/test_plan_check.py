"""`still plan` and `still check` as a user runs them: subprocesses on real databases."""

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import sqlalchemy as sa

from tests.helpers import create_all, fixture_module

ROOT = Path(__file__).resolve().parents[2]
PLAN_SCHEMA = json.loads((ROOT / "schemas" / "plan.schema.json").read_text())
APP = "fixtures.models.app:metadata"
# per dialect: the models, an index to drop and a table to add a column to (the app models
# use expression and partial indexes MariaDB does not have)
DRIFT = {"mysql": ("mysql", "ix_accounts_created", "accounts", "posts")}
APP_DRIFT = ("app", "ix_invoices_unpaid", "invoices", "audit_log")


def drop_index_sql(dialect: str, index: str, table: str) -> str:
    return f"DROP INDEX {index} ON {table}" if dialect == "mysql" else f"DROP INDEX {index}"


def still(*args, cwd=ROOT):
    env = {k: v for k, v in os.environ.items() if k not in ("STILL_DATABASE_URL", "STILL_CONFIG")}
    return subprocess.run([sys.executable, "-m", "still", *args], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=120)


def execute(url, *statements):
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        for sql in statements:
            conn.exec_driver_sql(sql)
    engine.dispose()


def test_check_exit_codes(db_url, dialect):
    module, index, indexed, other = DRIFT.get(dialect, APP_DRIFT)
    models = f"fixtures.models.{module}:metadata"
    create_all(db_url, fixture_module(module).metadata)
    clean = still("check", "--url", db_url, "--metadata", models)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "No changes" in clean.stdout

    execute(db_url, drop_index_sql(dialect, index, indexed), f"ALTER TABLE {other} ADD COLUMN extra INTEGER")
    drift = still("check", "--url", db_url, "--metadata", models)
    assert drift.returncode == 1, drift.stdout + drift.stderr
    assert index in drift.stdout and "extra" in drift.stdout

    broken = still("check", "--url", db_url + "_nope" if dialect != "sqlite" else "sqlite:///nope/x.db",
                   "--metadata", models)
    assert broken.returncode == 2 and broken.stderr.startswith("error: ")


def test_plan_json_validates_and_is_read_only(db_url, dialect):
    module, index, indexed, _ = DRIFT.get(dialect, APP_DRIFT)
    create_all(db_url, fixture_module(module).metadata)
    execute(db_url, drop_index_sql(dialect, index, indexed))
    result = still("plan", "--url", db_url, "--metadata", f"fixtures.models.{module}:metadata", "--format", "json",
                   "--sql")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    jsonschema.validate(report, PLAN_SCHEMA)
    assert report["drift"] is True
    assert [op["op"] for op in report["operations"]] == ["create_index"]
    assert any(index in sql for sql in report["statements"])
    # plan changed nothing: the same drift is still there
    again = still("check", "--url", db_url, "--metadata", f"fixtures.models.{module}:metadata", "--format", "json")
    assert again.returncode == 1
    jsonschema.validate(json.loads(again.stdout), PLAN_SCHEMA)


def test_check_github_annotations_and_fail_on(sqlite_url):
    create_all(sqlite_url, fixture_module("app").metadata)
    execute(sqlite_url, "DROP TABLE audit_log")
    result = still("check", "--url", sqlite_url, "--metadata", APP, "--format", "github")
    assert result.returncode == 1
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("::error title=still drift (table main.audit_log)::+ table")
    # the models have comments SQLite cannot store: reported as notices, never silently dropped
    assert any(line.startswith("::notice title=unverifiable::") for line in lines)


def test_findings_alone_do_not_fail_without_fail_on(sqlite_url):
    create_all(sqlite_url, fixture_module("app").metadata)
    result = still("check", "--url", sqlite_url, "--metadata", APP, "--fail-on", "warning")
    assert result.returncode == 0, result.stdout  # only info findings (unverifiable comments)


def test_config_file_and_named_section(tmp_path, sqlite_url):
    create_all(sqlite_url, fixture_module("app").metadata)
    (tmp_path / "still.toml").write_text(
        f'metadata = "{APP}"\nexclude_tables = ["audit_*"]\n'
        f'[databases.main]\nurl = "${{APP_DB}}"\n')
    env = {**os.environ, "APP_DB": sqlite_url, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
    run = lambda *a: subprocess.run([sys.executable, "-m", "still", *a], capture_output=True, text=True,
                                    cwd=tmp_path, env=env, timeout=120)
    execute(sqlite_url, "DROP TABLE audit_log")
    result = run("-n", "main", "check")
    assert result.returncode == 0, result.stdout + result.stderr  # audit_log is excluded
    assert "skipped-by-filter" in result.stdout
    unset = subprocess.run([sys.executable, "-m", "still", "-n", "main", "check"], capture_output=True,
                           text=True, cwd=tmp_path, env={k: v for k, v in env.items() if k != "APP_DB"})
    assert unset.returncode == 2 and "APP_DB" in unset.stderr and len(unset.stderr.strip().splitlines()) == 1


def test_rename_option_turns_drop_add_into_rename(sqlite_url):
    create_all(sqlite_url, fixture_module("app").metadata)
    execute(sqlite_url, "ALTER TABLE orgs RENAME COLUMN name TO title")
    guess = still("plan", "--url", sqlite_url, "--metadata", APP, "--format", "json")
    codes = {f["code"] for f in json.loads(guess.stdout)["findings"]}
    assert "possible-column-rename" in codes
    declared = still("plan", "--url", sqlite_url, "--metadata", APP, "--format", "json", "--rename", "orgs.title=name")
    ops = [op["op"] for op in json.loads(declared.stdout)["operations"]]
    assert ops == ["rename_column"]


MYSQL_APP = "fixtures.models.mysql:metadata"


def test_check_and_plan_on_mysql(mysql_url):
    create_all(mysql_url, fixture_module("mysql").metadata)
    clean = still("check", "--url", mysql_url, "--metadata", MYSQL_APP)
    assert clean.returncode == 0, clean.stdout + clean.stderr

    execute(mysql_url, "ALTER TABLE accounts DROP INDEX ix_accounts_created",
            "ALTER TABLE accounts MODIFY COLUMN score tinyint NOT NULL DEFAULT 1")
    drift = still("check", "--url", mysql_url, "--metadata", MYSQL_APP)
    assert drift.returncode == 1, drift.stdout + drift.stderr
    result = still("plan", "--url", mysql_url, "--metadata", MYSQL_APP, "--format", "json", "--sql")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    jsonschema.validate(report, PLAN_SCHEMA)
    assert sorted(op["op"] for op in report["operations"]) == ["alter_column", "create_index"]
    assert "ALTER TABLE `accounts` ADD KEY `ix_accounts_created` (`created_at` DESC)" in report["statements"]
    assert "ALTER TABLE `accounts` MODIFY COLUMN `score` tinyint NOT NULL DEFAULT 0" in report["statements"]

    broken = still("check", "--url", mysql_url + "_nope", "--metadata", MYSQL_APP)
    assert broken.returncode == 2 and broken.stderr.startswith("error: ") and len(broken.stderr.splitlines()) == 1
