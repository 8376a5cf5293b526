"""Compiled revision files, kept beside the header index (`.still_cache/<dir>.code/`, one
entry per file, as `__pycache__` keeps one per module), so an upgrade or an offline script
over a thousand revisions does not compile a thousand files again on every run, nor read
each one twice (once to run, once for its checksum); a run of one new revision reads one
entry, whatever the length of the history.

An entry holds the file's stat (size, mtime, ctime), its path, the -O level, its code
object and the checksum of its text (runtime.applied_log.checksum); a file whose stat or
path differs is read and compiled again, and a file modified in the last two seconds is
not kept (see header_index). Nothing here decides what runs: the code is exactly what
`compile` gives for the file's bytes. Where the cache cannot be written, nothing is kept
and nothing is said.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
import time
from pathlib import Path
from types import CodeType

from still.revisions.header_index import _RACY_NS, _read, _write, index_path


def entry_path(path: Path) -> Path:
    """Where the compiled form of the revision file `path` is kept."""
    return index_path(path.parent).with_suffix(".code") / f"{path.name}.bin"


def text_checksum(data: bytes) -> str:
    """sha256 (hex) of a revision file's bytes, with CRLF and CR read as LF (the one
    rule of runtime.applied_log.checksum)."""
    return hashlib.sha256(data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")).hexdigest()


class CodeIndex:
    """Code objects and checksums of revision files, for one run."""

    def __init__(self) -> None:
        self.compiled = 0  # files read and compiled (not found in the index)
        # str(directory of a revision file) -> str(where its entries are): worked out once
        # per directory, not with a handful of Path objects for each of a thousand files
        self._entry_dirs: dict[str, str] = {}

    def get(self, path: Path) -> tuple[CodeType, str]:
        """(code, checksum) of the file at `path`; OSError or SyntaxError as reading and
        compiling it would raise them."""
        if not isinstance(path, Path):
            path = Path(path)
        text = str(path)
        st = os.stat(text)
        # -O strips asserts from the code compile gives: an entry is for one level
        key = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, text, sys.flags.optimize)
        directory, name = os.path.split(text)
        entries = self._entry_dirs.get(directory)
        if entries is None:
            entries = self._entry_dirs[directory] = str(entry_path(path).parent)
        kept = os.path.join(entries, name + ".bin")
        entry = _read(kept).get("entry")
        if type(entry) is tuple and len(entry) == 3 and entry[0] == key:
            try:
                code = marshal.loads(entry[1])
            except (EOFError, ValueError, TypeError):
                code = None
            if isinstance(code, CodeType):
                return code, entry[2]
        source = path.read_bytes()
        self.compiled += 1
        code = compile(source, str(path), "exec", dont_inherit=True)
        checksum = text_checksum(source)
        if st.st_mtime_ns < time.time_ns() - _RACY_NS:
            _write(Path(kept), {"entry": (key, marshal.dumps(code), checksum)}, make_parents=True)
        return code, checksum
