"""The `__import__` revision files run with: `alembic` and its `op` and `context` are
still's, everything else imports as usual.

Only the globals of a revision file get these builtins; the user's own modules that
import Alembic reach still's op and context through `proxies` while revisions run. A module of Alembic's that still has no
stand-in for (`alembic.config`, `alembic.script`, ...) is imported from Alembic when it
is installed; otherwise the import fails with a message saying what is missing.
"""

from __future__ import annotations

import builtins
import importlib
from typing import Any

_OWN = {
    "alembic": "still.alembic_compat",
    "alembic.op": "still.op",
    "alembic.context": "still.alembic_compat.context",
}
_builtins: dict | None = None


def revision_builtins() -> dict[str, Any]:
    """A copy of the builtins whose __import__ maps alembic to still (made once)."""
    global _builtins
    if _builtins is None:
        _builtins = dict(vars(builtins))
        _builtins["__import__"] = _import
    return _builtins


def _import(name, globals=None, locals=None, fromlist=(), level=0):
    if level == 0 and (name == "alembic" or name.startswith("alembic.")):
        return _alembic(name, fromlist)
    return builtins.__import__(name, globals, locals, fromlist, level)


def _alembic(name: str, fromlist):
    top = importlib.import_module(_OWN["alembic"])
    if name in _OWN:
        module = importlib.import_module(_OWN[name])
    else:
        try:
            module = importlib.import_module(name)
        except ImportError:
            raise ImportError(f"{name} is not provided by still (it provides alembic.op and "
                              f"alembic.context) and Alembic is not installed", name=name) from None
    # `import alembic.x` binds the top-level package; `from alembic.x import y` takes x
    return module if fromlist else top
