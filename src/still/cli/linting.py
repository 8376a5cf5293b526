"""`still lint`: its work, without typer (the typer command in still.cli.lint calls it)."""

from __future__ import annotations

from typing import Optional

from still.cli.settings import config_for
from still.collector import paused_gc

LINT_FORMATS = ("text", "json", "github")


@paused_gc()
def lint(root: dict, revisions: Optional[list[str]] = None, fmt: str = "text", fail_on: str = "warning",
         url=None, config_path=None, name=None, x=None) -> int:
    """Exit 1 when a finding is at `fail_on` or worse, 0 otherwise."""
    from still.lint.run import lint as run_lint
    from still.runtime.migrate import Run

    cfg = config_for(root, config_path, name, x, url)
    report = run_lint(Run(cfg), revisions)
    if fmt == "json":
        print(report.model_dump_json(indent=2))
    elif fmt == "github":
        for f in report.findings:
            where = f"file={f.path}" + (f",line={f.line}" if f.line else "")
            level = {"danger": "error", "warning": "warning", "info": "notice"}[f.severity]
            print(f"::{level} {where},title={f.code}::{_clean(f.message)}")
    else:
        for f in report.findings:
            where = f"{f.path}:{f.line}" if f.line else f.path
            print(f"{where}: {f.severity} {f.code}: {f.message} (revision {f.revision})")
        count = len(report.findings)
        revs = len(report.revisions)
        print(f"{count or 'No'} finding{'s' if count != 1 else ''} in {revs} revision{'s' if revs != 1 else ''}"
              + ("; silence one with '# still: ignore CODE' on its line" if count else ""))
    return 1 if any(f.at_least(fail_on) for f in report.findings) else 0


def _clean(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
