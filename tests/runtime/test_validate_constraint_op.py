"""op.validate_constraint (issue 23): still's op for PostgreSQL's VALIDATE CONSTRAINT, also
reached by a revision that imports `op` from `alembic`; a name that is not a foreign key
or check is a one-line error; on SQLite it does nothing."""

from __future__ import annotations

import sqlalchemy as sa

from tests.runtime.project import Project

BASE = """
op.create_table("orgs", sa.Column("id", sa.Integer, primary_key=True))
op.create_table("users", sa.Column("id", sa.Integer, primary_key=True), sa.Column("org_id", sa.Integer))
op.execute("INSERT INTO orgs (id) VALUES (1)")
op.execute("INSERT INTO users (id, org_id) VALUES (1, 1), (2, 7)")
"""


def _convalidated(url: str) -> dict:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        rows = dict(conn.exec_driver_sql("SELECT conname, convalidated FROM pg_constraint "
                                         "WHERE conname IN ('fk_users_org', 'ck_users_id')").all())
    engine.dispose()
    return rows


def test_validate_after_not_valid_from_an_alembic_style_file(tmp_path, pg_url):
    project = Project(tmp_path, pg_url).init()
    project.revision("a1", "base", BASE)
    body = """
op.create_foreign_key("fk_users_org", "users", "orgs", ["org_id"], ["id"], postgresql_not_valid=True)
op.create_check_constraint("ck_users_id", "users", "id > 0", postgresql_not_valid=True)
with op.get_context().autocommit_block():
    op.validate_constraint("ck_users_id", "users")
"""
    path = project.revision("b2", "not valid", body)
    path.write_text(path.read_text().replace("from still import op", "from alembic import op"))
    project.ok("upgrade", "head")
    assert _convalidated(pg_url) == {"fk_users_org": False, "ck_users_id": True}
    # the row that breaks the foreign key makes its validation fail, as it must
    project.revision("c3", "validate", 'op.validate_constraint("fk_users_org", "users")')
    assert "fk_users_org" in project.fail("upgrade", "head")
    engine = sa.create_engine(pg_url, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM users WHERE id = 2")
    engine.dispose()
    project.ok("upgrade", "head")
    assert _convalidated(pg_url)["fk_users_org"] is True


def test_only_a_foreign_key_or_check_is_validated(tmp_path, sqlite_url):
    project = Project(tmp_path, sqlite_url).init()
    project.revision("a1", "base", BASE.replace("(2, 7)", "(2, 1)"))
    project.revision("b2", "fk", 'op.create_foreign_key("fk_users_org", "users", "orgs", ["org_id"], ["id"])\n'
                                 'op.validate_constraint("fk_users_org", "users")')
    project.ok("upgrade", "b2")  # nothing to do on SQLite
    project.revision("c3", "bad", 'op.validate_constraint("nope", "users")')
    assert "no foreign key or check constraint 'nope' on table 'users'" in project.fail("upgrade", "head")


def test_a_run_stopped_at_its_validation_runs_again_once_the_rows_are_fixed(tmp_path, pg_url):
    """The ADD ... NOT VALID was committed before the VALIDATE failed: the rerun finds it
    there, adds nothing, and validates."""
    project = Project(tmp_path, pg_url).init()
    project.revision("a1", "base", BASE)
    project.revision("b2", "fk", """
op.create_foreign_key("fk_users_org", "users", "orgs", ["org_id"], ["id"], postgresql_not_valid=True)
with op.get_context().autocommit_block():
    op.validate_constraint("fk_users_org", "users")
op.create_check_constraint("ck_users_id", "users", "id > 0")
""")
    assert "fk_users_org" in project.fail("upgrade", "head")
    assert _convalidated(pg_url) == {"fk_users_org": False}  # what the autocommit block committed
    engine = sa.create_engine(pg_url, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM users WHERE id = 2")
    engine.dispose()
    result = project.run("upgrade", "head")
    assert result.returncode == 0, result.stderr
    assert "constraint fk_users_org is on users already, NOT VALID" in result.stderr
    assert _convalidated(pg_url) == {"fk_users_org": True, "ck_users_id": True}
    project.ok("downgrade", "a1")
