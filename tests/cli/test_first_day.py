"""What a new user trips over on the first day (issue 27), each as the user meets it."""

from __future__ import annotations

from tests.runtime.project import Project


def test_generate_behind_head_names_exactly_what_is_not_applied(tmp_path, sqlite_url):
    """A linear history with the first revision applied, and a branchy one with one branch
    applied: the error names the missing revisions, no applied one, in upgrade order."""
    project = Project(tmp_path, sqlite_url).init()
    project.revision("r1", "one", 'op.create_table("a", sa.Column("id", sa.Integer, primary_key=True))')
    project.revision("r2", "two", 'op.create_table("b", sa.Column("id", sa.Integer, primary_key=True))')
    project.revision("r3", "three", 'op.create_table("c", sa.Column("id", sa.Integer, primary_key=True))')
    (tmp_path / "models.py").write_text("import sqlalchemy as sa\nmetadata = sa.MetaData()\n")
    with open(tmp_path / "still.toml", "a") as f:
        f.write('metadata = "models:metadata"\n')
    project.ok("upgrade", "r1")
    error = project.fail("generate", "-m", "more")
    assert "(missing r2, r3)" in error, error

    project.ok("upgrade", "head")
    project.revision("s1", "side a", 'op.create_table("d", sa.Column("id", sa.Integer, primary_key=True))',
                     "pass", "--head", "r3")
    project.revision("s2", "side b", 'op.create_table("e", sa.Column("id", sa.Integer, primary_key=True))',
                     "pass", "--head", "r3", "--splice")
    project.ok("upgrade", "s1")
    error = project.fail("generate", "-m", "more")
    assert "(missing s2)" in error, error


def test_output_to_a_file_or_pipe_is_not_wrapped(tmp_path, sqlite_url):
    project = Project(tmp_path, sqlite_url).init()
    long_name = "a_column_with_a_name_long_enough_to_pass_eighty_characters_on_its_own_line"
    (tmp_path / "models.py").write_text(
        "import sqlalchemy as sa\nmetadata = sa.MetaData()\n"
        f"sa.Table('users', metadata, sa.Column('id', sa.Integer, primary_key=True),\n"
        f"         sa.Column('{long_name}', sa.String(60), nullable=False))\n")
    with open(tmp_path / "still.toml", "a") as f:
        f.write('metadata = "models:metadata"\n')
    out = project.run("plan").stdout  # captured: a pipe
    assert f"{long_name} VARCHAR(60) NOT NULL" in out, out
    assert "\x1b[" not in out
    assert max(len(line) for line in out.splitlines()) > 80


def test_init_says_what_is_missing_and_the_next_command(tmp_path):
    with_url = Project(tmp_path / "a", "sqlite:///app.db")
    out = with_url.ok("init", "migrations")
    assert "set metadata in still.toml" in out and "DATABASE_URL" not in out.split("next:")[1]
    assert 'still generate -m "first"' in out
    assert '# metadata = "myapp.models:Base"' in (tmp_path / "a" / "still.toml").read_text()

    without = Project(tmp_path / "b", None)
    out = without.ok("init", "migrations")
    assert "export DATABASE_URL" in out and "set metadata" in out

    # following the hint: metadata set, URL set, generate works first time
    (tmp_path / "a" / "models.py").write_text(
        "import sqlalchemy as sa\nmetadata = sa.MetaData()\n"
        "sa.Table('t', metadata, sa.Column('id', sa.Integer, primary_key=True))\n")
    config = tmp_path / "a" / "still.toml"
    config.write_text(config.read_text().replace('# metadata = "myapp.models:Base"', 'metadata = "models:metadata"'))
    assert "created" in with_url.ok("generate", "-m", "first")


