"""Running a check as a user the file modes bind: tests of unreadable or read-only files
mean nothing as root (root reads and writes anything), and CI runs as root. As root the
check runs in a forked child that has dropped to `nobody` (the modules it needs are
already imported, so the child reads no file of the checkout); otherwise it runs here."""

from __future__ import annotations

import os
import pickle
import stat
import tempfile
import traceback
from pathlib import Path
from typing import Callable

NOBODY = 65534


def shared_dir() -> Path:
    """A directory `nobody` can reach and write (pytest's tmp_path sits under a 0700 one)."""
    path = Path(tempfile.mkdtemp(prefix="still-unprivileged-"))
    path.chmod(stat.S_IRWXU | stat.S_IRWXG | stat.S_IRWXO)
    return path


def give_away(path: Path) -> None:
    """Make `path` and everything under it belong to the user the check runs as."""
    if os.geteuid() != 0:
        return
    for root, dirs, files in os.walk(path):
        for name in [root, *(os.path.join(root, d) for d in dirs), *(os.path.join(root, f) for f in files)]:
            os.chown(name, NOBODY, NOBODY)


def unprivileged(check: Callable[[], object]) -> object:
    """`check()`'s result, run without root's rights; its exception (assertion or other) is
    raised here with the child's traceback in the message."""
    if os.geteuid() != 0:
        return check()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: drop root for good, run, send back the outcome
        os.close(read)
        try:
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            outcome = (True, check())
        except BaseException as err:  # noqa: BLE001 - everything goes back to the parent
            outcome = (False, f"{type(err).__name__}: {err}\n{traceback.format_exc()}")
        with os.fdopen(write, "wb") as out:
            try:
                out.write(pickle.dumps(outcome))
            except Exception as err:  # noqa: BLE001 - a result that does not pickle
                out.write(pickle.dumps((False, f"unpicklable result: {err}")))
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as got:
        data = got.read()
    os.waitpid(pid, 0)
    ok, value = pickle.loads(data)
    if not ok:
        raise AssertionError(f"as uid {NOBODY}: {value}")
    return value
