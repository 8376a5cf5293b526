"""`plan` shows each operation's cost (text and JSON), `generate` writes a REVIEW(lock) above
an operation that works on existing rows while the application waits (issue 23, item 2)."""

import json

from tests.cli.test_generate import project

MODELS = '''
import sqlalchemy as sa

metadata = sa.MetaData()
sa.Table("users", metadata, sa.Column("id", sa.Integer, primary_key=True),
         sa.Column("email", sa.String(120)))
'''
INDEXED = MODELS.replace('sa.Column("email", sa.String(120)))',
                         'sa.Column("email", sa.String(120)), sa.Index("ix_users_email", "email"),\n'
                         '         sa.Column("nick", sa.String(20)))')


SAFE_NOTE = "CONCURRENTLY: outside a transaction; a failed build leaves an INVALID index"


def test_plan_and_generate_tell_the_cost(tmp_path, pg_url):
    """With the safe forms (the default), the index is built CONCURRENTLY: plan shows its
    SHARE UPDATE EXCLUSIVE lock, and generate has nothing to review; with safe_forms = false
    the plain build's SHARE lock, and a REVIEW(lock) above it."""
    still = project(tmp_path, pg_url)
    (tmp_path / "models.py").write_text(MODELS)
    still("generate", "-m", "users")
    still("upgrade", "head")
    (tmp_path / "models.py").write_text(INDEXED)

    text = still("plan").stdout
    assert ("+ index ix_users_email (email)\n      lock: SHARE UPDATE EXCLUSIVE on users, builds an index; "
            + SAFE_NOTE) in text
    assert "+ column nick character varying(20)\n      lock: ACCESS EXCLUSIVE on users (blocks reads and writes)" in text
    report = json.loads(still("plan", "--format", "json").stdout)
    by_op = {op["op"]: (op, cost) for op, cost in zip(report["operations"], report["costs"])}
    assert by_op["create_index"][0]["concurrently"] is True
    assert by_op["create_index"][1] == {"lock": "SHARE UPDATE EXCLUSIVE", "blocks": "nothing",
                                        "work": "index build", "tables": ["users"], "note": SAFE_NOTE}
    created = still("generate", "-m", "index", "--rev-id", "safe").stdout.split("created ")[1].split()[0]
    upgrade = (tmp_path / created).read_text().split("def upgrade")[1].split("def downgrade")[0]
    assert "with op.get_context().autocommit_block():\n        op.create_index(" in upgrade
    assert "REVIEW(lock)" not in upgrade
    (tmp_path / created).unlink()

    with open(tmp_path / "still.toml", "a") as f:
        f.write("safe_forms = false\n")
    text = still("plan").stdout
    assert "+ index ix_users_email (email)\n      lock: SHARE on users (blocks writes), builds an index\n" in text
    report = json.loads(still("plan", "--format", "json").stdout)
    assert len(report["costs"]) == len(report["operations"])
    by_op = {op["op"]: cost for op, cost in zip(report["operations"], report["costs"])}
    assert by_op["create_index"] == {"lock": "SHARE", "blocks": "writes", "work": "index build",
                                     "tables": ["users"], "note": None}
    assert by_op["add_column"]["work"] == "none"

    created = still("generate", "-m", "index").stdout.split("created ")[1].split()[0]
    upgrade = (tmp_path / created).read_text().split("def upgrade")[1].split("def downgrade")[0]
    assert "# REVIEW(lock): SHARE on users (blocks writes), builds an index\n    op.create_index(" in upgrade
    assert upgrade.count("REVIEW(lock)") == 1  # adding a nullable column waits for nothing
    assert "autocommit_block" not in upgrade
