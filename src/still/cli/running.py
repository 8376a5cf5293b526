"""The running commands' work: upgrade and downgrade — without typer.

The typer commands (still.cli.migrate) and the fast path (still.cli.fast) both call these
functions, so a command does and prints the same whichever way its line was parsed. Each
takes `root`, the options given before the command (config, name, x, url, quiet), then
the command's own, and returns the exit code. The progress shown on stderr is here too.
"""

from __future__ import annotations

import sys
from typing import Optional

from still.cli.reading import config as _config
from still.cli.reading import empty_history, refuse_missing_sqlite

TRANSACTIONS = ("per-revision", "all")


def upgrade(root: dict, revision: str, sql: bool = False, tag: Optional[str] = None,
            transaction: str = "per-revision", lock_timeout: Optional[float] = None, quiet: bool = False,
            config_path=None, name=None, x=None, url=None) -> int:
    from still.revisions.ids import check_targets

    check_targets([revision])
    quiet = quiet or bool(root.get("quiet"))
    run = make_run(root, config_path, name, x, url, lock_timeout, quiet, tag)
    if not sql and revision in ("head", "heads") and empty_history(run.graph, "nothing to upgrade"):
        return 0
    count = run.upgrade(revision, sql=sql, transaction=transaction)
    if not sql and not quiet and count == 0:
        print("already up to date", file=sys.stderr)
    return 0


def downgrade(root: dict, revision: str, sql: bool = False, tag: Optional[str] = None,
              transaction: str = "per-revision", lock_timeout: Optional[float] = None, quiet: bool = False,
              config_path=None, name=None, x=None, url=None) -> int:
    from still.revisions.ids import check_targets

    check_targets([revision])
    quiet = quiet or bool(root.get("quiet"))
    run = make_run(root, config_path, name, x, url, lock_timeout, quiet, tag)
    if not sql:
        refuse_missing_sqlite(run)  # nothing to take down there; do not leave an empty file
    count = run.downgrade(revision, sql=sql, transaction=transaction)
    if not sql and not quiet and count == 0:
        print("nothing to downgrade", file=sys.stderr)
    return 0


def make_run(root: dict, config_path, name, x, url, lock_timeout: Optional[float], quiet: bool,
             tag: Optional[str] = None):
    """The Run of a running command: its Config (with --lock-timeout) and its progress."""
    from still.runtime.migrate import Run

    cfg = with_lock_timeout(_config(root, config_path, name, x, url), lock_timeout)
    return Run(cfg, progress=progress(quiet), tag=tag)


def with_lock_timeout(cfg, seconds: Optional[float]):
    from still.errors import StillError

    if seconds is None:
        return cfg
    if seconds < 0:
        raise StillError(f"--lock-timeout must be 0 or more seconds, not {seconds:g}")
    return cfg.model_copy(update={"lock_timeout": seconds})


# -- progress -------------------------------------------------------------------------------

def describe(step) -> str:
    rev = step.revision
    parents = ", ".join(rev.down_revisions) or "<base>"
    arrow = f"{parents} -> {rev.revision}" if step.direction == "up" else f"{rev.revision} -> {parents}"
    verb = "upgrade" if step.direction == "up" else "downgrade"
    return f"Running {verb} {arrow}" + (f", {rev.message}" if rev.message else "")


def progress(quiet: bool):
    from still.runtime.migrate import Progress

    if quiet:
        return Progress()
    if sys.stderr.isatty():
        return _RichProgress().progress()
    return Progress(step=lambda step: print(describe(step), file=sys.stderr, flush=True))


class _RichProgress:
    """On a terminal: one line per revision as it starts, which stays on screen (which ran is
    never erased), and below them a bar whose text follows the running revision's operations."""

    def __init__(self, console=None):
        self.console = console

    def progress(self):
        from still.runtime.migrate import Progress

        return Progress(start=self.start, step=self.step, done=self.done, operation=self.operation)

    def start(self, total: int) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                            TimeElapsedColumn(), console=self.console or Console(stderr=True), transient=True)
        self.task = self.bar.add_task("migrating", total=total)
        self.started = False
        self.operations = 0
        self.bar.start()

    def step(self, step) -> None:
        if self.started:
            self.bar.advance(self.task)
        self.started = True
        self.operations = 0
        self.revision = step.revision.revision
        self.bar.console.print(describe(step), highlight=False, markup=False)
        self.bar.update(self.task, description=f"{self.revision}")

    def operation(self, what: str) -> None:
        self.operations += 1
        self.bar.update(self.task, description=f"{self.revision}: operation {self.operations}, {what}")

    def done(self) -> None:
        if getattr(self, "bar", None) is not None:
            if self.started:
                self.bar.advance(self.task)
            self.bar.stop()
