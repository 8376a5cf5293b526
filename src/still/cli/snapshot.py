"""`still snapshot`: print the schema of a database (or of the models) as a tree or JSON."""

from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import Optional

import typer


class SnapshotFormat(str, enum.Enum):
    text = "text"
    json = "json"


def snapshot(
    ctx: typer.Context,
    url: Optional[str] = typer.Option(None, "--url", help="Database URL (default: the config's url, $STILL_DATABASE_URL)."),
    metadata: Optional[str] = typer.Option(
        None, "--metadata", help="Describe models instead of a database: 'package.module:attribute'."),
    dialect: str = typer.Option("sqlite", "--dialect", help="Dialect the models are declared for (with --metadata)."),
    schema: Optional[list[str]] = typer.Option(None, "--schema", help="Only these schemas (repeatable)."),
    fmt: SnapshotFormat = typer.Option(SnapshotFormat.text, "--format", help="text (a tree) or json."),
    out: Optional[Path] = typer.Option(
        None, "--out", help="Write a snapshot file (the schema and its server, sorted keys: the same schema gives "
                            "the same bytes) that plan/check/generate --from/--to read back."),
) -> None:
    """Reflect a live database (or declare models) into a snapshot and print it."""
    from still.cli.common import settings
    from still.db import connect, open_engine, resolve_url

    if metadata:
        from still.declare import declare, dialect_named
        from still.metadata import load_metadata
        from still.server_versions import for_server

        # no server to ask its version: the configuration says it (postgresql_version)
        declared_for = for_server(dialect_named(dialect), settings(ctx).postgresql_version)
        snap = declare(load_metadata(metadata), declared_for, schema)
        server = declared_for
    else:
        from still.reflect import reflect

        engine = open_engine(resolve_url(settings(ctx, url=url).url))
        with connect(engine) as conn:
            snap = reflect(conn, schema)
            server = conn.dialect
        engine.dispose()

    if out is not None:
        from still.snapshot_file import snapshot_file

        snapshot_file(snap, server).write(out)
        typer.echo(f"wrote {out}", err=True)
        return
    if fmt is SnapshotFormat.json:
        typer.echo(snap.to_json())
    else:
        from rich.console import Console

        from still.cli.tree import snapshot_tree

        Console(soft_wrap=not sys.stdout.isatty()).print(snapshot_tree(snap))


def register(app: typer.Typer) -> None:
    app.command("snapshot")(snapshot)
