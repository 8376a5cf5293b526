"""Configuration: the `Config` settings and `load_config`, which finds and reads the file.
Plain Python (no pydantic): the reading commands import nothing more than they need.

Where the settings come from, strongest first:

1. the command line: `--url` and `-x key=value` (later `-x` wins);
2. the environment: `STILL_DATABASE_URL` (for `url` only);
3. the config file, with `${VAR}` replaced from the environment (`$$` is a literal `$`).
   In a named section (`-n NAME`, the table `[databases.NAME]`) the section's keys win
   over the top-level keys, which act as defaults shared by every database;
4. the defaults of `Config`.

Which file: `-c/--config PATH`, else `$STILL_CONFIG`, else a search from the working
directory upwards. In each directory `still.toml` (its top level is the configuration)
is looked for first, then `pyproject.toml` with a `[tool.still]` table (a pyproject.toml
without one is passed over). The nearest directory wins, and within one directory
still.toml wins. No file at all is fine (defaults); a file named explicitly must exist.

Every problem is a `StillError` on one line that names the file and the key.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Optional, Union

from still.config_env import interpolate, interpolate_value as _interpolate_value  # noqa: F401 (interpolate: API)
from still.errors import StillError

import tomllib

CONFIG_ENV = "STILL_CONFIG"
URL_ENV = "STILL_DATABASE_URL"
STILL_TOML = "still.toml"
PYPROJECT_TOML = "pyproject.toml"
SECTIONS = "databases"

_VERSION_RE = re.compile(r"\d+(\.\d+)*")
_METADATA_RE = re.compile(r"^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*:[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*$")


class InvalidConfig(ValueError):
    """A value Config refuses: a wrong type (`reason` None; `index`: the list item at fault)
    or a value its rule refuses (`reason` says why)."""

    def __init__(self, field: str, reason: Optional[str] = None, index: Optional[int] = None):
        super().__init__(f"{field}: {reason or 'wrong type'}" + (f" (item {index})" if index is not None else ""))
        self.field, self.reason, self.index = field, reason, index


# The value rules, each (value, the fields checked before it) -> the value kept, or
# InvalidConfig's reason raised as ValueError. Applied in order, after the type check.

def _not_empty(value, _checked):
    if value is not None and not value.strip():
        raise ValueError("must not be empty")
    return value


def _module_attribute(value, _checked):
    if value is not None and not _METADATA_RE.match(value.strip()):
        raise ValueError(f"must look like 'package.module:attribute', not {value!r}")
    return value.strip() if value is not None else None


_LOADER_RE = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*(:[A-Za-z_]\w*(\.[A-Za-z_]\w*)*)?$")


def _loaders(value, _checked):
    for item in value or ():
        if not _LOADER_RE.match(item.strip()):
            raise ValueError(f"must look like 'package.module' or 'package.module:function', not {item!r}")
    return [item.strip() for item in value] if value is not None else None


def _some_locations(value, _checked):
    if value is None:
        return value
    if not value:
        raise ValueError("must name at least one directory (leave it out to use <script_location>/versions)")
    for index, item in enumerate(value):
        if not item.strip():
            raise ValueError(f"must not contain an empty path (item {index})")
    return value


def _not_negative(value, _checked):
    if value < 0:
        raise ValueError("must be 0 or more seconds")
    return value


def _whole_attempts(value, _checked):
    if value < 1 or value != int(value):
        raise ValueError("must be a whole number of attempts, 1 or more")
    return int(value)


def _some_schemas(value, _checked):
    if value is not None and not value:
        raise ValueError("must name at least one schema (leave it out to use every schema)")
    return value


def _not_the_version_table(value, checked):
    if value is not None and value == checked.get("version_table"):
        raise ValueError("must differ from version_table (the log is a table of its own)")
    return value


_SQLITE_COMMIT = ("wal", "wal-sync", "file")

# field: (type, default, rules). Types: "str", "str?" (or None), "list" / "list?" (of
# strings), "strs?" (a string or a list of strings, kept as a list, or None), "number" (int or float, kept as float), "bool", "dict" (of strings), or a
# tuple of the allowed strings. Checked strictly: nothing is converted from another type.
FIELDS: dict[str, tuple[Any, Any, tuple]] = {
    "url": ("str?", None, (_not_empty,)),
    "metadata": ("str?", None, (_not_empty, _module_attribute)),
    # what imports every model module before `metadata` is read, as an Alembic env.py
    # does before target_metadata: "module" (imported) or "module:function" (called), or a list
    "metadata_loader": ("strs?", None, (_loaders,)),
    "script_location": ("str", "migrations", (_not_empty,)),
    "version_locations": ("list?", None, (_some_locations,)),
    "version_table": ("str", "still_version", (_not_empty,)),
    "version_table_schema": ("str?", None, (_not_empty,)),
    "schemas": ("list?", None, (_some_schemas,)),
    "exclude_tables": ("list", [], ()),
    "sqlite_commit": (_SQLITE_COMMIT, "wal", ()),
    "lock_timeout": ("number", 300.0, (_not_negative,)),  # seconds upgrade/downgrade/stamp wait for the lock
    # revision files' op.* names follow `metadata`'s naming convention, as Alembic applies
    # env.py's target_metadata's (init --from-alembic turns it on)
    "metadata_naming_convention": ("bool", False, ()),
    "applied_log": ("bool", True, ()),  # one row per revision run in the log table (still.runtime.applied_log)
    # an applied revision whose file changed since it ran: "warn" and go on, or "refuse" to run
    "edited_revisions": (("warn", "refuse"), "warn", ()),
    "log_table": ("str?", None, (_not_empty, _not_the_version_table)),  # default: <version_table>_log
    # the server the offline paths write for (no connection to ask): still.server_versions
    "postgresql_version": ("version?", None, ()),
    # generate writes the online forms on PostgreSQL (CONCURRENTLY, NOT VALID then VALIDATE, ...)
    "safe_forms": ("bool", True, ()),
    # each DDL statement of upgrade/downgrade waits this long for its table lock (0: no limit),
    # retried ddl_lock_attempts times in all, ddl_lock_backoff seconds apart (doubling)
    "ddl_lock_timeout": ("number", 5.0, (_not_negative,)),
    "ddl_lock_attempts": ("number", 5, (_whole_attempts,)),
    "ddl_lock_backoff": ("number", 1.0, (_not_negative,)),
    "x": ("dict", {}, ()),
    "source": ("str?", None, ()),
    "name": ("str?", None, ()),
}


def _typed(field: str, kind, value):
    """`value` if it has the field's type (a number as float), else InvalidConfig."""
    if kind in ("str?", "list?", "strs?", "version?") and value is None:
        return value
    if kind == "version?":  # 18 or "17.4", kept as a tuple of ints
        if isinstance(value, int) and not isinstance(value, bool):
            return (value,)
        if isinstance(value, str) and _VERSION_RE.fullmatch(value.strip()):
            return tuple(int(part) for part in value.strip().split("."))
        raise InvalidConfig(field)
    if kind == "strs?":  # a string, or a list of them
        kind, value = "list", [value] if isinstance(value, str) else value
    if kind in ("str", "str?"):
        ok = isinstance(value, str)
    elif kind in ("list", "list?"):
        if not isinstance(value, list):
            raise InvalidConfig(field)
        for index, item in enumerate(value):
            if not isinstance(item, str):
                raise InvalidConfig(field, index=index)
        return list(value)
    elif kind == "number":
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        if ok:
            return float(value)
    elif kind == "bool":
        ok = isinstance(value, bool)
    elif kind == "dict":
        ok = isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())
        if ok:
            return dict(value)
    else:  # one of the allowed strings
        ok = isinstance(value, str) and value in kind
    if not ok:
        raise InvalidConfig(field)
    return value


