"""Compiled revision files, cached the way Python caches imported modules.

A run that imports a thousand revision files spends most of that compiling them. The code
goes to `__pycache__/<name>.<tag>.pyc` next to the file, in Python's own format with a
checked source hash (PEP 552): a cached file is used only when the hash of the source
read now matches, so an edit is never missed however quick or however sized. Nothing is
written when Python is told not to (`PYTHONDONTWRITEBYTECODE`, `-B`) or cannot be; a
cache that is unreadable, stale or from another place is compiled again.
"""

from __future__ import annotations

import importlib.util
import marshal
import os
import sys
from pathlib import Path
from types import CodeType
from typing import Optional

_CHECKED_HASH = (0b11).to_bytes(4, "little")  # hash-based, checked against the source


def _cache_path(path: Path) -> Optional[Path]:
    try:
        return Path(importlib.util.cache_from_source(str(path)))
    except (NotImplementedError, ValueError):  # no cache tag on this interpreter
        return None


def compiled(path: Path, source: bytes) -> CodeType:
    """The code of `source` (the text of `path`); SyntaxError as compile() raises it."""
    cached = _cache_path(path)
    digest = importlib.util.source_hash(source)
    header = importlib.util.MAGIC_NUMBER + _CHECKED_HASH + digest
    if cached is not None:
        try:
            data = cached.read_bytes()
            if data[:16] == header:
                code = marshal.loads(data[16:])
                if isinstance(code, CodeType) and code.co_filename == str(path):
                    return code
        except (OSError, ValueError, EOFError, TypeError):
            pass
    code = compile(source, str(path), "exec", dont_inherit=True)
    if cached is not None and not sys.dont_write_bytecode:
        _write(cached, header + marshal.dumps(code))
    return code


def _write(cached: Path, data: bytes) -> None:
    temporary = cached.with_name(f"{cached.name}.{os.getpid()}.tmp")
    try:
        cached.parent.mkdir(exist_ok=True)
        temporary.write_bytes(data)
        os.replace(temporary, cached)  # readers see the old file or the whole new one
    except OSError:
        try:
            temporary.unlink()
        except OSError:
            pass
