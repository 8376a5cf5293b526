"""`still lint`: what the revision files would do to a live database. Read-only, no database."""

from __future__ import annotations

import enum
from typing import Optional

import typer
from typing_extensions import Annotated

from still.cli import linting
from still.cli.common import ConfigOpt, NameOpt, UrlOpt, XOpt, exit_with, root_options


class LintFormat(str, enum.Enum):
    text = "text"
    json = "json"
    github = "github"


class LintFailOn(str, enum.Enum):
    info = "info"
    warning = "warning"
    danger = "danger"


def lint(
    ctx: typer.Context,
    revisions: Annotated[Optional[list[str]], typer.Argument(
        metavar="REVISION", help="Revision ids (or unique prefixes) or files; default: all.")] = None,
    fmt: Annotated[LintFormat, typer.Option("--format", help="text, json or github")] = LintFormat.text,
    fail_on: Annotated[LintFailOn, typer.Option(
        "--fail-on", help="Exit 1 on findings of this severity or worse.")] = LintFailOn.warning,
    url: UrlOpt = None, config: ConfigOpt = None, name: NameOpt = None, x: XOpt = None,
) -> None:
    """Report what each revision would do to a live database: locks that stop the application,
    table scans and rewrites, renames and drops that break running code. Replays the files;
    needs no database.
    """
    exit_with(linting.lint(root_options(ctx), revisions, fmt.value, fail_on.value, url, config, name, x))


def register(app: typer.Typer) -> None:
    app.command("lint")(lint)
