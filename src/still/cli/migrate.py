"""The migration commands: init, revision, upgrade, downgrade, current, history, heads,
branches, show, stamp, merge.

The reading commands (current, history, heads, branches, show) only parse their options
here: their work is in still.cli.reading, which still.cli.fast also calls without typer.
"""

from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import Optional

import typer
from typing_extensions import Annotated

from still.cli import reading, running  # the commands' work, typer-free (the fast path calls it too)
from still.cli.common import ConfigOpt, NameOpt, UrlOpt, XOpt, exit_with, root_options
from still.cli.reading import empty_history as _empty_history
from still.cli.reading import graph_of as _graph

QuietOpt = Annotated[bool, typer.Option("-q", "--quiet", help="Print nothing but errors.")]
SqlOpt = Annotated[bool, typer.Option("--sql", help="Write the SQL script instead of running it (no connection).")]
TagOpt = Annotated[Optional[str], typer.Option("--tag", help="An arbitrary tag, available to env.py hooks.")]
VerboseOpt = Annotated[bool, typer.Option("-v", "--verbose", help="Show every detail of each revision.")]


class Transaction(str, enum.Enum):  # still.cli.running.TRANSACTIONS
    per_revision = "per-revision"
    all = "all"


TransactionOpt = Annotated[Transaction, typer.Option(
    "--transaction", help="per-revision: each revision and its version row commit together; all: one transaction.")]


def _cfg(ctx, config=None, name=None, x=None, url=None, needs_url: bool = True):
    return reading.config(root_options(ctx), config, name, x, url, needs_url)


def _quiet(ctx, quiet: bool) -> bool:
    root = root_options(ctx)
    return quiet or bool(root.get("quiet"))


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
    settings_text = (f'script_location = "{location}"\nurl = "${{DATABASE_URL}}"\n'
                     '# metadata = "myapp.models:Base"   # your models (MetaData or declarative base): '
                     'generate, plan and check read them\n')
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
        for step in _next_steps(written):
            typer.echo(step)


def _next_steps(config_file: str) -> list[str]:
    """What is actually missing after init, then the command to run."""
    import os

    steps = [f"next: set metadata in {config_file} to your models (e.g. metadata = \"myapp.models:Base\")"]
    if not os.environ.get("DATABASE_URL"):
        steps.append("      export DATABASE_URL (e.g. sqlite:///app.db or postgresql+psycopg://user@host/db)")
    steps.append("      then: still generate -m \"first\"   (or write one by hand: still revision -m \"first\")")
    return steps


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

    loaded = f" (loaded by {', '.join(found.metadata_loader)})" if found.metadata and found.metadata_loader else ""
    typer.echo(f"  models: {found.metadata or 'not found'}{loaded}; url: {mask(found.url) if found.url else found.url}")
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


def upgrade(
    ctx: typer.Context,
    revision: Annotated[str, typer.Argument(help="Target: head, heads, an id, +N, branch@head; START:END with --sql.")],
    sql: SqlOpt = False, tag: TagOpt = None,
    transaction: TransactionOpt = Transaction.per_revision,
    lock_timeout: LockTimeoutOpt = None, quiet: QuietOpt = False,
    config: ConfigOpt = None, name: NameOpt = None, x: XOpt = None, url: UrlOpt = None,
) -> None:
    """Run revisions up to REVISION."""
    exit_with(running.upgrade(root_options(ctx), revision, sql, tag, transaction.value, lock_timeout, quiet,
                          config, name, x, url))


def downgrade(
    ctx: typer.Context,
    revision: Annotated[str, typer.Argument(help="Target: -1, base, an id, branch@-1; START:END with --sql.")],
    sql: SqlOpt = False, tag: TagOpt = None,
    transaction: TransactionOpt = Transaction.per_revision,
    lock_timeout: LockTimeoutOpt = None, quiet: QuietOpt = False,
    config: ConfigOpt = None, name: NameOpt = None, x: XOpt = None, url: UrlOpt = None,
) -> None:
    """Revert revisions down to REVISION."""
    exit_with(running.downgrade(root_options(ctx), revision, sql, tag, transaction.value, lock_timeout, quiet,
                            config, name, x, url))


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
    run = running.make_run(root_options(ctx), config, name, x, url, lock_timeout, _quiet(ctx, quiet))
    if not sql and set(revisions) <= {"head", "heads"} and _empty_history(run.graph, "nothing to stamp"):
        return
    delete, insert = run.stamp(revisions, sql=sql, purge=purge)
    if not sql and not _quiet(ctx, quiet):
        print(f"stamped: {', '.join(insert) or '(nothing added)'}"
              + (f"; removed {', '.join(delete)}" if delete else ""), file=sys.stderr)


# -- reading (the work is in still.cli.reading, which the fast path calls too) ----------------


def heads(ctx: typer.Context, verbose: VerboseOpt = False,
          config: ConfigOpt = None, name: NameOpt = None, x: XOpt = None, url: UrlOpt = None) -> None:
    """Show the heads (revisions nothing revises yet)."""
    exit_with(reading.heads(root_options(ctx), verbose, config, name, x, url))


def branches(ctx: typer.Context, verbose: VerboseOpt = False,
             config: ConfigOpt = None, name: NameOpt = None, x: XOpt = None, url: UrlOpt = None) -> None:
    """Show the branch points (revisions revised by more than one)."""
    exit_with(reading.branches(root_options(ctx), verbose, config, name, x, url))


def history(
    ctx: typer.Context,
    rev_range: Annotated[Optional[str], typer.Option("-r", "--rev-range", help="START:END (either may be left out).")] = None,
    verbose: VerboseOpt = False,
    indicate_current: Annotated[bool, typer.Option("-i", "--indicate-current", help="Mark the database's current revisions.")] = False,
    applied: Annotated[bool, typer.Option("--applied", help="Only the applied revisions, each with when it ran (from the applied-revisions log).")] = False,
    config: ConfigOpt = None, name: NameOpt = None, x: XOpt = None, url: UrlOpt = None,
) -> None:
    """List revisions, newest first."""
    exit_with(reading.history(root_options(ctx), rev_range, verbose, indicate_current, applied, config, name, x, url))


def show(ctx: typer.Context, revision: Annotated[str, typer.Argument(help="A revision (id, prefix, head, label).")],
         config: ConfigOpt = None, name: NameOpt = None, x: XOpt = None, url: UrlOpt = None) -> None:
    """Show one revision in full; `current` shows the revision(s) the database is at."""
    exit_with(reading.show(root_options(ctx), revision, config, name, x, url))


def current(ctx: typer.Context, verbose: VerboseOpt = False,
            check_heads: Annotated[bool, typer.Option("--check-heads", help="Exit 1 unless the database is at every head and no applied revision was edited since it ran.")] = False,
            config: ConfigOpt = None, name: NameOpt = None, x: XOpt = None, url: UrlOpt = None) -> None:
    """Show the revision(s) the database is at."""
    exit_with(reading.current(root_options(ctx), verbose, check_heads, config, name, x, url))


def register(app: typer.Typer) -> None:
    # targets such as -1 must not be taken for options
    targets = {"context_settings": {"ignore_unknown_options": True}}
    for command in (init, revision, current, history, heads, branches, merge):
        app.command(command.__name__)(command)
    for command in (upgrade, downgrade, show, stamp):
        app.command(command.__name__, **targets)(command)