def test_a_typo_touches_nothing_and_suggests(tmp_path):
    db = tmp_path / "app.db"
    project = Project(tmp_path, f"sqlite:///{db}").init()
    project.revision("r1", "one", 'op.create_table("a", sa.Column("id", sa.Integer, primary_key=True))')
    project.ok("upgrade", "head")
    before = (db.read_bytes(), db.stat().st_mtime_ns, sorted(p.name for p in tmp_path.iterdir()))
    for command in (("upgrade", "hed"), ("downgrade", "bsae"), ("upgrade", "r2"), ("downgrade", "nobranch@-1")):
        error = project.fail(*command)
        assert error.startswith("error: unknown revision"), error
        assert (db.read_bytes(), db.stat().st_mtime_ns, sorted(p.name for p in tmp_path.iterdir())) == before
    assert "(did you mean 'head'?)" in project.fail("upgrade", "hed")
    assert "(did you mean 'base'?)" in project.fail("downgrade", "bsae")
    assert "(did you mean 'head'?)" in project.fail("show", "hed")


def test_show_prints_the_revision_in_full_and_generate_needs_a_message(tmp_path, sqlite_url):
    project = Project(tmp_path, sqlite_url).init()
    (tmp_path / "models.py").write_text(
        "import sqlalchemy as sa\nmetadata = sa.MetaData()\n"
        "sa.Table('users', metadata, sa.Column('id', sa.Integer, primary_key=True), sa.Column('n', sa.Integer))\n")
    with open(tmp_path / "still.toml", "a") as f:
        f.write('metadata = "models:metadata"\n')
    assert project.fail("generate") == 'error: generate needs a message: still generate -m "what it does"'
    assert not list(project.versions.glob("*.py"))
    project.ok("generate", "-m", "users", "--rev-id", "g1")
    project.ok("upgrade", "head")
    (tmp_path / "models.py").write_text((tmp_path / "models.py").read_text().replace(
        "sa.Column('n', sa.Integer)", "sa.Column('m', sa.Integer)"))
    project.ok("generate", "-m", "m for n", "--rev-id", "g2")
    shown = project.ok("show", "g2")
    assert "    m for n\n" in shown
    assert "2 operations: 1 add_column, 1 drop_column" in shown
    assert "REVIEW(possible-column-rename)" in shown
    assert "upgrade():\n    # table users\n" in shown and 'op.drop_column("users", "n")' in shown
    assert "def downgrade" not in shown


def test_an_async_url_is_read_with_the_sync_driver(tmp_path, pg_url):
    """An app's async URL (FastAPI, SQLModel) works as it is: still reads it with psycopg."""
    async_url = pg_url.replace("postgresql+psycopg://", "postgresql+asyncpg://")
    project = Project(tmp_path, async_url).init()
    project.revision("r1", "one", 'op.create_table("a", sa.Column("id", sa.Integer, primary_key=True))')
    project.ok("upgrade", "head")
    assert project.ok("current").strip() == "r1 (head)"
    lite = Project(tmp_path / "lite", f"sqlite+aiosqlite:///{tmp_path / 'lite.db'}").init()
    lite.revision("r1", "one", 'op.create_table("a", sa.Column("id", sa.Integer, primary_key=True))')
    lite.ok("upgrade", "head")
    assert lite.ok("current").strip() == "r1 (head)"


def test_a_sqlite_file_in_a_missing_directory_says_to_make_the_directory(tmp_path):
    project = Project(tmp_path, "sqlite:///nodir/app.db").init()
    project.revision("r1", "one", 'op.create_table("a", sa.Column("id", sa.Integer, primary_key=True))')
    hint = project.fail("current")
    assert "nor its directory nodir" in hint and "mkdir -p nodir" in hint, hint
    assert "mkdir -p nodir" in project.fail("upgrade", "head")
    (tmp_path / "nodir").mkdir()
    project.ok("upgrade", "head")  # the hint was right


