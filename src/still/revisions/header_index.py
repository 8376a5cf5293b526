"""An index of revision headers, so a warm `still heads` reads no revision file at all.

For each version directory the index lives in `.still_cache/<directory name>.headers`
beside it (the cache directory holds a `.gitignore` of `*`, so it never shows in a
user's tree). Each entry is a file's name, size, mtime and ctime with its parsed header;
a file whose stat differs from its entry (edited, touched, replaced), a new file and a
deleted one are noticed on the next load, and only those files are read again. An entry
is left out of the index while its file's mtime is within the last two seconds, when an
edit in the same timestamp tick would keep the stat unchanged (git's "racy" files).

A tree where the index cannot be written (read-only, no space) works as before: nothing
is cached and nothing is said. An index that cannot be read is rebuilt.
"""

from __future__ import annotations

import marshal
import os
import sys
import time
from pathlib import Path

from still.revisions.header import Revision

CACHE_DIR = ".still_cache"
_FORMAT = (1, sys.implementation.cache_tag)  # marshal's format belongs to the interpreter
_RACY_NS = 2_000_000_000


def index_path(directory: Path) -> Path:
    directory = Path(directory)
    if not directory.name or directory.name == "..":  # "." or "x/..": name the directory itself
        directory = directory.resolve()
    return directory.parent / CACHE_DIR / f"{directory.name}.headers"


def load_headers(directory: Path) -> tuple[list[Revision], int]:
    """The revisions of every `*.py` file not starting with `_` in `directory` (sorted by
    name) and how many files had to be read for it."""
    directory = Path(directory)
    files = sorted((e.name, e.stat()) for e in os.scandir(directory)
                   if e.name.endswith(".py") and not e.name.startswith("_") and e.is_file())
    path = index_path(directory)
    old = _read(path)
    entries: dict[str, tuple] = {}
    revisions: list[Revision] = []
    parsed = 0
    racy_after = time.time_ns() - _RACY_NS
    changed = len(old) != len(files)
    for name, st in files:
        stat = (st.st_size, st.st_mtime_ns, st.st_ctime_ns)
        entry = old.get(name)
        if type(entry) is tuple and len(entry) == 2 and entry[0] == stat and len(entry[1]) == 6:
            fields = entry[1]
            rev = Revision(fields[0], fields[1], fields[2], fields[3], fields[4], directory / name, fields[5])
        else:
            from still.revisions.header import read_header

            rev = read_header(directory / name)
            parsed += 1
            changed = True
            fields = (rev.revision, rev.down_revisions, rev.branch_labels, rev.depends_on, rev.message,
                      rev.create_date)
        revisions.append(rev)
        if st.st_mtime_ns < racy_after:
            entries[name] = (stat, fields)
        else:
            changed = True
    if changed and files:
        _write(path, entries)
    return revisions, parsed


def _read(path: Path) -> dict:
    try:
        with open(path, "rb") as file:
            data = marshal.loads(file.read())  # marshal.load(file) reads in small pieces: 5x slower
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    if not isinstance(data, tuple) or len(data) != 2 or data[0] != _FORMAT or not isinstance(data[1], dict):
        return {}
    return data[1]


def _write(path: Path, entries: dict, make_parents: bool = False) -> None:
    """Write the index next to the versions; silently nothing where that is not possible."""
    try:
        cache = path.parent if not make_parents else path.parent.parent
        if not cache.is_dir():
            cache.mkdir()
            (cache / ".gitignore").write_text("# still's cache of revision headers and code (safe to delete)\n*\n")
        if make_parents and not path.parent.is_dir():
            path.parent.mkdir()
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        with open(tmp, "wb") as file:
            marshal.dump((_FORMAT, entries), file)
        os.replace(tmp, path)
    except OSError:
        try:
            tmp.unlink()  # type: ignore[possibly-undefined]
        except (OSError, NameError):
            pass
