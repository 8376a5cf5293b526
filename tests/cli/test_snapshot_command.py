"""`still snapshot` on real databases: JSON output, --out, the rich tree."""

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema

from still.snapshot import Snapshot
from tests.helpers import create_all, fixture_module

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "schemas" / "snapshot.schema.json").read_text())
FILE_SCHEMA = json.loads((ROOT / "schemas" / "snapshot-file.schema.json").read_text())


def still(*args):
    env = {k: v for k, v in os.environ.items() if k != "STILL_DATABASE_URL"}
    return subprocess.run([sys.executable, "-m", "still", *args], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=120)


def test_json_output_validates_and_round_trips(db_url, dialect, tmp_path):
    # the app models use expression and partial indexes MariaDB does not have: its own models there
    module, tables = ("mysql", {"accounts", "posts", "legacy", "spelled"}) if dialect == "mysql" else \
        ("app", {"orgs", "users", "memberships", "invoices", "audit_log"})
    create_all(db_url, fixture_module(module).metadata)
    result = still("snapshot", "--url", db_url, "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    jsonschema.validate(data, SCHEMA)
    snap = Snapshot.model_validate(data)
    assert snap.dialect == dialect
    assert set(snap.schemas[snap.default_schema].tables) == tables

    out = tmp_path / "snap.json"
    written = still("snapshot", "--url", db_url, "--out", str(out))
    assert written.returncode == 0, written.stderr
    data = json.loads(out.read_text())
    jsonschema.validate(data, FILE_SCHEMA)
    assert Snapshot.model_validate(data["snapshot"]) == snap
    assert data["server"]["dialect"] == dialect and data["server"]["version"]  # the server it was read from
    again = tmp_path / "again.json"
    assert still("snapshot", "--url", db_url, "--out", str(again)).returncode == 0
    assert again.read_bytes() == out.read_bytes()  # deterministic, byte for byte


def test_tree_output_names_every_table(sqlite_url):
    create_all(sqlite_url, fixture_module("app").metadata)
    result = still("snapshot", "--url", sqlite_url)
    assert result.returncode == 0, result.stderr
    for name in ("orgs", "users", "memberships", "invoices", "audit_log", "ix_users_email_lower"):
        assert name in result.stdout


def test_url_from_environment(sqlite_url):
    create_all(sqlite_url, fixture_module("types").metadata)
    env = {**os.environ, "STILL_DATABASE_URL": sqlite_url}
    result = subprocess.run([sys.executable, "-m", "still", "snapshot", "--format", "json"],
                            capture_output=True, text=True, cwd=ROOT, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "samples" in json.loads(result.stdout)["schemas"]["main"]["tables"]


def test_models_snapshot_equals_database_snapshot(sqlite_url):
    create_all(sqlite_url, fixture_module("app").metadata)
    from_db = still("snapshot", "--url", sqlite_url, "--format", "json").stdout
    from_models = still("snapshot", "--metadata", "fixtures.models.app:metadata",
                        "--dialect", "sqlite", "--format", "json").stdout
    assert from_db == from_models
