"""The fast path: the reading commands (`heads`, `branches`, `history`, `show`,
`current`) run without importing typer, click, rich or pydantic, and the running ones
(`upgrade`, `downgrade`, online or `--sql`) and `plan` / `check` without typer and click
(and without rich where there is nothing to colour).

Building the typer app costs more than the work of these commands on thousands of
revisions, so `main` first offers the command line to `fast_command`. It takes only a
line it understands completely — the options below, each given as `-o VALUE`,
`--option VALUE` or `--option=VALUE`, flags alone, the root options before the command and
the command's after it — and answers None for anything else (`--help`, an unknown or
repeated option, a missing value, a value that is empty or starts with `-`, a second
argument, ...): the typer app then parses that line and says exactly what it always says.
A target such as `-1` is an argument, as the typer app reads it; `--transaction` and
`--lock-timeout` values it cannot read as typer does are left to typer. Either way the
work is done by still.cli.reading / still.cli.running, so the output is the same.

`STILL_NO_FAST=1` in the environment sends every line to the typer app (the tests compare
both ways).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Callable, Optional

# option spelling -> (parameter, takes a value); `-x` may be repeated, its values collect
_COMMON = {"-c": ("config", True), "--config": ("config", True), "-n": ("name", True), "--name": ("name", True),
           "-x": ("x", True), "--url": ("url", True)}
_ROOT = {**_COMMON, "-q": ("quiet", False), "--quiet": ("quiet", False)}
_VERBOSE = {"-v": ("verbose", False), "--verbose": ("verbose", False)}
_COMMANDS: dict[str, tuple[dict, int]] = {  # command -> (its options, how many arguments it takes)
    "heads": ({**_COMMON, **_VERBOSE}, 0),
    "branches": ({**_COMMON, **_VERBOSE}, 0),
    "history": ({**_COMMON, **_VERBOSE, "-r": ("rev_range", True), "--rev-range": ("rev_range", True),
                 "-i": ("indicate_current", False), "--indicate-current": ("indicate_current", False),
                 "--applied": ("applied", False)}, 0),
    "current": ({**_COMMON, **_VERBOSE, "--check-heads": ("check_heads", False)}, 0),
    "show": (_COMMON, 1),
}
_RUNNING = {**_COMMON, "-q": ("quiet", False), "--quiet": ("quiet", False), "--sql": ("sql", False),
            "--tag": ("tag", True), "--transaction": ("transaction", True), "--lock-timeout": ("lock_timeout", True)}
_COMMANDS.update({"upgrade": (_RUNNING, 1), "downgrade": (_RUNNING, 1)})
_MODELS = {**_COMMON, "--metadata": ("metadata", True), "--format": ("format", True), "--from": ("from_", True),
           "--to": ("to", True)}
_COMMANDS.update({"plan": ({**_MODELS, "--sql": ("sql", False), "--rename": ("rename", True)}, 0),
                  "check": ({**_MODELS, "--fail-on": ("fail_on", True), "--against": ("against", True)}, 0)})
_REPEATABLE = ("x", "rename")
_RELATIVE = re.compile(r"-[0-9]+")  # `downgrade -1`: a target, not an option
_SECONDS = re.compile(r"[0-9]+(\.[0-9]*)?")
NO_FAST_ENV = "STILL_NO_FAST"


def fast_command(args: list[str]) -> Optional[Callable[[], int]]:
    """The command `args` (the command line after `still`, without --debug) asks for, ready
    to run and return its exit code; None when the typer app must parse it."""
    if os.environ.get(NO_FAST_ENV):
        return None
    root: dict = {}
    at = _options(args, 0, _ROOT, root)
    if at is None or at >= len(args) or args[at] not in _COMMANDS:
        return None
    command = args[at]
    spec, wanted = _COMMANDS[command]
    given: dict = {}
    arguments: list[str] = []
    at += 1
    running = command in ("upgrade", "downgrade")
    while at < len(args):
        if running and _RELATIVE.fullmatch(args[at]):
            arguments.append(args[at])
            at += 1
            continue
        at = _options(args, at, spec, given)
        if at is None:
            return None
        if at < len(args):
            arguments.append(args[at])
            at += 1
    if len(arguments) != wanted:
        return None
    root_obj = {"config": _path(root.get("config")), "name": root.get("name"), "x": root.get("x") or [],
                "url": root.get("url"), "quiet": bool(root.get("quiet"))}
    common = dict(config_path=_path(given.get("config")), name=given.get("name"), x=given.get("x"),
                  url=given.get("url"))
    if running:
        return _running(command, arguments[0], root_obj, given, common)
    if command in ("plan", "check"):
        return _planning(command, root_obj, given, common)
    from still.cli import reading

    if command == "heads":
        return lambda: reading.heads(root_obj, bool(given.get("verbose")), **common)
    if command == "branches":
        return lambda: reading.branches(root_obj, bool(given.get("verbose")), **common)
    if command == "history":
        return lambda: reading.history(root_obj, given.get("rev_range"), bool(given.get("verbose")),
                                       bool(given.get("indicate_current")), bool(given.get("applied")), **common)
    if command == "current":
        return lambda: reading.current(root_obj, bool(given.get("verbose")), bool(given.get("check_heads")),
                                       **common)
    return lambda: reading.show(root_obj, arguments[0], **common)


def _running(command: str, target: str, root: dict, given: dict, common: dict) -> Optional[Callable[[], int]]:
    from still.cli.running import TRANSACTIONS

    transaction = given.get("transaction", "per-revision")
    seconds = given.get("lock_timeout")
    if transaction not in TRANSACTIONS or (seconds is not None and not _SECONDS.fullmatch(seconds)):
        return None  # typer's message for a bad value
    from still.cli import running

    work = running.upgrade if command == "upgrade" else running.downgrade
    return lambda: work(root, target, bool(given.get("sql")), given.get("tag"), transaction,
                        None if seconds is None else float(seconds), bool(given.get("quiet")), **common)


def _planning(command: str, root: dict, given: dict, common: dict) -> Optional[Callable[[], int]]:
    from still.cli import planning

    fmt = given.get("format", "text")
    models = dict(url=common["url"], metadata=given.get("metadata"), config_path=common["config_path"],
                  name=common["name"], x=common["x"], from_=given.get("from_"), to=given.get("to"))
    if command == "plan":
        if fmt not in planning.PLAN_FORMATS:
            return None
        return lambda: planning.plan(root, fmt, bool(given.get("sql")), given.get("rename"), **models)
    fail_on, against = given.get("fail_on"), given.get("against", "db")
    if fmt not in planning.CHECK_FORMATS or against not in planning.AGAINST \
            or (fail_on is not None and fail_on not in planning.FAIL_ON):
        return None
    return lambda: planning.check(root, fmt, fail_on, against, **models)


def _options(args: list[str], at: int, spec: dict, into: dict) -> Optional[int]:
    """Read the options from args[at] on into `into`; the index of the first argument (or
    the end), or None for anything the fast path leaves to typer."""
    while at < len(args):
        token = args[at]
        if not token.startswith("-"):
            return at
        name, equals, attached = token.partition("=") if token.startswith("--") else (token, "", "")
        if name not in spec:
            return None
        param, takes_value = spec[name]
        if not takes_value:
            if equals or (param in into):
                return None
            into[param] = True
            at += 1
            continue
        if equals:
            value = attached
            at += 1
        else:
            if at + 1 >= len(args):
                return None
            value = args[at + 1]
            at += 2
        if not value or value.startswith("-"):
            return None
        if param in _REPEATABLE:
            into.setdefault(param, []).append(value)
        elif param in into:
            return None  # given twice: typer's rule (the last wins) is typer's to apply
        else:
            into[param] = value
    return at


def _path(value: Optional[str]) -> Optional[Path]:
    return None if value is None else Path(value)
