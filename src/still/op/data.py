"""Data, raw SQL and the running migration's context: what a revision reads or runs
besides schema operations."""

from __future__ import annotations

from typing import Optional, Sequence

import sqlalchemy as sa

from still.runtime.executor import current as _ex


def execute(sqltext, execution_options: Optional[dict] = None) -> None:
    _ex().execute(sqltext, execution_options)


def bulk_insert(table, rows: Sequence[dict], multiinsert: bool = True) -> None:
    _ex().bulk_insert(table, rows, multiinsert)


def get_bind():
    return _ex().connection()


def get_context():
    """The running migration's context (`.dialect`, `.bind`, `.as_sql`, `.opts`,
    `.autocommit_block()`), as Alembic's op.get_context() gives it."""
    from still.runtime.context_view import MigrationContext

    return MigrationContext(_ex())


def f(name: str):
    """Mark a name as final: no naming convention is applied to it (Alembic's op.f)."""
    from sqlalchemy.schema import conv

    return conv(name)


def inline_literal(value, type_=None):
    """A value written into the SQL itself rather than bound, online and offline alike,
    for data changes that must also appear in --sql output (Alembic's op.inline_literal)."""
    return sa.literal(value, type_=type_).render_literal_execute()


def is_offline_mode() -> bool:
    return _ex().offline


def get_tag_argument() -> Optional[str]:
    """The value of --tag given to upgrade/downgrade, or None."""
    return _ex().tag


def get_x_argument(as_dictionary: bool = False):
    """The -x key=value options: a dict with as_dictionary=True, else 'key=value' strings."""
    x = _ex().x
    return dict(x) if as_dictionary else [f"{k}={v}" for k, v in x.items()]


def autocommit_block():
    """Commit, run the block outside a transaction (CREATE INDEX CONCURRENTLY, ...), begin again."""
    return _ex().autocommit_block()
