"""The `still` command line. Every expected failure is one `error: ...` line and exit 2."""

from __future__ import annotations

import sys
from typing import Optional, Sequence


def main(argv: Optional[Sequence[str]] = None) -> None:
    from still.cli.fast import fast_command
    from still.errors import StillError

    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    if debug:
        args.remove("--debug")
    _state.update(interrupted=False, said=False)
    _remember_urls(args)
    _notice_interrupts()
    fast = fast_command(args)  # most lines run without typer (see still.cli.fast)
    try:
        code = fast() if fast is not None else _typer_main(args)
    except StillError as err:
        if debug:
            raise
        error(str(err))
        code = err.exit_code
    except KeyboardInterrupt:
        if debug:
            raise
        _state["interrupted"] = True
    except (Exception, SystemExit) as err:  # user code (a revision file, env.py, the models)
        # raised, or called sys.exit(): either way a failure (for check, 1 would read as drift)
        if debug:
            raise
        from still.db import driver_error

        said = driver_error(err)
        error(f"the database refused: {said}; run with --debug for the traceback" if said else crash_line(err))
        code = 2
    if _state["interrupted"] and not _state["said"]:
        # Ctrl-C (typer turns it into exit 130 without a word): a running revision's
        # transaction was rolled back on the way out, and on SQLite the journal mode put back
        error("interrupted; 'still current' shows where the database is")
        code = INTERRUPTED
    if argv is None:  # the process ends here (the console script, python -m still)
        _skip_collecting_at_exit()
    sys.exit(code or 0)


def _skip_collecting_at_exit() -> None:
    """Leave what this run built (the user's models, snapshots) out of the collections the
    interpreter makes as it exits: they walk every object, which for 5,000 tables' models
    takes seconds, and free nothing the process's end does not. atexit handlers still run
    and objects not in reference cycles are still released as usual."""
    import gc

    sys.stdout.flush()
    gc.freeze()


def _typer_main(args: list[str]):
    """Run the typer app on `args`; its own outcomes (exit, abort, usage error) as an exit code."""
    import typer

    from still.cli.app import app

    try:
        command = readable(typer.main.get_command(app))
        return command.main(args=args, prog_name="still", standalone_mode=False)
    except typer.Exit as err:
        return err.exit_code
    except typer.Abort:  # a prompt ended: Ctrl-C (exit 130, as everywhere), or no input left
        if _state["interrupted"]:
            error("interrupted at a question; nothing was written")
            return INTERRUPTED
        error("aborted")
        return 2
    except typer.TyperException as err:  # usage errors: unknown option, bad value, ...
        ctx = getattr(err, "ctx", None)
        if type(err).__name__ == "NoArgsIsHelpError" and ctx is not None:
            print(ctx.get_help())
        else:
            where = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
            error(f"{err.format_message()}{where}")
        return 2


INTERRUPTED = 130  # what shells report for a process ended by SIGINT
_state = {"interrupted": False, "said": False}


def error(message: str) -> None:
    """Print `error: message` on stderr: one line, every password masked."""
    from still.db import mask

    text = " ".join(mask(message).split())
    print(f"error: {text}", file=sys.stderr, flush=True)
    _state["said"] = True


def _notice_interrupts() -> None:
    """Remember that SIGINT came, then let it raise KeyboardInterrupt as usual (where SIGINT
    is ignored, as for a background job, it stays ignored)."""
    import signal

    if signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        return

    def interrupted(signum, frame):
        _state["interrupted"] = True
        signal.default_int_handler(signum, frame)

    signal.signal(signal.SIGINT, interrupted)


def _remember_urls(args: list[str]) -> None:
    """Passwords of the URLs this run was given, for `mask` to hide wherever they show up
    (the config's URL is noted when the config is read)."""
    import os

    from still.db import URL_ENV, remember

    for index, arg in enumerate(args):
        if arg == "--url" and index + 1 < len(args):
            remember(args[index + 1])
        elif arg.startswith("--url="):
            remember(arg[len("--url="):])
    if os.environ.get(URL_ENV):
        remember(os.environ[URL_ENV])


# What a value looks like, by parameter name; any other parameter reads as its NAME.
_METAVARS = {"config": "FILE", "x": "KEY=VALUE", "metadata": "MODULE:ATTR", "rev_range": "START:END",
             "rename": "OLD=NEW", "depends_on": "REVISION", "head": "REVISION", "version_path": "DIR",
             "branch_label": "LABEL", "message": "TEXT", "out": "FILE"}


def readable(command):
    """Give every parameter of every command a metavar a person reads (`REVISION`, `FILE`,
    `[text|json]`) instead of the type-derived `{revision}` / `<list[str]>`."""
    for param in command.params:
        if param.metavar is not None or getattr(param, "is_flag", False):
            continue
        desc = getattr(param, "type_descriptor", None)
        choices = desc.choices if desc is not None and desc.is_choice else None
        if choices:
            param.metavar = "[" + "|".join(str(getattr(c, "value", c)) for c in choices) + "]"
        elif param.param_type_name == "argument":
            param.metavar = (param.name or "value").upper()
            _plain_argument(param)
        else:
            param.metavar = _METAVARS.get(param.name, (param.name or "value").upper())
    for sub in getattr(command, "commands", {}).values():
        readable(sub)
    return command


def _plain_argument(param) -> None:
    """Usage `REVISION` / `[REVISION]` / `REVISIONS...`, and no `<str>` type after the name
    in the Arguments section (typer writes `{revision}` and `revision <str>`)."""
    many = "..." if param.nargs != 1 else ""
    usage = (param.metavar if param.required else f"[{param.metavar}]") + many
    param._usage_display_name = lambda: usage
    param.display_type_rich = lambda ctx: None
    param._rich_display_name = lambda: param.metavar + many


def crash_line(err: BaseException) -> str:
    """One line for an exception raised by the user's code: what it is and where it was
    raised in the deepest frame outside still and the installed packages."""
    import os
    import sysconfig
    import traceback

    still_dir = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    library = {os.path.abspath(p) for p in (sysconfig.get_paths()["stdlib"], sysconfig.get_paths()["purelib"],
                                             sysconfig.get_paths()["platlib"])}
    where = ""
    for frame in reversed(traceback.extract_tb(err.__traceback__)):
        path = os.path.abspath(frame.filename)
        if path.startswith(still_dir + os.sep) or any(path.startswith(p + os.sep) for p in library) \
                or frame.filename.startswith("<"):
            continue
        where = f" (in {frame.name}, {frame.filename}:{frame.lineno})"
        break
    text = " ".join(str(err).split())
    return f"{type(err).__name__}{': ' + text if text else ''}{where}; run with --debug for the traceback"
