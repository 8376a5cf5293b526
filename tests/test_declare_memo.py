"""declare() compiles each distinct type, default and plain clause once, and builds each
distinct Column and IndexElement once (DeclareRules.memoised). These tests hold that the
memoised walk gives exactly what compiling everything each time gives, and that the keys
it relies on refuse what they cannot be sure of."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg
from sqlalchemy.ext.compiler import compiles, deregister

from fixtures.models.generated import wide_metadata
from still.declare import declare, rules_for
from still.declare.base import declare_table
from still.declare.memo import _Memo, clause_key, type_key
from tests.helpers import assert_same_snapshot, fixture_cases, fixture_module, unconnected

CASES = fixture_cases() + [("generated", "sqlite"), ("generated", "postgresql")]


def _metadata(module: str) -> sa.MetaData:
    return wide_metadata(30) if module == "generated" else fixture_module(module).metadata


def _unmemoised(metadata: sa.MetaData, dialect) -> dict:
    """Every table declared on its own, nothing remembered between columns or tables."""
    rules = rules_for(dialect)
    assert rules._memo is None
    return {(rules.schema_of(t), t.name): declare_table(rules, t) for t in metadata.tables.values()}


@pytest.mark.parametrize(("module", "dialect_name"), CASES)
def test_memoised_declare_equals_declaring_each_table_alone(module, dialect_name):
    metadata = _metadata(module)
    dialect = unconnected(dialect_name)
    memoised = declare(metadata, dialect)
    alone = _unmemoised(metadata, dialect)
    assert {(schema, name) for schema, table in memoised.all_tables() for name in [table.name]} \
        == set(alone)
    for schema, table in memoised.all_tables():
        expected = alone[(schema, table.name)]
        assert table == expected
        assert table.model_dump_json() == expected.model_dump_json()
        assert repr(table) == repr(expected)
        for ours, theirs in zip(table.columns, expected.columns):
            assert ours.model_fields_set == theirs.model_fields_set


@pytest.mark.parametrize(("module", "dialect_name"), CASES)
def test_a_cached_type_compiles_like_every_column_of_that_key(module, dialect_name):
    """Columns whose types share a type_key compile to the same text, uncached; and each
    column's memoised type and collation are what the unmemoised hooks say."""
    metadata = _metadata(module)
    dialect = unconnected(dialect_name)
    plain, memo_rules = rules_for(dialect), rules_for(dialect)
    compiled: dict = {}
    with memo_rules.memoised():
        for table in metadata.tables.values():
            for col in table.columns:
                assert memo_rules.column_type(col) == plain.column_type(col), col
                assert memo_rules.collation(col) == plain.collation(col), col
                assert memo_rules.server_default(col) == plain.server_default(col), col
                key = type_key(col.type, memo_rules._memo)
                if key is not None:
                    text = plain.compiled_type(col)
                    assert compiled.setdefault(key, text) == text, col


class Shouty(sa.String):
    pass


@compiles(Shouty, "postgresql")
def _shouty(type_, compiler, **kw):
    return "TEXT"


@pytest.mark.parametrize("type_", [
    sa.String(10).with_variant(sa.Text(), "postgresql"),  # a variant
    sa.Enum("a", "b", name="ab"),                         # labels
    pg.ARRAY(sa.Integer),                                  # an item type
    sa.Interval(),                                         # an impl
    Shouty(5),                                             # a @compiles hook
    sa.String(collation=sa.sql.elements.quoted_name("C", True)),  # a str subclass
])
def test_type_key_refuses_what_it_cannot_be_sure_of(type_):
    assert type_key(type_, _Memo()) is None


def test_type_key_tells_types_apart_by_every_argument():
    memo = _Memo()
    keys = [type_key(t, memo) for t in (
        sa.String(10), sa.String(20), sa.String(10, collation="C"), sa.VARCHAR(10),
        sa.Numeric(10, 2), sa.Numeric(10, 3), sa.Numeric(10, 2, asdecimal=False),
        sa.DateTime(), sa.DateTime(timezone=True), sa.Integer(), sa.BigInteger())]
    assert None not in keys
    assert len(set(keys)) == len(keys)
    assert type_key(sa.String(10), memo) == keys[0]


def test_a_compiles_hook_on_a_builtin_type_is_honoured_while_memoised():
    @compiles(sa.UnicodeText, "postgresql")
    def _as_varchar(type_, compiler, **kw):
        return "VARCHAR(7)"

    try:
        assert type_key(sa.UnicodeText(), _Memo()) is None
        metadata = sa.MetaData()
        sa.Table("t", metadata, sa.Column("a", sa.UnicodeText), sa.Column("b", sa.Text),
                 sa.Column("c", Shouty(5)))
        types = {c.name: c.type for c in declare(metadata, "postgresql").table("t").columns}
        assert types == {"a": "character varying(7)", "b": "text", "c": "text"}
    finally:
        deregister(sa.UnicodeText)
    assert type_key(sa.UnicodeText(), _Memo()) is not None


