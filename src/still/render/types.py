"""Canonical type text -> a SQLAlchemy type expression, per dialect (one file each)."""

from __future__ import annotations

import importlib

from still.errors import StillError


def dialect_module(dialect: str):
    try:
        return importlib.import_module(f"still.render.types_{dialect}")
    except ModuleNotFoundError as err:
        if err.name != f"still.render.types_{dialect}":
            raise
        raise StillError(f"still cannot render revisions for dialect {dialect!r}") from None


def render_type(type_text: str, dialect: str) -> tuple[str, set[str]]:
    """The Python expression for `type_text` (e.g. "sa.String(length=50)") and the import
    lines it needs beyond `import sqlalchemy as sa`; a StillError for a spelling still
    does not know, rather than a guess."""
    return dialect_module(dialect).render_type(type_text)
