"""The Config of a command line, without typer: the typer commands and the fast path of
the reading commands (still.cli.fast) both come here, so they read it the same way."""

from __future__ import annotations

from pathlib import Path
from typing import Optional


def config_for(root: dict, config=None, name=None, x=None, url=None, metadata=None):
    """The Config for this run: command-level options win over root-level ones (`root`
    holds the options given before the command: config, name, x, url)."""
    from still.config import load_config

    cfg = load_config(
        path=config or root.get("config"),
        name=name or root.get("name"),
        url=url or root.get("url"),
        x=[*root.get("x", []), *(x or [])],
    )
    if metadata:
        cfg = cfg.model_copy(update={"metadata": metadata})
    if cfg.url:
        from still.db import remember

        remember(cfg.url)  # its password is masked in every message of this run
    return cfg


def missing_sqlite_file(url: Optional[str]) -> Optional[str]:
    """The path of a SQLite URL's database file when that file does not exist yet, else
    None (other dialects, in-memory and `file:` URIs). Reads the URL without SQLAlchemy."""
    import re

    match = re.match(r"^sqlite(?:\+\w+)?:///([^?]*)", url or "")
    if not match:
        return None
    path = match.group(1)
    if not path or path == ":memory:" or path.startswith("file:"):
        return None
    return None if Path(path).exists() else path


def no_database_yet(path: str) -> str:
    folder = Path(path).parent
    if not folder.is_dir():  # upgrade head could not create it either
        return (f"the database file {path} does not exist, nor its directory {folder}: create the "
                f"directory (mkdir -p {folder}), then run 'still upgrade head'")
    return f"the database file {path} does not exist yet: run 'still upgrade head' to create it"


def require(cfg, key: str, flag: str):
    from still.errors import StillError

    value = getattr(cfg, key)
    if not value:
        where = f" in {cfg.source}" if cfg.source else " (no still.toml or [tool.still] found)"
        raise StillError(f"no {key} configured{where}: set '{key}' or pass {flag}")
    return value


def plural(count: int, noun: str) -> str:
    """`1 finding`, `2 findings`: every count the CLI prints goes through here."""
    return f"{count} {noun}" + ("" if count == 1 else "s")