class Config:
    """The settings of one run: one database, its models and its migrations. Frozen; every
    value is checked on construction (InvalidConfig names the first field at fault, in the
    order of FIELDS)."""

    __slots__ = tuple(FIELDS)

    def __init__(self, **values: Any):
        unknown = [key for key in values if key not in FIELDS]
        if unknown:
            raise TypeError(f"Config has no setting {unknown[0]!r}")
        checked: dict[str, Any] = {}
        for field, (kind, default, rules) in FIELDS.items():
            if field not in values:
                checked[field] = default.copy() if isinstance(default, (list, dict)) else default
                continue
            value = _typed(field, kind, values[field])
            for rule in rules:
                try:
                    value = rule(value, checked)
                except ValueError as err:
                    raise InvalidConfig(field, str(err)) from None
            checked[field] = value
        for field, value in checked.items():
            object.__setattr__(self, field, value)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"Config is frozen: {name} cannot be set")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"Config is frozen: {name} cannot be deleted")

    def __eq__(self, other: object) -> bool:
        if type(other) is not Config:
            return NotImplemented
        return all(getattr(self, f) == getattr(other, f) for f in FIELDS)

    __hash__ = None  # type: ignore[assignment]  (lists inside)

    def __repr__(self) -> str:
        return "Config(" + ", ".join(f"{f}={getattr(self, f)!r}" for f in FIELDS) + ")"

    def model_copy(self, update: Optional[Mapping[str, Any]] = None) -> "Config":
        """A copy with `update`'s values in place, taken as given (not checked again)."""
        unknown = [key for key in (update or {}) if key not in FIELDS]
        if unknown:
            raise TypeError(f"Config has no setting {unknown[0]!r}")
        copy = object.__new__(Config)
        for field in FIELDS:
            object.__setattr__(copy, field, (update or {}).get(field, getattr(self, field)))
        return copy

    def log_table_name(self) -> Optional[str]:
        """The applied-revisions log's table; None when `applied_log` is off."""
        if not self.applied_log:
            return None
        return self.log_table or f"{self.version_table}_log"

    def display_url(self) -> Optional[str]:
        """The URL with its password masked, fit for any output; None without a URL."""
        from still.db import mask

        return mask(self.url) if self.url else None

    def excludes(self, table_name: str, schema: Optional[str] = None) -> bool:
        """Whether a table is left out: an `exclude_tables` glob matches `table` or
        `schema.table`. Matching is case-sensitive, as on every platform."""
        names = [table_name] if schema is None else [table_name, f"{schema}.{table_name}"]
        return any(fnmatch.fnmatchcase(n, pattern) for pattern in self.exclude_tables for n in names)

    @property
    def base_dir(self) -> Path:
        """The directory relative paths in the file are taken from: the file's own."""
        return Path(self.source).parent if self.source else Path.cwd()

    def script_path(self) -> Path:
        """`script_location` as a path, relative to the config file's directory."""
        return self.base_dir / self.script_location

    def version_dirs(self) -> list[Path]:
        """The directories revision files are read from, relative to the config file's
        directory: `version_locations`, else `<script_location>/versions`. New revisions
        go into the first one unless `--version-path` names another."""
        if self.version_locations is None:
            return [self.script_path() / "versions"]
        return [self.base_dir / Path(location).expanduser() for location in self.version_locations]


