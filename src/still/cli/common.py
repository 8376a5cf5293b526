"""Options every database command shares (-c/-n/-x/--url/--metadata), given before the
command (`still -c app.toml plan`) or after it (`still plan -c app.toml`)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from typing_extensions import Annotated

from still.cli.settings import missing_sqlite_file, no_database_yet, plural, require  # noqa: F401  (imported from here too)

ConfigOpt = Annotated[Optional[Path], typer.Option("-c", "--config", help="Config file (default: still.toml or pyproject.toml [tool.still], searched upwards; $STILL_CONFIG).")]
NameOpt = Annotated[Optional[str], typer.Option("-n", "--name", help="Named database section of the config.")]
XOpt = Annotated[Optional[list[str]], typer.Option("-x", help="key=value passed to the environment hooks (repeatable).")]
UrlOpt = Annotated[Optional[str], typer.Option("--url", help="Database URL (overrides the config; $STILL_DATABASE_URL).")]
MetadataOpt = Annotated[Optional[str], typer.Option("--metadata", help="Models as 'package.module:attribute'.")]


def remember(ctx: typer.Context, config, name, x, url) -> None:
    """Called by the root callback: keep the options given before the command."""
    ctx.obj = {"config": config, "name": name, "x": x or [], "url": url}


def settings(ctx: typer.Context, config=None, name=None, x=None, url=None, metadata=None):
    """The Config for this run: command-level options win over root-level ones."""
    from still.cli.settings import config_for

    return config_for((ctx.find_root().obj or {}) if ctx else {}, config, name, x, url, metadata)


def root_options(ctx: typer.Context) -> dict:
    """The options given before the command (the root callback keeps them)."""
    return ctx.find_root().obj or {}


def exit_with(code: int) -> None:
    """End a typer command with the exit code its typer-free work returned."""
    if code:
        raise typer.Exit(code)
