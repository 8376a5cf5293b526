"""The `still` command line. Every expected failure is one `error: ...` line and exit 2."""

from __future__ import annotations

import sys
from typing import Optional, Sequence


def main(argv: Optional[Sequence[str]] = None) -> None:
    import typer

    from still.cli.app import app
    from still.errors import StillError

    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    if debug:
        args.remove("--debug")
    try:
        code = app(args=args, prog_name="still", standalone_mode=False)
    except StillError as err:
        if debug:
            raise
        print(f"error: {err}", file=sys.stderr)
        code = err.exit_code
    except typer.Exit as err:
        code = err.exit_code
    except typer.Abort:
        print("error: aborted", file=sys.stderr)
        code = 2
    except typer.TyperException as err:  # usage errors: unknown option, bad value, ...
        ctx = getattr(err, "ctx", None)
        if type(err).__name__ == "NoArgsIsHelpError" and ctx is not None:
            print(ctx.get_help())
        else:
            where = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
            print(f"error: {err.format_message()}{where}", file=sys.stderr)
        code = 2
    sys.exit(code or 0)
