"""PostgreSQL keys beyond the plain ones (issue 22): operator classes on index keys,
EXCLUDE constraints, DEFERRABLE / INITIALLY on primary keys and unique constraints. Each
change is found, executed, reflected back and reversed on a real PostgreSQL; on SQLite
and MariaDB, where SQLAlchemy writes none of them, models that hold them show no drift."""

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg

from still.compare import declared_renames
from still.db import migration_engine
from still.declare import declare
from still.diff import diff
from still.reflect import reflect
from tests.conftest import ALL_DIALECTS
from tests.helpers import assert_plan_round_trip, assert_same_snapshot, create_all


def rooms(*extra, pk=None, code="code", net=True):
    md = sa.MetaData()
    sa.Table("rooms", md, sa.Column("id", sa.Integer, nullable=False),
             code if isinstance(code, sa.Column) else sa.Column(code, sa.String(20)), sa.Column("during", pg.TSRANGE),
             *([sa.Column("net", pg.INET)] if net else []), pk if pk is not None else sa.PrimaryKeyConstraint("id"),
             *extra)
    return md


def _no_overlap(where=None, name="rooms_no_overlap", **kw):
    return pg.ExcludeConstraint((sa.column("during"), "&&"), name=name, where=where, **kw)


SCENARIOS = {
    "unique_becomes_deferrable": (
        lambda: rooms(sa.UniqueConstraint("code", name="uq_code")),
        lambda: rooms(sa.UniqueConstraint("code", name="uq_code", deferrable=True)),
        ["drop_constraint", "add_constraint"]),
    "unique_deferred_initially": (
        lambda: rooms(sa.UniqueConstraint("code", deferrable=True)),
        lambda: rooms(sa.UniqueConstraint("code", deferrable=True, initially="DEFERRED")),
        ["drop_constraint", "add_constraint"]),
    # unnamed: the name it has is the database's own on both sides, the deferrability is not
    "unnamed_primary_key_becomes_deferrable": (
        lambda: rooms(), lambda: rooms(pk=sa.PrimaryKeyConstraint("id", initially="DEFERRED")),
        ["drop_constraint", "add_constraint"]),
    "named_primary_key_deferrable_and_renamed": (
        lambda: rooms(pk=sa.PrimaryKeyConstraint("id", name="pk_a")),
        lambda: rooms(pk=sa.PrimaryKeyConstraint("id", name="pk_b", deferrable=True)),
        ["drop_constraint", "add_constraint"]),
    "index_gets_an_operator_class": (
        lambda: rooms(sa.Index("ix_code", "code")),
        lambda: rooms(sa.Index("ix_code", "code", postgresql_ops={"code": "varchar_pattern_ops"})),
        ["drop_index", "create_index"]),
    "expression_index_operator_class_changes": (
        lambda: rooms(sa.Index("ix_code", sa.func.lower(sa.column("code")).label("l"),
                               postgresql_ops={"l": "text_pattern_ops"})),
        lambda: rooms(sa.Index("ix_code", sa.text("lower(code) text_ops DESC"))),
        ["drop_index", "create_index"]),
    "operator_class_parameter_changes": (
        lambda: rooms(sa.Column("doc", pg.TSVECTOR),
                      sa.Index("ix_doc", "doc", postgresql_using="gist", postgresql_ops={"doc": "tsvector_ops"})),
        lambda: rooms(sa.Column("doc", pg.TSVECTOR),
                      sa.Index("ix_doc", "doc", postgresql_using="gist", postgresql_ops={"doc": "tsvector_ops(siglen=64)"})),
        ["drop_index", "create_index"]),
    "index_renamed_keeps_its_operator_class": (
        lambda: rooms(sa.Index("ix_a", "code", postgresql_ops={"code": "varchar_pattern_ops"})),
        lambda: rooms(sa.Index("ix_b", "code", postgresql_ops={"code": "varchar_pattern_ops"})),
        ["rename_index"]),
    "add_exclude": (lambda: rooms(), lambda: rooms(_no_overlap()), ["add_constraint"]),
    "drop_exclude": (lambda: rooms(_no_overlap()), lambda: rooms(), ["drop_constraint"]),
    "add_unnamed_exclude_on_expression": (
        lambda: rooms(),
        lambda: rooms(pg.ExcludeConstraint((sa.func.tsrange(sa.func.lower(sa.column("during")), None), "&&"))),
        ["add_constraint"]),
    "exclude_where_changes": (
        lambda: rooms(_no_overlap(sa.text("code IS NOT NULL"))),
        lambda: rooms(_no_overlap(sa.text("code <> 'x'"))), ["drop_constraint", "add_constraint"]),
    "exclude_becomes_deferrable": (
        lambda: rooms(_no_overlap()), lambda: rooms(_no_overlap(deferrable=True, initially="DEFERRED")),
        ["drop_constraint", "add_constraint"]),
    "exclude_gets_an_operator_class": (
        lambda: rooms(pg.ExcludeConstraint((sa.column("net"), "&&"), name="x", ops={"net": "inet_ops"})),
        lambda: rooms(pg.ExcludeConstraint((sa.column("net"), "&&"), (sa.column("during"), "&&"), name="x",
                                           ops={"net": "inet_ops"})),
        ["drop_constraint", "add_constraint"]),
    "column_dropped_under_exclude": (
        lambda: rooms(pg.ExcludeConstraint((sa.column("net"), "&&"), (sa.column("during"), "&&"), name="x",
                                           ops={"net": "inet_ops"})),
        lambda: rooms(net=False), ["drop_constraint", "drop_column"]),
    "exclude_renamed": (lambda: rooms(_no_overlap()), lambda: rooms(_no_overlap(name="rooms_other")),
                        ["rename_constraint"]),
    # the database rewrites an EXCLUDE over a renamed column: nothing else to do
    "column_renamed_under_exclude": (
        lambda: rooms(pg.ExcludeConstraint((sa.column("code"), "="), name="x", using="btree",
                                           where=sa.text("code <> ''"))),
        lambda: rooms(pg.ExcludeConstraint((sa.column("label"), "="), name="x", using="btree",
                                           where=sa.text("label <> ''")),
                      code=sa.Column("label", sa.String(20), info={"still": {"renamed_from": "code"}})),
        ["rename_column"]),
}


