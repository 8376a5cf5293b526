"""Live database -> Snapshot: `reflect(connection)`.

One module per dialect (`reflect/<dialect>.py`, exposing `reflect(connection, schemas)`),
found by the dialect's name, so a new dialect is a new file. Each module reads the
catalogs with a fixed number of queries per schema, whatever the number of tables.
"""

from __future__ import annotations

import gc
import importlib
from contextlib import contextmanager
from typing import Iterable, Optional

from sqlalchemy.engine import Connection

from still.errors import StillError
from still.snapshot import Snapshot


@contextmanager
def paused_gc():
    """No cyclic garbage collection while a snapshot is built.

    Building one allocates hundreds of thousands of small objects that stay alive, and the
    collector would walk all of them again and again as they pile up (a third of the time
    of a 1,000-table comparison, measured). Reference counting still frees what dies
    meanwhile. Nested blocks leave it to the outermost one.

    At the end the new objects would all be young, and the next allocation would make the
    collector walk them once more: a snapshot and its copies are acyclic, so that walk
    finds nothing, and it costs a tenth of a comparison. So they go straight to the oldest
    generation instead (freeze + unfreeze: a move, not a walk), where the full collections
    look at them if they live that long. This is skipped when something else keeps frozen
    objects, which unfreeze would release.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        if gc.get_freeze_count() == 0:
            gc.freeze()
            gc.unfreeze()
        gc.enable()


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
