"""Running things in an app's venv: the loader (create_all, the app's history) and still
itself (`python -m still` from the tree under test), and applying still's plan."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
from pathlib import Path

import sqlalchemy as sa

HERE = Path(__file__).resolve().parent


def run(python, app, url, *args, tmp_path, cwd=None) -> subprocess.CompletedProcess:
    """`python *args` in the app's venv, for the database at `url` (its dialect is the one
    the loader patches for)."""
    dialect = url.split(":", 1)[0].split("+", 1)[0]
    url, args = app.on_its_driver(url), [app.on_its_driver(a) if isinstance(a, str) else a for a in args]
    env = {**os.environ, "PYTHONPATH": str(HERE), "STILL_REALWORLD_APP": app.name, "STILL_REALWORLD_DIALECT": dialect,
           "PREFECT_HOME": str(tmp_path / "prefect-home"),  # Prefect writes its settings there
           "AIRFLOW_HOME": str(tmp_path / "airflow-home"), "ZENML_CONFIG_PATH": str(tmp_path / "zenml-config"),  # ditto
           "COLUMNS": "200", "NO_COLOR": "1", **app.env(url)}
    return subprocess.run([str(python), *args], check=False, capture_output=True, text=True, env=env, timeout=900,
                          cwd=cwd)


def loader(python, app, command, url, tmp_path, *args) -> str:
    result = run(python, app, url, str(HERE / "loader.py"), command, url, *args, tmp_path=tmp_path)
    assert result.returncode == 0, f"loader {command} failed:\n{result.stderr[-4000:]}"
    return result.stdout


def still(python, app, command, url, tmp_path, *args) -> subprocess.CompletedProcess:
    return run(python, app, url, "-m", "still", command, "--url", url, "--metadata", "loader:metadata", *args,
               tmp_path=tmp_path)


def plan(python, app, url, tmp_path) -> tuple[dict, str]:
    """still's plan as JSON (operations, statements) and as the text people read."""
    as_json = still(python, app, "plan", url, tmp_path, "--format", "json", "--sql")
    assert as_json.returncode == 0, f"still plan failed:\n{as_json.stderr[-4000:]}"
    text = still(python, app, "plan", url, tmp_path)
    return json.loads(as_json.stdout), text.stdout


def operation_lines(text: str) -> list[str]:
    """The `table ...` headers and their `+ - ~` lines of a text plan, without findings."""
    lines = []
    for line in text.splitlines():
        if line.startswith(("Findings", "SQL")):
            break
        if line.startswith("table ") or line.strip()[:2] in ("+ ", "- ", "~ "):
            lines.append(line.rstrip())
    return lines


def execute(url: str, statements) -> None:
    """Run a plan's statements (what `still plan --sql` prints) in one transaction on SQLite,
    each on its own on PostgreSQL (as psql runs them) and on MySQL (each DDL statement
    commits by itself)."""
    if url.startswith("sqlite"):
        conn = sqlite3.connect(url.split(":///", 1)[1], isolation_level=None)
        conn.execute("BEGIN")
        for sql in statements:
            conn.execute(sql)
        conn.execute("COMMIT")
        conn.close()
        return
    from tests.helpers import run_statements

    run_statements(url, statements)


def cases(test: str, known: dict):
    """(app, dialect) params of every app on each of its dialects; those in `known` (keyed
    (test, app, dialect)) are xfail(strict=True) with the fault as the reason."""
    import pytest

    from tests.realworld.apps import APPS

    out = []
    for app in APPS.values():
        for dialect in app.dialects:
            marks = [getattr(pytest.mark, dialect)] if dialect != "sqlite" else []
            if (test, app.name, dialect) in known:
                marks.append(pytest.mark.xfail(strict=True, reason=known[test, app.name, dialect]))
            out.append(pytest.param(app, dialect, marks=marks, id=f"{app.name}-{dialect}"))
    return out