# The keys a file may set; `x`, `source` and `name` come from the command line.
FILE_KEYS = ("url", "metadata", "metadata_loader", "script_location", "version_locations", "version_table", "version_table_schema",
             "schemas", "exclude_tables", "sqlite_commit", "lock_timeout", "metadata_naming_convention",
             "applied_log", "log_table", "edited_revisions", "postgresql_version",
             "safe_forms", "ddl_lock_timeout", "ddl_lock_attempts", "ddl_lock_backoff")

_EXPECTED = {
    "url": "a string",
    "metadata": "a string 'package.module:attribute'",
    "metadata_loader": "a string 'package.module[:function]' or a list of them",
    "script_location": "a string",
    "version_locations": "a list of strings (directories)",
    "version_table": "a string",
    "version_table_schema": "a string",
    "schemas": "a list of strings",
    "exclude_tables": "a list of strings (glob patterns)",
    "sqlite_commit": "one of \"wal\", \"wal-sync\", \"file\"",
    "lock_timeout": "a number of seconds (0 or more)",
    "metadata_naming_convention": "a boolean (true or false)",
    "applied_log": "a boolean (true or false)",
    "edited_revisions": "one of \"warn\", \"refuse\"",
    "log_table": "a string",
    "postgresql_version": "a PostgreSQL version: a number such as 18, or a string such as \"17.4\"",
    "safe_forms": "a boolean (true or false)",
    "ddl_lock_timeout": "a number of seconds (0 or more)",
    "ddl_lock_attempts": "a number of attempts (1 or more)",
    "ddl_lock_backoff": "a number of seconds (0 or more)",
}


