"""`still plan` (preview the changes) and `still check` (fail CI on drift). Both read-only."""

from __future__ import annotations

import enum
from typing import Optional

import typer
from typing_extensions import Annotated

from still.cli import planning  # the commands' work, typer-free (the fast path calls it too)
from still.cli.common import ConfigOpt, MetadataOpt, NameOpt, UrlOpt, XOpt, exit_with, root_options


class PlanFormat(str, enum.Enum):  # the values still.cli.planning.PLAN_FORMATS lists
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


FromOpt = Annotated[Optional[str], typer.Option(
    "--from", metavar="SOURCE", help="The state to start from: db (the configured database; default), a database URL, a snapshot "
                   "file (still snapshot --out), models, package.module:attribute, history, history@REV or empty.")]
ToOpt = Annotated[Optional[str], typer.Option(
    "--to", metavar="SOURCE", help="The state to reach: models (default), or any source --from takes. The SQL is for --from's "
                 "dialect; two dialects are never compared.")]

RenameOpt = Annotated[Optional[list[str]], typer.Option(
    "--rename", help="Declare a rename: OLD=NEW for a table, TABLE.OLD=NEW for a column (repeatable).")]


def plan(
    ctx: typer.Context,
    fmt: Annotated[PlanFormat, typer.Option("--format", help="text or json")] = PlanFormat.text,
    sql: Annotated[bool, typer.Option("--sql", help="Also print the DDL that would run.")] = False,
    rename: RenameOpt = None, from_: FromOpt = None, to: ToOpt = None,
    url: UrlOpt = None, metadata: MetadataOpt = None, config: ConfigOpt = None, name: NameOpt = None,
    x: XOpt = None,
) -> None:
    """Show what it takes to bring the database (or --from) to the models (or --to). Changes nothing."""
    exit_with(planning.plan(root_options(ctx), fmt.value, sql, rename, url, metadata, config, name, x, from_, to))


def check(
    ctx: typer.Context,
    fmt: Annotated[CheckFormat, typer.Option("--format", help="text, json or github")] = CheckFormat.text,
    fail_on: Annotated[Optional[FailOn], typer.Option(
        "--fail-on", help="Also fail on findings of this severity or worse.")] = None,
    against: Annotated[CheckAgainst, typer.Option(
        "--against", help="The older spelling of --from: db or history (the revision files replayed; "
                          "no database).")] = CheckAgainst.db,
    from_: FromOpt = None, to: ToOpt = None,
    lint: Annotated[bool, typer.Option(
        "--lint", help="Also lint the revision files (see `still lint`); their findings fail too.")] = False,
    url: UrlOpt = None, metadata: MetadataOpt = None, config: ConfigOpt = None, name: NameOpt = None,
    x: XOpt = None,
) -> None:
    """Exit 0 when the database (or --from) matches the models (or --to), 1 on drift, 2 on error.
    Changes nothing."""
    exit_with(planning.check(root_options(ctx), fmt.value, fail_on.value if fail_on else None, against.value,
                             url, metadata, config, name, x, lint, from_, to))



def register(app: typer.Typer) -> None:
    app.command("plan")(plan)
    app.command("check")(check)
