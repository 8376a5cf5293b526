"""On MySQL/MariaDB a foreign key and the index the server made for it (named after the
key, or after its first column when the key has the server's own name) are one thing to
rename: MariaDB makes that index again for the key made again under its new name. The
plan, the revision `generate` writes (upgrade and downgrade, online and --sql) and
hand-written revisions that rename both, in either order, must all run and reach the
models."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from still import op, ops
from still.compare import compare
from still.config import load_config
from still.declare import declare
from still.diff import diff
from still.reflect import reflect
from still.render import function_body, render_plan
from still.revisions import write_revision
from still.runtime.migrate import Run
from tests.helpers import assert_plan_round_trip, assert_same_snapshot, create_all
from tests.properties.test_generate_round_trip import round_trip
from tests.runtime.test_alembic_differential import run_script
from tests.runtime.test_op_api import run_ops


def _models(name, explicit_index: bool = False) -> sa.MetaData:
    """child.parent_id -> parent.id under the foreign key `name` (None: the server's
    child_ibfk_1, its index then `parent_id`), and child.other_id -> parent.id, renamed
    along as fk_other_<name>; `explicit_index`: the models make the key's index themselves,
    under the key's name (the server keeps it as it is when the key is made again)."""
    md = sa.MetaData()
    sa.Table("parent", md, sa.Column("id", sa.Integer, primary_key=True))
    items = [sa.Column("id", sa.Integer, primary_key=True), sa.Column("parent_id", sa.Integer),
             sa.Column("other_id", sa.Integer),
             sa.ForeignKeyConstraint(["parent_id"], ["parent.id"], name=name, ondelete="CASCADE"),
             sa.ForeignKeyConstraint(["other_id"], ["parent.id"], name=f"fk_other_{name or 'x'}")]
    if explicit_index:
        items.append(sa.Index(name, "parent_id"))
    sa.Table("child", md, *items)
    return md


CASES = {  # (A, B)
    "named": (_models("fk_child_old"), _models("fk_child_new")),
    "server's name": (_models(None), _models("fk_child_new")),
    "index the models made": (_models("fk_child_old", explicit_index=True), _models("fk_child_new")),
}


def _at(url: str, models: sa.MetaData):
    create_all(url, models)
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        return engine, reflect(conn), conn.dialect


@pytest.mark.parametrize("case", sorted(CASES))
def test_plan_renames_a_foreign_key_with_its_index(mysql_url, case):
    models_a, models_b = CASES[case]
    engine, a, dialect = _at(mysql_url, models_a)
    b = declare(models_b, dialect)
    assert {ix.name for ix in b.table("child").indexes} == {"fk_child_new", "fk_other_fk_child_new"}
    plan = diff(a, b)
    assert not any(isinstance(o, ops.RenameIndex) for o in plan.operations), plan.operations
    assert_plan_round_trip(engine, plan, a, b)  # there and back, reflected == declared, nothing left
    engine.dispose()


@pytest.mark.parametrize("case", sorted(CASES))
def test_generated_revision_upgrades_and_downgrades(mysql_url, case):
    round_trip(mysql_url, "mysql", *CASES[case])


def _revision(root: Path, url: str, models, rev_id: str, head: tuple) -> None:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        comparison = compare(conn, models)
    engine.dispose()
    rendered = render_plan(comparison.plan, "mysql", (comparison.current, comparison.target))
    write_revision(root / "migrations" / "versions", rev_id, head=head, rev_id=rev_id,
                   upgrade_body=function_body(rendered.upgrade), downgrade_body=function_body(rendered.downgrade),
                   imports=rendered.imports)


@pytest.mark.parametrize("case", sorted(CASES))
def test_generated_revision_as_sql(mysql_url, case):
    """`upgrade a:b --sql` and `downgrade b:a --sql` (still's snapshot replayed from the
    revision that made A), run through the server's own client."""
    models_a, models_b = CASES[case]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "migrations" / "versions").mkdir(parents=True)
        (root / "still.toml").write_text(f'url = "{mysql_url}"\nscript_location = "migrations"\n')
        cfg = load_config(path=root / "still.toml", cwd=root)
        _revision(root, mysql_url, models_a, "a", ())
        Run(cfg).upgrade("head")
        engine = sa.create_engine(mysql_url, poolclass=sa.pool.NullPool)
        with engine.connect() as conn:
            at_a = reflect(conn)
            assert compare(conn, models_a).plan.empty
        _revision(root, mysql_url, models_b, "b", ("a",))

        def run(sql_of) -> None:
            out = tempfile.SpooledTemporaryFile(mode="w+")
            sql_of(out)
            out.seek(0)
            run_script(mysql_url, out.read())

        run(lambda out: Run(load_config(path=root / "still.toml", cwd=root)).upgrade("a:b", sql=True, out=out))
        with engine.connect() as conn:
            assert compare(conn, models_b).plan.empty
        run(lambda out: Run(load_config(path=root / "still.toml", cwd=root)).downgrade("b:a", sql=True, out=out))
        with engine.connect() as conn:
            assert_same_snapshot(reflect(conn), at_a, column_order=False)
        engine.dispose()


@pytest.mark.parametrize("index_first", [False, True])
def test_hand_written_renames_in_either_order(mysql_url, index_first):
    """A revision that renames the key and its index itself, as still wrote it before (key
    first) or the other way round."""
    models_a, models_b = CASES["named"]
    engine, _, dialect = _at(mysql_url, models_a)
    engine.dispose()

    def body():
        steps = [lambda: op.rename_constraint("fk_child_old", "child", "fk_child_new", type_="foreignkey"),
                 lambda: op.rename_index("fk_child_old", "child", "fk_child_new")]
        for step in reversed(steps) if index_first else steps:
            step()

    reached = run_ops(mysql_url, body)  # the executor's snapshot is what the server holds
    child = reached.table("child")
    assert {fk.name for fk in child.foreign_keys} == {"fk_child_new", "fk_other_fk_child_old"}
    assert {ix.name for ix in child.indexes} == {"fk_child_new", "fk_other_fk_child_old"}
