"""`generate` writes CREATE/DROP INDEX CONCURRENTLY in autocommit blocks on PostgreSQL
(config `safe_forms`, on by default), except on a table the revision creates; `--sql`
writes the blocks as COMMIT / statements / BEGIN; other dialects are unaffected."""

from tests.live.harness import still_project

V1 = '''import sqlalchemy as sa

metadata = sa.MetaData()
sa.Table("users", metadata, sa.Column("id", sa.Integer, primary_key=True),
         sa.Column("email", sa.String(120)), sa.Column("org", sa.Integer),
         sa.Index("ix_users_org", "org"))
'''
# an existing table gains a unique index and loses one; a new table comes with its index
V2 = V1.replace('sa.Index("ix_users_org", "org"))', 'sa.Index("ix_users_email", "email", unique=True))') + '''
sa.Table("teams", metadata, sa.Column("id", sa.Integer, primary_key=True),
         sa.Column("name", sa.String(40)), sa.Index("ix_teams_name", "name"))
'''


def _bodies(project, rev_id):
    text = next(project.versions.glob(f"{rev_id}_*.py")).read_text()
    return text.split("def upgrade")[1].split("def downgrade")


def _generate(tmp_path, url, config=""):
    project = still_project(tmp_path / "p", url, V1, config)
    project.ok("generate", "-m", "v1", "--rev-id", "r1")
    project.ok("upgrade", "head")
    (project.path / "models.py").write_text(V2)
    project.ok("generate", "-m", "v2", "--rev-id", "r2")
    return project


def _flat(text: str) -> str:
    return " ".join(text.replace("(", "( ").replace(",", ", ").split()).replace("( ", "(").replace(", )", ")")


def test_postgresql_writes_concurrent_indexes_outside_the_transaction(tmp_path, pg_url):
    project = _generate(tmp_path, pg_url)
    upgrade, downgrade = (_flat(body) for body in _bodies(project, "r2"))
    block = "with op.get_context().autocommit_block(): "
    assert block + 'op.drop_index("ix_users_org", table_name="users", if_exists=True, ' \
                   'postgresql_concurrently=True)' in upgrade
    assert block + 'op.create_index("ix_users_email", "users", ["email"], unique=True, ' \
                   'postgresql_concurrently=True)' in upgrade
    # the new table's index is built in the transaction, right after the table
    assert ') op.create_index("ix_teams_name", "teams", ["name"]) # table users' in upgrade
    assert block + 'op.drop_index("ix_users_email", table_name="users", if_exists=True, ' \
                   'postgresql_concurrently=True)' in downgrade
    assert block + 'op.create_index("ix_users_org", "users", ["org"], postgresql_concurrently=True)' in downgrade
    assert "ix_teams_name" not in downgrade  # dropped with its table

    script = project.ok("upgrade", "r1:r2", "--sql")
    run = script.split("-- Running upgrade r1 -> r2, v2\n\n")[1]
    assert run.startswith("COMMIT;\n\nDROP INDEX CONCURRENTLY ix_users_org;\n\nBEGIN;\n\nCREATE TABLE teams")
    assert ("CREATE INDEX ix_teams_name ON teams (name);\n\nCOMMIT;\n\n"
            "CREATE UNIQUE INDEX CONCURRENTLY ix_users_email ON users (email);\n\nBEGIN;\n\n"
            "UPDATE still_version") in run

    project.ok("upgrade", "head")
    assert project.run("check").returncode == 0
    project.ok("downgrade", "-1")
    (project.path / "models.py").write_text(V1)
    assert project.run("check").returncode == 0


def test_safe_forms_off_writes_the_plain_forms(tmp_path, pg_url):
    project = _generate(tmp_path, pg_url, "safe_forms = false\n")
    upgrade, downgrade = _bodies(project, "r2")
    assert "autocommit_block" not in upgrade + downgrade and "concurrently" not in upgrade + downgrade
    assert "CONCURRENTLY" not in project.ok("upgrade", "r1:r2", "--sql")


def test_other_dialects_are_unaffected(tmp_path, sqlite_url):
    project = _generate(tmp_path, sqlite_url)
    upgrade, downgrade = _bodies(project, "r2")
    assert "autocommit_block" not in upgrade + downgrade and "concurrently" not in upgrade + downgrade