def load_config(
    path: Union[str, Path, None] = None,
    name: Optional[str] = None,
    url: Optional[str] = None,
    x: Optional[list[str]] = None,
    cwd: Optional[Path] = None,
    environ: Optional[Mapping[str, str]] = None,
) -> Config:
    """The Config for this run, from the file found, the environment and the options."""
    environ = os.environ if environ is None else environ
    cwd = Path(cwd if cwd is not None else os.getcwd()).resolve()
    extras = _parse_x(x or [])
    url = url or environ.get(URL_ENV) or None

    found = _find_file(path, cwd, environ)
    if found is None:
        if name is not None:
            raise StillError(
                f"no configuration file found (still.toml or pyproject.toml with [tool.still]), "
                f"so no database named {name!r}: pass -c/--config or create one"
            )
        return _validate({}, {}, "<defaults>", extras, url, None, None)

    file, prefix = found
    shown = _display(file, cwd)
    table = _read_table(file, prefix, shown)
    values, keys = _select(table, name, prefix, shown)
    if url is not None:  # an overridden file URL need not have its variables set
        values.pop("url", None)
    values = {key: _interpolate_value(value, keys[key], shown, environ) for key, value in values.items()}
    return _validate(values, keys, shown, extras, url, str(file), name)


# ---------------------------------------------------------------------------- finding


def _find_file(path, cwd: Path, environ: Mapping[str, str]) -> Optional[tuple[Path, tuple[str, ...]]]:
    """The file to read and the path of its still table inside it, or None."""
    if path is not None and str(path) != "":
        return _explicit(Path(path), cwd, "-c/--config")
    if environ.get(CONFIG_ENV):
        return _explicit(Path(environ[CONFIG_ENV]), cwd, f"${CONFIG_ENV}")
    for directory in (cwd, *cwd.parents):
        candidate = directory / STILL_TOML
        if candidate.is_file():
            return candidate, ()
        candidate = directory / PYPROJECT_TOML
        if candidate.is_file():
            tool = _parse(candidate, _display(candidate, cwd)).get("tool")
            if isinstance(tool, dict) and "still" in tool:
                return candidate, ("tool", "still")
    return None


def _explicit(path: Path, cwd: Path, origin: str) -> tuple[Path, tuple[str, ...]]:
    path = path.expanduser()
    full = path if path.is_absolute() else cwd / path
    if not full.exists():
        raise StillError(f"config file {str(path)!r} (from {origin}) does not exist")
    if full.is_dir():
        raise StillError(f"config file {str(path)!r} (from {origin}) is a directory, not a TOML file")
    prefix = ("tool", "still") if full.name == PYPROJECT_TOML else ()
    return full, prefix


def _display(file: Path, cwd: Path) -> str:
    """How messages name the file: relative to the working directory when under it."""
    try:
        return str(file.relative_to(cwd))
    except ValueError:
        return str(file)


# ---------------------------------------------------------------------------- reading


