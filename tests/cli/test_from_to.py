"""`plan`/`check`/`generate --from SOURCE --to SOURCE` on real databases: any two states
compared through the command line (two databases, a database and a snapshot file, the
history and the models), one plan whichever way a state is given, dialects never mixed,
snapshot files byte-stable."""

import json
import os
import pickle
import sys
from itertools import count

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, Phase, given, settings

from still.cli import main
from still.compare import declared_renames
from still.diff import diff
from still.reflect import reflect
from still.snapshot_file import read_snapshot_file
from tests.cli.test_generate import MODELS_V2, project
from tests.helpers import assert_same_snapshot, create_all, reset_database, run_statements
from tests.properties.edits import schema_pairs
from tests.properties.strategies import build

# few examples per dialect: each runs a dozen commands on two databases (CI time)
EXAMPLES = int(os.environ.get("STILL_FROM_TO_EXAMPLES", "4"))
_module_ids = count()


def still(capsys, *args) -> tuple[int, str, str]:
    """The command line, run in this process (as `python -m still` runs it): exit code,
    stdout, stderr."""
    capsys.readouterr()
    try:
        main(list(args))
        code = 0
    except SystemExit as done:
        code = done.code or 0
    out, err = capsys.readouterr()
    return code, out, err


def plan_json(capsys, source, target, *extra) -> dict:
    code, out, err = still(capsys, "plan", "--from", source, "--to", target, "--format", "json", *extra)
    assert code == 0, err
    return json.loads(out)


@pytest.fixture
def two_urls(request, dialect, tmp_path):
    """Two empty databases of `dialect`: A and B."""
    if dialect == "sqlite":
        yield f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'b.db'}"
        return
    yield request.getfixturevalue("pg_url" if dialect == "postgresql" else "mysql_url"), \
        _another(request, dialect)


def _another(request, dialect) -> str:
    admin = request.getfixturevalue("pg_admin_engine" if dialect == "postgresql" else "mysql_admin_engine")
    name = f"still_test_b_{os.getpid()}_{next(_module_ids)}"
    quote = '"' if dialect == "postgresql" else "`"
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {quote}{name}{quote}"
                             + (" TEMPLATE template0" if dialect == "postgresql" else ""))
    request.addfinalizer(lambda: _drop(admin, name, dialect))
    return admin.url.set(database=name).render_as_string(hide_password=False)


def _drop(admin, name, dialect):
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)' if dialect == "postgresql"
                             else f"DROP DATABASE IF EXISTS `{name}`")


def models_module(tmp_path, spec) -> str:
    """`module:metadata` for the models of `spec`, importable by the command line."""
    name = f"fromto_models_{next(_module_ids)}"
    (tmp_path / f"{name}.pickle").write_bytes(pickle.dumps(spec))
    (tmp_path / f"{name}.py").write_text(
        "import pickle, pathlib\nfrom tests.properties.strategies import build\n"
        f"metadata = build(pickle.loads((pathlib.Path(__file__).parent / '{name}.pickle').read_bytes()))\n")
    if str(tmp_path) not in sys.path:
        sys.path.insert(0, str(tmp_path))
    return f"{name}:metadata"


def reflected(url):
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        snap = reflect(conn)
    engine.dispose()
    return snap


def execute(url, statements):
    run_statements(url, statements)


def converges_through_the_cli(capsys, tmp_path, urls, pair):
    url_a, url_b = urls
    for url in urls:
        reset_database(url)
    create_all(url_a, build(pair[0]))
    create_all(url_b, build(pair[1]))
    file_a, file_b = tmp_path / "a.json", tmp_path / "b.json"
    for url, path in ((url_a, file_a), (url_b, file_b)):
        code, _, err = still(capsys, "snapshot", "--url", url, "--out", str(path))
        assert code == 0, err

    # a snapshot file reads back to the very bytes it was written with
    assert read_snapshot_file(file_a).to_json().encode() == file_a.read_bytes()
    # the database against its own snapshot: nothing to do
    assert plan_json(capsys, url_a, str(file_a))["operations"] == []
    assert still(capsys, "check", "--from", url_a, "--to", str(file_a))[0] == 0

    # one plan whichever way each side is given
    wanted = plan_json(capsys, url_a, url_b, "--sql")
    for source, target in ((str(file_a), url_b), (url_a, str(file_b)), (str(file_a), str(file_b))):
        assert plan_json(capsys, source, target)["operations"] == wanted["operations"], (source, target)
    # the models of A on the --from side: declared as the database made from them reflects
    assert plan_json(capsys, models_module(tmp_path, pair[0]), url_b)["operations"] == wanted["operations"]
    # the models also say what they renamed (renamed_from), which no database state can:
    # given as --rename, the database B gives the plan the models give
    default = reflected(url_b).default_schema
    renames = declared_renames(build(pair[1]), default)
    flags = [f"--rename={old}={new}" for _, old, new in renames.tables]
    flags += [f"--rename={table}.{old}={new}" for _, table, old, new in renames.columns]
    by_models = plan_json(capsys, url_a, models_module(tmp_path, pair[1]))
    if all(rename[0] == default for rename in renames.tables + renames.columns):  # --rename: that schema's
        assert by_models["operations"] == plan_json(capsys, url_a, url_b, *flags)["operations"]

    drift = still(capsys, "check", "--from", url_a, "--to", url_b)[0]
    assert drift == (1 if wanted["operations"] else 0)

    # the SQL printed for --from's dialect, run on A, gives B
    execute(url_a, wanted["statements"])
    reached, b = reflected(url_a), reflected(url_b)
    assert_same_snapshot(reached, b, column_order=False)
    assert diff(reached, b).empty
    assert still(capsys, "check", "--from", url_a, "--to", url_b)[0] == 0
    assert still(capsys, "check", "--from", url_a, "--to", str(file_b))[0] == 0


