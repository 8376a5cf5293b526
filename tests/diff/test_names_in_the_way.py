"""A table made anew under another name whose keys and indexes keep their names (what two
databases show when one renamed a table): the old table is dropped before the new one is
created, since those names are schema-wide (PostgreSQL relations, SQLite indexes, InnoDB
foreign keys). Run on each database, forward and reversed."""

import sqlalchemy as sa

from still.declare import declare
from still.diff import diff
from tests.helpers import assert_plan_round_trip, create_all, reset_database


def _models(name: str) -> sa.MetaData:
    md = sa.MetaData()
    sa.Table("parent", md, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table(name, md, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("code", sa.String(20)),
             sa.Column("parent_id", sa.Integer, sa.ForeignKey("parent.id", name="fk_items_parent")),
             sa.PrimaryKeyConstraint("id", name="pk_items"),
             sa.UniqueConstraint("code", name="uq_items_code"),
             sa.Index("ix_items_parent", "parent_id"))
    # a table that refers to the old one goes too, before it
    if name == "items":
        sa.Table("notes", md, sa.Column("id", sa.Integer, primary_key=True),
                 sa.Column("item_id", sa.Integer, sa.ForeignKey("items.id", name="fk_notes_item")))
    return md


def test_old_table_dropped_before_the_new_one_takes_its_names(db_url):
    reset_database(db_url)
    old, new = _models("items"), _models("goods")
    create_all(db_url, old)
    engine = sa.create_engine(db_url, poolclass=sa.pool.NullPool)
    try:
        a, b = declare(old, engine.dialect), declare(new, engine.dialect)
        plan = diff(a, b)
        kinds = [(op.op, getattr(getattr(op, "table", None), "name", None)) for op in plan.operations]
        dropped = kinds.index(("drop_table", "items"))
        assert dropped < kinds.index(("create_table", "goods"))
        assert kinds.index(("drop_table", "notes")) < dropped
        assert_plan_round_trip(engine, plan, a, b)
    finally:
        engine.dispose()
