"""Revision files, the revision graph, target resolution and step computation (no database).

Names are imported on first use: `still heads` needs the graph and not the writer."""

from __future__ import annotations

import importlib

_WHERE = {"RevisionGraph": "graph", "Revision": "header", "parse_header": "header", "read_header": "header",
          "Step": "steps", "DEFAULT_TEMPLATE": "writer", "slugify": "writer", "write_revision": "writer"}

__all__ = sorted(_WHERE)


def __getattr__(name: str):
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'still.revisions' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"still.revisions.{module}"), name)
    globals()[name] = value
    return value
