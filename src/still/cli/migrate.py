"""The migration commands: init, revision, upgrade, downgrade, current, history, heads,
branches, show, stamp, merge.

`heads`, `history`, `branches` and `show` read only file headers: they import neither
revision modules nor SQLAlchemy, so they stay fast on thousands of revisions.
"""

from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import Optional

import typer
from typing_extensions import Annotated

from still.cli.common import ConfigOpt, NameOpt, UrlOpt, XOpt, settings

QuietOpt = Annotated[bool, typer.Option("-q", "--quiet", help="Print nothing but errors.")]
SqlOpt = Annotated[bool, typer.Option("--sql", help="Write the SQL script instead of running it (no connection).")]
TagOpt = Annotated[Optional[str], typer.Option("--tag", help="An arbitrary tag, available to env.py hooks.")]
VerboseOpt = Annotated[bool, typer.Option("-v", "--verbose", help="Show every detail of each revision.")]


class Transaction(str, enum.Enum):
    per_revision = "per-revision"
    all = "all"


TransactionOpt = Annotated[Transaction, typer.Option(
    "--transaction", help="per-revision: each revision and its version row commit together; all: one transaction.")]


# Commands that only read revision files must work where the database URL's ${VAR} is
# unset (a developer writing a revision); an overriding URL keeps the file's from being read.
_NO_DATABASE = "sqlite://"


def _cfg(ctx, config=None, name=None, x=None, url=None, needs_url: bool = True):
    if not needs_url and not url and not (ctx.find_root().obj or {}).get("url"):
        url = _NO_DATABASE
    return settings(ctx, config, name, x, url)


def _quiet(ctx, quiet: bool) -> bool:
    root = ctx.find_root().obj or {}
    return quiet or bool(root.get("quiet"))


NO_REVISIONS = "there are no revision files yet: create one with 'still revision -m \"...\"'"


def _empty_history(graph, message: str) -> bool:
    """With no revision files, the reading commands and `upgrade/stamp head` have nothing to
    do: say so in one line (and touch no database)."""
    if graph.revisions:
        return False
    print(f"{message}: {NO_REVISIONS}", file=sys.stderr)
    return True


def _current_rows(run) -> tuple[str, ...]:
    """The database's version rows; a SQLite file that does not exist is an error saying
    what to do, rather than an empty file left behind by reading it."""
    _refuse_missing_sqlite(run)
    return run.current()


def _current_state(run) -> tuple[tuple[str, ...], list, list]:
    """The version rows, the applied-revisions log, and the applied revisions edited since
    they ran (each warned about on stderr)."""
    _refuse_missing_sqlite(run)
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
    return f"{rev.revision}{_annotations(graph, rev.revision)} {when}, {rev.message}"


def _refuse_missing_sqlite(run) -> None:
    from still.cli.common import missing_sqlite_file, no_database_yet
    from still.errors import StillError

    missing = missing_sqlite_file(run.url())
    if missing and run.hooked_engine() is None:  # env.py's connect() may reach it its own way
        raise StillError(no_database_yet(missing))


def _graph(cfg):
    from still.revisions import RevisionGraph

    return RevisionGraph.load(cfg.version_dirs())


def version_path_for(cfg, given: Optional[Path]) -> Path:
    """Where a new revision goes: `--version-path` (one of the version directories, as in
    Alembic, so the graph will read it back), else the first version directory."""
    dirs = cfg.version_dirs()
    if given is None:
        return dirs[0]
    from still.errors import StillError

    for directory in dirs:
        if directory.resolve() == given.expanduser().resolve():
            return directory
    where = f" in {cfg.source}" if cfg.source else ""
    raise StillError(f"--version-path {given} is not one of the version locations "
                     f"({', '.join(str(d) for d in dirs)}): add it to 'version_locations'{where}")


# -- progress -------------------------------------------------------------------------------

def _describe(step) -> str:
    rev = step.revision
    parents = ", ".join(rev.down_revisions) or "<base>"
    arrow = f"{parents} -> {rev.revision}" if step.direction == "up" else f"{rev.revision} -> {parents}"
    verb = "upgrade" if step.direction == "up" else "downgrade"
    return f"Running {verb} {arrow}" + (f", {rev.message}" if rev.message else "")


