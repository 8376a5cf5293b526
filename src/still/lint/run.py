"""`still lint`: replay the revision files (no database), and run every rule of the dialect
over the revisions asked for. `# still: ignore CODE[, CODE]` on the line of a statement (or
on the line above it) silences those codes there."""

from __future__ import annotations

import importlib
import os
import re
from typing import Optional

from still.errors import StillError
from still.lint.findings import LintFinding, LintReport
from still.lint.rules import RULES

_IGNORE = re.compile(r"#\s*still:\s*ignore\s+([\w\-,\s]+)", re.I)
_CODE = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)+")


def rules_for(dialect_name: str) -> list:
    modules = [importlib.import_module(f"still.lint.rules.{name}") for name in RULES]
    return [m for m in modules if m.DIALECTS is None or dialect_name in m.DIALECTS]


def lint(run, selected: Optional[list[str]] = None, version: Optional[tuple] = None) -> LintReport:
    from still import snapshot as s
    from still.declare import rules_for as declare_rules
    from still.lint.recorder import LintingExecutor

    dialect = run.offline_dialect()
    empty = s.Snapshot(dialect=dialect.name, default_schema=declare_rules(dialect).default_schema)
    executor = LintingExecutor(dialect, empty, version)
    for step in (run.graph.upgrade_steps((), "heads") if run.graph.revisions else []):
        executor.start(step.revision.revision, step.revision.path)
        run.run_step(step, executor)
    revisions = _chosen(executor.revisions, selected)
    ignored = _Ignores()
    found = []
    for module in rules_for(dialect.name):
        if not getattr(module, "applies", lambda cfg: True)(run.cfg):  # what the runtime takes care of
            continue
        for revision in revisions:
            for item, message in module.findings(revision, dialect.name):
                if module.CODE in ignored.codes(item.path, item.line):
                    continue
                found.append(LintFinding(code=module.CODE, severity=module.SEVERITY, message=message,
                                         revision=item.revision, path=_shown(item.path), line=item.line,
                                         statement=item.sql))
    order = {r.revision: i for i, r in enumerate(revisions)}
    found.sort(key=lambda f: (order[f.revision], f.line or 0, f.code))
    return LintReport(dialect=dialect.name, revisions=tuple(r.revision for r in revisions), findings=tuple(found))


def _chosen(revisions: list, selected: Optional[list[str]]) -> list:
    if not selected:
        return revisions
    chosen = []
    for wanted in selected:
        hits = [r for r in revisions if r.revision.startswith(wanted)
                or os.path.realpath(r.path) == os.path.realpath(wanted)]
        if len(hits) != 1:
            what = "no revision" if not hits else f"{len(hits)} revisions"
            raise StillError(f"{what} match {wanted!r}: give a revision id (or a unique prefix) or a revision file")
        if hits[0] not in chosen:
            chosen.append(hits[0])
    return [r for r in revisions if r in chosen]


def _shown(path: str) -> str:
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


class _Ignores:
    def __init__(self):
        self._lines: dict[str, list[str]] = {}

    def codes(self, path: str, line: Optional[int]) -> set[str]:
        if line is None:
            return set()
        if path not in self._lines:
            with open(path, encoding="utf-8") as f:
                self._lines[path] = f.read().splitlines()
        lines = self._lines[path]
        out: set[str] = set()
        for number in (line, line - 1):
            if 1 <= number <= len(lines):
                text = lines[number - 1]
                if number == line - 1 and not text.strip().startswith("#"):
                    continue  # the line above counts only when it is a comment of its own
                for match in _IGNORE.finditer(text):
                    out |= set(_CODE.findall(match.group(1).lower()))
        return out
