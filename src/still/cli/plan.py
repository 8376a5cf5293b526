"""`still plan` (preview the changes) and `still check` (fail CI on drift). Both read-only."""

from __future__ import annotations

import enum
from typing import Optional

import typer
from typing_extensions import Annotated

from still.cli.common import ConfigOpt, MetadataOpt, NameOpt, UrlOpt, XOpt, require, settings


class PlanFormat(str, enum.Enum):
    text = "text"
    json = "json"


class CheckFormat(str, enum.Enum):
    text = "text"
    json = "json"
    github = "github"


class CheckAgainst(str, enum.Enum):
    db = "db"
    history = "history"


class FailOn(str, enum.Enum):
    warning = "warning"
    danger = "danger"


RenameOpt = Annotated[Optional[list[str]], typer.Option(
    "--rename", help="Declare a rename: OLD=NEW for a table, TABLE.OLD=NEW for a column (repeatable).")]


def models(cfg, explicit: Optional[str], hooks=None):
    """The MetaData to compare with: --metadata, else env.py's target_metadata(), else the
    `metadata` setting."""
    from still.metadata import load_metadata
    from still.runtime.env import hooked_metadata, project_hooks

    hooked = hooked_metadata(hooks or project_hooks(cfg), explicit)
    return hooked if hooked is not None else load_metadata(require(cfg, "metadata", "--metadata"))


def check_renames(result, renames: Optional[list[str]]) -> None:
    """Each `--rename` must name what is there: OLD in the current state, NEW in the models
    (a typo would otherwise be ignored and the plan would drop and add)."""
    from still.errors import StillError

    current, target = result.current, result.target
    schema = target.default_schema

    def tables(snap):
        return snap.schemas[schema].tables if schema in snap.schemas else {}

    table_renames = {new: old for old, _, new in (i.partition("=") for i in renames or []) if "." not in old}
    for item in renames or []:
        old, _, new = item.partition("=")
        if "." not in old:
            if old not in tables(current):
                raise StillError(f"--rename {item}: there is no table {old!r} in the current schema")
            if new not in tables(target):
                raise StillError(f"--rename {item}: there is no table {new!r} in the models")
            continue
        table, _, old_col = old.rpartition(".")
        now = tables(current).get(table_renames.get(table, table)) or tables(current).get(table)
        want = tables(target).get(table)
        if now is None or want is None:
            raise StillError(f"--rename {item}: there is no table {table!r} in both the current schema and the models")
        if old_col not in {c.name for c in now.columns}:
            raise StillError(f"--rename {item}: table {table!r} has no column {old_col!r} now")
        if new not in {c.name for c in want.columns}:
            raise StillError(f"--rename {item}: table {table!r} has no column {new!r} in the models")


def _compare(cfg, renames, explicit_metadata: Optional[str] = None, missing_is_empty: bool = False):
    """The database against the models. A SQLite file that does not exist yet is, with
    `missing_is_empty` (plan), an empty database, compared without creating the file;
    otherwise (check) an error saying to create it."""
    import sys

    from still.cli.common import missing_sqlite_file, no_database_yet
    from still.compare import compare
    from still.db import connected, open_engine
    from still.errors import StillError
    from still.runtime.env import project_hooks

    hooks = project_hooks(cfg)
    metadata = models(cfg, explicit_metadata, hooks)
    url = require(cfg, "url", "--url")
    target = hooks.connect(url, dict(cfg.x)) if hooks.connect is not None else None
    missing = missing_sqlite_file(url) if target is None else None
    if missing and not missing_is_empty:
        raise StillError(no_database_yet(missing))
    if missing:
        print(f"note: the database file {missing} does not exist yet: planning against an empty "
              f"database", file=sys.stderr)
        url = "sqlite://"
    with connected(target if target is not None else open_engine(url)) as conn:
        result = compare(conn, metadata, cfg.schemas, cfg.excludes, cfg.version_table, renames or [],
                         include=hooks.include_object, log_table=cfg.log_table_name())
        dialect = conn.dialect
        conn.rollback()
    check_renames(result, renames)
    return result, dialect


def _statements(result, dialect) -> list[str]:
    from still.ops.ddl import plan_statements

    return [sql for _, stmts in plan_statements(result.plan, result.current, dialect) for sql in stmts]


def _report(cfg, result, dialect, statements):
    from still.db import mask
    from still.plan import PlanReport

    return PlanReport(dialect=dialect.name, url=mask(cfg.url), drift=not result.plan.empty,
                      operations=result.plan.operations, findings=result.plan.findings,
                      statements=tuple(statements))


def plan(
    ctx: typer.Context,
    fmt: Annotated[PlanFormat, typer.Option("--format", help="text or json")] = PlanFormat.text,
    sql: Annotated[bool, typer.Option("--sql", help="Also print the DDL that would run.")] = False,
    rename: RenameOpt = None,
    url: UrlOpt = None, metadata: MetadataOpt = None, config: ConfigOpt = None, name: NameOpt = None,
    x: XOpt = None,
) -> None:
    """Show what it takes to bring the database to the models. Changes nothing."""
    cfg = settings(ctx, config, name, x, url, metadata)
    result, dialect = _compare(cfg, rename, metadata, missing_is_empty=True)
    statements = _statements(result, dialect) if sql else []
    if fmt is PlanFormat.json:
        typer.echo(_report(cfg, result, dialect, statements).model_dump_json(indent=2))
        return
    from rich.console import Console

    from still.cli.plan_view import print_plan

    print_plan(result.plan, Console(), statements)


def check(
    ctx: typer.Context,
    fmt: Annotated[CheckFormat, typer.Option("--format", help="text, json or github")] = CheckFormat.text,
    fail_on: Annotated[Optional[FailOn], typer.Option(
        "--fail-on", help="Also fail on findings of this severity or worse.")] = None,
    against: Annotated[CheckAgainst, typer.Option(
        "--against", help="db (the live database) or history (the revision files replayed; no database).")]
        = CheckAgainst.db,
    url: UrlOpt = None, metadata: MetadataOpt = None, config: ConfigOpt = None, name: NameOpt = None,
    x: XOpt = None,
) -> None:
    """Exit 0 when the database matches the models, 1 on drift, 2 on error. Changes nothing."""
    from still.cli.plan_view import fails, github_annotations, print_plan

    cfg = settings(ctx, config, name, x, url, metadata)
    if against is CheckAgainst.history:
        from still.cli.generate import Against, current_state
        from still.runtime.migrate import Run

        run = Run(cfg)
        result, _ = current_state(cfg, run, Against.history, models(cfg, metadata), [])
        dialect = run.offline_dialect()
    else:
        result, dialect = _compare(cfg, [], metadata)
    failing = fails(result.plan, fail_on.value if fail_on else None)
    if fmt is CheckFormat.json:
        typer.echo(_report(cfg, result, dialect, []).model_dump_json(indent=2))
    elif fmt is CheckFormat.github:
        for line in github_annotations(result.plan):
            typer.echo(line)
    else:
        from rich.console import Console

        print_plan(result.plan, Console())
    raise typer.Exit(1 if failing else 0)


def register(app: typer.Typer) -> None:
    app.command("plan")(plan)
    app.command("check")(check)