def _progress(quiet: bool):
    from still.runtime.migrate import Progress

    if quiet:
        return Progress()
    if sys.stderr.isatty():
        return _RichProgress().progress()
    return Progress(step=lambda step: print(_describe(step), file=sys.stderr, flush=True))


class _RichProgress:
    def progress(self):
        from still.runtime.migrate import Progress

        return Progress(start=self.start, step=self.step, done=self.done)

    def start(self, total: int) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                            TimeElapsedColumn(), console=Console(stderr=True), transient=False)
        self.task = self.bar.add_task("migrating", total=total)
        self.started = False
        self.bar.start()

    def step(self, step) -> None:
        if self.started:
            self.bar.advance(self.task)
        self.started = True
        self.bar.update(self.task, description=_describe(step)[:60])

    def done(self) -> None:
        if getattr(self, "bar", None) is not None:
            if self.started:
                self.bar.advance(self.task)
            self.bar.stop()


def _run(ctx, cfg, quiet: bool, tag: Optional[str] = None):
    from still.runtime.migrate import Run

    return Run(cfg, progress=_progress(quiet), tag=tag)


# -- init / revision / merge ------------------------------------------------------------------

ENV_PY = '''"""Hooks still calls for the migrations in this directory. Every hook is optional:
delete one to get still's default behaviour."""


def connect(url, x_args):
    """The Engine (or Connection) migrations run on; `x_args` holds the -x key=value
    options. Returning None uses still's own engine, which makes DDL transactional on
    SQLite and lets 'still current' read the version table without SQLAlchemy. To use
    your own, return e.g. sqlalchemy.create_engine(url, connect_args={...})."""
    return None


def target_metadata():
    """The MetaData that 'still generate' compares the database with; None uses the
    'metadata' setting of the configuration."""
    return None


def include_object(obj):
    """Return False to leave a table, column, index or constraint out of comparisons
    (plan, check, generate). `obj` has kind ("table", "column", "index", ...), name, table,
    schema, reflected (True: the database's side) and definition."""
    return True
'''


def init(ctx: typer.Context,
         directory: Annotated[Optional[Path], typer.Argument(
             help="Where the migrations live; with --from-alembic, the alembic.ini (default ./alembic.ini).")]
         = None,
         from_alembic: Annotated[bool, typer.Option(
             "--from-alembic", help="Take over the Alembic project of DIRECTORY (an alembic.ini): its "
                                    "revision files and version table stay as they are.")] = False,
         metadata: Annotated[Optional[str], typer.Option(
             "--metadata", help="With --from-alembic: the models' MetaData (package.module:attribute), "
                                "when env.py does not show it.")] = None,
         quiet: QuietOpt = False) -> None:
    """Create a migration environment: DIR/versions, DIR/env.py, DIR/script.py.tmpl and the config.
    With --from-alembic, write only the config that takes over an Alembic project."""
    if from_alembic:
        _init_from_alembic(ctx, directory, metadata, quiet)
        return
    if metadata is not None:
        from still.errors import StillError

        raise StillError("--metadata goes with --from-alembic; set 'metadata' in the config otherwise")
    if directory is None:
        from still.errors import StillError

        raise StillError("init needs a DIRECTORY for the migrations (e.g. 'still init migrations')")
    from still.errors import StillError
    from still.revisions import DEFAULT_TEMPLATE

    cwd = Path.cwd()
    target = directory if directory.is_absolute() else cwd / directory
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise StillError(f"{directory} already exists and is not empty: choose another directory")
    pyproject, still_toml = cwd / "pyproject.toml", cwd / "still.toml"
    if still_toml.exists():
        raise StillError(f"{still_toml.name} already exists: this project already has a still environment")
    location = directory.as_posix()
    settings_text = f'script_location = "{location}"\nurl = "${{DATABASE_URL}}"\n'
    if pyproject.exists():
        import tomllib

        text = pyproject.read_text(encoding="utf-8")
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as err:
            raise StillError(f"pyproject.toml: invalid TOML: {err}") from None
        if "still" in data.get("tool", {}):
            raise StillError("pyproject.toml already has a [tool.still] table: this project already has "
                             "a still environment")
    (target / "versions").mkdir(parents=True, exist_ok=True)
    (target / "env.py").write_text(ENV_PY, encoding="utf-8")
    (target / "script.py.tmpl").write_text(DEFAULT_TEMPLATE, encoding="utf-8")
    if pyproject.exists():
        separator = "" if text.endswith("\n") or not text else "\n"
        pyproject.write_text(text + separator + "\n[tool.still]\n" + settings_text, encoding="utf-8")
        written = "pyproject.toml [tool.still]"
    else:
        still_toml.write_text(settings_text, encoding="utf-8")
        written = "still.toml"
    if not _quiet(ctx, quiet):
        typer.echo(f"created {location}/versions, {location}/env.py, {location}/script.py.tmpl and {written}")
        typer.echo("next: set DATABASE_URL, then 'still revision -m \"first\"'")