@pytest.mark.parametrize(("clause", "cached"), [
    (sa.text("qty >= 0"), True),
    (sa.text("qty >= :n").bindparams(n=0), False),
    (sa.true(), True),
    (sa.null(), True),
    (sa.func.now(), True),
    (sa.func.current_timestamp(), True),
    (sa.func.coalesce(1, 2), False),
    (sa.Sequence("s").next_value(), False),
    (sa.literal(3), False),
    (sa.column("a") > 1, False),
])
def test_clause_key_covers_only_clauses_whose_text_it_determines(clause, cached):
    assert (clause_key(clause, _Memo()) is not None) is cached


def test_clause_keys_tell_function_spellings_apart():
    memo = _Memo()
    keys = [clause_key(c, memo) for c in (
        sa.func.now(), sa.func.current_timestamp(), sa.func.foo(), sa.func.pkg.foo(),
        sa.func.Foo(), getattr(sa.func, "foo bar")())]
    assert None not in keys and len(set(keys)) == len(keys)


@pytest.mark.parametrize("dialect_name", ["sqlite", "postgresql"])
def test_defaults_and_clauses_compile_alike_memoised_or_not(dialect_name):
    dialect = unconnected(dialect_name)
    metadata = sa.MetaData()
    table = sa.Table(
        "t", metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("a", sa.Text, server_default="it's"),
        sa.Column("b", sa.Boolean, server_default=sa.true()),
        sa.Column("c", sa.DateTime, server_default=sa.func.now()),
        sa.Column("d", sa.DateTime, server_default=sa.func.current_timestamp()),
        sa.Column("e", sa.Integer, server_default=sa.text("40 + 2")),
        sa.Column("f", sa.Text, server_default=sa.func.foo()),
        sa.Column("g", sa.Integer, server_default=sa.text("1 % 2")),
        sa.CheckConstraint("e > 0 AND g >= 0"),
        sa.CheckConstraint(sa.column("e") < 100),
        sa.Index("ix_t_c", sa.desc("c"), "a"),
        sa.Index("ix_t_expr", sa.text("lower(a)")),
    )
    memoised = declare(metadata, dialect).table("t")
    alone = _unmemoised(metadata, dialect)[(rules_for(dialect).schema_of(table), "t")]
    assert_same_snapshot(memoised, alone)


def test_the_op_api_declares_without_memo():
    """Single tables declared outside declare() (the `op` API) are worked out afresh: no
    memo outlives a declare() call."""
    rules = rules_for(unconnected("postgresql"))
    metadata = wide_metadata(2)
    declare_table(rules, metadata.tables["t0001"])
    assert rules._memo is None
    with rules.memoised():
        with rules.memoised():
            inner = rules._memo
        assert rules._memo is inner  # a nested block shares the outer memo
    assert rules._memo is None


@pytest.mark.parametrize(("module", "dialect_name"), CASES)
def test_a_kept_memo_declares_each_table_as_no_memo_does(module, dialect_name):
    """An executor's rules keep their memo over a whole run (keep_memo): table after
    table, what they declare is what rules without a memo declare."""
    metadata = _metadata(module)
    dialect = unconnected(dialect_name)
    kept = rules_for(dialect)
    kept.keep_memo()
    alone = _unmemoised(metadata, dialect)
    for _ in range(2):  # the second time round everything comes from the memo
        for table in metadata.tables.values():
            ours = declare_table(kept, table)
            assert_same_snapshot(ours, alone[(kept.schema_of(table), table.name)])


def test_a_kept_memo_honours_a_compiles_hook_registered_after_it_began():
    """A revision may register a `@compiles` hook in the middle of a run: the columns
    declared after it (even of a type instance seen before) follow it, and those after it
    is removed no longer do."""
    kept = rules_for(unconnected("postgresql"))
    kept.keep_memo()
    shared = sa.UnicodeText()

    def declared_type(type_) -> str:
        table = sa.Table("t", sa.MetaData(), sa.Column("a", type_))
        return declare_table(kept, table).columns[0].type

    assert declared_type(shared) == declared_type(sa.UnicodeText()) == "text"

    @compiles(sa.UnicodeText, "postgresql")
    def _as_varchar(type_, compiler, **kw):
        return "VARCHAR(7)"

    try:
        assert declared_type(shared) == declared_type(sa.UnicodeText()) == "character varying(7)"
    finally:
        deregister(sa.UnicodeText)
    assert declared_type(shared) == declared_type(sa.UnicodeText()) == "text"


def test_a_kept_memo_sees_a_type_changed_between_two_declares():
    """Between two op.* calls the revision's own code runs: a type instance it changes
    and passes again declares as it is now."""
    kept = rules_for(unconnected("postgresql"))
    kept.keep_memo()
    shared = sa.String(10)

    def declared_type() -> str:
        return declare_table(kept, sa.Table("t", sa.MetaData(), sa.Column("a", shared))).columns[0].type

    assert declared_type() == "character varying(10)"
    shared.length = 20
    assert declared_type() == "character varying(20)"
