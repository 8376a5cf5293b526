"""Read the version table (and the applied-revisions log) with the database driver
alone, for `still current`.

Importing SQLAlchemy costs more than everything else `current` does, and reading two
small tables needs none of it. This reader handles the URLs it understands completely —
SQLite files (stdlib `sqlite3`), `postgresql+psycopg` and `mysql+pymysql` /
`mariadb+pymysql` — and answers None for anything else, or on any error, so the caller goes the SQLAlchemy way and reports exactly what it
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
    found = read_tables(url, schema, [(table, "SELECT version_num FROM {table}")])
    if found is None:
        return None
    return tuple(sorted(row[0] for row in found[0] or ()))


def read_tables(url: str, schema: Optional[str], queries: list[tuple[str, str]]) -> Optional[list]:
    """For each (table, query) the rows of `query` with `{table}` replaced by the quoted
    table (None for a table that does not exist), all on one connection; None when this
    reader does not handle `url` or anything at all goes wrong."""
    match = _URL.match(url)
    if match is None:
        return None
    name = match.group("name")
    try:
        if name in ("sqlite", "sqlite+pysqlite"):
            return _sqlite(match, schema, queries)
        if name == "postgresql+psycopg":
            return _postgresql(match, schema, queries)
        if name in ("mysql+pymysql", "mariadb+pymysql"):
            return _mysql(match, schema, queries)
    except StillError:
        raise
    except Exception:
        return None
    return None


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _sqlite(match: re.Match, schema: Optional[str], queries) -> Optional[list]:
    import sqlite3

    path = match.group("database")
    if match.group("query") or schema or not path or path == ":memory:" or path.startswith("file:") \
            or match.group("ipv4host") or match.group("ipv6host") or not Path(path).is_file():
        return None
    connection = sqlite3.connect(path)
    try:
        out = []
        for table, query in queries:
            found = connection.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                                       (table,)).fetchone()
            out.append(None if found is None else
                       connection.execute(query.format(table=_quote(table))).fetchall())
    finally:
        connection.close()
    return out


def _postgresql(match: re.Match, schema: Optional[str], queries) -> Optional[list]:
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
    try:
        connection = psycopg.connect(**params)
    except psycopg.OperationalError as err:
        # the same one line as still.db.connect gives, without importing SQLAlchemy
        reason = _masked(match, (str(err).strip().splitlines() or [type(err).__name__])[0])
        raise StillError(f"cannot connect to {_masked(match)}: {reason}") from None
    out = []
    with connection:
        for table, sql in queries:
            qualified = (_quote(schema) + "." if schema else "") + _quote(table)
            found = connection.execute("SELECT to_regclass(%s)", (qualified,)).fetchone()
            out.append(None if found is None or found[0] is None else
                       connection.execute(sql.format(table=qualified)).fetchall())
    return out


# what SQLAlchemy's pymysql dialect takes from a URL's query as text; any other argument
# (ssl_*, timeouts, client_flag, ...) it converts first, so such URLs go its way
_MYSQL_TEXT_ARGUMENTS = ("charset",)
# SQLAlchemy's MySQL has_table reads these codes as "no such table" (1049: no such database)
_MYSQL_NO_TABLE = (1146, 1049)


def _mysql(match: re.Match, schema: Optional[str], queries) -> Optional[list]:
    import pymysql

    # the arguments SQLAlchemy's pymysql dialect passes (it unquotes all but the host)
    params: dict[str, object] = {}
    for key, group in (("user", "username"), ("password", "password"), ("database", "database")):
        if match.group(group):
            params[key] = unquote(match.group(group))
    host = match.group("ipv4host") or match.group("ipv6host")
    if host:
        params["host"] = host
    if match.group("port"):
        params["port"] = int(match.group("port"))
    query = parse_qsl(match.group("query") or "", keep_blank_values=True)
    keys = [key for key, _ in query]
    if len(set(keys)) != len(keys) or any(key not in _MYSQL_TEXT_ARGUMENTS for key in keys):
        return None
    if not schema and "database" not in params:
        return None  # no current database: SQLAlchemy says what that means
    params.update(query)
    try:
        connection = pymysql.connect(**params)
    except pymysql.err.MySQLError as err:
        reason = _masked(match, (str(err).strip().splitlines() or [type(err).__name__])[0])
        raise StillError(f"cannot connect to {_masked(match)}: {reason}") from None
    out = []
    try:
        with connection.cursor() as cursor:
            for table, sql in queries:
                qualified = (_backquote(schema) + "." if schema else "") + _backquote(table)
                try:
                    cursor.execute(sql.format(table=qualified))
                except pymysql.err.MySQLError as err:
                    if err.args and err.args[0] in _MYSQL_NO_TABLE:
                        out.append(None)
                        continue
                    raise
                out.append([tuple(row) for row in cursor.fetchall()])
    finally:
        connection.close()
    return out


def _backquote(identifier: str) -> str:
    return "`" + identifier.replace("`", "``") + "`"


def _masked(match: re.Match, text: Optional[str] = None) -> str:
    """`text` (default: the URL) with the URL's password masked (still.db.mask)."""
    from still.db import mask, remember

    remember(match.string)
    return mask(match.string if text is None else text)
