"""The bad-input corpus: config files, URLs, revision files, targets, ids, labels, env.py
hooks and read-only databases that `still` must refuse.

Every input runs the real command line on a project whose database is at revision a1
(b2 is pending) and must give: exit code 2, exactly one line on stderr and it starts with
`error: `, no traceback, no password (SECRET) anywhere in the output, and the database
(schema, version rows, journal mode, files beside it), and the project's files exactly as
they were before. All inputs run on SQLite; those marked `pg` run on PostgreSQL too, where
{url}/{server} name the real server (on SQLite {server} is a port nothing listens on).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

import pytest
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]
SECRET = "SECRET"

A1 = '''"""create t1

Revision ID: a1
Revises:
Create Date: 2026-01-01 00:00:00
"""

from still import op
import sqlalchemy as sa

revision = "a1"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("t1", sa.Column("id", sa.Integer, primary_key=True))


def downgrade() -> None:
    op.drop_table("t1")
'''

B2 = A1.replace("create t1", "add name").replace('Revision ID: a1\nRevises:', "Revision ID: b2\nRevises: a1") \
    .replace('revision = "a1"\ndown_revision = None', 'revision = "b2"\ndown_revision = "a1"') \
    .replace('op.create_table("t1", sa.Column("id", sa.Integer, primary_key=True))',
             'op.add_column("t1", sa.Column("name", sa.String(20)))') \
    .replace('op.drop_table("t1")', 'op.drop_column("t1", "name")')

MODELS = '''import sqlalchemy as sa

metadata = sa.MetaData()
sa.Table("t1", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("name", sa.String(20)))
'''

CONFIG = 'script_location = "migrations"\nurl = "${DATABASE_URL}"\nmetadata = "models:metadata"\n'


# -- the inputs ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Case:
    name: str
    args: tuple[str, ...]
    expect: object  # a fragment of the error line (or {dialect: fragment}): it failed for the reason meant
    setup: Optional[Callable[[Path], None]] = None  # changes the project before the "before" state
    env: dict = field(default_factory=dict)
    pg: bool = False  # a URL/connection/database input: run on PostgreSQL too
    read_only_file: bool = False  # SQLite: the database file itself cannot be written


def write(rel: str, text) -> Callable[[Path], None]:
    def setup(project: Path) -> None:
        path = project / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text)
    return setup


def config(text: str) -> Callable[[Path], None]:
    return write("still.toml", text)


def rev_file(name: str, text: str) -> Callable[[Path], None]:
    return write(f"migrations/versions/{name}", text)


def header(rev: str, down: str = '"b2"', labels: str = "None", depends: str = "None", body: str = "pass") -> str:
    return (f'"""bad\n"""\nrevision = {rev}\ndown_revision = {down}\nbranch_labels = {labels}\n'
            f"depends_on = {depends}\n\n\ndef upgrade() -> None:\n    {body}\n\n\ndef downgrade() -> None:\n    pass\n")


def b2_body(body: str) -> Callable[[Path], None]:
    """b2 (pending) with another upgrade(): it runs, and fails."""
    return rev_file("b2_add_name.py", B2.replace('op.add_column("t1", sa.Column("name", sa.String(20)))', body))


def env_py(text: str) -> Callable[[Path], None]:
    return write("migrations/env.py", text)


NO_HOST = "postgresql+psycopg://u:SECRET"  # the @host left out: SECRET reads as a port
BAD_PORT = "postgresql+psycopg://u:SECRET@localhost:abc/db"
REFUSED = "postgresql+psycopg://u:SECRET@127.0.0.1:1/db"
QUERY_PASSWORD = "postgresql+psycopg://u@127.0.0.1:1/db?password=SECRET"

CONFIG_CASES = [
    Case("toml-syntax", ("current",), "invalid TOML", config("url = \n")),
    Case("toml-not-utf8", ("current",), "not UTF-8", write("still.toml", b"url = '\xff'\n")),
    Case("unknown-key", ("heads",), "unknown key 'urll'", config(CONFIG + 'urll = "x"\n')),
    Case("url-not-a-string", ("current",), "key 'url' must be a string", config("url = 5\n")),
    Case("empty-version-locations", ("heads",), "version_locations", config(CONFIG + "version_locations = []\n")),
    Case("malformed-metadata", ("plan",), "package.module:attribute",
         config(CONFIG.replace("models:metadata", "models metadata"))),
    Case("negative-lock-timeout", ("upgrade", "head"), "lock_timeout", config(CONFIG + "lock_timeout = -1\n")),
    Case("bad-sqlite-commit", ("upgrade", "head"), "sqlite_commit", config(CONFIG + 'sqlite_commit = "fast"\n')),
    Case("unset-variable", ("current",), "${NOT_SET_ANYWHERE}",
         config(CONFIG.replace("DATABASE_URL", "NOT_SET_ANYWHERE"))),
    Case("malformed-variable", ("current",), "malformed", config(CONFIG.replace("${DATABASE_URL}", "${DATA"))),
    Case("missing-config-file", ("-c", "nope.toml", "heads"), "nope.toml"),
    Case("config-is-a-directory", ("-c", "migrations", "heads"), "is a directory"),
    Case("unknown-database-name", ("-n", "prod", "current"), "no database named 'prod'"),
    Case("databases-not-a-table", ("current",), "databases", config(CONFIG + "databases = 3\n")),
    Case("no-script-location", ("heads",), "does not exist", config(CONFIG.replace('"migrations"', '"elsewhere"'))),
    Case("x-without-value", ("current", "-x", "tenant"), "expected key=value"),
    Case("config-url-bad-port", ("current",), "malformed database URL",
         config(CONFIG.replace("${DATABASE_URL}", BAD_PORT))),
    Case("config-url-no-host", ("upgrade", "head"), "malformed database URL",
         config(CONFIG.replace("${DATABASE_URL}", NO_HOST))),
    Case("pyproject-tool-still-not-a-table", ("current",), "tool.still",
         lambda p: ((p / "still.toml").unlink(), (p / "pyproject.toml").write_text('[tool]\nstill = 1\n'))),
]

URL_CASES = [
    Case("no-host-current", ("current", "--url", NO_HOST), "malformed database URL"),
    Case("no-host-upgrade", ("upgrade", "head", "--url", NO_HOST), "malformed database URL"),
    Case("no-host-stamp", ("stamp", "head", "--url", NO_HOST), "malformed database URL"),
    Case("no-host-offline", ("upgrade", "a1:b2", "--sql", "--url", NO_HOST), "malformed database URL"),
    Case("no-host-snapshot", ("snapshot", "--url", NO_HOST), "malformed database URL"),
    Case("no-host-plan", ("plan", "--url", NO_HOST), "malformed database URL"),
    Case("bad-port-current", ("current", "--url", BAD_PORT), "malformed database URL"),
    Case("bad-port-downgrade", ("downgrade", "base", "--url", BAD_PORT), "malformed database URL"),
    Case("bad-port-history", ("history", "-i", "--url", BAD_PORT), "malformed database URL"),
    Case("bad-port-env", ("current",), "malformed database URL", env={"STILL_DATABASE_URL": BAD_PORT}),
    Case("query-password-current", ("current", "--url", QUERY_PASSWORD), "cannot connect"),
    Case("query-password-upgrade", ("upgrade", "head", "--url", QUERY_PASSWORD), "cannot connect"),
    Case("refused-current", ("current", "--url", REFUSED), "cannot connect"),
    Case("refused-stamp", ("stamp", "head", "--url", REFUSED), "cannot connect"),
    Case("refused-check", ("check", "--url", REFUSED), "cannot connect"),
    Case("unknown-dialect", ("current", "--url", "nosuch://u:SECRET@h/db"), "unknown database dialect"),
    Case("driver-not-installed", ("current", "--url", "postgresql+psycopg2://u:SECRET@h/db"), "not installed"),
    Case("not-a-url", ("upgrade", "head", "--url", "not a url"), "malformed database URL"),
    Case("mysql-refused", ("current", "--url", "mysql+pymysql://u:SECRET@127.0.0.1:1/x"), "cannot connect"),
    Case("sqlite-missing-for-current", ("current", "--url", "sqlite:///no/such/dir/x.db"), "does not exist"),
    Case("sqlite-uncreatable", ("upgrade", "head", "--url", "sqlite:///no/such/dir/x.db"), "directory no/such/dir of the SQLite database"),
    # on PostgreSQL these reach the real server: wrong database, unknown role, bad options
    Case("wrong-database", ("current", "--url", "{server}/no_such_database"), "cannot connect", pg=True),
    Case("wrong-database-upgrade", ("upgrade", "head", "--url", "{server}/no_such_database"), "cannot connect",
         pg=True),
    Case("unknown-role", ("current", "--url", "{server_as_nobody}/postgres"), "cannot connect", pg=True),
    Case("bad-sslmode", ("current", "--url", "{server}/postgres?sslmode=bogus"), "cannot connect", pg=True),
    Case("bad-query-argument", ("stamp", "head", "--url", "{url}?bogus_option=1"),
         {"sqlite": "does not take the query argument(s) 'bogus_option'", "postgresql": "cannot connect"}, pg=True),
    Case("query-password-on-sqlite", ("upgrade", "head", "--url", "{url}?password=SECRET"),
         "query argument(s) 'password'"),
    Case("query-password-wrong-db", ("upgrade", "head", "--url", "{server_query_password}"), "cannot connect",
         pg=True),
]

REVISION_FILE_CASES = [
    Case("header-syntax", ("heads",), "c3_bad.py", rev_file("c3_bad.py", 'revision = "c3\ndown_revision = "b2"\n')),
    Case("no-revision-variable", ("history",), "not a revision file", rev_file("c3_bad.py", 'down_revision = "b2"\n')),
    Case("revision-not-a-string", ("heads",), "c3_bad.py", rev_file("c3_bad.py", header("5"))),
    Case("revision-id-escapes", ("upgrade", "head"), "invalid revision id '../x'",
         rev_file("c3_bad.py", header('"../x"'))),
    Case("revision-id-hyphen", ("current",), "c3_bad.py", rev_file("c3_bad.py", header('"c-3"'))),
    Case("revision-id-too-long", ("heads",), "33 characters", rev_file("c3_bad.py", header(repr("c" * 33)))),
    Case("revision-id-target-word", ("history",), "target word", rev_file("c3_bad.py", header('"heads"'))),
    Case("branch-label-space", ("branches",), "invalid branch label", rev_file("c3_bad.py", header('"c3"', labels='"a b"'))),
    Case("down-revision-unknown", ("heads",), "'nope'", rev_file("c3_bad.py", header('"c3"', down='"nope"'))),
    Case("down-revision-escapes", ("heads",), "invalid down_revision id", rev_file("c3_bad.py", header('"c3"', down='"../b2"'))),
    Case("depends-on-unknown", ("heads",), "depends on 'zz'", rev_file("c3_bad.py", header('"c3"', depends='"zz"'))),
    Case("duplicate-id", ("heads",), "duplicate revision id 'b2'", rev_file("x_dup.py", header('"b2"', down='"a1"'))),
    Case("cycle", ("upgrade", "head"), "cycle",
         rev_file("a1_create_t1.py", A1.replace("down_revision = None", 'down_revision = "b2"'))),
    Case("non-literal-header", ("heads",), "must be None, a string", rev_file("c3_bad.py", header('"c3"', down="make()"))),
    Case("revision-file-not-utf8", ("heads",), "c3_bad.py", rev_file("c3_bad.py", b'revision = "c3\xff"\n')),
    Case("label-is-a-revision-id", ("heads",), "also a revision id", rev_file("c3_bad.py", header('"c3"', labels='"a1"'))),
    Case("label-twice", ("heads",), "declared twice",
         lambda p: (rev_file("c3_x.py", header('"c3"', labels='"feat"'))(p),
                    rev_file("d4_x.py", header('"d4"', down='"c3"', labels='"feat"'))(p))),
    Case("upgrade-raises", ("upgrade", "head"), "rolled back", b2_body(
        'op.create_table("t2", sa.Column("id", sa.Integer))\n    raise RuntimeError("half way")'), pg=True),
    Case("upgrade-exits", ("upgrade", "head"), "revision b2", b2_body("import sys; sys.exit(3)"), pg=True),
    Case("upgrade-bad-op", ("upgrade", "head"), "does not exist", b2_body('op.drop_table("missing")'), pg=True),
    Case("import-fails", ("upgrade", "head"), "no_such_module",
         rev_file("b2_add_name.py", B2.replace("import sqlalchemy as sa", "import sqlalchemy as sa\nimport no_such_module"))),
    Case("no-upgrade-function", ("upgrade", "head"), "no upgrade()",
         rev_file("b2_add_name.py", B2.replace("def upgrade()", "def other()"))),
    Case("body-syntax-error", ("upgrade", "head"), "syntax error",
         rev_file("b2_add_name.py", B2.replace("def downgrade() -> None:", "def downgrade(:"))),
]

TARGET_CASES = [
    Case("upgrade-escaping-target", ("upgrade", "../x"), "invalid revision target '../x'"),
    Case("upgrade-space", ("upgrade", "a b"), "invalid revision target"),
    Case("upgrade-newline", ("upgrade", "a1\nb2"), "invalid revision target 'a1\\nb2'"),
    Case("upgrade-unknown", ("upgrade", "zzz"), "unknown revision 'zzz'", pg=True),
    Case("upgrade-past-head", ("upgrade", "a1+5"), "goes past", pg=True),
    Case("upgrade-overlong", ("upgrade", "a" * 40), "longer than 32"),
    Case("upgrade-range-online", ("upgrade", "a1:b2"), "invalid revision target"),
    Case("upgrade-sql-two-colons", ("upgrade", "a:b:c", "--sql"), "at most one ':'"),
    Case("downgrade-double-at", ("downgrade", "x@y@z"), "invalid revision target"),
    Case("downgrade-not-applied", ("downgrade", "b2"), "not applied", pg=True),
    Case("downgrade-quote", ("downgrade", "a1'; DROP TABLE t1; --"), "invalid revision target"),
    Case("show-escaping", ("show", "../x"), "invalid revision target"),
    Case("stamp-semicolon", ("stamp", "a1;b2"), "invalid revision target"),
    Case("stamp-unknown", ("stamp", "zzz"), "unknown revision", pg=True),
    Case("stamp-control-char", ("stamp", "a1\x1b[2J"), "invalid revision target"),
    Case("history-escaping", ("history", "-r", "../:"), "invalid revision target"),
    Case("history-no-colon", ("history", "-r", "a1"), "expected START:END"),
]

ID_CASES = [
    Case("rev-id-escape", ("revision", "-m", "x", "--rev-id", "../escape"), "invalid revision id '../escape'"),
    Case("rev-id-absolute", ("revision", "-m", "x", "--rev-id", "/tmp/x"), "invalid revision id"),
    Case("rev-id-space", ("revision", "-m", "x", "--rev-id", "a b"), "invalid revision id"),
    Case("rev-id-empty", ("revision", "-m", "x", "--rev-id", ""), "it is empty"),
    Case("rev-id-too-long", ("revision", "-m", "x", "--rev-id", "x" * 33), "the version table holds 32"),
    Case("rev-id-target-word", ("revision", "-m", "x", "--rev-id", "head"), "target word"),
    Case("rev-id-exists", ("revision", "-m", "x", "--rev-id", "a1"), "already exists"),
    Case("branch-label-hyphen", ("revision", "-m", "x", "--branch-label", "a-b"), "invalid branch label"),
    Case("branch-label-escape", ("revision", "-m", "x", "--branch-label", "../lbl"), "invalid branch label"),
    Case("head-escape", ("revision", "-m", "x", "--head", "../x"), "invalid revision target"),
    Case("head-not-a-head", ("revision", "-m", "x", "--head", "a1"), "--splice"),
    Case("splice-unknown", ("revision", "-m", "x", "--head", "zz", "--splice"), "unknown revision 'zz'"),
    Case("depends-on-escape", ("revision", "-m", "x", "--depends-on", "../x"), "invalid revision target"),
    Case("depends-on-option-unknown", ("revision", "-m", "x", "--depends-on", "zz"), "unknown revision 'zz'"),
    Case("rev-id-is-a-label", ("revision", "-m", "x", "--rev-id", "feat"), "already a branch label of c3",
         rev_file("c3_x.py", header('"c3"', labels='"feat"'))),
    Case("label-is-an-id", ("revision", "-m", "x", "--branch-label", "a1"), "already the id"),
    Case("label-taken", ("revision", "-m", "x", "--head", "base", "--branch-label", "feat"), "already a branch label",
         rev_file("c3_x.py", header('"c3"', labels='"feat"'))),
    Case("label-is-its-own-id", ("revision", "-m", "x", "--rev-id", "c9", "--branch-label", "c9"), "own id"),
    Case("generate-label-taken", ("generate", "-m", "x", "--branch-label", "a1"), "already the id"),
    Case("merge-rev-id", ("merge", "heads", "--rev-id", "../m"), "invalid revision id"),
    Case("merge-one-head", ("merge", "heads"), "at least two"),
    Case("merge-label", ("merge", "a1", "b2", "--branch-label", "x y"), "invalid branch label"),
    Case("generate-rev-id", ("generate", "-m", "x", "--rev-id", "../escape"), "invalid revision id"),
    Case("generate-label", ("generate", "-m", "x", "--branch-label", "a:b"), "invalid branch label"),
    Case("version-path-outside", ("revision", "-m", "x", "--version-path", "/tmp"), "not one of the version locations"),
    Case("version-path-parent", ("revision", "-m", "x", "--version-path", "migrations/versions/.."),
         "not one of the version locations"),
    Case("generate-version-path", ("generate", "-m", "x", "--version-path", "/tmp"), "not one of the version locations"),
]

CONNECT_RAISES = "def connect(url, x_args):\n    raise ValueError('cannot reach ' + url)\n"
HOOK_CASES = [
    Case("connect-raises-current", ("current",), "connect() raised ValueError", env_py(CONNECT_RAISES)),
    Case("connect-raises-upgrade", ("upgrade", "head"), "connect() raised ValueError", env_py(CONNECT_RAISES)),
    Case("connect-raises-with-password", ("stamp", "head", "--url", "{secret_url}"), "connect() raised",
         env_py(CONNECT_RAISES), pg=True),
    Case("connect-returns-str", ("upgrade", "head"), "must return a SQLAlchemy Engine or Connection",
         env_py("def connect(url, x_args):\n    return url\n")),
    Case("connect-exits", ("current",), "SystemExit", env_py("def connect(url, x_args):\n    raise SystemExit(1)\n")),
    Case("connect-not-a-function", ("current",), "must be a function", env_py("connect = 'sqlite://'\n")),
    Case("connect-hook-check", ("check",), "connect() raised", env_py(CONNECT_RAISES)),
    Case("target-metadata-raises", ("plan",), "target_metadata() raised KeyError",
         env_py("def target_metadata():\n    raise KeyError('models')\n")),
    Case("target-metadata-wrong-type", ("check",), "must return a sqlalchemy MetaData",
         env_py("def target_metadata():\n    return 'models:metadata'\n")),
    Case("include-object-returns-none", ("check",), "include_object must return True or False",
         env_py("def include_object(obj):\n    obj.name\n")),
    Case("include-object-raises", ("plan",), "include_object() raised AttributeError",
         env_py("def include_object(obj):\n    return obj.nope\n")),
    Case("env-import-fails", ("upgrade", "head"), "cannot import", env_py("import no_such_module\n")),
    Case("env-syntax-error", ("current",), "syntax error", env_py("def connect(:\n")),
    Case("models-raise", ("plan",), "importing 'models' failed", write("models.py", "raise RuntimeError('no')\n")),
]

OPTION_CASES = [
    Case("lock-timeout-negative", ("upgrade", "head", "--lock-timeout", "-1"), "--lock-timeout"),
    Case("transaction-mode", ("upgrade", "head", "--transaction", "some"), "--transaction"),
    Case("unknown-option", ("upgrade", "head", "--bogus"), "--bogus"),
    Case("downgrade-sql-no-range", ("downgrade", "base", "--sql"), "START:END"),
]

READONLY_CASES = [
    Case("readonly-stamp", ("stamp", "b2", "--url", "{ro_url}"), "read", pg=True),
    Case("readonly-stamp-purge", ("stamp", "base", "--purge", "--url", "{ro_url}"), "read", pg=True),
    Case("readonly-upgrade", ("upgrade", "head", "--url", "{ro_url}"), "read", pg=True),
    Case("readonly-downgrade", ("downgrade", "base", "--url", "{ro_url}"), "read", pg=True),
    Case("readonly-file-stamp", ("stamp", "b2"), "stamp failed: attempt to write a readonly database",
         read_only_file=True),
    Case("readonly-file-stamp-base", ("stamp", "base"), "readonly database", read_only_file=True),
    Case("readonly-file-upgrade", ("upgrade", "head"), "readonly database", read_only_file=True),
    Case("readonly-file-downgrade", ("downgrade", "base"), "readonly database", read_only_file=True),
]

CASES = (CONFIG_CASES + URL_CASES + REVISION_FILE_CASES + TARGET_CASES + ID_CASES + HOOK_CASES + OPTION_CASES
         + READONLY_CASES)


def test_the_corpus_is_big_and_names_are_unique():
    assert len(CASES) >= 80
    assert len({c.name for c in CASES}) == len(CASES)


# -- the project, the database and their states ------------------------------------------------

@dataclass
class Database:
    dialect: str
    url: str  # the database at a1
    secret_url: str  # the same database, with SECRET as the password
    server: str  # scheme://user:SECRET@host:port, without a database
    ro_url: str  # the same database, read-only
    path: Optional[Path] = None  # SQLite: the file

    def placeholders(self) -> dict:
        user_free = self.server.replace("postgres:SECRET@", "nobody_here:SECRET@")
        return {"url": self.url, "secret_url": self.secret_url, "server": self.server, "ro_url": self.ro_url,
                "server_as_nobody": user_free,
                "server_query_password": self.server.replace(":SECRET@", "@") + "/no_such_db?password=SECRET"}


def run(project: Path, db: Database, args, env: Optional[dict] = None) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k not in ("STILL_DATABASE_URL", "STILL_CONFIG", "DATABASE_URL")}
    environ.update(DATABASE_URL=db.url, PYTHONDONTWRITEBYTECODE="1",
                   PYTHONPATH=os.pathsep.join([str(ROOT / "src"), environ.get("PYTHONPATH", "")]))
    environ.update(env or {})
    return subprocess.run([sys.executable, "-m", "still", *args], capture_output=True, text=True, cwd=project,
                          env=environ, timeout=120)


def files_state(project: Path) -> dict:
    out = {}
    for path in sorted(project.rglob("*")):
        if "__pycache__" in path.parts or ".still_cache" in path.parts:  # caches, each with its own ignore
            continue
        rel = path.relative_to(project).as_posix()
        out[rel] = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "dir"
    return out


def database_state(db: Database):
    if db.dialect == "sqlite":
        beside = sorted(p.name for p in db.path.parent.iterdir())
        conn = sqlite3.connect(f"file:{db.path}?mode=ro", uri=True)
        try:
            schema = conn.execute("SELECT type, name, sql FROM sqlite_master ORDER BY type, name").fetchall()
            rows = conn.execute("SELECT version_num FROM still_version ORDER BY 1").fetchall()
            journal = conn.execute("PRAGMA journal_mode").fetchone()
        finally:
            conn.close()
        return beside, schema, rows, journal
    engine = sa.create_engine(db.url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        columns = conn.exec_driver_sql(
            "SELECT table_schema, table_name, column_name, data_type, is_nullable FROM information_schema.columns "
            "WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2, 3").fetchall()
        relations = conn.exec_driver_sql(
            "SELECT n.nspname, c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') ORDER BY 1, 2").fetchall()
        rows = conn.exec_driver_sql("SELECT version_num FROM still_version ORDER BY 1").fetchall()
    engine.dispose()
    return columns, relations, rows


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A project with revisions a1 and b2, and a SQLite database at a1 (copied per input)."""
    base = tmp_path_factory.mktemp("template")
    project = base / "project"
    (project / "migrations" / "versions").mkdir(parents=True)
    (project / "still.toml").write_text(CONFIG)
    (project / "models.py").write_text(MODELS)
    (project / "migrations" / "versions" / "a1_create_t1.py").write_text(A1)
    (project / "migrations" / "versions" / "b2_add_name.py").write_text(B2)
    db_file = base / "db" / "db.sqlite"
    db_file.parent.mkdir()
    url = f"sqlite:///{db_file}"
    done = run(project, Database("sqlite", url, url, "", "", db_file), ["-q", "upgrade", "a1"])
    assert done.returncode == 0, done.stderr
    return base


