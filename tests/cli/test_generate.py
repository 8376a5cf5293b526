"""`still generate` end to end, as a user runs it, on SQLite and PostgreSQL: the round trip
through revision files, the state from history without a database, and offline SQL."""

import os
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from still.declare import declare
from still.reflect import reflect
from still.revisions.header import read_header
from tests.helpers import assert_same_snapshot

ROOT = Path(__file__).resolve().parents[2]

MODELS_V1 = '''
import sqlalchemy as sa

metadata = sa.MetaData()
sa.Table("orgs", metadata, sa.Column("id", sa.Integer, primary_key=True),
         sa.Column("name", sa.String(80), nullable=False))
sa.Table("users", metadata, sa.Column("id", sa.Integer, primary_key=True),
         sa.Column("org_id", sa.Integer, sa.ForeignKey("orgs.id", name="fk_users_org"), nullable=False),
         sa.Column("email", sa.String(120), nullable=False),
         sa.Column("nickname", sa.String(40)),
         sa.Index("ix_users_email", "email", unique=True))
'''

# v2: a column added with a default, one dropped (a REVIEW finding), a check and an index added
MODELS_V2 = MODELS_V1.replace(
    '''         sa.Column("nickname", sa.String(40)),''',
    '''         sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
         sa.CheckConstraint("length(email) > 3", name="ck_users_email"),''').replace(
    '''sa.Column("name", sa.String(80), nullable=False))''',
    '''sa.Column("name", sa.String(80), nullable=False), sa.Index("ix_orgs_name", "name"))''')


def project(tmp_path, db_url):
    (tmp_path / "models.py").write_text(MODELS_V1)
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("STILL_")},
           "DATABASE_URL": db_url, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}

    def still(*args, ok=(0,)):
        result = subprocess.run([sys.executable, "-m", "still", *args], capture_output=True, text=True,
                                cwd=tmp_path, env=env, timeout=180)
        assert result.returncode in ok, (args, result.stdout, result.stderr)
        return result

    still("init", "migrations")
    with open(tmp_path / "still.toml", "a") as f:
        f.write('metadata = "models:metadata"\n')
    return still


