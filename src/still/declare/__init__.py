"""MetaData -> Snapshot for a dialect: `declare(metadata, "postgresql")`.

The walk lives in `base.py`; how each database stores what it is sent lives in
`declare/<dialect>.py` (a `Rules` class), so a new dialect is a new file.
"""

from __future__ import annotations

import importlib
from typing import Iterable, Optional, Union

from sqlalchemy.engine import Dialect
from sqlalchemy.sql.schema import MetaData

from still.errors import StillError
from still.snapshot import Snapshot


def dialect_named(name: str) -> Dialect:
    from sqlalchemy.dialects import registry

    try:
        return registry.load(name)()
    except Exception as exc:  # NoSuchModuleError, or a missing DBAPI at import
        raise StillError(f"unknown dialect {name!r}: {exc}") from None


def rules_for(dialect: Dialect):
    try:
        module = importlib.import_module(f"still.declare.{dialect.name}")
    except ModuleNotFoundError as err:
        if err.name != f"still.declare.{dialect.name}":
            raise
        raise StillError(f"dialect {dialect.name!r} is not supported by still") from None
    return module.Rules(dialect)


def declare(metadata: MetaData, dialect: Union[str, Dialect],
            schemas: Optional[Iterable[str]] = None) -> Snapshot:
    from still.declare.base import declare_with
    from still.collector import paused_gc

    if isinstance(dialect, str):
        dialect = dialect_named(dialect)
    with paused_gc():
        return declare_with(rules_for(dialect), metadata, schemas)
