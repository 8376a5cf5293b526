"""Read the version table with the database driver alone, for `still current`.

Importing SQLAlchemy costs more than everything else `current` does, and reading one
small table needs none of it. This reader handles the URLs it understands completely —
SQLite files (stdlib `sqlite3`) and `postgresql+psycopg` — and answers None for anything
else, or on any error, so the caller goes the SQLAlchemy way and reports exactly what it
always reports (missing file, unreachable server, masked password).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Optional
from urllib.parse import parse_qsl, unquote

from still.errors import StillError

# SQLAlchemy's own URL shape: name://user:password@host:port/database?query
_URL = re.compile(
    r"^(?P<name>[\w+]+)://"
    r"(?:(?P<username>[^:/]*)(?::(?P<password>[^@]*))?@)?"
    r"(?:(?:\[(?P<ipv6host>[^/?]+)\]|(?P<ipv4host>[^/:?]+))?(?::(?P<port>[^/?]*))?)?"
    r"(?:/(?P<database>[^?]*))?"
    r"(?:\?(?P<query>.*))?$",
    re.DOTALL,
)


def read_heads(url: str, table: str, schema: Optional[str]) -> Optional[tuple[str, ...]]:
    """The sorted version rows, () when the table does not exist, None when this reader
    does not handle `url` or anything at all goes wrong."""
    match = _URL.match(url)
    if match is None:
        return None
    name = match.group("name")
    try:
        if name in ("sqlite", "sqlite+pysqlite"):
            return _sqlite(match, table, schema)
        if name == "postgresql+psycopg":
            return _postgresql(match, table, schema)
    except StillError:
        raise
    except Exception:
        return None
    return None


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _sqlite(match: re.Match, table: str, schema: Optional[str]) -> Optional[tuple[str, ...]]:
    import sqlite3

    path = match.group("database")
    if match.group("query") or schema or not path or path == ":memory:" or path.startswith("file:") \
            or match.group("ipv4host") or match.group("ipv6host") or not Path(path).is_file():
        return None
    connection = sqlite3.connect(path)
    try:
        found = connection.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                                   (table,)).fetchone()
        if found is None:
            return ()
        rows = connection.execute(f"SELECT version_num FROM {_quote(table)}").fetchall()
    finally:
        connection.close()
    return tuple(sorted(row[0] for row in rows))


def _postgresql(match: re.Match, table: str, schema: Optional[str]) -> Optional[tuple[str, ...]]:
    import psycopg

    params: dict[str, object] = {}
    for key, group in (("user", "username"), ("password", "password"), ("dbname", "database")):
        if match.group(group):
            params[key] = unquote(match.group(group))
    host = match.group("ipv4host") or match.group("ipv6host")
    if host:
        params["host"] = unquote(host)
    if match.group("port"):
        params["port"] = int(match.group("port"))
    query = parse_qsl(match.group("query") or "", keep_blank_values=True)
    keys = [key for key, _ in query]
    if len(set(keys)) != len(keys) or any("," in value for _, value in query):
        return None  # repeated keys and multi-host lists are SQLAlchemy's to interpret
    params.update(query)
    qualified = (_quote(schema) + "." if schema else "") + _quote(table)
    try:
        connection = psycopg.connect(**params)
    except psycopg.OperationalError as err:
        # the same one line as still.db.connect gives, without importing SQLAlchemy
        reason = _masked(match, (str(err).strip().splitlines() or [type(err).__name__])[0])
        raise StillError(f"cannot connect to {_masked(match)}: {reason}") from None
    with connection:
        found = connection.execute("SELECT to_regclass(%s)", (qualified,)).fetchone()
        if found is None or found[0] is None:
            return ()
        rows = connection.execute(f"SELECT version_num FROM {qualified}").fetchall()
    return tuple(sorted(row[0] for row in rows))


def _masked(match: re.Match, text: Optional[str] = None) -> str:
    """`text` (default: the URL) with the URL's password masked (still.db.mask)."""
    from still.db import mask, remember

    remember(match.string)
    return mask(match.string if text is None else text)
