"""`alembic.op` and `alembic.context` as the rest of the process sees them while revision
code runs.

A revision file gets still's op and context through its own builtins (see `importer`).
A module of the application that revisions use (a `migrations/utils.py` saying
`from alembic import op`) imports Alembic itself, before the run or during it. Alembic's
`op` and `context` modules are proxies: module-level functions that forward each call to
the module global `_proxy`, which Alembic sets only while its own env.py runs
(`_install_proxy`); unset, a call fails with "the proxy object has not yet been
established".

So while revision code runs, still establishes its own op and context as that `_proxy`
(and `config`, the attribute Alembic's context module gains the same way) in Alembic's
modules. Each of their functions reads the global when it is called, so this reaches a
name however it was bound: `from alembic import op`, `import alembic.op`,
`from alembic.op import get_bind`, before the run or during it. Swapping modules in
sys.modules would not: a name bound before the run keeps the module or function it got.

- Alembic imported before the run: established at once.
- Alembic installed, not imported: a finder in front of sys.meta_path lets Alembic import
  as usual and establishes still's objects as soon as it has. Importing Alembic up front
  would cost every run a tenth of a second.
- Alembic not installed: the same finder makes `alembic`, `alembic.op` and
  `alembic.context` still's stand-ins.

When the run ends, failed or not, every global, loader, finder and sys.modules entry is
put back as it was. Runs that overlap share one establishment, counted. still's op finds
each run's executor through a ContextVar, so one `_proxy` serves them all.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.abc
import importlib.util
import sys
import threading
from typing import Callable, Iterator

from still.errors import StillError

# Alembic's proxy module -> still's module that answers for it, and the non-function
# attributes Alembic's _install_proxy would set on it
_TARGETS = {
    "alembic.op": ("still.op", ()),
    "alembic.context": ("still.alembic_compat.context", ("config",)),
}
_STAND_INS = {"alembic": "still.alembic_compat", **{name: target for name, (target, _) in _TARGETS.items()}}

_lock = threading.RLock()
_depth = 0
_undo: list[Callable[[], None]] = []


@contextlib.contextmanager
def established() -> Iterator[None]:
    """Around any revision code: Alembic's op and context are still's (see the module)."""
    global _depth
    with _lock:
        _depth += 1
        if _depth == 1:
            _begin()
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                _end()


def _begin() -> None:
    finder = _AlembicFinder()
    sys.meta_path.insert(0, finder)
    _undo.append(lambda: sys.meta_path.remove(finder))
    for name in _TARGETS:
        module = sys.modules.get(name)
        if module is not None and getattr(module, "__name__", None) == name:
            _undo.append(_establish(module))


def _end() -> None:
    while _undo:
        _undo.pop()()


class _Forward:
    """What Alembic's proxy functions call `_proxy.<name>(...)` on: still's module, with
    a one-line error for what still does not provide."""

    def __init__(self, module, label: str):
        self._module, self._label = module, label

    def __getattr__(self, name: str):
        try:
            return getattr(self._module, name)
        except AttributeError:
            raise StillError(f"{self._label}.{name} is not provided by still") from None


def _establish(module) -> Callable[[], None]:
    target_name, attributes = _TARGETS[module.__name__]
    target = importlib.import_module(target_name)
    names = ("_proxy", *attributes)
    globals_ = module.__dict__
    saved = {name: globals_[name] for name in names if name in globals_}
    globals_["_proxy"] = _Forward(target, module.__name__)
    for name in attributes:
        globals_[name] = getattr(target, name)

    def undo() -> None:
        for name in names:
            if name in saved:
                globals_[name] = saved[name]
            else:
                globals_.pop(name, None)

    return undo


class _AlembicFinder(importlib.abc.MetaPathFinder):
    """Finds `alembic` for the run: Alembic's own, established once it has imported, or
    (without Alembic) still's stand-ins. Submodules are left to the usual finders."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname != "alembic":
            return None
        spec = None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            try:
                spec = finder.find_spec(fullname, path, target)
            except ImportError:  # a finder that hides Alembic says so by raising
                spec = None
                break
            if spec is not None:
                break
        if spec is None:
            return importlib.util.spec_from_loader(fullname, _StandInLoader())
        if spec.loader is not None:
            spec.loader = _EstablishingLoader(spec.loader, spec)
        return spec


class _EstablishingLoader(importlib.abc.Loader):
    """Alembic's loader, then still's objects established in the `op` and `context`
    modules its package imports; the module gets Alembic's loader back when the run ends."""

    def __init__(self, loader, spec):
        self._loader, self._spec = loader, spec

    def __getattr__(self, name: str):
        return getattr(self._loader, name)

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module) -> None:
        try:
            self._loader.exec_module(module)
        finally:
            with _lock:
                _undo.append(self._give_back(module))
        with _lock:
            if _depth:
                for name in _TARGETS:
                    if name in sys.modules:
                        _undo.append(_establish(sys.modules[name]))

    def _give_back(self, module) -> Callable[[], None]:
        def undo() -> None:
            self._spec.loader = self._loader
            if getattr(module, "__loader__", None) is self:
                module.__loader__ = self._loader

        return undo


class _StandInLoader(importlib.abc.Loader):
    """Without Alembic: `alembic` and its `op` and `context` are still's modules for the
    run. The import system returns what sys.modules holds once a module has executed, so
    the stand-ins are given as they are, their own spec untouched."""

    def create_module(self, spec):
        return None

    def exec_module(self, module) -> None:
        for name, target in _STAND_INS.items():
            sys.modules[name] = importlib.import_module(target)
        with _lock:
            _undo.append(_forget_stand_ins)


def _forget_stand_ins() -> None:
    # without Alembic every alembic.* module came in through the stand-ins
    for name in [n for n in sys.modules if n == "alembic" or n.startswith("alembic.")]:
        del sys.modules[name]