def copy_template(template: Path, where: Path) -> Path:
    shutil.copytree(template / "project", where / "project")
    return where / "project"


def sqlite_database(template: Path, where: Path) -> Database:
    shutil.copytree(template / "db", where / "db")
    path = where / "db" / "db.sqlite"
    url = f"sqlite:///{path}"
    return Database("sqlite", url, url, "postgresql+psycopg://postgres:SECRET@127.0.0.1:1",
                    f"sqlite:///file:{path}?mode=ro&uri=true", path)


def postgresql_database(url: str) -> Database:
    secret = sa.engine.make_url(url).set(password=SECRET)
    server = secret.set(database=None).render_as_string(hide_password=False)
    ro = secret.update_query_dict({"options": "-c default_transaction_read_only=on"})
    return Database("postgresql", url, secret.render_as_string(hide_password=False), server,
                    ro.render_as_string(hide_password=False))


@dataclass
class Outcome:
    result: subprocess.CompletedProcess
    files: tuple[dict, dict]  # before, after
    database: tuple[object, object]


def refuse(case: Case, project: Path, db: Database) -> Outcome:
    if case.setup is not None:
        case.setup(project)
    fill = db.placeholders()
    args = ["-q", *(arg.format(**fill) if "{" in arg else arg for arg in case.args)]
    env = {k: v.format(**fill) for k, v in case.env.items()}
    files, database = files_state(project), database_state(db)
    result = run(project, db, args, env)
    return Outcome(result, (files, files_state(project)), (database, database_state(db)))


