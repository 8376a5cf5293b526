"""The migration commands end to end, as a user runs them, on SQLite and PostgreSQL (and
the lifecycle on MySQL)."""

from __future__ import annotations

import pytest

from tests.conftest import ALL_DIALECTS
from tests.runtime.project import HISTORY, Project, history_project, reflect_url


@pytest.mark.parametrize("dialect", ALL_DIALECTS)
def test_linear_lifecycle(tmp_path, db_url):
    project = history_project(tmp_path / "p", db_url)
    assert project.ok("heads").split() == ["c3", "(head)"]
    if db_url.startswith("sqlite"):  # reading never creates a database file
        assert "does not exist" in project.fail("current")
    else:
        assert project.ok("current") == ""

    project.ok("upgrade", "head")
    assert project.ok("current").strip() == "c3 (head)"
    snap, rows = reflect_url(db_url)
    assert rows == ("c3",)
    users = snap.table("users")
    assert [c.name for c in users.columns] == ["id", "name", "email"]
    assert [u.name for u in users.unique_constraints] == ["uq_users_email"]
    assert snap.table("posts").foreign_keys[0].ondelete == "CASCADE"
    assert project.run("current", "--check-heads").returncode == 0

    project.ok("downgrade", "-1")
    assert project.ok("current").strip() == "b2"
    assert project.run("current", "--check-heads").returncode == 1
    snap, _ = reflect_url(db_url)
    assert "posts" not in snap.schemas[snap.default_schema].tables

    history = project.ok("history").splitlines()
    assert history == ["b2 -> c3 (head), create posts", "a1 -> b2, add email", "<base> -> a1, create users"]
    marked = project.ok("history", "-i").splitlines()
    assert marked[1] == "a1 -> b2 (current), add email"
    assert project.ok("history", "-r", "a1:b2").splitlines() == history[1:]

    project.ok("downgrade", "base")
    snap, rows = reflect_url(db_url)
    assert rows == () and "users" not in snap.schemas[snap.default_schema].tables

    project.ok("upgrade", "b2")
    project.ok("stamp", "c3")  # marks, runs nothing
    assert project.ok("current").strip() == "c3 (head)"
    assert "posts" not in reflect_url(db_url)[0].schemas[snap.default_schema].tables
    project.ok("stamp", "b2")
    assert project.ok("current").strip() == "b2"
    project.ok("upgrade", "+1")
    assert "posts" in reflect_url(db_url)[0].schemas[snap.default_schema].tables
    assert project.ok("current").strip() == "c3 (head)"
    project.ok("stamp", "base")
    assert project.ok("current") == ""
    project.ok("stamp", "--purge", "a1")
    assert project.ok("current").strip() == "a1"


def test_relative_and_partial_targets(tmp_path, db_url):
    project = Project(tmp_path / "p", db_url).init()
    for rev_id, message in [("aaa111", "one"), ("bbb222", "two"), ("ccc333", "three")]:
        project.revision(rev_id, message, f'op.create_table("t_{rev_id}", sa.Column("id", sa.Integer, primary_key=True))',
                         f'op.drop_table("t_{rev_id}")')
    project.ok("upgrade", "+2")
    assert project.ok("current").strip() == "bbb222"
    project.ok("downgrade", "-1")
    assert project.ok("current").strip() == "aaa111"
    project.ok("upgrade", "cc")  # a unique prefix
    assert project.ok("current").strip() == "ccc333 (head)"
    shown = project.ok("show", "bb")
    assert "Rev: bbb222" in shown and "Parent: aaa111" in shown


