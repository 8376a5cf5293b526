"""Driver SQL sent as written: a revision's `op.get_bind().exec_driver_sql(sql)` with no
parameters reaches the server unchanged, whatever the driver's placeholder style.

psycopg reads `%` in every statement it is given parameters for, and SQLAlchemy gives it an
empty dict even when there are none, so `SELECT format('%I', name)` fails ("only '%s', '%b',
'%t' are allowed as placeholders") where Alembic's own drivers of choice (asyncpg, which
Prefect's revisions are written for) send it as is. A statement with no parameters and no
`%%` means the same either way, so it is passed to the driver with no parameters at all; one
holding `%%` is left to the driver, which reads `%%` as `%` (SQLAlchemy's own escaping).
Compiled constructs (`sa.text`, `op.execute`) are never touched: they are escaped for the
driver already.
"""

from __future__ import annotations

import contextlib

_PERCENT_STYLES = ("format", "pyformat")


def _verbatim(conn, cursor, statement, parameters, context, executemany):
    if (not parameters and not executemany and context is not None and context.compiled is None
            and "%%" not in statement):
        return statement, None
    return statement, parameters


@contextlib.contextmanager
def verbatim_driver_sql(conn):
    """While the block runs, driver SQL without parameters on `conn` is sent as written."""
    from sqlalchemy import event

    if conn.dialect.paramstyle not in _PERCENT_STYLES:
        yield
        return
    event.listen(conn, "before_cursor_execute", _verbatim, retval=True)
    try:
        yield
    finally:
        event.remove(conn, "before_cursor_execute", _verbatim)
