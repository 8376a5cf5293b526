"""The applied-revisions log: one row per revision run, in a table beside the version
table (`<version_table>_log` unless `log_table` names another; `applied_log = false`
turns it off).

A row holds the revision, the direction (upgrade or downgrade), the sha256 of the
revision file with its line endings normalised (CRLF, CR and LF count the same), when the
run started (UTC), how long it took and still's version. It is written on the migration's
connection in the transaction that moves the version table, so a revision that rolls back
(or dies) leaves no row. The version table keeps its shape: Alembic reads it as before.

Offline scripts write the same rows; there the start is the time the script runs
(CURRENT_TIMESTAMP) and the duration is NULL. Stamping runs no revision and writes none.
Ids are the next number after the largest, taken inside the insert: runs hold the
migration lock, so no two insert at once.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional, Union

DIRECTIONS = {"up": "upgrade", "down": "downgrade"}
COLUMNS = ("revision", "direction", "checksum", "started_at", "duration_ms", "still_version")
SELECT = f"SELECT {', '.join(COLUMNS)} FROM {{table}} ORDER BY id"


def checksum(path: Union[str, Path]) -> str:
    """sha256 (hex) of a revision file, with CRLF and CR read as LF."""
    data = Path(path).read_bytes().replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    return hashlib.sha256(data).hexdigest()


def _literal(value: Optional[Union[str, int]]) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, int):
        return str(value)
    return "'" + value.replace("'", "''") + "'"


def utc_text(value) -> str:
    """A logged start as 'YYYY-MM-DD HH:MM:SS UTC', whatever the driver returned (a
    datetime on PostgreSQL, the stored text on SQLite)."""
    if value is None:
        return "?"
    if not isinstance(value, datetime):
        try:
            value = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
        except ValueError:
            return str(value)
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc)
    return value.strftime("%Y-%m-%d %H:%M:%S UTC")


@dataclass(frozen=True)
class Entry:
    revision: str
    direction: str  # "upgrade" or "downgrade"
    checksum: str
    started_at: object  # a datetime, or the text SQLite stored; see utc_text
    duration_ms: Optional[int]
    still_version: str

    @classmethod
    def of_row(cls, row) -> "Entry":
        return cls(*row)


@dataclass(frozen=True)
class LogTable:
    name: str
    schema: Optional[str] = None

    def qualified(self, dialect) -> str:
        from still.runtime.version_table import qualified

        return qualified(dialect, self.schema, self.name)

    def create_sql(self, dialect) -> str:
        """CREATE TABLE IF NOT EXISTS: offline scripts that start above base meet
        databases whose log may or may not exist yet."""
        import sqlalchemy as sa

        constraint = dialect.identifier_preparer.quote(f"{self.name}_pkc")
        timestamp = sa.DateTime(timezone=True).compile(dialect=dialect)
        return (f"CREATE TABLE IF NOT EXISTS {self.qualified(dialect)} (\n"
                "    id INTEGER NOT NULL,\n"
                "    revision VARCHAR(32) NOT NULL,\n"
                "    direction VARCHAR(16) NOT NULL,\n"
                "    checksum VARCHAR(64) NOT NULL,\n"
                f"    started_at {timestamp} NOT NULL,\n"
                "    duration_ms INTEGER,\n"
                "    still_version VARCHAR(32) NOT NULL,\n"
                f"    CONSTRAINT {constraint} PRIMARY KEY (id)\n)")

    def insert_sql(self, dialect, revision: str, direction: str, digest: str,
                   started_at: Optional[datetime], duration_ms: Optional[int]) -> str:
        """The row for one run; without `started_at` (offline) the database's clock and
        no duration."""
        from still import __version__

        table = self.qualified(dialect)
        mysql = dialect.name in ("mysql", "mariadb")  # DATETIME: UTC without an offset
        if started_at is None:
            started = "UTC_TIMESTAMP()" if mysql else "CURRENT_TIMESTAMP"
        else:
            utc = started_at.astimezone(timezone.utc)
            started = _literal((utc.replace(tzinfo=None) if mysql else utc).isoformat(sep=" "))
        values = ", ".join(["COALESCE(MAX(id), 0) + 1", _literal(revision), _literal(direction), _literal(digest),
                            started, _literal(duration_ms), _literal(__version__)])
        # INSERT ... SELECT: MySQL refuses a subquery on the table being inserted into (1093)
        return f"INSERT INTO {table} (id, {', '.join(COLUMNS)}) SELECT {values} FROM {table}"

    def exists(self, connection) -> bool:
        import sqlalchemy as sa

        return sa.inspect(connection).has_table(self.name, schema=self.schema)

    def ensure(self, connection) -> None:
        connection.exec_driver_sql(self.create_sql(connection.dialect))

    def record(self, connection, revision: str, direction: str, digest: str, started_at: datetime,
               duration_ms: int) -> None:
        connection.exec_driver_sql(self.insert_sql(connection.dialect, revision, direction, digest,
                                                   started_at, duration_ms))

    def entries(self, connection) -> list[Entry]:
        """Every row, oldest first (none when the table does not exist)."""
        if not self.exists(connection):
            return []
        rows = connection.exec_driver_sql(SELECT.format(table=self.qualified(connection.dialect)))
        return [Entry.of_row(row) for row in rows]


def last_runs(entries: list[Entry]) -> dict[str, Entry]:
    """Each revision's latest logged run."""
    return {entry.revision: entry for entry in entries}


def edited(graph, heads: tuple[str, ...], entries: list[Entry]) -> list[tuple[str, Entry]]:
    """The applied revisions whose file no longer matches the checksum of their last run,
    oldest first. A revision whose last logged run is a downgrade (applied again by a
    stamp, or by another tool) or that has no row has nothing to compare with."""
    if not entries:
        return []
    last = last_runs(entries)
    known = [head for head in heads if head in graph.revisions]
    applied = graph.applied(known)
    out = []
    for rev_id in graph.topological():
        entry = last.get(rev_id)
        if rev_id not in applied or entry is None or entry.direction != "upgrade":
            continue
        try:
            if checksum(graph.revisions[rev_id].path) != entry.checksum:
                out.append((rev_id, entry))
        except OSError:
            continue
    return out


def edited_message(rev_id: str, entry: Entry) -> str:
    return (f"warning: {rev_id} edited after it was applied (its file no longer matches the checksum "
            f"logged when it ran on {utc_text(entry.started_at)})")