def _parse(file: Path, shown: str) -> dict:
    try:
        data = file.read_bytes()
    except OSError as err:
        raise StillError(f"cannot read {shown}: {err.strerror or err}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise StillError(f"{shown}: invalid TOML: not UTF-8 text (byte {err.start})") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise StillError(_toml_message(shown, str(err))) from None


def _toml_message(shown: str, message: str) -> str:
    """`file:line:column: invalid TOML: reason` from tomllib's `reason (at line L, column C)`."""
    message = " ".join(message.split())
    at = re.search(r"\s*\(at line (\d+), column (\d+)\)$", message)
    if at:
        return f"{shown}:{at.group(1)}:{at.group(2)}: invalid TOML: {message[: at.start()]}"
    end = re.search(r"\s*\(at end of document\)$", message)
    if end:
        return f"{shown}: invalid TOML at the end of the file: {message[: end.start()]}"
    return f"{shown}: invalid TOML: {message}"


def _read_table(file: Path, prefix: tuple[str, ...], shown: str) -> dict:
    table: Any = _parse(file, shown)
    for depth, part in enumerate(prefix):
        where = ".".join(prefix[: depth + 1])
        if part not in table:
            whole = ".".join(prefix)
            raise StillError(f"{shown}: no [{whole}] table: add one or point -c/--config at a still.toml")
        table = table[part]
        if not isinstance(table, dict):
            raise StillError(f"{shown}: key {where!r} must be a table, not {_kind(table)}")
    return table


def _select(table: dict, name: Optional[str], prefix: tuple[str, ...], shown: str) -> tuple[dict, dict]:
    """The values for this run (top level, overlaid by the named section) and, for each
    key, its dotted path in the file for messages."""
    def path(*parts: str) -> str:
        return ".".join((*prefix, *parts))

    _check_keys(table, shown, path, top=True)
    sections = table.get(SECTIONS, {})
    if not isinstance(sections, dict):
        raise StillError(f"{shown}: key {path(SECTIONS)!r} must be a table of [{path(SECTIONS, 'NAME')}] tables, not {_kind(sections)}")
    for section, body in sections.items():
        if not isinstance(body, dict):
            raise StillError(f"{shown}: key {path(SECTIONS, section)!r} must be a table, not {_kind(body)}")

    values = {key: value for key, value in table.items() if key != SECTIONS}
    keys = {key: path(key) for key in values}
    if name is None:
        return values, keys
    if name not in sections:
        available = ", ".join(sorted(sections)) if sections else f"none (add a [{path(SECTIONS, name)}] table)"
        raise StillError(f"{shown}: no database named {name!r} (no [{path(SECTIONS, name)}] table); available: {available}")
    body = sections[name]
    _check_keys(body, shown, lambda *parts: path(SECTIONS, name, *parts), top=False)
    values.update(body)
    keys.update({key: path(SECTIONS, name, key) for key in body})
    return values, keys


def _check_keys(table: dict, shown: str, path, top: bool) -> None:
    known = (*FILE_KEYS, SECTIONS) if top else FILE_KEYS
    for key in table:
        if key in known:
            continue
        if key == SECTIONS:
            raise StillError(f"{shown}: key {path(key)!r} is only allowed at the top level, not inside a named section")
        import difflib

        close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
        hint = f"did you mean {close[0]!r}?" if close else "known keys: " + ", ".join(known)
        raise StillError(f"{shown}: unknown key {path(key)!r} ({hint})")


# ---------------------------------------------------------------------------- validation


def _parse_x(items: list[str]) -> dict[str, str]:
    extras: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise StillError(f"-x {item!r}: expected key=value (e.g. -x tenant=acme)")
        extras[key.strip()] = value
    return extras


def _validate(values: dict, keys: dict, shown: str, extras, url, source, name) -> Config:
    data = dict(values)
    if url is not None:
        data["url"] = url
    data.update(x=extras, source=source, name=name)
    try:
        return Config(**data)
    except InvalidConfig as err:
        raise StillError(_validation_message(err, values, keys, shown, url)) from None


def _validation_message(err: InvalidConfig, values: dict, keys: dict, shown: str, url) -> str:
    field = err.field
    if field == "url" and url is not None and "url" not in values:
        # The URL came from --url or $STILL_DATABASE_URL, not from the file.
        return f"the database URL given by --url or ${URL_ENV} {err.reason or 'must be a string'}"
    key = keys.get(field, field)
    if err.reason is not None:
        return f"{shown}: key {key!r} {err.reason}"
    value = values.get(field)
    expected = _EXPECTED.get(field, "something else")
    if err.index is not None and isinstance(value, list):
        item = value[err.index] if err.index < len(value) else None
        return f"{shown}: key {key!r} must be {expected}, but item {err.index} is {_kind(item)}"
    return f"{shown}: key {key!r} must be {expected}, not {_kind(value)}"


def _kind(value: Any) -> str:
    """A TOML value's type, as the user wrote it."""
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, int):
        return f"an integer ({value})"
    if isinstance(value, float):
        return f"a number ({value})"
    if isinstance(value, str):
        return f"a string ({value!r})"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    return f"a {type(value).__name__} ({value})"
