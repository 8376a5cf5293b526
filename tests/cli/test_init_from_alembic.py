"""`still init --from-alembic` on projects made by `alembic init`: the config it writes,
what it reads from env.py without running it, and that still then works with no edit."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.runtime.project import Project

MODELS = '''import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


class Item(Base):
    __tablename__ = "items"
    id = sa.Column(sa.Integer, primary_key=True)
    name = sa.Column(sa.String(40), nullable=False)
'''


def alembic(path: Path, *args: str) -> str:
    result = subprocess.run([sys.executable, "-m", "alembic", *args], cwd=path, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, (args, result.stdout, result.stderr)
    return result.stdout


def alembic_init(path: Path, url: str, env_edit=None) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    alembic(path, "init", "migrations")
    ini = path / "alembic.ini"
    ini.write_text(ini.read_text().replace("driver://user:pass@localhost/dbname", url))
    (path / "myapp").mkdir()
    (path / "myapp" / "__init__.py").write_text("")
    (path / "myapp" / "models.py").write_text(MODELS)
    env = path / "migrations" / "env.py"
    text = env.read_text().replace("target_metadata = None",
                                   "from myapp.models import Base\ntarget_metadata = Base.metadata")
    env.write_text(env_edit(text) if env_edit else text)
    return path


def first_revision(path: Path) -> None:
    out = alembic(path, "revision", "-m", "items")
    file = Path(out.split("Generating ", 1)[1].split(" ...", 1)[0].strip())
    file.write_text(file.read_text().replace(
        "def upgrade() -> None:\n    \"\"\"Upgrade schema.\"\"\"\n    pass",
        "def upgrade() -> None:\n    op.create_table('items', sa.Column('id', sa.Integer, primary_key=True),\n"
        "                    sa.Column('name', sa.String(40), nullable=False))").replace(
        "def downgrade() -> None:\n    \"\"\"Downgrade schema.\"\"\"\n    pass",
        "def downgrade() -> None:\n    op.drop_table('items')"))
    assert "create_table" in file.read_text() and "drop_table" in file.read_text()


def test_takes_over_an_alembic_init_project(tmp_path, db_url):
    path = alembic_init(tmp_path / "app", db_url)
    first_revision(path)
    before = {p: p.read_bytes() for p in (path / "migrations").rglob("*") if p.is_file()}
    alembic(path, "upgrade", "head")
    project = Project(path, db_url)
    out = project.ok("init", "--from-alembic")
    assert "models: myapp.models:Base.metadata" in out
    config = tomllib.loads((path / "still.toml").read_text())
    assert config["version_table"] == "alembic_version" and config["script_location"] == "migrations"
    assert config["metadata"] == "myapp.models:Base.metadata"
    # a URL with a password is read from DATABASE_URL instead; one without is copied
    assert config["url"] == ("${DATABASE_URL}" if ":" in db_url.split("@")[0].split("//")[1] else db_url)
    head = project.ok("heads").split()[0]
    assert project.ok("current").split()[0] == head
    assert head in project.ok("history")
    assert project.run("check").returncode == 0, project.run("check").stdout
    (path / "myapp" / "models.py").write_text(MODELS + "    note = sa.Column(sa.String(20))\n")
    out = project.ok("generate", "-m", "add note")
    assert "note" in Path(out.split("created ", 1)[1].split()[0]).read_text()
    project.ok("upgrade", "head")
    assert project.run("check").returncode == 0
    # the Alembic files are byte for byte what they were
    assert {p: p.read_bytes() for p in before} == before


def test_password_is_not_copied(tmp_path):
    path = alembic_init(tmp_path / "app", "postgresql+psycopg://app:s3cret@db.example/app")
    out = Project(path, None).ok("init", "--from-alembic", "alembic.ini")
    text = (path / "still.toml").read_text()
    assert "s3cret" not in text and "s3cret" not in out
    assert 'url = "${DATABASE_URL}"' in text and "DATABASE_URL" in out


def test_version_table_from_env_py(tmp_path):
    path = alembic_init(tmp_path / "app", "sqlite:///app.db", lambda text: text.replace(
        "target_metadata=target_metadata,",
        "target_metadata=target_metadata, version_table='app_versions', version_table_schema='audit',"))
    Project(path, None).ok("init", "--from-alembic", str(path))
    config = tomllib.loads((path / "still.toml").read_text())
    assert config["version_table"] == "app_versions" and config["version_table_schema"] == "audit"


def test_metadata_not_found_asks_for_it(tmp_path):
    path = alembic_init(tmp_path / "app", "sqlite:///app.db",
                        lambda text: text.replace("target_metadata = Base.metadata", "target_metadata = None"))
    out = Project(path, None).ok("init", "--from-alembic")
    assert "--metadata" in out and "metadata" not in tomllib.loads((path / "still.toml").read_text())
    (path / "still.toml").unlink()
    Project(path, None).ok("init", "--from-alembic", "--metadata", "myapp.models:Base.metadata")
    assert tomllib.loads((path / "still.toml").read_text())["metadata"] == "myapp.models:Base.metadata"


@pytest.mark.parametrize("setup, args, message", [
    ("none", ("init", "--from-alembic"), "alembic.ini: no such file"),
    ("bad", ("init", "--from-alembic"), "no [alembic] section"),
    ("twice", ("init", "--from-alembic"), "already exists"),
    ("noloc", ("init", "--from-alembic"), "no script_location"),
])
def test_bad_input(tmp_path, setup, args, message):
    path = tmp_path / "app"
    path.mkdir()
    if setup == "bad":
        (path / "alembic.ini").write_text("[other]\nx = 1\n")
    elif setup == "noloc":
        (path / "alembic.ini").write_text("[alembic]\nsqlalchemy.url = sqlite:///x.db\n")
    elif setup == "twice":
        alembic_init(path / "p", "sqlite:///x.db")
        path = path / "p"
        (path / "still.toml").write_text("")
    error = Project(path, None).fail(*args)
    assert message in error
    assert setup == "twice" or not (path / "still.toml").exists()
