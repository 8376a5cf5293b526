"""The reading commands' work: heads, branches, history, show, current — without typer.

The typer commands (still.cli.migrate) and the fast path (still.cli.fast) both call these
functions, so a command prints the same whichever way its line was parsed. Each takes
`root`, the options given before the command (config, name, x, url), then the command's
own, and returns the exit code.

`heads`, `history`, `branches` and `show` read only file headers: they import neither
revision modules nor SQLAlchemy, so they stay fast on thousands of revisions.
"""

from __future__ import annotations

import re
import sys
import textwrap
from pathlib import Path

from still.cli.settings import config_for

# Commands that only read revision files must work where the database URL's ${VAR} is
# unset (a developer writing a revision); an overriding URL keeps the file's from being read.
_NO_DATABASE = "sqlite://"

NO_REVISIONS = "there are no revision files yet: create one with 'still revision -m \"...\"'"


def config(root: dict, config=None, name=None, x=None, url=None, needs_url: bool = True):
    if not needs_url and not url and not root.get("url"):
        url = _NO_DATABASE
    return config_for(root, config, name, x, url)


def graph_of(cfg):
    from still.revisions import RevisionGraph

    return RevisionGraph.load(cfg.version_dirs())


def empty_history(graph, message: str) -> bool:
    """With no revision files, the reading commands and `upgrade/stamp head` have nothing to
    do: say so in one line (and touch no database)."""
    if graph.revisions:
        return False
    print(f"{message}: {NO_REVISIONS}", file=sys.stderr)
    return True


def refuse_missing_sqlite(run) -> None:
    from still.cli.settings import missing_sqlite_file, no_database_yet
    from still.errors import StillError

    missing = missing_sqlite_file(run.url())
    if missing and run.hooked_engine() is None:  # env.py's connect() may reach it its own way
        raise StillError(no_database_yet(missing))


def _current_rows(run) -> tuple[str, ...]:
    """The database's version rows; a SQLite file that does not exist is an error saying
    what to do, rather than an empty file left behind by reading it."""
    refuse_missing_sqlite(run)
    return run.current()


def _current_state(run) -> tuple[tuple[str, ...], list, list]:
    """The version rows, the applied-revisions log, and the applied revisions edited since
    they ran (each warned about on stderr)."""
    refuse_missing_sqlite(run)
    rows, entries = run.state()
    return rows, entries, run.warn_edited(rows, entries)


def _applied_line(graph, rev, entry) -> str:
    """When an applied revision last ran, from the log."""
    from still.runtime.applied_log import utc_text

    if entry is None or entry.direction != "upgrade":
        when = "applied, not in the log (stamped, or run before the log or by another tool)"
    else:
        took = f" in {entry.duration_ms} ms" if entry.duration_ms is not None else " (offline script)"
        when = f"upgraded {utc_text(entry.started_at)}{took} by still {entry.still_version}"
    return f"{rev.revision}{annotations(graph, rev.revision)} {when}, {rev.message}"


def annotations(graph, rev_id: str) -> str:
    rev = graph.revisions[rev_id]
    out = ""
    labels = graph.labels_of(rev_id)
    if labels:
        out += f" ({', '.join(labels)})"
    if rev_id in graph.heads:
        out += " (head)"
    if rev.is_merge:
        out += " (mergepoint)"
    if len(graph.children(rev_id)) > 1:
        out += " (branchpoint)"
    return out


def _line(graph, rev, current: tuple[str, ...] = ()) -> str:
    down = rev.down_revisions
    left = "<base>" if not down else down[0] if len(down) == 1 else "(" + ", ".join(down) + ")"
    mark = " (current)" if rev.revision in current else ""
    return f"{left} -> {rev.revision}{annotations(graph, rev.revision)}{mark}, {rev.message}"


def _verbose(graph, rev, current: tuple[str, ...] = ()) -> str:
    lines = [f"Rev: {rev.revision}{annotations(graph, rev.revision)}"
             + (" (current)" if rev.revision in current else "")]
    lines.append(f"Parent: {', '.join(rev.down_revisions) or '<base>'}")
    if rev.depends_on:
        lines.append(f"Also depends on: {', '.join(rev.depends_on)}")
    children = graph.children(rev.revision)
    if len(children) > 1:
        lines.append(f"Branches into: {', '.join(children)}")
    if graph.labels_of(rev.revision):
        lines.append(f"Branch names: {', '.join(graph.labels_of(rev.revision))}")
    lines.append(f"Path: {rev.path}")
    if rev.create_date:
        lines.append(f"Create Date: {rev.create_date}")
    lines.append("")
    lines.append(f"    {rev.message}")
    return "\n".join(lines) + "\n"


def heads(root: dict, verbose: bool = False, config_path=None, name=None, x=None, url=None) -> int:
    graph = graph_of(config(root, config_path, name, x, url, needs_url=False))
    if empty_history(graph, "no heads"):
        return 0
    out = []
    for rev_id in graph.heads:
        rev = graph.revisions[rev_id]
        out.append(_verbose(graph, rev) if verbose else f"{rev_id}{annotations(graph, rev_id)}")
    if out:
        sys.stdout.write("\n".join(out) + "\n")
    return 0


def branches(root: dict, verbose: bool = False, config_path=None, name=None, x=None, url=None) -> int:
    graph = graph_of(config(root, config_path, name, x, url, needs_url=False))
    out = []
    for rev_id in graph.topological():
        children = graph.children(rev_id)
        if len(children) < 2:
            continue
        rev = graph.revisions[rev_id]
        out.append(_verbose(graph, rev) if verbose else f"{rev_id}{annotations(graph, rev_id)}, {rev.message}")
        for child in children:
            out.append(f"  -> {child}{annotations(graph, child)}, {graph.revisions[child].message}")
    if out:
        sys.stdout.write("\n".join(out) + "\n")
    return 0


