"""`still generate`: write the difference between two states as a reviewable revision
file. The revision follows the heads of the history, so the state it starts from
(`--from`) is the configured database (`db`, which must be at head) or the revision files
replayed without a database (`history`); anything else would give the revision a
down_revision that does not describe where it starts. The state it leads to (`--to`) is
the models by default, or any source (a database URL, a snapshot file, `empty`, ...).
`--against db|history` is the older spelling of `--from`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer
from typing_extensions import Annotated

from still.cli.common import ConfigOpt, MetadataOpt, NameOpt, UrlOpt, XOpt, root_options, settings
from still.cli.planning import Against
from still.collector import paused_gc


RenameOpt = Annotated[Optional[list[str]], typer.Option(
    "--rename", help="Declare a rename: OLD=NEW for a table, TABLE.OLD=NEW for a column (repeatable).")]


def _ask_renames(result, renames: list[str]) -> tuple[list[str], list[str]]:
    """On a terminal, ask about each possible rename; elsewhere keep drop + add. Returns the
    renames (given and accepted) and the suggestions answered no."""
    if not sys.stdin.isatty():
        return renames, []
    asked, declined = [], []
    for finding in result.plan.findings:
        suggestion = _suggestion(finding)
        if suggestion and finding.code.value.startswith("possible-"):
            if typer.confirm(f"{finding.message.split(';')[0]}. Is it a rename ({suggestion})?", default=False):
                asked.append(suggestion)
            else:
                declined.append(suggestion)
    return renames + asked, declined


def _message(message: str) -> str:
    """The revision's message: asked on a terminal when -m was not given, required elsewhere
    (an empty message names the file `<id>_.py` and tells a reviewer nothing)."""
    if message.strip():
        return message
    if sys.stdin.isatty():
        return typer.prompt("What does this revision do? (its message)")
    from still.errors import StillError

    raise StillError('generate needs a message: still generate -m "what it does"')


def _suggestion(finding):
    return finding.message.rpartition("--rename ")[2] if "--rename " in finding.message else None


def _answered(plan, declined: list[str]):
    """The plan with the rename findings answered no saying so, instead of how to declare one."""
    if not declined:
        return plan
    findings = tuple(
        f.model_copy(update={"message": f.message.split("; if it is a rename")[0]
                             + "; answered: not a rename, so the old one is dropped with its data"})
        if _suggestion(f) in declined else f for f in plan.findings)
    return plan.model_copy(update={"findings": findings})


@paused_gc()  # the models' import and the comparison: see still.collector
def generate(
    ctx: typer.Context,
    message: Annotated[str, typer.Option("-m", "--message", help="What the revision does.")] = "",
    against: Annotated[Optional[Against], typer.Option(
        "--against", help="The older spelling of --from: db or history.")] = None,
    from_: Annotated[Optional[str], typer.Option(
        "--from", metavar="SOURCE", help="The state the revision starts from: db (the configured database, at head) or history "
                       "(the revision files replayed; no database). Default: db when a URL is configured.")] = None,
    to: Annotated[Optional[str], typer.Option(
        "--to", metavar="SOURCE", help="The state it leads to: models (default), package.module:attribute, a database URL, "
                     "a snapshot file or empty.")] = None,
    empty: Annotated[bool, typer.Option("--empty", help="Write a revision even when nothing changed.")] = False,
    rename: RenameOpt = None,
    rev_id: Annotated[Optional[str], typer.Option("--rev-id", help="Use this id instead of a generated one.")] = None,
    version_path: Annotated[Optional[Path], typer.Option("--version-path", help="Directory to write the file into (one of 'version_locations').")] = None,
    branch_label: Annotated[Optional[list[str]], typer.Option("--branch-label", help="A branch label for the new revision.")] = None,
    depends_on: Annotated[Optional[list[str]], typer.Option("--depends-on", help="A revision this one depends on (repeatable).")] = None,
    lint: Annotated[bool, typer.Option(
        "--lint", help="Then lint the new revision (see `still lint`) and print its findings.")] = False,
    url: UrlOpt = None, metadata: MetadataOpt = None, config: ConfigOpt = None, name: NameOpt = None,
    x: XOpt = None,
) -> None:
    """Write a revision file with the changes from the current state to the models."""
    from still.render import function_body, render_plan
    from still.revisions import write_revision
    from still.revisions.ids import check_new_revision
    from still.runtime.migrate import Run

    check_new_revision(rev_id, branch_label or ())  # before the database is read
    message = _message(message)
    cfg = settings(ctx, config, name, x, url, metadata)
    from_ = _start(cfg, against, from_)
    from still.cli.migrate import depends_on_ids, version_path_for

    directory = version_path_for(cfg, version_path)  # a wrong --version-path fails before any work
    run = Run(cfg)
    run.graph.check_new(rev_id, branch_label or ())
    dependencies = depends_on_ids(run.graph, depends_on)
    compared = _compared(cfg, from_, to, metadata, rename)
    renames, declined = _ask_renames(compared.result, list(rename or []))
    if renames != list(rename or []):
        compared = _compared(cfg, from_, to, metadata, renames)
    result, heads = compared.result, compared.heads
    from still.diff.safe_forms import safe_forms

    plan = safe_forms(_answered(result.plan, declined), compared.dialect.name, cfg.safe_forms)
    if plan.empty and not empty:
        typer.echo(f"No changes: {_named(to, 'the models')} match{'' if to is None else 'es'} "
                   f"{'the database' if from_.kind == 'db' else 'the revision history'}; nothing written.")
        return
    if len(heads) > 1:
        from still.errors import StillError

        raise StillError(f"multiple heads ({', '.join(heads)}): merge them first with 'still merge heads'")
    from still.cli.safety import constraint_forms

    # the --from side's dialect: a live database's knows its server (safe forms differ before
    # PostgreSQL 12); the history's is the configured postgresql_version's
    rewrite = constraint_forms(cfg, compared.dialect)
    rendered = render_plan(plan, compared.dialect.name, (result.current, result.target), rewrite)
    template = Path(cfg.script_path()) / "script.py.tmpl"
    path = write_revision(directory, message, head=heads, rev_id=rev_id,
                          branch_labels=tuple(branch_label or ()), depends_on=dependencies,
                          template=template if template.is_file() else None,
                          upgrade_body=function_body(rendered.upgrade),
                          downgrade_body=function_body(rendered.downgrade), imports=rendered.imports,
                          summary=rendered.summary)
    typer.echo(f"created {path}")
    from still.cli.plan_view import print_plan

    print_plan(rewrite(plan, result.current) if rewrite else plan)
    if lint:  # what the new file would do to a live database; informational: it is written
        from still.cli.linting import lint as run_lint

        run_lint(root_options(ctx), [str(path)], "text", "warning", url, config, name, x)


def _start(cfg, against: Optional[Against], given: Optional[str]):
    """The --from source of a revision: the database at head or the history, nothing else."""
    from still.cli.planning import against_alias
    from still.errors import StillError
    from still.sources import parse_source

    text = against_alias(against.value if against else None, given)
    if text is None:
        text = "db" if cfg.url else "history"
    source = parse_source(text, "--from", None)
    if source.kind not in ("db", "history") or source.value is not None:
        raise StillError(f"generate --from {source.label()}: a revision follows the heads of the history, so it "
                         f"starts from the database at head (--from db) or the history (--from history); to "
                         f"compare other states use 'still plan --from ... --to ...'")
    return source


def _compared(cfg, start, to: Optional[str], metadata: Optional[str], renames):
    from still.cli.planning import check_renames
    from still.sources import MODELS, compare_sources, parse_source

    compared = compare_sources(cfg, start, parse_source(to, "--to", MODELS), renames, metadata,
                               for_revision=True)
    check_renames(compared.result, renames)
    return compared


def _named(to: Optional[str], default: str) -> str:
    from still.db import mask

    return default if to is None else mask(to)


def register(app: typer.Typer) -> None:
    app.command("generate")(generate)
