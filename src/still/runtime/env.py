"""The optional `env.py` in the script location: hooks a project may define.

- `connect(url, x_args)` -> an Engine (or Connection) to run migrations on, instead of
  still's own (`still.db.migration_engine(url)`);
- `target_metadata()` -> the MetaData `still generate` compares against;
- `include_object(obj)` -> False to leave an object out of comparisons.

Every hook is optional; a missing env.py means all defaults. An Alembic env.py (one
that calls `context.run_migrations()`), left in place when a project moves from
Alembic, is not run: it would configure Alembic, not still.
"""

from __future__ import annotations

import functools
import re
import sys
import types
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Optional

from still.errors import StillError


@dataclass(frozen=True)
class Hooks:
    connect: Optional[Callable[..., Any]] = None
    target_metadata: Optional[Callable[[], Any]] = None
    include_object: Optional[Callable[[Any], bool]] = None


def load_env(script_path: Path) -> Hooks:
    path = Path(script_path) / "env.py"
    if not path.is_file() or is_alembic_env(path):
        return Hooks()
    module = import_file(path, "still_env")
    found = {name: getattr(module, name, None) for name in ("connect", "target_metadata", "include_object")}
    for name, hook in found.items():
        if hook is not None and not callable(hook):
            raise StillError(f"{path}: '{name}' must be a function, not {type(hook).__name__}")
    return Hooks(connect=_guarded(found["connect"], "connect", path, _engine_or_connection),
                 target_metadata=_guarded(found["target_metadata"], "target_metadata", path, None),
                 include_object=_guarded(found["include_object"], "include_object", path, None))


def _guarded(hook, name: str, path: Path, check):
    """`hook` such that whatever it raises (or a sys.exit() in it) is one StillError naming
    env.py and the line, and `check(result)` vets what it returns; None stays None."""
    if hook is None:
        return None

    @functools.wraps(hook)
    def call(*args, **kwargs):
        try:
            result = hook(*args, **kwargs)
        except StillError:
            raise
        except (Exception, SystemExit) as err:
            raise StillError(f"{path}: {name}() raised {_described(err, path)}") from err
        if check is not None:
            check(result, path, name)
        return result

    return call


def _described(err: BaseException, path: Path) -> str:
    import traceback

    line = next((f.lineno for f in reversed(traceback.extract_tb(err.__traceback__)) if f.filename == str(path)),
                None)
    text = " ".join(str(err).split())
    return f"{type(err).__name__}{': ' + text if text else ''}" + (f" (line {line})" if line else "")


def _engine_or_connection(result, path: Path, name: str) -> None:
    if result is None:
        return
    import sqlalchemy as sa

    if not isinstance(result, (sa.engine.Engine, sa.engine.Connection)):
        raise StillError(f"{path}: {name}() must return a SQLAlchemy Engine or Connection (or None for "
                         f"still's own), not {type(result).__name__}")


def is_alembic_env(path: Path) -> bool:
    """An env.py written for Alembic: it imports alembic and runs migrations itself."""
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return "run_migrations" in text and _ALEMBIC_IMPORT.search(text) is not None


_ALEMBIC_IMPORT = re.compile(r"^\s*(from\s+alembic(\.\w+)*\s+import|import\s+alembic)\b", re.M)


def import_file(path: Path, module_name: str, revision: bool = False, code=None):
    """Import a Python file by path, turning any failure into a one-line StillError.
    A revision file (`revision=True`) runs with builtins whose `import alembic` gives
    still's stand-in (see still.alembic_compat.importer). `code`, when given, is the
    file's already compiled code (revisions.code_index).

    The file is compiled and run directly rather than through importlib's machinery, which
    costs twice as much per file and shows when an upgrade runs a thousand revisions."""
    source = b""
    if code is None:
        try:
            source = Path(path).read_bytes()
        except OSError as err:
            raise StillError(f"cannot import {path}: {err.strerror or err}") from None
    module = types.ModuleType(module_name)
    module.__file__ = str(path)
    if revision:
        from still.alembic_compat.importer import revision_builtins

        module.__builtins__ = revision_builtins()
    sys.modules[module_name] = module
    try:
        exec(code if code is not None else compile(source, str(path), "exec", dont_inherit=True),
             module.__dict__)
    except SyntaxError as err:
        sys.modules.pop(module_name, None)
        raise StillError(f"{path}:{err.lineno}: syntax error: {err.msg}") from err
    except StillError:
        sys.modules.pop(module_name, None)
        raise
    except (Exception, SystemExit) as err:
        sys.modules.pop(module_name, None)
        raise StillError(f"cannot import {path}: {type(err).__name__}: {err}") from err
    return module


def project_hooks(cfg) -> Hooks:
    """The hooks of the env.py in the configured script location (defaults without one)."""
    return load_env(Path(cfg.script_path()))


def hooked_metadata(hooks: Hooks, explicit: Optional[str]):
    """The MetaData env.py's `target_metadata()` gives, unless --metadata was passed or the
    hook is missing or returns None (then the `metadata` setting applies)."""
    if explicit or hooks.target_metadata is None:
        return None
    made = hooks.target_metadata()
    if made is None:
        return None
    import sqlalchemy as sa

    if not isinstance(made, sa.MetaData):
        raise StillError(f"env.py: target_metadata() must return a sqlalchemy MetaData (or None), "
                         f"not {type(made).__name__}")
    return made
