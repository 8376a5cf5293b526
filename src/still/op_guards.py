"""When an op function's statement runs at all, as Alembic decides it.

`if_exists=True` / `if_not_exists=True` (Alembic's drop_index/create_index, and
drop_table/create_table since 1.13.3) write `DROP ... IF EXISTS` / `CREATE ... IF NOT
EXISTS`: the database does nothing when the object is missing or already there. still
knows the schema as it stands, so it runs no operation then, on every dialect alike (MySQL
has no `DROP INDEX IF EXISTS`; Airflow's 2.8.1 revision relies on it on all three).
"""

from __future__ import annotations

from typing import Optional

from still.errors import StillError


def table_exists(ex, table_name: str, schema: Optional[str]) -> bool:
    found = ex.reread().schemas.get(ex.schema(schema))
    return found is not None and table_name in found.tables


def index_exists(ex, index_name: str, table_name: Optional[str], schema: Optional[str]) -> bool:
    """An index of that name (on MySQL a unique index is a unique key), on the table or,
    with no table given, on any table of the schema."""
    found = ex.reread().schemas.get(ex.schema(schema))
    if found is None:
        return False
    tables = [found.tables[table_name]] if table_name in found.tables else [] if table_name else found.tables.values()
    return any(index_name in {ix.name for ix in t.indexes} | {u.name for u in t.unique_constraints} for t in tables)


def concurrently(ex, asked, statement: str) -> bool:
    """postgresql_concurrently=True, as Alembic takes it: only PostgreSQL has it, and only
    outside a transaction, so the call must sit in `with op.autocommit_block():`."""
    if not asked or ex.dialect.name != "postgresql":
        return False
    if not ex.in_autocommit:
        raise StillError(f"{statement} CONCURRENTLY cannot run inside a transaction: put the call in "
                         "'with op.autocommit_block():'")
    return True