def test_the_progress_display_keeps_one_line_per_revision():
    """Rendered as on a terminal (rich's recording console, no tmux): after a 10-revision run
    every revision's line is still on screen, in order; a revision's operations show in the bar."""
    import io
    from types import SimpleNamespace

    from rich.console import Console

    from still.cli.running import _RichProgress

    console = Console(force_terminal=True, record=True, width=120, file=io.StringIO())
    progress = _RichProgress(console).progress()
    steps = [SimpleNamespace(direction="up", revision=SimpleNamespace(
        revision=f"r{i}", down_revisions=(f"r{i - 1}",) if i else (), message=f"step {i}")) for i in range(10)]
    progress.start(len(steps))
    for step in steps:
        progress.step(step)
        progress.operation("add column")
        progress.operation("create index")
    progress.done()
    import re

    # the recording keeps what was written, without the cursor moves that redraw the bar:
    # each revision's line was printed once, above the bar, in order
    screen = console.export_text()
    lines = re.findall(r"Running upgrade [^\n]*?, step \d", screen)
    assert lines == [f"Running upgrade {'<base>' if i == 0 else f'r{i - 1}'} -> r{i}, step {i}" for i in range(10)]
    assert "operation 2, create index" in screen  # the bar follows the operations


def test_a_run_tells_the_progress_each_operation(tmp_path, sqlite_url):
    from still.cli.settings import config_for
    from still.runtime.migrate import Progress, Run

    project = Project(tmp_path, sqlite_url).init()
    project.revision("r1", "one", """
op.create_table("a", sa.Column("id", sa.Integer, primary_key=True))
op.add_column("a", sa.Column("n", sa.Integer))
op.create_index("ix_a_n", "a", ["n"])""")
    seen = []
    import os

    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        run = Run(config_for({}, str(tmp_path / "still.toml"), url=sqlite_url),
                  progress=Progress(operation=seen.append))
        run.upgrade("head")
    finally:
        os.chdir(cwd)
    assert seen == ["create table", "add column", "create index"]


def test_make_demo_reads_like_a_tutorial_when_piped():
    """`make demo`'s script under NO_COLOR and through a pipe: no escape codes, no runs of blank
    lines, and the reviewer's comments labelled by the body they come from."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(root / "src")}
    result = subprocess.run([sys.executable, str(root / "fixtures" / "demo.py")], capture_output=True,
                            text=True, env=env, cwd=root, timeout=600)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    out = result.stdout + result.stderr
    assert "\x1b" not in out
    assert "\n\n\n" not in out
    assert "comments for the reviewer in upgrade():\n  # REVIEW(drop-column)" in out
    assert "comments for the reviewer in downgrade() (what undoing it would lose):\n  # DESTRUCTIVE" in out
    assert "demo finished" in out


def test_every_command_help_has_examples_that_exist_and_exit_codes():
    import re
    import subprocess
    import sys
    from pathlib import Path

    from still.cli.examples import EXAMPLES

    root = Path(__file__).resolve().parents[2]
    listed = subprocess.run([sys.executable, "-m", "still", "--help"], capture_output=True, text=True,
                            env={"PYTHONPATH": str(root / "src"), "PATH": "/usr/bin:/bin"}).stdout
    commands = re.findall(r"^\s{2}(\w[\w-]*)\s", listed.split("Commands:")[1], re.M)
    assert set(commands) <= set(EXAMPLES), set(commands) - set(EXAMPLES)
    for command in commands:
        text = subprocess.run([sys.executable, "-m", "still", command, "--help"], capture_output=True, text=True,
                              env={"PYTHONPATH": str(root / "src"), "PATH": "/usr/bin:/bin"}).stdout
        assert "Examples:\n" in text and "Exit codes:" in text, command
        examples = text.split("Examples:\n")[1].split("Exit codes:")[0]
        assert f"still {command}" in examples
        options = text.split("Examples:")[0]
        for flag in set(re.findall(r"\s(--[a-z][\w-]*|-[a-z])\b", examples)):
            assert re.search(rf"(^|[\s,]){re.escape(flag)}\b", options, re.M), (command, flag)


def test_one_revision_on_one_sqlite_table_is_one_rebuild(tmp_path):
    """Two column changes and a constraint on one table in one revision: one copy of the
    table (offline and online), the rows kept; raw SQL in between sees the table as changed
    so far (the rebuild gathered until then runs first)."""
    import sqlalchemy as sa

    db = tmp_path / "app.db"
    project = Project(tmp_path, f"sqlite:///{db}").init()
    project.revision("r1", "users", """
