"""Issue 23, item 5: a UNIQUE or PRIMARY KEY added to a table whose rows repeat the value (or,
for a primary key, hold NULL) fails when it runs. `plan` against the live database counts
those rows and says so (unique-has-duplicates), on every dialect; a clean table gets no
such finding."""

from __future__ import annotations

import json

import sqlalchemy as sa

from tests.runtime.project import Project

V1 = '''
import sqlalchemy as sa

metadata = sa.MetaData()
sa.Table("users", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("email", sa.String(50)),
         sa.Column("code", sa.Integer, nullable=False), sa.Column("tag", sa.String(20)))
sa.Table("links", metadata, sa.Column("a", sa.Integer, nullable=False), sa.Column("b", sa.Integer))
'''
V2 = V1.replace('sa.Column("tag", sa.String(20)))',
                'sa.Column("tag", sa.String(20)), sa.UniqueConstraint("email", name="uq_users_email"), '
                'sa.UniqueConstraint("code", name="uq_users_code"))').replace(
    'sa.Column("b", sa.Integer))', 'sa.Column("b", sa.Integer), sa.PrimaryKeyConstraint("a", "b", name="pk_links"))')


def test_plan_counts_the_rows_a_new_unique_or_primary_key_refuses(tmp_path, db_url):
    project = Project(tmp_path, db_url).init()
    (tmp_path / "models.py").write_text(V1)
    with open(tmp_path / "still.toml", "a") as f:
        f.write('metadata = "models:metadata"\n')
    project.ok("generate", "-m", "v1")
    project.ok("upgrade", "head")
    engine = sa.create_engine(db_url, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        # email: 'a' three times, 'b' twice, NULL twice (NULLs are distinct: no duplicate); code: all distinct
        conn.execute(sa.text("INSERT INTO users (id, email, code) VALUES (1, 'a', 1), (2, 'a', 2), (3, 'a', 3), "
                             "(4, 'b', 4), (5, 'b', 5), (6, NULL, 6), (7, NULL, 7)"))
        # (a, b): (1, 1) twice, and two rows with b NULL
        conn.execute(sa.text("INSERT INTO links (a, b) VALUES (1, 1), (1, 1), (2, NULL), (3, NULL), (4, 4)"))
    engine.dispose()
    (tmp_path / "models.py").write_text(V2)
    report = json.loads(project.ok("plan", "--format", "json"))
    found = [f["message"] for f in report["findings"] if f["code"] == "unique-has-duplicates"]
    assert any("uq_users_email on users (email): 5 existing rows repeat 2 value(s)" in m for m in found), found
    assert not any("uq_users_code" in m for m in found), found
    assert any("on links (a, b): 2 existing rows repeat 1 value(s)" in m for m in found), found
    assert any(m.startswith("PRIMARY KEY") and "on links (a, b): 2 existing rows hold NULL" in m for m in found), found
    assert all(f["severity"] == "danger" for f in report["findings"] if f["code"] == "unique-has-duplicates")
