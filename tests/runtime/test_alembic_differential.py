"""Alembic's own revision files (tests/alembic_corpus), run by Alembic on one database and
by still on another, give the same database: by the catalogs, by still's reflection, and
by the rows the revisions wrote. Online and offline (--sql run through psql / sqlite3),
on SQLite and PostgreSQL, upgrade and downgrade."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.catalogs import VERSION_TABLES, catalog, differences, version_rows
from tests.helpers import assert_same_snapshot
from tests.runtime.project import Project

CORPUS = Path(__file__).resolve().parents[1] / "alembic_corpus"
ROWS = ("accounts", "posts", "notes")


CORPUS_DIALECTS = ("sqlite", "postgresql", "mysql")


@pytest.fixture
def two_urls(request, dialect, tmp_path):
    if dialect == "postgresql":
        return request.getfixturevalue("pg_url"), request.getfixturevalue("pg_url_2")
    if dialect == "mysql":
        return request.getfixturevalue("mysql_url"), request.getfixturevalue("mysql_url_2")
    return f"sqlite:///{tmp_path / 'alembic.db'}", f"sqlite:///{tmp_path / 'still.db'}"


def alembic_project(path: Path, url: str) -> Path:
    shutil.copytree(CORPUS, path / "migrations", ignore=shutil.ignore_patterns("__pycache__", "README.md"))
    (path / "alembic.ini").write_text(f"[alembic]\nscript_location = migrations\nsqlalchemy.url = {url}\n")
    return path


def alembic(path: Path, *args: str) -> str:
    result = subprocess.run([sys.executable, "-m", "alembic", "-c", "alembic.ini", *args], cwd=path,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, (args, result.stdout, result.stderr)
    return result.stdout


def still_project(path: Path, url: str) -> Project:
    alembic_project(path, url)
    project = Project(path, url)
    (path / "still.toml").write_text('url = "${DATABASE_URL}"\nscript_location = "migrations"\n'
                                     'version_table = "alembic_version"\n')
    return project


def assert_same_database(left: str, right: str) -> None:
    assert not differences(catalog(left, ROWS), catalog(right, ROWS)), differences(catalog(left, ROWS),
                                                                                  catalog(right, ROWS))
    from tests.runtime.project import reflect_url

    assert_same_snapshot(_without_versions(reflect_url(left)[0]), _without_versions(reflect_url(right)[0]))
    assert _versions(left) == _versions(right)


def _without_versions(snap):
    schemas = {name: schema.model_copy(update={"tables": {k: v for k, v in schema.tables.items()
                                                           if k not in VERSION_TABLES}})
               for name, schema in snap.schemas.items()}
    return snap.model_copy(update={"schemas": schemas})


def _versions(url: str) -> list:
    return version_rows(url)


@pytest.mark.parametrize("dialect", CORPUS_DIALECTS)
def test_online_upgrade_and_downgrade(two_urls, tmp_path):
    a_url, s_url = two_urls
    a = alembic_project(tmp_path / "a", a_url)
    s = still_project(tmp_path / "s", s_url)
    alembic(a, "-x", "mode=diff", "upgrade", "head")
    s.ok("-x", "mode=diff", "upgrade", "head")
    assert_same_database(a_url, s_url)
    assert _versions(s_url) == ["g7"]
    for target in ("b2", "base"):
        alembic(a, "downgrade", target)
        s.ok("downgrade", target)
        assert_same_database(a_url, s_url)


@pytest.mark.parametrize("dialect", CORPUS_DIALECTS)
def test_offline_scripts(two_urls, tmp_path, dialect):
    """still's --sql script, run by the database's client, against Alembic's --sql script
    on PostgreSQL; on SQLite and MySQL Alembic's offline batch mode needs `copy_from=` in every batch
    (it cannot read the table), so there still's script is held against Alembic's online run."""
    a_url, s_url = two_urls
    a = alembic_project(tmp_path / "a", a_url)
    s = still_project(tmp_path / "s", s_url)
    if dialect == "postgresql":
        run_script(a_url, alembic(a, "-x", "mode=sql", "upgrade", "head", "--sql"))
    else:
        alembic(a, "-x", "mode=sql", "upgrade", "head")
    run_script(s_url, s.ok("-x", "mode=sql", "upgrade", "head", "--sql"))
    if dialect != "postgresql":
        for url, offline in ((a_url, "False"), (s_url, "True")):
            _take_note(url, "offline", offline)
            _take_note(url, "archived", "2")
    assert_same_database(a_url, s_url)


def _take_note(url: str, key: str, value: str) -> None:
    """Remove the note a revision wrote about how it ran, after checking it."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        column = conn.dialect.identifier_preparer.quote("key")  # a reserved word on MySQL
        found = conn.exec_driver_sql(f"SELECT value FROM notes WHERE {column} = '{key}'").scalar()
        assert found == value, (url, key, found)
        conn.exec_driver_sql(f"DELETE FROM notes WHERE {column} = '{key}'")
    engine.dispose()


def run_script(url: str, script: str) -> None:
    """Through the database's own client, as a user pipes --sql output."""
    if url.startswith("sqlite"):
        path = sa.engine.make_url(url).database
        result = subprocess.run(["sqlite3", "-bail", path], input=script, capture_output=True, text=True)
    elif url.startswith("mysql"):
        parsed = sa.engine.make_url(url)
        client = shutil.which("mariadb") or shutil.which("mysql")
        result = subprocess.run([client, "--no-defaults", f"--host={parsed.host}", f"--port={parsed.port}",
                                 f"--user={parsed.username}", f"--password={parsed.password or ''}",
                                 parsed.database], input=script, capture_output=True, text=True)
    else:
        plain = sa.engine.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        result = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", plain], input=script,
                                capture_output=True, text=True)
    assert result.returncode == 0, (result.stderr, script)



@pytest.mark.parametrize("dialect", CORPUS_DIALECTS)
def test_alembic_half_way_then_still(two_urls, tmp_path):
    """Alembic upgrades half way; `still init --from-alembic` takes the project over with no
    edit; still finishes; Alembic then reads head from the same version table."""
    a_url, _ = two_urls
    a = alembic_project(tmp_path / "a", a_url)
    files = {p: p.read_bytes() for p in (a / "migrations").rglob("*.py")}
    alembic(a, "upgrade", "b2")
    s = Project(a, a_url)
    out = s.ok("init", "--from-alembic")
    assert "alembic_version" in out and "7 in" in out
    assert s.ok("current").split() == ["b2"]
    s.ok("upgrade", "head")
    assert "g7 (head)" in alembic(a, "current")
    assert {p: p.read_bytes() for p in (a / "migrations").rglob("*.py")} == files
    (a / "models.py").write_text("import sqlalchemy as sa\nmetadata = sa.MetaData()\n")
    out = s.ok("plan", "--metadata", "models:metadata")
    # every table of the history is to be dropped, but not the version table
    assert "accounts" in out and "alembic_version" not in out
    # a still project that never heard of Alembic leaves its table out too, and says so once
    (a / "plain.toml").write_text('url = "${DATABASE_URL}"\n')
    out = " ".join(s.ok("plan", "-c", "plain.toml", "--metadata", "models:metadata").split())
    assert "accounts" in out and out.count("alembic_version") == 1 and "Alembic's version table" in out
    assert s.run("check", "-c", "plain.toml", "--metadata", "models:metadata").returncode == 1
    s.ok("downgrade", "base")
    assert alembic(a, "current").strip().splitlines()[-1:] != ["g7 (head)"]