# no shrinking: each step runs commands on two databases; a failure shows its example as drawn
_PROPERTY = settings(max_examples=EXAMPLES, deadline=None, phases=(Phase.explicit, Phase.reuse, Phase.generate),
                     suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


@_PROPERTY
@given(pair=schema_pairs(dialect="sqlite"))
@pytest.mark.parametrize("dialect", ("sqlite",))
def test_plan_from_url_to_url_converges_on_sqlite(capsys, tmp_path, two_urls, dialect, pair):
    converges_through_the_cli(capsys, tmp_path, two_urls, pair)


@_PROPERTY
@given(pair=schema_pairs(dialect="postgresql"))
@pytest.mark.parametrize("dialect", ("postgresql",))
def test_plan_from_url_to_url_converges_on_postgresql(capsys, tmp_path, two_urls, dialect, pair):
    converges_through_the_cli(capsys, tmp_path, two_urls, pair)


@_PROPERTY
@given(pair=schema_pairs(dialect="mysql"))
@pytest.mark.parametrize("dialect", ("mysql",))
def test_plan_from_url_to_url_converges_on_mysql(capsys, tmp_path, two_urls, dialect, pair):
    converges_through_the_cli(capsys, tmp_path, two_urls, pair)


def test_cross_dialect_is_refused_without_connecting(capsys, tmp_path, sqlite_url):
    create_all(sqlite_url, build([]))
    snap = tmp_path / "lite.json"
    assert still(capsys, "snapshot", "--url", sqlite_url, "--out", str(snap))[0] == 0
    # nothing listens there: a connection attempt would fail with another message
    elsewhere = "postgresql://someone:secret@127.0.0.1:1/nowhere"
    for args in (("--from", str(snap), "--to", elsewhere), ("--from", elsewhere, "--to", sqlite_url)):
        for command in ("plan", "check"):
            code, out, err = still(capsys, command, *args)
            assert code == 2, (command, args, out, err)
            assert err.startswith("error: cannot compare across dialects") and err.count("\n") == 1, err
            assert "secret" not in err


@pytest.mark.parametrize("bad", ("no-such-file.json", "history@", ""))
def test_unknown_source_is_one_line(capsys, sqlite_url, bad):
    code, _, err = still(capsys, "check", "--from", sqlite_url, "--to", bad, "--url", sqlite_url)
    assert code == 2 and err.startswith("error: --to") and err.count("\n") == 1, err


def test_snapshot_file_that_is_not_one_is_refused(capsys, tmp_path, sqlite_url):
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"still_snapshot": 1, "server": {"dialect": "sqlite"}, "snapshot": {"x": 1}}))
    code, _, err = still(capsys, "plan", "--from", str(broken), "--to", sqlite_url)
    assert code == 2 and "is not a still snapshot file" in err and err.count("\n") == 1, err


def test_history_at_revision_and_models(tmp_path, sqlite_url):
    """The revision history replayed with no database (`history`, `history@REV`) against
    the models and against itself, through plan, check and generate."""
    run = project(tmp_path, sqlite_url)
    first = run("generate", "-m", "v1").stdout.split("created ")[1].split()[0]
    rev1 = os.path.basename(first).split("_")[0]
    (tmp_path / "models.py").write_text(MODELS_V2)
    same = run("generate", "-m", "v2", "--from", "history", "--to", "models")  # no database
    assert "created" in same.stdout
    assert not sa.inspect(sa.create_engine(sqlite_url)).get_table_names()  # never connected to

    assert run("check", "--from", "history", "--to", "models").stdout == "No changes: history matches models.\n"
    run("check", "--against", "history")  # the older spelling, same answer
    behind = run("check", "--from", f"history@{rev1}", "--to", "models", ok=(1,))
    assert "ix_orgs_name" in behind.stdout and "ck_users_email" in behind.stdout
    between = json.loads(run("plan", "--from", f"history@{rev1}", "--to", "history", "--format", "json").stdout)
    assert {op["op"] for op in between["operations"]} >= {"add_column", "create_index", "drop_column"}
    assert between["url"] == f"history@{rev1}" and between["to"] == "history"
    unknown = run("check", "--from", "history@nope", "--to", "models", ok=(2,))
    assert unknown.stderr.startswith("error: ")

    # the database upgraded to head, then compared with the history
    run("upgrade", "head")
    run("check", "--from", "db", "--to", "history")
    run("check", "--from", sqlite_url, "--to", "history")
    run("check", "--from", "history", "--to", "empty", ok=(1,))


def test_generate_starts_only_from_the_database_or_the_history(tmp_path, sqlite_url):
    run = project(tmp_path, sqlite_url)
    snap = tmp_path / "s.json"
    run("generate", "-m", "v1", "--against", "history")
    run("upgrade", "head")
    run("snapshot", "--out", str(snap))
    for start in ("empty", str(snap), "history@head", "models"):
        refused = run("generate", "-m", "x", "--from", start, ok=(2,))
        assert refused.stderr.startswith("error: generate --from") and refused.stderr.count("\n") == 1
    both = run("generate", "-m", "x", "--against", "history", "--from", "db", ok=(2,))
    assert both.stderr.startswith("error: --against history and --from db")
    # --to any state: a revision from the database to what the snapshot file holds is empty
    assert "nothing written" in run("generate", "-m", "x", "--from", "db", "--to", str(snap)).stdout
    (tmp_path / "models.py").write_text(MODELS_V2)
    made = run("generate", "-m", "to empty", "--from", "history", "--to", "empty")
    path = tmp_path / made.stdout.split("created ")[1].split()[0]
    assert "drop_table" in path.read_text()
