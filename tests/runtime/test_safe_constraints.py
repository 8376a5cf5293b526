"""Issue 23, item 4: on PostgreSQL `generate` writes constraints added to existing tables in
their safe forms (FOREIGN KEY / CHECK NOT VALID then VALIDATE in a later transaction; SET
NOT NULL through a validated CHECK; UNIQUE / PRIMARY KEY through a concurrent unique index
and ADD CONSTRAINT ... USING INDEX), in upgrade() and downgrade(), online and in --sql;
`safe_forms = false` writes the plain forms; both leave the same schema."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from still.reflect import reflect
from tests.helpers import assert_same_snapshot

ROOT = Path(__file__).resolve().parents[2]

V1 = '''
import sqlalchemy as sa

metadata = sa.MetaData()
sa.Table("orgs", metadata, sa.Column("id", sa.Integer, primary_key=True))
sa.Table("users", metadata, sa.Column("id", sa.Integer, nullable=False),
         sa.Column("org_id", sa.Integer), sa.Column("email", sa.String(100)), sa.Column("n", sa.Integer),
         sa.CheckConstraint("n < 1000", name="ck_users_small"))
'''

# v2: to the existing users table a foreign key, a check, NOT NULL, a unique and a primary
# key are added, and a check dropped (its downgrade adds it back); a new table keeps its
# constraints inline
V2 = '''
import sqlalchemy as sa

metadata = sa.MetaData()
sa.Table("orgs", metadata, sa.Column("id", sa.Integer, primary_key=True))
sa.Table("users", metadata, sa.Column("id", sa.Integer, primary_key=True),
         sa.Column("org_id", sa.Integer, sa.ForeignKey("orgs.id", name="fk_users_org")),
         sa.Column("email", sa.String(100), nullable=False), sa.Column("n", sa.Integer),
         sa.CheckConstraint("n > 0", name="ck_users_n"), sa.UniqueConstraint("email", name="uq_users_email"))
sa.Table("posts", metadata, sa.Column("id", sa.Integer, primary_key=True),
         sa.Column("org_id", sa.Integer, sa.ForeignKey("orgs.id", name="fk_posts_org")),
         sa.CheckConstraint("id > 0", name="ck_posts_id"))
'''


def _project(tmp_path: Path, url: str, safe: bool = True):
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "models.py").write_text(V1)
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("STILL_")},
           "DATABASE_URL": url, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}

    def still(*args, ok=(0,)):
        result = subprocess.run([sys.executable, "-m", "still", *args], capture_output=True, text=True,
                                cwd=tmp_path, env=env, timeout=180)
        assert result.returncode in ok, (args, result.stdout, result.stderr)
        return result

    still("init", "migrations")
    with open(tmp_path / "still.toml", "a") as f:
        f.write('metadata = "models:metadata"\n' + ("" if safe else "safe_forms = false\n"))
    return still


def _snapshot(url: str):
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        snap = reflect(conn)
    engine.dispose()
    return snap


def _rows(url: str) -> None:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO orgs (id) SELECT g FROM generate_series(1, 10) g")
        conn.exec_driver_sql("INSERT INTO users (id, org_id, email, n) SELECT g, mod(g, 10) + 1, 'u' || g, g "
                             "FROM generate_series(1, 500) g")
    engine.dispose()


def _forms(tmp_path: Path, url: str, safe: bool):
    still = _project(tmp_path, url, safe)
    still("generate", "-m", "v1", "--rev-id", "a1")
    still("upgrade", "head")
    v1 = _snapshot(url)
    _rows(url)
    (tmp_path / "models.py").write_text(V2)
    still("generate", "-m", "v2", "--rev-id", "b2")
    text = next((tmp_path / "migrations" / "versions").glob("b2_*.py")).read_text()
    still("upgrade", "head")
    v2 = _snapshot(url)
    still("check")
    offline = still("upgrade", "a1:b2", "--sql").stdout
    still("downgrade", "-1")
    assert_same_snapshot(_snapshot(url), v1, column_order=False)
    still("upgrade", "head")
    return text, v2, offline


def _flat(code: str) -> str:
    """Python as the formatter lays it out, on one line (calls without their line breaks)."""
    return " ".join(code.split()).replace("( ", "(").replace(", )", ")").replace(" )", ")")


def _upgrade(text: str) -> str:
    return _flat(text.split("def upgrade()")[1].split("def downgrade()")[0])


def _downgrade(text: str) -> str:
    return _flat(text.split("def downgrade()")[1])


def test_safe_forms_are_written_run_both_ways_and_leave_the_plain_forms_schema(tmp_path, pg_url, pg_admin_engine):
    safe, safe_schema, offline = _forms(tmp_path / "safe", pg_url, safe=True)
    up, down = _upgrade(safe), _downgrade(safe)
    # FOREIGN KEY and CHECK on the existing table: NOT VALID, then validated in a later transaction
    assert '"fk_users_org", "users", "orgs", ["org_id"], ["id"], postgresql_not_valid=True' in up, up
    assert 'with op.get_context().autocommit_block(): op.validate_constraint("fk_users_org", "users")' in up
    assert '"ck_users_n", "users", "n > 0", postgresql_not_valid=True' in up, up
    assert 'op.validate_constraint("ck_users_n", "users")' in up
    # SET NOT NULL through a validated helper check, dropped after
    assert '"users_email_not_null", "users", "email IS NOT NULL", postgresql_not_valid=True' in up, up
    order = [up.index(s) for s in ('op.validate_constraint("users_email_not_null"', '"users", "email", nullable=False',
                                   'op.drop_constraint("users_email_not_null"')]
    assert order == sorted(order), up
    # UNIQUE and PRIMARY KEY through a unique index built concurrently
    assert '"uq_users_email", "users", ["email"], unique=True, postgresql_concurrently=True' in up, up
    assert 'postgresql_using_index="uq_users_email"' in up
    assert 'postgresql_using_index="users_pkey"' in up
    # the new table keeps its constraints inline
    assert "fk_posts_org" in up and 'validate_constraint("fk_posts_org"' not in up
    assert 'validate_constraint("ck_posts_id"' not in up
    # downgrade() adds the dropped check back the safe way
    assert '"ck_users_small", "users", "n < 1000", postgresql_not_valid=True' in down, down
    assert 'op.validate_constraint("ck_users_small", "users")' in down
    # the offline script carries the same forms, the validation after a COMMIT
    for sql in ("NOT VALID", "VALIDATE CONSTRAINT fk_users_org", "CREATE UNIQUE INDEX CONCURRENTLY uq_users_email",
                "ADD CONSTRAINT uq_users_email UNIQUE USING INDEX uq_users_email",
                "ADD CONSTRAINT users_pkey PRIMARY KEY USING INDEX users_pkey"):
        assert sql in offline, (sql, offline)
    between = offline.split("NOT VALID")[1].split("VALIDATE CONSTRAINT fk_users_org")[0]
    assert "COMMIT" in between, offline

    name = f"safecons_plain_{os.getpid()}"
    with pg_admin_engine.connect() as admin:  # a second database for the plain forms
        admin.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(f'CREATE DATABASE "{name}"')
    plain_url = sa.make_url(pg_url).set(database=name).render_as_string(hide_password=False)
    try:
        plain, plain_schema, plain_offline = _forms(tmp_path / "plain", plain_url, safe=False)
        assert "NOT VALID" not in plain_offline and "postgresql_not_valid" not in plain
        assert "validate_constraint" not in plain and "postgresql_using_index" not in plain
        assert_same_snapshot(safe_schema, plain_schema)
    finally:
        with pg_admin_engine.connect() as admin:
            admin.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_below_postgresql_12_set_not_null_stays_plain_with_a_finding(tmp_path, pg_url):
    still = _project(tmp_path, pg_url)
    still("generate", "-m", "v1", "--rev-id", "a1")
    (tmp_path / "models.py").write_text(V2)
    with open(tmp_path / "still.toml", "a") as f:
        f.write("postgresql_version = 11\n")
    still("generate", "-m", "v2", "--rev-id", "b2", "--against", "history")
    up = _upgrade(next((tmp_path / "migrations" / "versions").glob("b2_*.py")).read_text())
    assert "users_email_not_null" not in up
    assert "REVIEW(lock-unavoidable): column users.email becomes NOT NULL with a scan" in up, up
    assert 'op.validate_constraint("fk_users_org", "users")' in up  # NOT VALID is older than 12


def test_plan_shows_the_safe_forms_and_their_locks(tmp_path, pg_url):
    still = _project(tmp_path, pg_url)
    still("generate", "-m", "v1", "--rev-id", "a1")
    still("upgrade", "head")
    (tmp_path / "models.py").write_text(V2)
    report = json.loads(still("plan", "--format", "json").stdout)
    pairs = [(op["op"], cost["lock"], cost["blocks"], cost["work"])
             for op, cost in zip(report["operations"], report["costs"]) if op.get("table_name") == "users"]
    assert ("validate_constraint", "SHARE UPDATE EXCLUSIVE", "nothing", "scan") in pairs, pairs
    assert ("create_index", "SHARE UPDATE EXCLUSIVE", "nothing", "index build") in pairs, pairs
    assert ("alter_column", "ACCESS EXCLUSIVE", "reads and writes", "none") in pairs, pairs
    # nothing on users both blocks and works through its rows
    assert not [p for p in pairs if p[2] != "nothing" and p[3] != "none"], pairs
    text = " ".join(still("plan").stdout.split())
    for shown in ("foreign key fk_users_org (org_id → orgs(id) NOT VALID)", "validate foreign key fk_users_org",
                  "unique uq_users_email (email USING INDEX uq_users_email)", "SHARE UPDATE EXCLUSIVE"):
        assert shown in text, (shown, text)
    with open(tmp_path / "still.toml", "a") as f:
        f.write("safe_forms = false\n")
    plain = json.loads(still("plan", "--format", "json").stdout)
    assert "validate_constraint" not in {op["op"] for op in plain["operations"]}
    assert [c for c in plain["costs"] if c["blocks"] != "nothing" and c["work"] != "none"]