@pytest.mark.parametrize("name", SCENARIOS)
def test_change_is_found_executed_and_reversed(name, pg_url):
    make_a, make_b, expected = SCENARIOS[name]
    model_a, model_b = make_a(), make_b()
    create_all(pg_url, model_a)
    engine = migration_engine(pg_url)
    try:
        with engine.connect() as conn:
            a = reflect(conn)
        assert diff(a, declare(model_a, engine.dialect)).empty
        b = declare(model_b, engine.dialect)
        plan = diff(a, b, declared_renames(model_b, b.default_schema))
        assert [op.op for op in plan.operations] == expected
        assert_plan_round_trip(engine, plan, a, b)
    finally:
        engine.dispose()


def elsewhere_models() -> sa.MetaData:
    """What SQLAlchemy writes on PostgreSQL alone: the operator classes (no other dialect's
    compiler reads postgresql_ops) and an EXCLUDE made there only (SQLite's and MariaDB's
    compilers cannot write one: a model says ddl_if)."""
    md = sa.MetaData()
    sa.Table("spots", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("code", sa.String(20)),
             sa.Column("n", sa.Integer),
             sa.Index("ix_code", "code", postgresql_ops={"code": "varchar_pattern_ops"}),
             pg.ExcludeConstraint((sa.column("n"), "="), using="btree", name="ex_n").ddl_if(dialect="postgresql"))
    return md


@pytest.mark.parametrize("dialect", ALL_DIALECTS)
def test_what_other_dialects_ignore_is_not_declared_there(db_url, dialect):
    models = elsewhere_models()
    create_all(db_url, models)
    engine = sa.create_engine(db_url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        reflected, declared = reflect(conn), declare(models, conn.dialect)
    engine.dispose()
    assert_same_snapshot(reflected, declared)
    table = declared.table("spots")
    on_pg = dialect == "postgresql"
    assert [x.name for x in table.exclude_constraints] == (["ex_n"] if on_pg else [])
    code_key = next(ix for ix in table.indexes if ix.name == "ix_code").elements[0]
    assert code_key.opclass == ("varchar_pattern_ops" if on_pg else None)
    assert diff(reflected, declared).empty


def test_an_ordering_written_as_postgresql_ops_is_the_keys_ordering(pg_url):
    """Airflow writes `postgresql_ops={"id": "DESC"}`: SQLAlchemy's compiler puts the text
    after the key as it is, so it is an ordering, not an operator class named "desc"."""
    import sqlalchemy as sa

    from still.declare import declare
    from still.diff import diff
    from still.reflect import reflect
    from tests.helpers import create_all

    md = sa.MetaData()
    sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("ti", sa.Integer),
             sa.Column("name", sa.Text),
             sa.Index("ix_t_ti_id", "ti", "id", postgresql_ops={"id": "DESC"}),
             sa.Index("ix_t_name", "name", postgresql_ops={"name": "text_pattern_ops DESC NULLS LAST"}))
    create_all(pg_url, md)
    engine = sa.create_engine(pg_url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        reflected = reflect(conn)
        declared = declare(md, conn.dialect)
    engine.dispose()
    keys = {ix.name: ix.elements for ix in declared.table("t", "public").indexes}
    assert keys["ix_t_ti_id"][1].descending and keys["ix_t_ti_id"][1].opclass is None
    assert keys["ix_t_name"][0].opclass == "text_pattern_ops" and keys["ix_t_name"][0].nulls == "last"
    assert diff(reflected, declared).empty
