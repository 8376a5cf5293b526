"""ADD COLUMN compiles a column without building a table around it; the text must be what
the column's definition inside CREATE TABLE is, for every column of every fixture."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import sqlite
from sqlalchemy.schema import CreateTable

from still.declare import declare
from still.ops.ddl.sa_build import build_table
from still.ops.ddl.sqlite import column_spec
from tests.helpers import fixture_cases, fixture_module


def test_column_spec_matches_the_create_table_text():
    dialect = sqlite.dialect()
    checked = 0
    for module, name in fixture_cases():
        if name != "sqlite":
            continue
        snap = declare(fixture_module(module).metadata, dialect)
        for _, table in snap.all_tables():
            pk = set(table.primary_key.columns) if table.primary_key else set()
            ddl = str(CreateTable(build_table(sa.MetaData(), "main", table, "main")).compile(dialect=dialect))
            for col in table.columns:
                if col.name in pk:
                    continue  # ADD COLUMN never adds a primary key column
                assert "\t" + column_spec(dialect, col) + "," in ddl + ",", (table.name, col.name)
                checked += 1
    assert checked > 40


def test_column_spec_is_the_compiled_text_under_any_name():
    """column_spec keeps what follows a column's name per distinct rest of its definition:
    every column of every fixture, under names that quote differently, comes out as
    compiling it afresh gives."""
    from still.ops.ddl.sa_build import build_column

    dialect = sqlite.dialect()
    checked = 0
    for module, name in fixture_cases():
        if name != "sqlite":
            continue
        for _, table in declare(fixture_module(module).metadata, dialect).all_tables():
            pk = set(table.primary_key.columns) if table.primary_key else set()
            for col in table.columns:
                if col.name in pk:
                    continue
                for new_name in (col.name, "x", "select", "with space", "Mixed", 'q"uote'):
                    renamed = col.model_copy(update={"name": new_name})
                    fresh = dialect.ddl_compiler(dialect, None).get_column_specification(build_column(renamed))
                    assert column_spec(dialect, renamed) == fresh, (table.name, col.name, new_name)
                    checked += 1
    assert checked > 200