op.create_table("users", sa.Column("id", sa.Integer, primary_key=True), sa.Column("name", sa.String(50)),
                sa.Column("email", sa.String(50)))
op.execute("INSERT INTO users (id, name, email) VALUES (1, 'ann', 'a@x'), (2, 'bob', 'b@x')")""")
    project.revision("r2", "two changes", """
op.alter_column("users", "name", type_=sa.String(80), existing_type=sa.String(50))
op.alter_column("users", "email", nullable=False, existing_type=sa.String(50))
op.create_unique_constraint("uq_users_email", "users", ["email"])""")
    project.revision("r3", "raw sql in between", """
op.alter_column("users", "name", nullable=False, existing_type=sa.String(80))
op.execute("UPDATE users SET name = upper(name)")
op.alter_column("users", "email", type_=sa.String(120), existing_type=sa.String(50))""")
    script = project.ok("upgrade", "r1:r2", "--sql")
    assert script.count("CREATE TABLE _still_new_users") == 1, script
    assert project.ok("upgrade", "r2:r3", "--sql").count("CREATE TABLE _still_new_users") == 2

    project.ok("upgrade", "r2")
    engine = sa.create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT id, name, email FROM users ORDER BY id").all() == \
            [(1, "ann", "a@x"), (2, "bob", "b@x")]
        ddl = conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = 'users'").scalar()
    assert "VARCHAR(80)" in ddl and "email VARCHAR(50) NOT NULL" in ddl and "uq_users_email" in ddl
    project.ok("upgrade", "head")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT name FROM users ORDER BY id").scalars().all() == ["ANN", "BOB"]
    engine.dispose()
    project.ok("downgrade", "base")


def test_an_edited_applied_revision_warns_or_with_refuse_stops_the_run(tmp_path):
    from tests.runtime.project import history_project

    url = f"sqlite:///{tmp_path / 'app.db'}"
    project = history_project(tmp_path / "p", url)
    project.ok("upgrade", "b2")
    a1 = next(project.versions.glob("a1_*.py"))
    a1.write_text(a1.read_text() + "\n# edited\n")
    warned = project.run("upgrade", "c3")
    assert warned.returncode == 0 and "a1 edited after it was applied" in warned.stderr
    project.ok("downgrade", "b2")

    with open(project.path / "still.toml", "a") as f:
        f.write('edited_revisions = "refuse"\n')
    error = project.fail("upgrade", "head")
    assert "a1 edited since they ran" in error and "nothing was run" in error
    assert project.ok("current").startswith("b2")  # nothing ran
    (project.path / "still.toml").write_text(
        (project.path / "still.toml").read_text().replace('edited_revisions = "refuse"', 'edited_revisions = "never"'))
    assert 'edited_revisions' in project.fail("upgrade", "head")


def test_a_newcomer_follows_the_readme_typical_day(tmp_path):
    """The README's "typical day", command by command, on SQLite, as a newcomer types it:
    what each prints is plain (no escape codes, no wrapped lines) and its hints lead on."""
    import re
    import shlex
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    block = readme.split("A typical day:")[1].split("```sh")[1].split("```")[0]
    commands = [shlex.split(line.split("#")[0]) for line in block.strip().splitlines()
                if line.startswith("still ")]
    assert [c[:2] for c in commands] == [["still", "init"], ["still", "generate"], ["still", "upgrade"],
                                         ["still", "check"]], commands
    project = Project(tmp_path, f"sqlite:///{tmp_path / 'app.db'}")
    (tmp_path / "models.py").write_text(
        "import sqlalchemy as sa\nmetadata = sa.MetaData()\n"
        "sa.Table('invoices', metadata, sa.Column('id', sa.Integer, primary_key=True),\n"
        "         sa.Column('customer_reference_for_the_accounting_department', sa.String(200), nullable=False))\n")
    printed = []
    for command in commands:
        result = project.run(*command[1:])
        assert result.returncode == 0, (command, result.stdout, result.stderr)
        printed.append(result.stdout + result.stderr)
        if command[1] == "init":  # the hint says what to set; the newcomer does just that
            hint = result.stdout
            assert "set metadata in still.toml" in hint and "still generate" in hint
            config = tmp_path / "still.toml"
            config.write_text(re.sub(r'# metadata = "[^"]*"', 'metadata = "models:metadata"', config.read_text()))
    out = "\n".join(printed)
    assert "\x1b" not in out
    assert "customer_reference_for_the_accounting_department VARCHAR(200) NOT NULL" in out  # one line, unwrapped
    assert "No changes: the database matches the models." in printed[-1]
    down = project.run("downgrade", "-1")
    assert down.returncode == 0 and "Running downgrade" in down.stderr
    assert project.ok("current").strip() == ""


def test_a_generated_revision_groups_each_tables_operations():
    """Column changes on two tables and an index on the first: `# table users` once, and on
    SQLite one rebuild of users for all of it."""
    import sqlalchemy as sa

    from still.declare import declare
    from still.diff import diff
    from still.ops.ddl import plan_statements
    from still.render import render_plan

    def models(wide: bool):
        md = sa.MetaData()
        sa.Table("users", md, sa.Column("id", sa.Integer, primary_key=True),
                 sa.Column("name", sa.String(80 if wide else 40), nullable=not wide),
                 *([sa.Index("ix_users_name", "name")] if wide else []))
        sa.Table("zones", md, sa.Column("id", sa.Integer, primary_key=True),
                 sa.Column("code", sa.String(20 if wide else 10)))
        return md

    dialect = sa.create_engine("sqlite://").dialect
    a, b = declare(models(False), dialect), declare(models(True), dialect)
    plan = diff(a, b)
    tables = [op.target_table for op in plan.operations]
    assert tables == sorted(tables, key=tables.index)  # each table's operations together
    rendered = render_plan(plan, "sqlite", (a, b))
    assert rendered.upgrade.count("# table users") == 1 and rendered.downgrade.count("# table users") == 1
    statements = [sql for _, stmts in plan_statements(plan, a, dialect) for sql in stmts]
    assert sum(sql.startswith("CREATE TABLE _still_new_users") for sql in statements) == 1


def test_generate_without_a_message_asks_on_a_terminal(tmp_path, sqlite_url):
    import os
    import pty
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    project = Project(tmp_path, sqlite_url).init()
    (tmp_path / "models.py").write_text(
        "import sqlalchemy as sa\nmetadata = sa.MetaData()\n"
        "sa.Table('users', metadata, sa.Column('id', sa.Integer, primary_key=True))\n")
    with open(tmp_path / "still.toml", "a") as f:
        f.write('metadata = "models:metadata"\n')
    master, slave = pty.openpty()
    try:
        os.write(master, b"create users\n")
        env = {**os.environ, "DATABASE_URL": sqlite_url, "PYTHONPATH": str(root / "src")}
        result = subprocess.run([sys.executable, "-m", "still", "generate", "--rev-id", "g1"], stdin=slave,
                                capture_output=True, text=True, cwd=tmp_path, env=env, timeout=180)
    finally:
        os.close(master)
        os.close(slave)
    assert result.returncode == 0, result.stderr
    assert "What does this revision do?" in result.stdout
    made = next(project.versions.glob("g1_*.py"))
    assert made.name == "g1_create_users.py" and made.read_text().startswith('"""create users')