def history(root: dict, rev_range=None, verbose: bool = False, indicate_current: bool = False,
            applied: bool = False, config_path=None, name=None, x=None, url=None) -> int:
    import re

    from still.revisions.targets import history_range

    reads_db = applied or indicate_current or "current" in (rev_range or "") \
        or bool(re.search(r"@[+-]", rev_range or ""))
    cfg = config(root, config_path, name, x, url, needs_url=reads_db)
    graph = graph_of(cfg)
    if empty_history(graph, "no history"):
        return 0
    rows: list = []  # the database's state, read once: (version rows, log, edited)

    def current() -> tuple[str, ...]:
        if not rows:
            from still.runtime.migrate import Run

            rows.append(_current_state(Run(cfg)))
        return rows[0][0]

    shown = history_range(graph, rev_range, current) if rev_range else set(graph.revisions)
    marked = current() if indicate_current else ()
    revs = [r for r in graph.history() if r.revision in shown]
    if applied:
        from still.runtime.applied_log import last_runs

        done = graph.applied(tuple(h for h in current() if h in graph.revisions))
        last = last_runs(rows[0][1])
        out = [_applied_line(graph, r, last.get(r.revision)) for r in revs if r.revision in done]
        if out:
            sys.stdout.write("\n".join(out) + "\n")
        return 0
    out = [(_verbose(graph, r, marked) if verbose else _line(graph, r, marked)) for r in revs]
    if out:
        sys.stdout.write("\n".join(out) + "\n")
    return 0


def show(root: dict, revision: str, config_path=None, name=None, x=None, url=None) -> int:
    import re

    from still.revisions.ids import check_targets

    check_targets([revision])

    reads_db = bool(re.match(r"^current([+-]\d+)?$", revision))
    cfg = config(root, config_path, name, x, url, needs_url=reads_db)
    graph = graph_of(cfg)
    if revision in ("head", "heads") and empty_history(graph, f"nothing to show for {revision!r}"):
        return 0
    if reads_db:
        from still.revisions.targets import history_range
        from still.runtime.migrate import Run

        at = _current_rows(Run(cfg))
        ids = tuple(r for r in at if r in graph.revisions) if revision == "current" else \
            tuple(sorted(history_range(graph, f"{revision}:{revision}", lambda: at)))
        for rev_id in at:
            if rev_id not in graph.revisions:
                sys.stdout.write(f"{rev_id} (unknown revision: no file defines it)\n")
    else:
        ids = graph.resolve(revision)
    for rev_id in ids:
        sys.stdout.write(_verbose(graph, graph.revisions[rev_id]) + _in_full(graph.revisions[rev_id].path))
    if not ids:
        sys.stdout.write("<base>\n")
    return 0


_HEADER_FIELD = re.compile(r"^(Revision ID|Revises|Create Date):")


def _in_full(path) -> str:
    """What `show` adds to the header: the rest of the docstring (a generated revision's
    operation counts and REVIEW lines) and the body of upgrade(), as written."""
    import ast

    source = Path(path).read_text(encoding="utf-8")
    module = ast.parse(source)
    # clean=False: cleaning imports inspect, which the reading commands' fast path keeps out
    doc = textwrap.dedent("\n".join((ast.get_docstring(module, clean=False) or "").split("\n")[1:])).split("\n")
    lines = [f"    {line}".rstrip() for line in doc if not _HEADER_FIELD.match(line)]
    while lines and not lines[-1].strip():
        lines.pop()
    out = "\n".join(lines).strip("\n")
    upgrade = next((node for node in module.body if isinstance(node, ast.FunctionDef) and node.name == "upgrade"), None)
    if upgrade is not None:  # its lines as written, comments (REVIEW, DESTRUCTIVE) included
        start = upgrade.lineno if upgrade.body[0].lineno == upgrade.lineno else upgrade.lineno + 1
        body = "\n".join(source.splitlines()[start - 1:upgrade.end_lineno])
        out += ("\n\n" if out else "") + "upgrade():\n" + textwrap.indent(textwrap.dedent(body), "    ")
    return ("\n" + out + "\n") if out.strip() else ""


def current(root: dict, verbose: bool = False, check_heads: bool = False,
            config_path=None, name=None, x=None, url=None) -> int:
    from still.runtime.migrate import Run

    cfg = config(root, config_path, name, x, url)
    run = Run(cfg)
    graph = run.graph
    if not graph.revisions:
        from still.cli.settings import missing_sqlite_file

        if missing_sqlite_file(run.url()) or not run.current():
            empty_history(graph, "at base")
            return 0
    rows, _, edited = _current_state(run)
    out = []
    for rev_id in rows:
        if rev_id not in graph.revisions:
            out.append(f"{rev_id} (unknown revision: no file defines it)")
        elif verbose:
            out.append(_verbose(graph, graph.revisions[rev_id]))
        else:
            out.append(f"{rev_id}{annotations(graph, rev_id)}")
    if out:
        sys.stdout.write("\n".join(out) + "\n")
    failed = False
    if check_heads and not graph.is_up_to_date(rows):
        print(f"not at head: database at {', '.join(rows) or '<base>'}, heads are {', '.join(graph.heads)}",
              file=sys.stderr)
        failed = True
    if check_heads and edited:
        print(f"{len(edited)} applied revision{'s' if len(edited) > 1 else ''} edited after "
              f"{'they were' if len(edited) > 1 else 'it was'} applied: {', '.join(r for r, _ in edited)}",
              file=sys.stderr)
        failed = True
    return 1 if failed else 0
