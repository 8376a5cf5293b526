"""Issue 23: the safe forms of FOREIGN KEY (NOT VALID + VALIDATE) and SET NOT NULL (through a
validated CHECK) let a writer go on while the rows of a 100,000-row table are checked; the
plain forms, run the same way, make it wait (so the test can fail).

What runs is what `generate` writes: the revision's offline script (`upgrade --sql`),
statement by statement. The statements before the validation (the brief ADD ... NOT VALID
and its commit) run first; the writer and the pg_locks sampler (tests/live/harness.py)
watch the VALIDATE CONSTRAINT statements, where the rows are read. The plain form's one
statement (ADD FOREIGN KEY / SET NOT NULL, which reads the rows under its lock) is watched
the same way on the same table."""

from __future__ import annotations

import re

import pytest

from tests.live.harness import connect, fill_table, still_project, traffic

TABLE = "items"
# the harness's table shape, with `n` nullable and a column `g` for the foreign key
V1 = f'''
import sqlalchemy as sa

metadata = sa.MetaData()
sa.Table("groups", metadata, sa.Column("id", sa.Integer, primary_key=True))
sa.Table("{TABLE}", metadata, sa.Column("id", sa.BigInteger, primary_key=True),
         sa.Column("n", sa.Integer), sa.Column("payload", sa.Text, nullable=False), sa.Column("g", sa.Integer))
'''
CHANGES = {
    "foreign_key": V1.replace('sa.Column("g", sa.Integer)',
                              'sa.Column("g", sa.Integer, sa.ForeignKey("groups.id", name="fk_items_group"))'),
    "not_null": V1.replace('sa.Column("n", sa.Integer)', 'sa.Column("n", sa.Integer, nullable=False)'),
}
UNDO = {"foreign_key": f"ALTER TABLE {TABLE} DROP CONSTRAINT fk_items_group",
        "not_null": f"ALTER TABLE {TABLE} ALTER COLUMN n DROP NOT NULL"}


def _statements(script: str) -> list[str]:
    """The DDL on the table, in order, from an offline script (COMMIT kept: it ends the
    transaction the NOT VALID constraint was added in)."""
    out = []
    for stmt in (s.strip() for s in script.split(";\n")):
        stmt = "\n".join(line for line in stmt.splitlines() if not line.startswith("--")).strip()
        if stmt.startswith(f"ALTER TABLE {TABLE}") or stmt in ("COMMIT", "BEGIN"):
            out.append(stmt)
    return out


def _script(tmp_path, url, models: str, safe: bool) -> list[str]:
    project = still_project(tmp_path, url, V1, "" if safe else "safe_forms = false\n")
    project.ok("generate", "-m", "v1", "--rev-id", "a1", "--against", "history")
    (tmp_path / "models.py").write_text(models)
    project.ok("generate", "-m", "v2", "--rev-id", "b2", "--against", "history")
    return _statements(project.ok("upgrade", "a1:b2", "--sql"))


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_the_writer_never_waits_during_the_validation_but_waits_for_the_plain_form(tmp_path, pg_url, change):
    project = still_project(tmp_path / "db", pg_url, V1)
    project.ok("generate", "-m", "v1", "--rev-id", "a1")
    project.ok("upgrade", "head")
    fill_table(pg_url, TABLE, rows=100_000, create=False)
    with connect(pg_url) as conn:
        conn.execute("INSERT INTO groups (id) SELECT i FROM generate_series(0, 999) AS i")
        conn.execute(f"UPDATE {TABLE} SET g = n")
        conn.execute(f"VACUUM ANALYZE {TABLE}")

    safe = _script(tmp_path / "safe", pg_url, CHANGES[change], safe=True)
    validations = [s for s in safe if "VALIDATE CONSTRAINT" in s]
    assert validations and any("NOT VALID" in s for s in safe), safe
    with connect(pg_url) as conn:
        conn.autocommit = False
        first = safe.index(validations[0])
        for stmt in safe[:first]:  # the brief ADD ... NOT VALID, then its COMMIT
            conn.execute(stmt) if stmt not in ("COMMIT", "BEGIN") else conn.commit()
        conn.commit()
        conn.autocommit = True
        with traffic(pg_url, TABLE) as seen:
            for stmt in validations:
                conn.execute(stmt)
        for stmt in safe[first:]:
            if stmt not in validations and stmt not in ("COMMIT", "BEGIN"):
                conn.execute(stmt)
    assert seen.inserts > 0 and seen.samples > 0
    assert seen.waited_on(TABLE) == set(), seen.waits
    assert seen.longest_stall < 1.0, seen.longest_stall

    with connect(pg_url) as conn:  # back to v1, then the plain form on the same rows
        conn.execute(UNDO[change])
    plain = _script(tmp_path / "plain", pg_url, CHANGES[change], safe=False)
    assert not [s for s in plain if "VALID" in s], plain
    work = [s for s in plain if re.search(r"ADD CONSTRAINT fk_items_group|SET NOT NULL", s)]
    assert len(work) == 1, plain
    with connect(pg_url) as conn:
        with traffic(pg_url, TABLE) as seen:
            conn.execute(work[0])
    assert "RowExclusiveLock" in seen.waited_on(TABLE), (seen.waits, seen.duration)
