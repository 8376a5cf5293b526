"""What SQLAlchemy's compilers do to SQL text on a dialect, learnt by compiling a probe
(public API), not from the compiler's private flags, which differ between versions."""

from __future__ import annotations

import sqlalchemy as sa


def doubles_percents(dialect) -> bool:
    """Whether compiled SQL text holds `%` doubled: with a format/pyformat driver the
    compiler escapes it, the driver halves it again on the way to the server."""
    return str(sa.text("%").compile(dialect=dialect)) == "%%"
