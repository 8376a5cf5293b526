"""Live database -> Snapshot: `reflect(connection)`.

One module per dialect (`reflect/<dialect>.py`, exposing `reflect(connection, schemas)`),
found by the dialect's name, so a new dialect is a new file. Each module reads the
catalogs with a fixed number of queries per schema, whatever the number of tables.
"""

from __future__ import annotations

import importlib
from typing import Iterable, Optional

from sqlalchemy.engine import Connection

from still.collector import paused_gc
from still.errors import StillError
from still.snapshot import Snapshot


def reflect(connection: Connection, schemas: Optional[Iterable[str]] = None) -> Snapshot:
    with paused_gc():
        return _reflect(connection, schemas)


def _reflect(connection: Connection, schemas: Optional[Iterable[str]]) -> Snapshot:
    name = connection.dialect.name
    try:
        module = importlib.import_module(f"still.reflect.{name}")
    except ModuleNotFoundError as err:
        if err.name != f"still.reflect.{name}":
            raise
        raise StillError(f"dialect {name!r} is not supported by still") from None
    return module.reflect(connection, list(schemas) if schemas is not None else None)