def _init_from_alembic(ctx, ini_path: Optional[Path], metadata: Optional[str], quiet: bool) -> None:
    from still.adopt import find_ini, read_alembic
    from still.errors import StillError
    from still.revisions import RevisionGraph

    ini = find_ini(ini_path)
    target = ini.parent / "still.toml"
    if target.exists():
        raise StillError(f"{target} already exists: this project already has a still configuration")
    found = read_alembic(ini, metadata)
    text = found.toml()
    target.write_text(text, encoding="utf-8")
    if _quiet(ctx, quiet):
        return
    from still.config import Config

    cfg = Config(script_location=found.script_location, version_locations=found.version_locations,
                 source=str(target))
    graph = RevisionGraph.load(cfg.version_dirs())
    typer.echo(f"wrote {target} from {ini.name}: the revision files and {found.version_table} stay as they are")
    typer.echo(f"  revisions: {len(graph.revisions)} in {', '.join(str(d) for d in cfg.version_dirs())}; "
               f"heads: {', '.join(graph.heads) or 'none'}")
    typer.echo(f"  version table: {found.version_table}"
               + (f" in schema {found.version_table_schema}" if found.version_table_schema else ""))
    from still.db import mask

    typer.echo(f"  models: {found.metadata or 'not found'}; url: {mask(found.url) if found.url else found.url}")
    for note in found.notes:
        typer.echo(f"  check: {note}")
    typer.echo("next: 'still current', then 'still check' (Alembic keeps working on this database too)")


def depends_on_ids(graph, depends_on: Optional[list[str]]) -> tuple[str, ...]:
    """`--depends-on` targets as revision ids (a target that names nothing is kept as given)."""
    return tuple(graph.resolve(d)[0] if graph.resolve(d) else d for d in (depends_on or []))


def _template(cfg) -> Optional[Path]:
    path = Path(cfg.script_path()) / "script.py.tmpl"
    return path if path.is_file() else None