def snapshot_of(db_url):
    engine = sa.create_engine(db_url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        snap = reflect(conn)
    engine.dispose()
    return snap


def models(text):
    namespace: dict = {}
    exec(text, namespace)  # noqa: S102 - the test's own model module
    return namespace["metadata"]


def test_generate_upgrade_check_downgrade(tmp_path, db_url, dialect):
    still = project(tmp_path, db_url)
    first = still("generate", "-m", "initial")
    assert "created" in first.stdout
    still("upgrade", "head")
    still("check")
    assert "nothing written" in still("generate", "-m", "noop").stdout
    v1 = snapshot_of(db_url)

    (tmp_path / "models.py").write_text(MODELS_V2)
    assert still("check", ok=(1,)).returncode == 1
    assert still("check", "--against", "history", ok=(1,)).returncode == 1
    second = still("generate", "-m", "users v2")
    path = Path(second.stdout.split("created ")[1].split()[0])
    text = (tmp_path / path).read_text() if not path.is_absolute() else path.read_text()
    compile(text, str(path), "exec")
    assert "# REVIEW(drop-column): column users.nickname is dropped" in text
    assert "REVIEW(drop-column)" in text.split('"""')[1]  # summarised in the docstring
    still("upgrade", "head")
    still("check")
    still("check", "--against", "history")
    reached = snapshot_of(db_url)
    default = reached.schemas[reached.default_schema]
    tables = {name: t for name, t in default.tables.items() if name not in ("still_version", "still_version_log")}
    reached = reached.model_copy(update={"schemas": {
        reached.default_schema: default.model_copy(update={"tables": tables})}})
    assert_same_snapshot(reached, declare(models(MODELS_V2), sa.create_engine(db_url).dialect),
                         column_order=False)

    still("downgrade", "-1")
    assert_same_snapshot(snapshot_of(db_url), v1, column_order=False)


def test_against_history_needs_no_database(tmp_path, sqlite_url):
    still = project(tmp_path, "sqlite:///" + str(tmp_path / "never-created.db"))
    still("generate", "-m", "initial", "--against", "history")
    still("check", "--against", "history")
    (tmp_path / "models.py").write_text(MODELS_V2)
    assert still("check", "--against", "history", ok=(1,)).returncode == 1
    still("generate", "-m", "v2", "--against", "history")
    still("check", "--against", "history")
    assert not (tmp_path / "never-created.db").exists()
    # the generated files run unchanged on the offline path
    script = still("upgrade", "base:head", "--sql").stdout
    assert "CREATE TABLE orgs" in script and "still_version" in script


def test_generate_refuses_a_database_behind_head(tmp_path, sqlite_url):
    still = project(tmp_path, sqlite_url)
    still("generate", "-m", "initial", "--against", "history")
    refused = still("generate", "-m", "more", ok=(2,))
    assert refused.stderr.startswith("error: the database is not at head")


def test_raw_sql_in_history_is_a_finding(tmp_path, sqlite_url):
    still = project(tmp_path, sqlite_url)
    still("revision", "-m", "raw")
    rev = next((tmp_path / "migrations" / "versions").glob("*.py"))
    rev.write_text(rev.read_text().replace(
        "def upgrade() -> None:\n    pass", 'def upgrade() -> None:\n    op.execute("CREATE TABLE side (id INTEGER)")'))
    result = still("check", "--against", "history", "--format", "json", ok=(1,))
    assert "cannot be replayed" in result.stdout


def test_where_generated_revisions_go(tmp_path, sqlite_url):
    """The first of several version_locations, or --version-path (one of them); Alembic's
    `revision --autogenerate` takes --branch-label, --depends-on and --version-path too."""
    still = project(tmp_path, sqlite_url)
    with open(tmp_path / "still.toml", "a") as f:
        f.write('version_locations = ["db/app", "db/extra"]\n')
    (tmp_path / "db" / "app").mkdir(parents=True)
    (tmp_path / "db" / "extra").mkdir(parents=True)
    refused = still("generate", "-m", "lost", "--version-path", "migrations/versions", ok=(2,))
    assert refused.stderr.startswith("error: --version-path migrations/versions is not one of the version locations")
    assert list((tmp_path / "migrations" / "versions").iterdir()) == []
    still("generate", "-m", "initial", "--rev-id", "g1", "--against", "history")
    assert [p.name for p in (tmp_path / "db" / "app").glob("*.py")] == ["g1_initial.py"]
    still("upgrade", "head")
    (tmp_path / "models.py").write_text(MODELS_V2)
    still("revision", "--autogenerate", "-m", "v2", "--rev-id", "g2", "--version-path", "db/extra",
          "--branch-label", "v2line", "--depends-on", "g1")
    written = read_header(tmp_path / "db" / "extra" / "g2_v2.py")
    assert (written.down_revisions, written.branch_labels, written.depends_on) == (("g1",), ("v2line",), ("g1",))
    assert "v2line" in still("heads").stdout
    refused = still("revision", "--autogenerate", "-m", "x", "--head", "base", ok=(2,))
    assert "--head and --splice do not go with it" in refused.stderr


def _generate_on_a_terminal(tmp_path, db_url, answer: bytes) -> subprocess.CompletedProcess:
    """`still generate` with a pseudo-terminal as its standard input, answering `answer`."""
    import pty

    master, slave = pty.openpty()
    try:
        os.write(master, answer)  # waits in the terminal's line buffer until read
        env = {**{k: v for k, v in os.environ.items() if not k.startswith("STILL_")},
               "DATABASE_URL": db_url, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
        return subprocess.run([sys.executable, "-m", "still", "generate", "-m", "renamed", "--rev-id", "r2"],
                              stdin=slave, capture_output=True, text=True, cwd=tmp_path, env=env, timeout=180)
    finally:
        os.close(master)
        os.close(slave)


def test_a_possible_rename_is_asked_on_a_terminal(tmp_path, sqlite_url):
    """Yes makes it a rename (the data stays); no keeps drop + add with its finding."""
    still = project(tmp_path, sqlite_url)
    still("generate", "-m", "initial", "--rev-id", "r1")
    still("upgrade", "head")
    (tmp_path / "models.py").write_text(MODELS_V1.replace('sa.Column("nickname"', 'sa.Column("handle"'))
    result = _generate_on_a_terminal(tmp_path, sqlite_url, b"y\n")
    assert result.returncode == 0, result.stderr
    assert "Is it a rename (users.nickname=handle)? [y/N]" in result.stdout
    text = next((tmp_path / "migrations" / "versions").glob("r2_*.py")).read_text()
    assert 'new_column_name="handle"' in text and "drop_column" not in text
    next((tmp_path / "migrations" / "versions").glob("r2_*.py")).unlink()

    result = _generate_on_a_terminal(tmp_path, sqlite_url, b"n\n")
    assert result.returncode == 0, result.stderr
    text = next((tmp_path / "migrations" / "versions").glob("r2_*.py")).read_text()
    assert "REVIEW(possible-column-rename)" in text and 'op.drop_column("users", "nickname")' in text
    # answered no: no advice to declare the rename, here or on screen (issue 27)
    assert "answered: not a rename, so the old one is dropped with its data" in text
    assert "--rename" not in text and "--rename" not in result.stdout.split("[y/N]")[-1]


def test_ctrl_c_at_the_rename_question_exits_130_and_writes_nothing(tmp_path, sqlite_url):
    import pty
    import select
    import signal
    import time

    still = project(tmp_path, sqlite_url)
    still("generate", "-m", "initial", "--rev-id", "r1")
    still("upgrade", "head")
    (tmp_path / "models.py").write_text(MODELS_V1.replace('sa.Column("nickname"', 'sa.Column("handle"'))
    master, slave = pty.openpty()
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("STILL_")},
           "DATABASE_URL": sqlite_url, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
    proc = subprocess.Popen([sys.executable, "-m", "still", "generate", "-m", "renamed", "--rev-id", "r2"],
                            stdin=slave, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path, env=env)
    try:
        seen, deadline = b"", time.monotonic() + 120
        while b"[y/N]" not in seen and proc.poll() is None and time.monotonic() < deadline:
            if select.select([proc.stdout], [], [], 0.2)[0]:  # the question is asked: Ctrl-C now
                seen += os.read(proc.stdout.fileno(), 4096)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
        out, err = (seen + out).decode(), err.decode()
    finally:
        os.close(master)
        os.close(slave)
    assert proc.returncode == 130, (proc.returncode, out, err)
    assert err.strip().splitlines()[-1].startswith("error: interrupted")
    assert not list((tmp_path / "migrations" / "versions").glob("r2_*.py"))