def test_branches_and_merge(tmp_path, db_url):
    project = Project(tmp_path / "p", db_url).init()
    project.revision("root", "root", 'op.create_table("base_t", sa.Column("id", sa.Integer, primary_key=True))',
                     'op.drop_table("base_t")')
    project.revision("left1", "left", 'op.create_table("left_t", sa.Column("id", sa.Integer, primary_key=True))',
                     'op.drop_table("left_t")', "--branch-label", "left")
    project.revision("right1", "right", 'op.add_column("base_t", sa.Column("note", sa.Text))',
                     'op.drop_column("base_t", "note")', "--head", "root", "--splice")
    heads = project.ok("heads").splitlines()
    assert heads == ["left1 (left) (head)", "right1 (head)"]
    assert "root (branchpoint)" in project.ok("branches")

    result = project.run("upgrade", "head")
    assert result.returncode == 2 and "multiple heads" in result.stderr

    project.ok("upgrade", "left@head")
    assert project.ok("current").strip() == "left1 (left) (head)"
    project.ok("upgrade", "heads")
    assert sorted(project.ok("current").split("\n")[:2]) == ["left1 (left) (head)", "right1 (head)"]

    project.ok("merge", "heads", "-m", "join", "--rev-id", "merged")
    # the merge descends from left1, so it is on the `left` branch too (left@head is it)
    assert project.ok("heads").strip() == "merged (left) (head) (mergepoint)"
    project.ok("upgrade", "head")
    assert project.ok("current").strip() == "merged (left) (head) (mergepoint)"
    _, rows = reflect_url(db_url)
    assert rows == ("merged",)
    assert project.ok("history").splitlines()[0] == "(left1, right1) -> merged (left) (head) (mergepoint), join"

    project.ok("downgrade", "-1")
    _, rows = reflect_url(db_url)
    assert rows == ("left1", "right1")
    project.ok("downgrade", "left1-1")
    _, rows = reflect_url(db_url)
    assert rows == ("root",)


def test_quiet_and_transaction_all(tmp_path, db_url):
    project = history_project(tmp_path / "p", db_url)
    result = project.run("-q", "upgrade", "head", "--transaction", "all")
    assert result.returncode == 0 and result.stdout == "" and result.stderr == ""
    assert reflect_url(db_url)[1] == ("c3",)
    noisy = project.run("downgrade", "base")
    assert "Running downgrade c3 -> b2, create posts" in noisy.stderr


def test_init_into_pyproject_and_refuses_twice(tmp_path):
    path = tmp_path / "p"
    path.mkdir()
    (path / "pyproject.toml").write_text('[project]\nname = "demo"\n')
    project = Project(path, "sqlite:///x.db")
    project.ok("init", "db/migrations")
    text = (path / "pyproject.toml").read_text()
    assert '[tool.still]\nscript_location = "db/migrations"\nurl = "${DATABASE_URL}"' in text
    assert (path / "db/migrations/versions").is_dir() and (path / "db/migrations/env.py").is_file()
    assert (path / "db/migrations/script.py.tmpl").is_file()
    again = project.run("init", "other")
    assert again.returncode == 2 and "already" in again.stderr
    autogen = project.run("revision", "-m", "x", "--autogenerate")  # same as `still generate`
    assert autogen.returncode == 2 and autogen.stderr.startswith("error: no metadata configured")


def test_env_connect_hook_is_used(tmp_path, sqlite_url):
    project = history_project(tmp_path / "p", "sqlite:///ignored.db")
    (project.path / "migrations" / "env.py").write_text(
        "def connect(url, x_args):\n"
        "    from still.db import migration_engine\n"
        "    return migration_engine(x_args['db'])\n")
    project.ok("-x", f"db={sqlite_url}", "upgrade", "head")
    assert reflect_url(sqlite_url)[1] == ("c3",)
    assert not (project.path / "ignored.db").exists()


def test_history_lists_unapplied_files_without_importing_them(tmp_path):
    project = history_project(tmp_path / "p", None)
    # a body that would fail if imported: heads/history read headers only
    (project.versions / "zz9_broken.py").write_text(
        'revision = "zz9"\ndown_revision = "c3"\nimport no_such_module_anywhere\n')
    assert project.ok("heads").strip() == "zz9 (head)"
    assert len(project.ok("history").splitlines()) == len(HISTORY) + 1