def revision(
    ctx: typer.Context,
    message: Annotated[str, typer.Option("-m", "--message", help="What the revision does.")] = "",
    head: Annotated[str, typer.Option("--head", help="The revision to build on (default: head; 'base' starts a new root).")] = "head",
    splice: Annotated[bool, typer.Option("--splice", help="Allow --head to name a revision that is not a head (starts a branch).")] = False,
    branch_label: Annotated[Optional[list[str]], typer.Option("--branch-label", help="A branch label for the new revision.")] = None,
    depends_on: Annotated[Optional[list[str]], typer.Option("--depends-on", help="A revision this one depends on (repeatable).")] = None,
    rev_id: Annotated[Optional[str], typer.Option("--rev-id", help="Use this id instead of a generated one.")] = None,
    version_path: Annotated[Optional[Path], typer.Option("--version-path", help="Directory to write the file into (one of 'version_locations').")] = None,
    autogenerate: Annotated[bool, typer.Option("--autogenerate", help="Compare the models and write the changes (same as 'still generate').")] = False,
    quiet: QuietOpt = False,
    config: ConfigOpt = None, name: NameOpt = None, x: XOpt = None, url: UrlOpt = None,
) -> None:
    """Create an empty revision file."""
    from still.errors import StillError
    from still.revisions import write_revision
    from still.revisions.ids import check_new_revision

    check_new_revision(rev_id, branch_label or ())

    if autogenerate:  # Alembic's spelling of `still generate`
        from still.cli.generate import generate

        if head != "head" or splice:
            raise StillError("--autogenerate writes on top of the head the database is at; "
                             "--head and --splice do not go with it")
        return generate(ctx, message=message, against=None, empty=False, rename=None, rev_id=rev_id,
                        version_path=version_path, branch_label=branch_label, depends_on=depends_on,
                        url=url, metadata=None, config=config, name=name, x=x)
    cfg = _cfg(ctx, config, name, x, url, needs_url=False)
    directory = version_path_for(cfg, version_path)
    graph = _graph(cfg)
    graph.check_new(rev_id, branch_label or ())
    if head == "base":
        parents: tuple[str, ...] = ()
    elif head == "head" and not graph.revisions:
        parents = ()
    else:
        parents = graph.resolve(head)
        for parent in parents:
            if parent not in graph.heads and not splice:
                raise StillError(f"revision {parent} is not a head: pass --splice to start a branch from it")
    path = write_revision(directory, message, head=parents, rev_id=rev_id, branch_labels=tuple(branch_label or ()),
                          depends_on=depends_on_ids(graph, depends_on), template=_template(cfg))
    if not _quiet(ctx, quiet):
        typer.echo(f"created {path}")


def merge(
    ctx: typer.Context,
    revisions: Annotated[list[str], typer.Argument(help="Revisions to merge (e.g. 'heads').")],
    message: Annotated[str, typer.Option("-m", "--message", help="What the merge is for.")] = "",
    branch_label: Annotated[Optional[list[str]], typer.Option("--branch-label", help="A branch label for the merge.")] = None,
    rev_id: Annotated[Optional[str], typer.Option("--rev-id", help="Use this id instead of a generated one.")] = None,
    quiet: QuietOpt = False,
    config: ConfigOpt = None, name: NameOpt = None, x: XOpt = None, url: UrlOpt = None,
) -> None:
    """Create a revision that joins several heads into one."""
    from still.errors import StillError
    from still.revisions import write_revision
    from still.revisions.ids import check_new_revision

    check_new_revision(rev_id, branch_label or ())

    cfg = _cfg(ctx, config, name, x, url, needs_url=False)
    graph = _graph(cfg)
    graph.check_new(rev_id, branch_label or ())
    parents: list[str] = []
    for target in revisions:
        for rev in graph.resolve(target):
            if rev not in parents:
                parents.append(rev)
    if len(parents) < 2:
        raise StillError(f"merge needs at least two revisions; {' '.join(revisions)} names "
                         f"{len(parents)}")
    path = write_revision(version_path_for(cfg, None), message, head=tuple(parents), rev_id=rev_id,
                          branch_labels=tuple(branch_label or ()), template=_template(cfg))
    if not _quiet(ctx, quiet):
        typer.echo(f"created {path}")


# -- running ------------------------------------------------------------------------------------

LockTimeoutOpt = Annotated[Optional[float], typer.Option(
    "--lock-timeout", metavar="SECONDS",
    help="How long to wait for another run's migration lock (default: lock_timeout, 300).")]


def _with_lock_timeout(cfg, seconds: Optional[float]):
    from still.errors import StillError

    if seconds is None:
        return cfg
    if seconds < 0:
        raise StillError(f"--lock-timeout must be 0 or more seconds, not {seconds:g}")
    return cfg.model_copy(update={"lock_timeout": seconds})


