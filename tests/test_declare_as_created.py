"""declare/as_created.py: what create_all creates, asked of SQLAlchemy's public entry points,
checked against the DDL SQLAlchemy itself writes (CREATE TABLE compiled, create_all on a
mock engine). `make test` runs this file under SQLAlchemy 2.0 and 2.1."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg

from still.declare import dialect_named
from still.declare.as_created import IndexesAsCreated, TableAsCreated, exclude_elements

DIALECTS = ("postgresql", "mysql", "sqlite")


def _table() -> sa.Table:
    metadata = sa.MetaData()
    sa.Table("parent", metadata, sa.Column("id", sa.Integer, primary_key=True))
    table = sa.Table(
        "t", metadata,
        sa.Column("id", sa.Integer),
        sa.Column("parent_id", sa.Integer),
        sa.Column("flag", sa.Boolean(create_constraint=True, name="ck_flag")),
        sa.Column("mood", sa.Enum("a", "b", name="ck_mood", native_enum=False, create_constraint=True)),
        sa.Column("n", sa.Integer, sa.CheckConstraint("n > 0", name="ck_n_column")),
        sa.UniqueConstraint("n", name="uq_late"),
    )
    # made in this order, added in another: CREATE TABLE sends them in the order made
    early = sa.CheckConstraint("n < 100", name="ck_early")
    fk = sa.ForeignKeyConstraint(["parent_id"], ["parent.id"], name="fk_parent", use_alter=True)
    only_mysql = sa.UniqueConstraint("parent_id", name="uq_only_mysql").ddl_if(dialect="mysql")
    not_sqlite = sa.CheckConstraint("n <> 7", name="ck_not_sqlite").ddl_if(
        callable_=lambda ddl, target, bind, dialect=None, **kw: dialect.name != "sqlite")
    for item in (not_sqlite, only_mysql, fk, early):
        table.append_constraint(item)
    table.append_constraint(sa.PrimaryKeyConstraint("id", name="pk_t"))
    return table


def _named_in_ddl(table: sa.Table, dialect) -> list[str]:
    """The constraint names CREATE TABLE writes, in the order it writes them."""
    ddl = str(sa.schema.CreateTable(table).compile(dialect=dialect))
    names = [c.name for c in table.constraints] + [c.name for col in table.columns for c in col.constraints]
    found = sorted((ddl.find(f"CONSTRAINT {name} "), name) for name in names if f"CONSTRAINT {name} " in ddl)
    return [name for _, name in found]


@pytest.mark.parametrize("name", DIALECTS)
def test_constraints_as_create_table_sends_them(name):
    dialect = dialect_named(name)
    table = _table()
    as_created = TableAsCreated(dialect)
    got = [c.name for c in as_created.constraints(table)]
    expected = [n for n in _named_in_ddl(table, dialect) if n != "ck_n_column"]
    if dialect.supports_alter:  # sent by an ALTER after CREATE TABLE, listed in its place
        assert "fk_parent" not in expected
        expected.insert(got.index("fk_parent"), "fk_parent")
    assert got == expected
    assert got[0] == "pk_t" and got.index("uq_late") < got.index("ck_early") < got.index("fk_parent")
    assert got[-1] == ("ck_not_sqlite" if name != "sqlite" else "fk_parent")
    assert ("uq_only_mysql" in got) == (name == "mysql")
    assert ("ck_not_sqlite" in got) == (name != "sqlite")
    assert ("ck_flag" in got) == (not dialect.supports_native_boolean)
    assert "ck_mood" in got
    for constraint in table.constraints:
        assert as_created.creates(constraint) == (constraint.name in got)
    column_check = next(iter(table.c.n.constraints))
    assert as_created.creates(column_check) and "ck_n_column" in _named_in_ddl(table, dialect)


@pytest.mark.parametrize("name", DIALECTS)
def test_indexes_as_create_all_creates_them(name):
    dialect = dialect_named(name)
    metadata = sa.MetaData()
    table = sa.Table("t", metadata, sa.Column("a", sa.Integer), sa.Column("b", sa.Integer))
    sa.Index("ix_plain", table.c.a)
    sa.Index("ix_pg", table.c.b).ddl_if(dialect="postgresql")
    sa.Index("ix_not_pg", table.c.a, table.c.b).ddl_if(
        callable_=lambda ddl, target, bind, **kw: bind.dialect.name != "postgresql")
    sent = []
    url = sa.engine.URL.create(f"{dialect.name}+{dialect.driver}")
    metadata.create_all(sa.create_mock_engine(url, lambda ddl, *a, **kw: sent.append(ddl)), checkfirst=False)
    expected = {ddl.element.name for ddl in sent if isinstance(ddl, sa.schema.CreateIndex)}
    as_created = IndexesAsCreated(dialect)
    assert {ix.name for ix in table.indexes if as_created.creates(ix)} == expected
    assert expected == ({"ix_plain", "ix_pg"} if name == "postgresql" else {"ix_plain", "ix_not_pg"})


def test_exclude_elements_in_order_with_their_operators():
    metadata = sa.MetaData()
    table = sa.Table("rooms", metadata, sa.Column("id", sa.Integer), sa.Column("room", sa.Integer),
                     sa.Column("during", pg.TSRANGE), sa.Column("title", sa.Text),
                     sa.Column("cancelled", sa.Boolean))
    dialect = pg.dialect()
    cases = [
        (pg.ExcludeConstraint((table.c.during, "&&"), ("room", "="), (sa.func.lower(table.c.title), "<>"),
                              name="ex_all", where=sa.text("NOT cancelled"), ops={"room": "int4_ops"},
                              deferrable=True, initially="DEFERRED"),
         [("during", "&&"), ("room", "="), ("lower(title)", "<>")]),
        (pg.ExcludeConstraint((sa.column("during"), "OPERATOR(pg_catalog.&&)"), using="gist",
                              deferrable=False),
         [("during", "OPERATOR(pg_catalog.&&)")]),
        (pg.ExcludeConstraint((sa.func.tsrange(table.c.id, table.c.room), "&&"), ("room", ", =")),
         [("tsrange(id, room)", "&&"), ("room", ", =")]),
    ]
    for constraint, expected in cases:
        table.append_constraint(constraint)
        got = exclude_elements(dialect, constraint)
        sql = dialect.statement_compiler(dialect, None)
        assert [(sql.process(expr, include_table=False), op) for expr, op in got] == expected
        assert all(isinstance(expr, sa.sql.ClauseElement) for expr, _ in got)
