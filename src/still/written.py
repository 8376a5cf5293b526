"""SQL text that compares by its canonical form and remembers how it was written.

A snapshot compares defaults and expressions in canonical text (`sqlexpr`), so that
`server_default="0"` and what PostgreSQL prints for it (`'0'::bigint`) are one thing. DDL
must not send that canonical text, though: SQLite keeps a default or a CHECK exactly as
sent (`'0'` and `0` are different catalog entries, `IN` and `in` too), and PostgreSQL
stores `DEFAULT '0'` on a bigint as `'0'::bigint` but `DEFAULT 0` as `0`. So where the
text came from SQLAlchemy (declare) or from the database's own stored text (SQLite's
reflection), the canonical string carries the spelling it was written in, and DDL sends
that: a table still creates is the table `create_all` (or Alembic) creates, down to its
catalog text.

`Written` is a `str` equal to, and hashing as, its canonical text, so comparisons,
sorting and JSON see only the canonical form; anything that rewrites the text (a rename)
makes a plain `str`, which is then sent as it is.
"""

from __future__ import annotations

from typing import Annotated, Optional

from pydantic import WrapValidator


class Written(str):
    """Canonical SQL text; `.written` is the spelling to send."""

    __slots__ = ("written",)


def remember(canonical: Optional[str], sent: Optional[str]):
    """`canonical`, carrying `sent` when that spelling differs from it."""
    if canonical is None or sent is None or sent == canonical:
        return canonical
    text = Written(canonical)
    text.written = sent
    return text


def written(text: Optional[str]) -> Optional[str]:
    """The text to send: its remembered spelling, else the text itself."""
    return text.written if isinstance(text, Written) else text


def _keep(value, handler):
    return value if isinstance(value, Written) else handler(value)


Sql = Annotated[str, WrapValidator(_keep)]  # a snapshot field holding Written or str