def upgrade(
    ctx: typer.Context,
    revision: Annotated[str, typer.Argument(help="Target: head, heads, an id, +N, branch@head; START:END with --sql.")],
    sql: SqlOpt = False, tag: TagOpt = None,
    transaction: TransactionOpt = Transaction.per_revision,
    lock_timeout: LockTimeoutOpt = None, quiet: QuietOpt = False,
    config: ConfigOpt = None, name: NameOpt = None, x: XOpt = None, url: UrlOpt = None,
) -> None:
    """Run revisions up to REVISION."""
    from still.revisions.ids import check_targets

    check_targets([revision])
    cfg = _cfg(ctx, config, name, x, url)
    cfg = _with_lock_timeout(cfg, lock_timeout)
    run = _run(ctx, cfg, _quiet(ctx, quiet), tag)
    if not sql and revision in ("head", "heads") and _empty_history(run.graph, "nothing to upgrade"):
        return
    count = run.upgrade(revision, sql=sql, transaction=transaction.value)
    if not sql and not _quiet(ctx, quiet) and count == 0:
        print("already up to date", file=sys.stderr)


def downgrade(
    ctx: typer.Context,
    revision: Annotated[str, typer.Argument(help="Target: -1, base, an id, branch@-1; START:END with --sql.")],
    sql: SqlOpt = False, tag: TagOpt = None,
    transaction: TransactionOpt = Transaction.per_revision,
    lock_timeout: LockTimeoutOpt = None, quiet: QuietOpt = False,
    config: ConfigOpt = None, name: NameOpt = None, x: XOpt = None, url: UrlOpt = None,
) -> None:
    """Revert revisions down to REVISION."""
    from still.revisions.ids import check_targets

    check_targets([revision])
    cfg = _cfg(ctx, config, name, x, url)
    cfg = _with_lock_timeout(cfg, lock_timeout)
    run = _run(ctx, cfg, _quiet(ctx, quiet), tag)
    if not sql:
        _refuse_missing_sqlite(run)  # nothing to take down there; do not leave an empty file
    count = run.downgrade(revision, sql=sql, transaction=transaction.value)
    if not sql and not _quiet(ctx, quiet) and count == 0:
        print("nothing to downgrade", file=sys.stderr)


def stamp(
    ctx: typer.Context,
    revisions: Annotated[list[str], typer.Argument(help="The revision(s) to mark the database as being at.")],
    sql: SqlOpt = False, purge: Annotated[bool, typer.Option("--purge", help="Clear the version table first.")] = False,
    lock_timeout: LockTimeoutOpt = None, quiet: QuietOpt = False,
    config: ConfigOpt = None, name: NameOpt = None, x: XOpt = None, url: UrlOpt = None,
) -> None:
    """Set the version table without running any revision."""
    from still.revisions.ids import check_targets

    check_targets(revisions)
    cfg = _cfg(ctx, config, name, x, url)
    cfg = _with_lock_timeout(cfg, lock_timeout)
    run = _run(ctx, cfg, _quiet(ctx, quiet))
    if not sql and set(revisions) <= {"head", "heads"} and _empty_history(run.graph, "nothing to stamp"):
        return
    delete, insert = run.stamp(revisions, sql=sql, purge=purge)
    if not sql and not _quiet(ctx, quiet):
        print(f"stamped: {', '.join(insert) or '(nothing added)'}"
              + (f"; removed {', '.join(delete)}" if delete else ""), file=sys.stderr)


# -- reading ------------------------------------------------------------------------------------

def _annotations(graph, rev_id: str) -> str:
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
    return f"{left} -> {rev.revision}{_annotations(graph, rev.revision)}{mark}, {rev.message}"


