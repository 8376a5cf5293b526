"""A snapshot written to a file (`still snapshot --out`): the schema and the server it
was read from, which `--from`/`--to` read back.

The schema alone does not say everything a comparison needs: the server version decides
what DDL a plan may use (PostgreSQL 15's NULLS NOT DISTINCT, MariaDB's descending keys),
and on MySQL/MariaDB the server's default engine and collation decide which table options
are drift. The file keeps them beside the snapshot, so a plan against the file is the plan
against the database it was taken from. Its JSON is written with sorted keys and a final
newline: the same schema gives the same bytes, and a file committed to a repository diffs
line by line. Its JSON Schema is `schemas/snapshot-file.schema.json`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, ValidationError

from still.errors import StillError
from still.snapshot import Snapshot

FORMAT = 1


class TableDefaults(BaseModel):
    """MySQL/MariaDB: what a table made without options gets (see reflect/mysql_tables.py)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    engine: str
    collations: dict[str, str] = {}  # snapshot schema key -> the database's default collation


class Server(BaseModel):
    """The server a snapshot was read from, as far as a comparison depends on it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    dialect: str
    version: Optional[tuple[int, ...]] = None  # None: not known (declared models, a bare snapshot)
    mariadb: bool = False
    table_defaults: Optional[TableDefaults] = None


class SnapshotFile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    still_snapshot: Literal[1] = FORMAT
    server: Server
    snapshot: Snapshot

    def to_json(self) -> str:
        """Byte-stable: sorted keys, two-space indent, a final newline."""
        return json.dumps(self.model_dump(mode="json"), indent=2, sort_keys=True) + "\n"

    def write(self, path: Path) -> None:
        try:
            path.write_bytes(self.to_json().encode())
        except OSError as err:
            raise StillError(f"cannot write the snapshot file {path}: {err.strerror or err}") from None

    def dialect(self):
        """An unconnected SQLAlchemy dialect told what the server told the one that read it."""
        from still.declare import dialect_named

        dialect = dialect_named(self.server.dialect)
        if self.server.version is not None:
            from still.server_versions import for_server

            dialect = for_server(dialect, self.server.version)
            dialect.server_version_info = self.server.version
        if self.server.mariadb:
            dialect.is_mariadb = True
        if self.server.table_defaults is not None:
            from still.reflect.mysql_tables import remember_defaults

            remember_defaults(dialect, self.server.table_defaults.engine, dict(self.server.table_defaults.collations))
        return dialect


def server_of(dialect) -> Server:
    """What `dialect` (connected, or told by a file) knows of its server."""
    from still.reflect.mysql_tables import remembered_defaults

    version = getattr(dialect, "server_version_info", None)
    remembered = remembered_defaults(dialect)
    return Server(
        dialect=dialect.name,
        version=tuple(part for part in version if isinstance(part, int)) if version else None,
        mariadb=bool(getattr(dialect, "is_mariadb", False)),
        table_defaults=TableDefaults(engine=remembered[0], collations=remembered[1]) if remembered else None)


def snapshot_file(snapshot: Snapshot, dialect) -> SnapshotFile:
    return SnapshotFile(server=server_of(dialect), snapshot=snapshot)


def read_snapshot_file(path: Path) -> SnapshotFile:
    """A file `still snapshot --out` wrote, or the bare JSON `still snapshot --format json`
    prints (its server then unknown); validated against their schemas, a one-line error
    naming the first problem otherwise."""
    try:
        text = path.read_text()
    except OSError as err:
        raise StillError(f"cannot read the snapshot file {path}: {err.strerror or err}") from None
    try:
        data = json.loads(text)
    except ValueError as err:
        raise StillError(f"{path} is not JSON ({err}): expected a file `still snapshot --out` wrote") from None
    bare = isinstance(data, dict) and "snapshot" not in data and "schemas" in data
    try:
        if bare:
            snap = Snapshot.model_validate(data)
            return SnapshotFile(server=Server(dialect=snap.dialect), snapshot=snap)
        read = SnapshotFile.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "the top level"
        schema = "snapshot.schema.json" if bare else "snapshot-file.schema.json"
        raise StillError(f"{path} is not a still snapshot file ({where}: {first['msg']}; "
                         f"see schemas/{schema}): write one with 'still snapshot --out'") from None
    if read.server.dialect != read.snapshot.dialect:
        raise StillError(f"{path} is inconsistent: its server is {read.server.dialect} but its snapshot "
                         f"is of {read.snapshot.dialect}: write it again with 'still snapshot --out'")
    return read
