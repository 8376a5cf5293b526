"""A value added to an existing PostgreSQL enum (issue 23): `generate` writes `ALTER TYPE ...
ADD VALUE IF NOT EXISTS` in an autocommit block, committed before the rest of the revision
uses it, instead of recreating the type and rewriting every table that has a column of it
(diff/safe_enums.py). Downgrade cannot drop a value: it recreates the type, marked."""

import sqlalchemy as sa

from tests.cli.test_generate import project

V1 = '''
import sqlalchemy as sa

metadata = sa.MetaData()
MOOD = sa.Enum({values}, name="mood")
sa.Table("people", metadata, sa.Column("id", sa.Integer, primary_key=True),
         sa.Column("feeling", MOOD, nullable=False){extra})
'''
OLD = '"sad", "ok"'
NEW = '"sad", "meh", "ok", "happy"'
# a column whose default is a new value: the revision uses the value right after adding it
LATER = ',\n         sa.Column("later", MOOD, server_default="happy")'


def _created(result, tmp_path):
    return (tmp_path / result.stdout.split("created ")[1].split()[0])


def _state(conn):
    values = [r[0] for r in conn.exec_driver_sql(
        "SELECT enumlabel FROM pg_enum WHERE enumtypid = 'mood'::regtype ORDER BY enumsortorder")]
    node = conn.exec_driver_sql("SELECT relfilenode FROM pg_class WHERE oid = 'people'::regclass").scalar()
    return values, node


def test_added_values_are_committed_first_and_no_table_is_rewritten(tmp_path, pg_url):
    still = project(tmp_path, pg_url)
    (tmp_path / "models.py").write_text(V1.format(values=OLD, extra=""))
    still("generate", "-m", "people")
    still("upgrade", "head")
    engine = sa.create_engine(pg_url, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO people SELECT i, CASE WHEN mod(i, 2) = 0 THEN 'sad' ELSE 'ok' END::mood "
                             "FROM generate_series(1, 1000) AS i")
    with engine.connect() as conn:
        before = _state(conn)

    (tmp_path / "models.py").write_text(V1.format(values=NEW, extra=LATER))
    text = _created(still("generate", "-m", "more moods"), tmp_path).read_text()
    upgrade, downgrade = text.split("def upgrade")[1].split("def downgrade")
    assert "with op.get_context().autocommit_block():" in upgrade, upgrade
    assert "op.add_enum_value(\"mood\", \"meh\", before=\"ok\", if_not_exists=True)" in upgrade, upgrade
    assert "op.add_enum_value(\"mood\", \"happy\", if_not_exists=True)" in upgrade, upgrade
    assert "replace_enum" not in upgrade and "REVIEW(enum-recreated)" not in upgrade, upgrade
    assert "op.replace_enum(" in downgrade and "# REVIEW(enum-value-removed)" in downgrade, downgrade

    offline = still("upgrade", "head", "--sql").stdout
    assert ("COMMIT;\n\nALTER TYPE mood ADD VALUE IF NOT EXISTS 'meh' BEFORE 'ok';\n\n"
            "ALTER TYPE mood ADD VALUE IF NOT EXISTS 'happy';\n\nBEGIN;") in offline, offline

    still("upgrade", "head")
    with engine.connect() as conn:
        values, node = _state(conn)
        assert values == ["sad", "meh", "ok", "happy"] and node == before[1]  # not rewritten
        assert conn.exec_driver_sql("SELECT count(*) FROM people WHERE later = 'happy'").scalar() == 1000
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO people (id, feeling) VALUES (1001, 'meh')")

    # down: the type is recreated without the new values; a row holding one stops it, whole
    failed = still("downgrade", "-1", ok=(2,))
    assert "rolled back" in failed.stderr and "Traceback" not in failed.stderr
    with engine.connect() as conn:
        assert _state(conn)[0] == ["sad", "meh", "ok", "happy"]
    with engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM people WHERE feeling = 'meh'")
    still("downgrade", "-1")
    with engine.connect() as conn:
        assert _state(conn)[0] == ["sad", "ok"]
        assert conn.exec_driver_sql("SELECT count(*) FROM people").scalar() == 1000
    # and up again: the rerun finds nothing left over
    still("upgrade", "head")
    with engine.connect() as conn:
        assert _state(conn)[0] == ["sad", "meh", "ok", "happy"]
    engine.dispose()


def test_a_revision_failing_after_the_block_runs_again(tmp_path, pg_url):
    """The block committed the value; the rest failed and rolled back. Run again (the cause
    fixed), ADD VALUE IF NOT EXISTS finds it there and the revision completes."""
    still = project(tmp_path, pg_url)
    (tmp_path / "models.py").write_text(V1.format(values=OLD, extra=""))
    still("generate", "-m", "people")
    still("upgrade", "head")
    (tmp_path / "models.py").write_text(V1.format(values=NEW, extra=LATER))
    path = _created(still("generate", "-m", "more moods"), tmp_path)
    text = path.read_text()
    path.write_text(text.replace("def upgrade() -> None:\n", "def upgrade() -> None:\n    import os\n"
                                 "    fail = os.path.exists('fail')\n", 1)
                    .replace("\n\ndef downgrade", "\n    if fail:\n        raise RuntimeError('boom')\n\n\n"
                             "def downgrade", 1))
    (tmp_path / "fail").write_text("")
    failed = still("upgrade", "head", ok=(2,))
    assert "boom" in failed.stderr and "autocommit_block" in failed.stderr, failed.stderr
    (tmp_path / "fail").unlink()
    still("upgrade", "head")
    engine = sa.create_engine(pg_url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        assert _state(conn)[0] == ["sad", "meh", "ok", "happy"]
        assert conn.exec_driver_sql("SELECT column_default FROM information_schema.columns "
                                    "WHERE table_name = 'people' AND column_name = 'later'").scalar()
    engine.dispose()


def test_the_safe_form_pass_only_for_additions_on_postgresql():
    """Values only added (even in the middle): ADD VALUE IF NOT EXISTS, one per value, and the
    enum-recreated finding goes; removed or reordered values keep the recreate; off with
    safe_forms = false, and on other dialects."""
    from still.diff.safe_forms import safe_forms
    from still.findings import Code, Finding
    from still.ops import ReplaceEnum
    from still.plan import Plan

    added = ReplaceEnum(schema_name="public", enum_name="mood", old_values=("a", "c"), new_values=("x", "a", "b", "c"))
    recreated = Finding.of(Code.ENUM_RECREATED, "enum public.mood gains value(s) x, b that ...", "public")
    plan = Plan(operations=(added,), findings=(recreated,))
    safe = safe_forms(plan, "postgresql")
    assert [(op.op, op.value, op.before, op.if_not_exists) for op in safe.operations] == [
        ("add_enum_value", "x", "a", True), ("add_enum_value", "b", "c", True)]
    assert safe.findings == ()
    assert safe_forms(plan, "postgresql", enabled=False) == plan and safe_forms(plan, "mysql") == plan
    for new in (("c", "a"), ("a",), ("a", "x", "c", "b")[::-1]):
        other = Plan(operations=(added.model_copy(update={"new_values": new}),))
        assert safe_forms(other, "postgresql") == other