def _verbose(graph, rev, current: tuple[str, ...] = ()) -> str:
    lines = [f"Rev: {rev.revision}{_annotations(graph, rev.revision)}"
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


def heads(ctx: typer.Context, verbose: VerboseOpt = False,
          config: ConfigOpt = None, name: NameOpt = None, x: XOpt = None, url: UrlOpt = None) -> None:
    """Show the heads (revisions nothing revises yet)."""
    graph = _graph(_cfg(ctx, config, name, x, url, needs_url=False))
    if _empty_history(graph, "no heads"):
        return
    out = []
    for rev_id in graph.heads:
        rev = graph.revisions[rev_id]
        out.append(_verbose(graph, rev) if verbose else f"{rev_id}{_annotations(graph, rev_id)}")
    if out:
        sys.stdout.write("\n".join(out) + "\n")


def branches(ctx: typer.Context, verbose: VerboseOpt = False,
             config: ConfigOpt = None, name: NameOpt = None, x: XOpt = None, url: UrlOpt = None) -> None:
    """Show the branch points (revisions revised by more than one)."""
    graph = _graph(_cfg(ctx, config, name, x, url, needs_url=False))
    out = []
    for rev_id in graph.topological():
        children = graph.children(rev_id)
        if len(children) < 2:
            continue
        rev = graph.revisions[rev_id]
        out.append(_verbose(graph, rev) if verbose else f"{rev_id}{_annotations(graph, rev_id)}, {rev.message}")
        for child in children:
            out.append(f"  -> {child}{_annotations(graph, child)}, {graph.revisions[child].message}")
    if out:
        sys.stdout.write("\n".join(out) + "\n")


def history(
    ctx: typer.Context,
    rev_range: Annotated[Optional[str], typer.Option("-r", "--rev-range", help="START:END (either may be left out).")] = None,
    verbose: VerboseOpt = False,
    indicate_current: Annotated[bool, typer.Option("-i", "--indicate-current", help="Mark the database's current revisions.")] = False,
    applied: Annotated[bool, typer.Option("--applied", help="Only the applied revisions, each with when it ran (from the applied-revisions log).")] = False,
    config: ConfigOpt = None, name: NameOpt = None, x: XOpt = None, url: UrlOpt = None,
) -> None:
    """List revisions, newest first."""
    import re

    from still.revisions.targets import history_range

    reads_db = applied or indicate_current or "current" in (rev_range or "") \
        or bool(re.search(r"@[+-]", rev_range or ""))
    cfg = _cfg(ctx, config, name, x, url, needs_url=reads_db)
    graph = _graph(cfg)
    if _empty_history(graph, "no history"):
        return
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
        return
    out = [(_verbose(graph, r, marked) if verbose else _line(graph, r, marked)) for r in revs]
    if out:
        sys.stdout.write("\n".join(out) + "\n")


def show(ctx: typer.Context, revision: Annotated[str, typer.Argument(help="A revision (id, prefix, head, label).")],
         config: ConfigOpt = None, name: NameOpt = None, x: XOpt = None, url: UrlOpt = None) -> None:
    """Show one revision in full; `current` shows the revision(s) the database is at."""
    import re

    from still.revisions.ids import check_targets

    check_targets([revision])

    reads_db = bool(re.match(r"^current([+-]\d+)?$", revision))
    cfg = _cfg(ctx, config, name, x, url, needs_url=reads_db)
    graph = _graph(cfg)
    if revision in ("head", "heads") and _empty_history(graph, f"nothing to show for {revision!r}"):
        return
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
        sys.stdout.write(_verbose(graph, graph.revisions[rev_id]))
    if not ids:
        sys.stdout.write("<base>\n")


def current(ctx: typer.Context, verbose: VerboseOpt = False,
            check_heads: Annotated[bool, typer.Option("--check-heads", help="Exit 1 unless the database is at every head and no applied revision was edited since it ran.")] = False,
            config: ConfigOpt = None, name: NameOpt = None, x: XOpt = None, url: UrlOpt = None) -> None:
    """Show the revision(s) the database is at."""
    from still.runtime.migrate import Run

    cfg = _cfg(ctx, config, name, x, url)
    run = Run(cfg)
    graph = run.graph
    if not graph.revisions:
        from still.cli.common import missing_sqlite_file

        if missing_sqlite_file(run.url()) or not run.current():
            _empty_history(graph, "at base")
            return
    rows, _, edited = _current_state(run)
    out = []
    for rev_id in rows:
        if rev_id not in graph.revisions:
            out.append(f"{rev_id} (unknown revision: no file defines it)")
        elif verbose:
            out.append(_verbose(graph, graph.revisions[rev_id]))
        else:
            out.append(f"{rev_id}{_annotations(graph, rev_id)}")
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
    if failed:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    # targets such as -1 must not be taken for options
    targets = {"context_settings": {"ignore_unknown_options": True}}
    for command in (init, revision, current, history, heads, branches, merge):
        app.command(command.__name__)(command)
    for command in (upgrade, downgrade, show, stamp):
        app.command(command.__name__, **targets)(command)