def run_all(jobs) -> dict:
    """Every input at once (each process mostly waits on its own start-up), results by name."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = {name: pool.submit(job) for name, job in jobs.items()}
        return {name: future.result() for name, future in futures.items()}


def read_only(path: Path) -> Optional[Callable[[], None]]:
    """Make `path` a file nobody can write (mode 444; as root, which ignores modes, also the
    immutable attribute): a function that undoes it, or None where that cannot be done."""
    path.chmod(0o444)
    if os.geteuid() != 0:
        return lambda: path.chmod(0o644)
    if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(path)]).returncode != 0:
        path.chmod(0o644)
        return None
    return lambda: (subprocess.run(["chattr", "-i", str(path)], check=True), path.chmod(0o644))


def refuse_on_sqlite(case: Case, template: Path, where: Path):
    project, db = copy_template(template, where), sqlite_database(template, where)
    if not case.read_only_file:
        return refuse(case, project, db)
    undo = read_only(db.path)
    if undo is None:
        return "no way to make a file read-only here (chattr +i failed)"
    try:
        return refuse(case, project, db)
    finally:
        undo()


@pytest.fixture(scope="module")
def sqlite_outcomes(template, tmp_path_factory) -> dict:
    def job(case: Case):
        where = tmp_path_factory.mktemp(case.name)
        return lambda: refuse_on_sqlite(case, template, where)

    return run_all({case.name: job(case) for case in CASES})


PG_CASES = [c for c in CASES if c.pg]


@pytest.fixture(scope="module")
def postgresql_outcomes(template, tmp_path_factory, pg_admin_engine) -> dict:
    """One database brought to a1 by still, copied (CREATE DATABASE ... TEMPLATE) per input."""
    prefix = f"still_bad_{os.getpid()}"
    names = {case.name: f"{prefix}_{index}" for index, case in enumerate(PG_CASES)}

    def url(name: str) -> str:
        return pg_admin_engine.url.set(database=name).render_as_string(hide_password=False)

    with pg_admin_engine.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{prefix}_a1" TEMPLATE template0')
    try:
        done = run(template / "project", postgresql_database(url(f"{prefix}_a1")), ["-q", "upgrade", "a1"])
        assert done.returncode == 0, done.stderr
        with pg_admin_engine.connect() as conn:
            for name in names.values():
                conn.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{prefix}_a1"')

        def job(case: Case):
            where = tmp_path_factory.mktemp(case.name)
            return lambda: refuse(case, copy_template(template, where), postgresql_database(url(names[case.name])))

        yield run_all({case.name: job(case) for case in PG_CASES})
    finally:
        with pg_admin_engine.connect() as conn:
            for name in [*names.values(), f"{prefix}_a1"]:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def assert_refused(case: Case, outcome: Outcome, dialect: str) -> None:
    result = outcome.result
    output = result.stdout + result.stderr
    lines = result.stderr.splitlines()
    assert result.returncode == 2, (result.returncode, output)
    assert len(lines) == 1 and lines[0].startswith("error: "), output
    expect = case.expect if isinstance(case.expect, str) else case.expect[dialect]
    assert expect in lines[0], lines[0]
    assert "Traceback" not in output
    assert SECRET not in output, output
    assert outcome.files[1] == outcome.files[0], "the project's files changed"
    assert outcome.database[1] == outcome.database[0], "the database changed"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_refused_on_sqlite(case, sqlite_outcomes):
    outcome = sqlite_outcomes[case.name]
    if isinstance(outcome, str):
        pytest.skip(outcome)
    assert_refused(case, outcome, "sqlite")


@pytest.mark.parametrize("case", PG_CASES, ids=[c.name for c in PG_CASES])
def test_refused_on_postgresql(case, postgresql_outcomes):
    assert_refused(case, postgresql_outcomes[case.name], "postgresql")


# -- what is not an error, but must stay where it belongs ---------------------------------------

@pytest.mark.parametrize("message", ["../../outside", "a/b/../c", "/etc/passwd", "..", "x\\..\\y"])
def test_a_message_never_moves_the_file(message, template, tmp_path):
    project = copy_template(template, tmp_path)
    result = run(project, sqlite_database(template, tmp_path), ["revision", "-m", message, "--rev-id", "c3"])
    assert result.returncode == 0, result.stderr
    written = [p for p in tmp_path.rglob("c3*.py")]
    assert [p.parent for p in written] == [project / "migrations" / "versions"], written


def test_ctrl_c_is_one_line_and_keeps_the_database(template, tmp_path):
    """SIGINT inside a revision: exit 130, one `error:` line, no traceback; the revision's
    DDL rolled back, the version table and the file's journal mode as before."""
    project = copy_template(template, tmp_path)
    sqlite_db = sqlite_database(template, tmp_path)
    marker = tmp_path / "inside"
    b2_body(f'op.create_table("t2", sa.Column("id", sa.Integer))\n    open({str(marker)!r}, "w").close()\n'
            f"    import time; time.sleep(60)")(project)
    before = database_state(sqlite_db)
    environ = {k: v for k, v in os.environ.items() if k not in ("STILL_DATABASE_URL", "STILL_CONFIG")}
    environ.update(DATABASE_URL=sqlite_db.url, PYTHONPATH=str(ROOT / "src"))
    process = subprocess.Popen([sys.executable, "-m", "still", "-q", "upgrade", "head"], cwd=project,
                               env=environ, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not marker.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert marker.exists(), process.communicate()
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, (stdout, stderr)
    assert stderr.splitlines() == ["error: interrupted; 'still current' shows where the database is"], stderr
    assert database_state(sqlite_db) == before
