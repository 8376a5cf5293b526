"""render_type round trip: for every column type of the fixtures and of the property
strategies, on every dialect, the rendered expression declared again spells the same."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import mysql, postgresql  # noqa: F401  (used by eval)

from still.declare import declare
from still.errors import StillError
from still.render import render_type
from tests.helpers import fixture_module, unconnected
from tests.properties.strategies import TYPES

FIXTURES = ("app", "types", "postgres", "generated", "mysql")


def _fixture_types() -> list[tuple[str, str]]:
    found = set()
    for name in FIXTURES:
        module = fixture_module(name)
        for dialect in module.DIALECTS:
            for _, table in declare(module.metadata, unconnected(dialect)).all_tables():
                found |= {(dialect, c.type) for c in table.columns}
    for dialect in ("sqlite", "postgresql", "mysql"):
        md = sa.MetaData()
        sa.Table("t", md, *[sa.Column(key, factory()) for key, (factory, _) in TYPES.items()])
        found |= {(dialect, c.type) for c in declare(md, dialect).table("t").columns}
    return sorted(found)


EXTRA = [
    ("postgresql", "work.status"), ("postgresql", '"Mood"'), ("postgresql", "character(3)"),
    ("postgresql", "character varying"), ("postgresql", "numeric"), ("postgresql", "real"),
    ("postgresql", "time with time zone"), ("postgresql", "timestamp(3) with time zone"),
    ("postgresql", "inet"), ("postgresql", "tsvector"), ("postgresql", "jsonb[]"),
    ("sqlite", "REAL"), ("sqlite", "NUMERIC"), ("sqlite", "VARCHAR"), ("sqlite", "TIMESTAMP"),
    ("sqlite", "DECIMAL(5, 2)"), ("sqlite", "NCHAR(3)"), ("sqlite", "CLOB"),
    ("mysql", "int(5) unsigned zerofill"), ("mysql", "smallint(3)"), ("mysql", "tinyint unsigned"),
    ("mysql", "mediumint"), ("mysql", "decimal(12,4) unsigned"), ("mysql", "double unsigned"),
    ("mysql", "longblob"), ("mysql", "binary(16)"), ("mysql", "time(3)"), ("mysql", "timestamp(6)"),
    ("mysql", "bit(3)"), ("mysql", "enum('a','b''c')"), ("mysql", "set('x','y')"), ("mysql", "uuid"),
    ("mysql", "decimal(10,0)"), ("mysql", "tinytext"),
]


def _declared_type(expr: str, dialect: str) -> str:
    md = sa.MetaData()
    sa.Table("x", md, sa.Column("c", eval(expr)))
    return declare(md, dialect).table("x").column("c").type


@pytest.mark.parametrize(("dialect", "type_text"), _fixture_types() + EXTRA)
def test_round_trip(dialect, type_text):
    expr, imports = render_type(type_text, dialect)
    assert imports <= {"from sqlalchemy.dialects import postgresql", "from sqlalchemy.dialects import mysql"}
    assert ("postgresql." in expr or "mysql." in expr) == bool(imports)
    assert _declared_type(expr, dialect) == type_text


def test_fixtures_cover_every_dialect():
    dialects = {d for d, _ in _fixture_types()}
    assert dialects == {"sqlite", "postgresql", "mysql"}


@pytest.mark.parametrize(("dialect", "type_text"), [
    ("postgresql", "bit varying(3) with something"), ("sqlite", "WEIRD TYPE(1)"), ("sqlite", "Integer"),
    ("mysql", "geometrycollection(3)"), ("mysql", "enum(a)"),
])
def test_unknown_spelling_is_an_error_not_a_guess(dialect, type_text):
    with pytest.raises(StillError, match="cannot render"):
        render_type(type_text, dialect)


def test_unknown_dialect():
    with pytest.raises(StillError, match="dialect 'oracle'"):
        render_type("NUMBER", "oracle")
