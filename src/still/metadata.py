"""Loading the user's models: `package.module:attribute` -> SQLAlchemy MetaData.

The attribute is a MetaData, a declarative base, or a function (called with no
arguments) that returns either. Projects whose model modules are imported by a function
(`models.import_all_models()` in an Alembic env.py) or one by one name them as loaders
(`metadata_loader`), run before the attribute is read: without them the MetaData holds
only the tables of the modules imported so far.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Optional, Sequence

from still.errors import StillError


def load_metadata(path: str, loaders: Optional[Sequence[str]] = None):
    """Run `loaders` ('module' imported, 'module:function' called), then import
    `module:attr` (the current directory is importable, as users expect)."""
    import sqlalchemy as sa

    for loader in loaders or ():
        if ":" not in loader:
            _import(loader, "metadata_loader", loader)
            continue
        function = _resolve(loader, "metadata_loader")
        if not callable(function):
            raise StillError(f"metadata_loader {loader!r} is a {type(function).__name__}, not a function")
        _call(function, f"metadata_loader {loader!r}")
    obj = _resolve(path, "metadata")
    found = _metadata_of(obj, sa)
    if found is None and callable(obj) and not isinstance(obj, type):
        made = _call(obj, f"metadata {path!r}")
        found = _metadata_of(made, sa)
        if found is None:
            raise StillError(f"metadata {path!r} returned a {type(made).__name__}, not a SQLAlchemy MetaData "
                             f"or declarative base")
    if found is None:
        raise StillError(f"{path!r} is a {type(obj).__name__}, not a SQLAlchemy MetaData or declarative base "
                         f"(or a function returning one)")
    return found


def _metadata_of(obj, sa):
    if isinstance(obj, sa.MetaData):
        return obj
    metadata = getattr(obj, "metadata", None)  # a declarative base
    return metadata if isinstance(metadata, sa.MetaData) else None


def _call(function, what: str):
    try:
        return function()
    except StillError:
        raise
    except (Exception, SystemExit) as err:
        text = " ".join(str(err).split())
        raise StillError(f"{what} raised {type(err).__name__}{': ' + text if text else ''}") from None


def _resolve(path: str, setting: str):
    module_name, sep, attr = path.partition(":")
    if not sep or not module_name or not attr:
        raise StillError(f"{setting} path {path!r} must look like 'package.module:attribute'")
    module = _import(module_name, setting, path)
    obj = module
    for part in attr.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise StillError(f"module {module_name!r} has no attribute {attr!r}") from None
    return obj


def _import(module_name: str, setting: str, path: str):
    cwd = os.getcwd()
    if cwd not in sys.path:
        sys.path.insert(0, cwd)
    try:
        return importlib.import_module(module_name)
    except ImportError as err:
        raise StillError(f"cannot import {module_name!r} for {setting} {path!r}: {err}") from None
    except Exception as err:  # the user's module failed while importing
        raise StillError(f"importing {module_name!r} failed: {type(err).__name__}: {err}") from None
