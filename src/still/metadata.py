"""Loading the user's models: `package.module:attribute` -> SQLAlchemy MetaData."""

from __future__ import annotations

import importlib
import os
import sys

from still.errors import StillError


def load_metadata(path: str):
    """Import `module:attr` (the current directory is importable, as users expect)."""
    import sqlalchemy as sa

    module_name, sep, attr = path.partition(":")
    if not sep or not module_name or not attr:
        raise StillError(f"metadata path {path!r} must look like 'package.module:attribute'")
    cwd = os.getcwd()
    if cwd not in sys.path:
        sys.path.insert(0, cwd)
    try:
        module = importlib.import_module(module_name)
    except ImportError as err:
        raise StillError(f"cannot import {module_name!r} for metadata {path!r}: {err}") from None
    except Exception as err:  # the user's module failed while importing
        raise StillError(f"importing {module_name!r} failed: {type(err).__name__}: {err}") from None
    obj = module
    for part in attr.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise StillError(f"module {module_name!r} has no attribute {attr!r}") from None
    if isinstance(obj, sa.MetaData):
        return obj
    metadata = getattr(obj, "metadata", None)  # a declarative Base
    if isinstance(metadata, sa.MetaData):
        return metadata
    raise StillError(f"{path!r} is a {type(obj).__name__}, not a SQLAlchemy MetaData or declarative base")