def test_custom_version_table_tag_and_x(tmp_path, db_url):
    project = Project(tmp_path / "p", db_url).init()
    toml = project.path / "still.toml"
    toml.write_text(toml.read_text() + 'version_table = "schema_rev"\n')
    project.revision("t1", "tagged", """
        op.create_table("seen", sa.Column("tag", sa.String(20)), sa.Column("who", sa.String(20)))
        op.bulk_insert(sa.table("seen", sa.column("tag"), sa.column("who")),
                       [{"tag": op.get_tag_argument(), "who": op.get_x_argument(as_dictionary=True)["who"]}])
    """, 'op.drop_table("seen")')
    project.ok("-x", "who=ann", "upgrade", "head", "--tag", "v1")
    import sqlalchemy as sa

    engine = sa.create_engine(db_url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT version_num FROM schema_rev").scalar() == "t1"
        assert tuple(conn.exec_driver_sql("SELECT tag, who FROM seen").one()) == ("v1", "ann")
        assert not sa.inspect(conn).has_table("still_version")
    engine.dispose()
    assert project.ok("current").strip() == "t1 (head)"


def test_autocommit_block_online(tmp_path, db_url):
    project = Project(tmp_path / "p", db_url).init()
    project.revision("k1", "index outside a transaction", """
        op.create_table("big", sa.Column("id", sa.Integer, primary_key=True), sa.Column("v", sa.Integer))
        with op.autocommit_block():
            op.execute("CREATE INDEX %s ix_big_v ON big (v)" % ("CONCURRENTLY" if op.get_bind().dialect.name == "postgresql" else ""))
        op.add_column("big", sa.Column("w", sa.Integer))
    """, 'op.drop_table("big")')
    project.ok("upgrade", "head")
    snap, rows = reflect_url(db_url)
    assert rows == ("k1",)
    assert [ix.name for ix in snap.table("big").indexes] == ["ix_big_v"]
    assert [c.name for c in snap.table("big").columns] == ["id", "v", "w"]


def test_reading_commands_verbose_and_depends_on(tmp_path):
    project = Project(tmp_path / "p", None).init()
    project.revision("a1", "one")
    project.revision("lib1", "library root", "pass", "pass", "--head", "base", "--branch-label", "lib")
    project.revision("b2", "two", "pass", "pass", "--head", "a1", "--depends-on", "lib")
    shown = project.ok("show", "b2")
    assert "Rev: b2 (head)" in shown and "Also depends on: lib1" in shown and "Path: " in shown
    assert project.ok("heads").splitlines() == ["b2 (head)", "lib1 (lib) (head)"]
    verbose = project.ok("heads", "-v")
    assert "Rev: lib1 (lib) (head)" in verbose and "Branch names: lib" in verbose
    assert "Rev: a1" in project.ok("history", "-v")
    assert project.ok("branches") == ""
    other = project.path / "elsewhere"
    other.mkdir()
    (project.path / "still.toml").write_text((project.path / "still.toml").read_text()
                                             + 'version_locations = ["migrations/versions", "elsewhere"]\n')
    out = project.ok("revision", "-m", "side", "--rev-id", "s1", "--version-path", str(other), "--head", "b2")
    assert str(other) in out and (other / "s1_side.py").exists()


def _tables(url: str) -> dict[str, list[str]]:
    snap, _ = reflect_url(url)
    return {name: [c.name for c in table.columns] for name, table in snap.schemas[snap.default_schema].tables.items()
            if name not in ("still_version", "still_version_log")}


def _create(table: str) -> tuple[str, str]:
    return (f'op.create_table("{table}", sa.Column("id", sa.Integer, primary_key=True))',
            f'op.drop_table("{table}")')


def _add_note(table: str) -> tuple[str, str]:
    return f'op.add_column("{table}", sa.Column("note", sa.Text))', f'op.drop_column("{table}", "note")'


def test_version_locations(tmp_path, db_url):
    project = Project(tmp_path / "p", db_url).init()
    toml = project.path / "still.toml"
    toml.write_text(toml.read_text() + 'version_locations = ["migrations/versions", "libs/audit"]\n')
    audit = project.path / "libs" / "audit"
    audit.mkdir(parents=True)
    app = project.revision("app1", "app", *_create("app_t"))
    assert app.parent == project.versions  # the first location by default
    lib = project.revision("lib1", "audit root", *_create("audit_t"), "--head", "base", "--branch-label", "audit",
                           "--version-path", "libs/audit")
    assert lib.parent.resolve() == audit.resolve()
    project.revision("lib2", "audit note", *_add_note("audit_t"), "--head", "audit@head",
                     "--version-path", str(audit))
    assert sorted(p.name for p in audit.iterdir() if p.suffix == ".py") == ["lib1_audit_root.py", "lib2_audit_note.py"]

    assert project.ok("heads").splitlines() == ["app1 (head)", "lib2 (audit) (head)"]
    history = project.ok("history").splitlines()
    assert sorted(history) == ["<base> -> app1 (head), app", "<base> -> lib1 (audit), audit root",
                               "lib1 -> lib2 (audit) (head), audit note"]  # the label of its branch
    assert "libs/audit/lib2_audit_note.py" in project.ok("show", "lib2")

    outside = project.path / "elsewhere"
    outside.mkdir()
    result = project.run("revision", "-m", "lost", "--rev-id", "x9", "--version-path", "elsewhere")
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("error: --version-path elsewhere is not one of the version locations (")
    assert "migrations/versions" in result.stderr and "libs/audit" in result.stderr
    assert not list(outside.iterdir())

    project.ok("upgrade", "heads")
    assert reflect_url(db_url)[1] == ("app1", "lib2")
    assert _tables(db_url) == {"app_t": ["id"], "audit_t": ["id", "note"]}
    # a branch that starts at base goes down to base alone
    project.ok("downgrade", "audit@base")
    assert reflect_url(db_url)[1] == ("app1",)
    assert _tables(db_url) == {"app_t": ["id"]}

    merged = project.ok("merge", "heads", "-m", "join", "--rev-id", "m1")
    assert str(project.versions / "m1_join.py") in merged


def _two_branches(tmp_path, db_url) -> Project:
    # root -+- left1 (left) - left2
    #       +- right1 (right) - right2
    project = Project(tmp_path / "p", db_url).init()
    project.revision("root", "root", *_create("base_t"))
    project.revision("left1", "left", *_create("left_t"), "--branch-label", "left")
    project.revision("left2", "left note", *_add_note("left_t"))
    project.revision("right1", "right", *_create("right_t"), "--head", "root", "--splice", "--branch-label", "right")
    project.revision("right2", "right note", *_add_note("right_t"), "--head", "right@head")
    project.ok("upgrade", "heads")
    assert reflect_url(db_url)[1] == ("left2", "right2")
    return project


def test_downgrade_branch_relative_leaves_the_other_branch(tmp_path, db_url):
    project = _two_branches(tmp_path, db_url)
    project.ok("downgrade", "left@-1")
    assert reflect_url(db_url)[1] == ("left1", "right2")
    assert _tables(db_url) == {"base_t": ["id"], "left_t": ["id"], "right_t": ["id", "note"]}
    # -1 again reaches the shared root: the right branch's row stays (and implies root)
    project.ok("downgrade", "left@-1")
    assert reflect_url(db_url)[1] == ("right2",)
    assert _tables(db_url) == {"base_t": ["id"], "right_t": ["id", "note"]}
    assert project.ok("current").strip() == "right2 (right) (head)"
    # further down would undo root, which the right branch needs
    message = project.fail("downgrade", "left@-1")
    assert message == ("error: cannot downgrade to 'left@-1': root is also needed by right2 on another branch; "
                       "downgrade that branch too, or use 'left@base' to stop where the branch starts")
    assert reflect_url(db_url)[1] == ("right2",)


def test_downgrade_branch_to_base_removes_that_branch_only(tmp_path, db_url):
    project = _two_branches(tmp_path, db_url)
    project.ok("downgrade", "right@base")
    assert reflect_url(db_url)[1] == ("left2",)
    assert _tables(db_url) == {"base_t": ["id"], "left_t": ["id", "note"]}
    project.ok("downgrade", "left@base")  # the shared root is not the branch's: it stays
    assert reflect_url(db_url)[1] == ("root",)
    assert _tables(db_url) == {"base_t": ["id"]}
    project.ok("upgrade", "heads")
    assert _tables(db_url) == {"base_t": ["id"], "left_t": ["id", "note"], "right_t": ["id", "note"]}
