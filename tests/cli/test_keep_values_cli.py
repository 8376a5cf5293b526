"""The case a user hit (issue 23): narrowing `email` from String(255) to String(100) on
PostgreSQL with a 133-character value. `still generate` then `still upgrade head` must fail
with one line and keep the value whole; the offline script carries the same guard."""

import sqlalchemy as sa

from tests.cli.test_generate import project

WIDE = '''
import sqlalchemy as sa

metadata = sa.MetaData()
sa.Table("users", metadata, sa.Column("id", sa.Integer, primary_key=True),
         sa.Column("email", sa.String(255)))
'''


def test_narrowing_upgrade_fails_and_keeps_the_value(tmp_path, pg_url):
    still = project(tmp_path, pg_url)
    (tmp_path / "models.py").write_text(WIDE)
    still("generate", "-m", "users")
    still("upgrade", "head")
    engine = sa.create_engine(pg_url, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO users (id, email) VALUES (1, '" + "e" * 133 + "')")

    (tmp_path / "models.py").write_text(WIDE.replace("String(255)", "String(100)"))
    generated = still("generate", "-m", "narrow email")
    assert "REVIEW(type-narrowing)" in (tmp_path / generated.stdout.split("created ")[1].split()[0]).read_text()
    offline = still("upgrade", "head", "--sql")
    assert "would change converting character varying(255) to character varying(100)" in offline.stdout
    failed = still("upgrade", "head", ok=(2,))
    assert "1 row(s): the value of users.email would change" in failed.stderr
    assert "Traceback" not in failed.stderr
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT length(email) FROM users").scalar() == 133
        assert conn.exec_driver_sql(
            "SELECT character_maximum_length FROM information_schema.columns "
            "WHERE table_name = 'users' AND column_name = 'email'").scalar() == 255
    engine.dispose()


def test_a_narrowing_downgrade_is_marked_in_the_revision(tmp_path, sqlite_url):
    """A widening upgrade's downgrade narrows: its body carries the same REVIEW comment an
    upgrade that narrows would."""
    still = project(tmp_path, sqlite_url)
    (tmp_path / "models.py").write_text(WIDE.replace("String(255)", "String(100)"))
    still("generate", "-m", "users")
    still("upgrade", "head")
    (tmp_path / "models.py").write_text(WIDE)
    created = still("generate", "-m", "widen email").stdout.split("created ")[1].split()[0]
    text = (tmp_path / created).read_text()
    upgrade, downgrade = text.split("def upgrade")[1].split("def downgrade")
    assert "REVIEW(type-narrowing)" not in upgrade
    assert "# REVIEW(type-narrowing): column users.email narrows from VARCHAR(255) to VARCHAR(100)" in downgrade
