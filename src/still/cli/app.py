"""The typer application; each command group lives in its own module and imports lazily."""

import typer

from still.cli.common import ConfigOpt, NameOpt, UrlOpt, XOpt, remember

app = typer.Typer(
    name="still",
    help="Declarative state-diff schema migrations for SQLAlchemy.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        from still import __version__

        typer.echo(f"still {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    ctx: typer.Context,
    config: ConfigOpt = None,
    name: NameOpt = None,
    x: XOpt = None,
    url: UrlOpt = None,
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Print the version and exit."),
    quiet: bool = typer.Option(False, "-q", "--quiet", help="Print nothing but errors."),
    debug: bool = typer.Option(False, "--debug", help="Show the traceback of an error (given anywhere on the line)."),
) -> None:
    """Declarative state-diff schema migrations for SQLAlchemy. Add --debug for tracebacks."""
    remember(ctx, config, name, x, url)
    ctx.obj["quiet"] = quiet


from still.cli import plan as _plan  # noqa: E402  (each module registers its commands)
from still.cli import snapshot as _snapshot  # noqa: E402

_snapshot.register(app)
_plan.register(app)
from still.cli import generate as _generate  # noqa: E402
from still.cli import migrate as _migrate  # noqa: E402

_migrate.register(app)
_generate.register(app)
from still.cli import lint as _lint  # noqa: E402

_lint.register(app)
from still.cli.examples import add_to as _add_examples  # noqa: E402

_add_examples(app)
