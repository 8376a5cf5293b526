"""The two states `plan`, `check` and `generate` compare: `--from SOURCE --to SOURCE`.

A source is one of
- `db`: the configured database (`url` setting, `--url`, env.py's connect hook);
- a database URL (`postgresql://...`): that database, and only it, is connected to;
- a snapshot file (`still snapshot --out`, or `--format json` output);
- `models`: the configured models (`--metadata`, env.py, the `metadata` setting), or
  `package.module:attribute`;
- `history` (the revision files replayed to their heads, no database) or `history@REV`
  (replayed up to REV);
- `empty`: a database with nothing in it.

A database and a snapshot file have a dialect of their own; the others take the other
side's, or, when neither side has one, the configured URL's (read, never connected to).
Two states of different dialects are never compared: the plan would be DDL for neither.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from still import snapshot as s
from still.errors import StillError

WORDS = ("db", "models", "history", "empty")
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")
_MODULE_ATTR = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_][\w.]*$")


@dataclass(frozen=True)
class Source:
    kind: str  # db, url, file, models, history, empty
    given: str  # as the user wrote it
    value: Optional[str] = None  # the URL, the file, module:attribute, the revision

    @property
    def own_dialect(self) -> bool:
        return self.kind in ("db", "url", "file")

    def label(self) -> str:
        from still.db import mask

        return mask(self.given)


DB = Source("db", "db")
MODELS = Source("models", "models")


def parse_source(text: Optional[str], flag: str, default: Source) -> Source:
    """What `--from`/`--to` TEXT names; `default` when not given."""
    if text is None:
        return default
    text = text.strip()
    if text in WORDS:
        return Source(text, text)
    if text.startswith("history@"):
        rev = text.partition("@")[2]
        if not rev:
            raise StillError(f"{flag} {text}: name a revision after '@' (history@REV)")
        return Source("history", text, rev)
    if _URL.match(text):
        return Source("url", text, text)
    if Path(text).is_file():
        return Source("file", text, text)
    if _MODULE_ATTR.match(text):
        return Source("models", text, text)
    raise StillError(f"{flag} {text!r}: not a database URL, an existing snapshot file, 'package.module:attribute', "
                     f"'models', 'db', 'history', 'history@REV' or 'empty'")


def family(dialect_name: str) -> str:
    return "mysql" if dialect_name == "mariadb" else dialect_name


@dataclass
class State:
    snapshot: Optional[s.Snapshot] = None  # None: models, declared once the dialect is known
    metadata: object = None
    dialect: object = None
    findings: tuple = ()
    heads: tuple = ()
    description: str = ""
    live: object = None  # the Engine (or env.py's Connection) of a live database: its rows are asked


@dataclass
class Compared:
    result: object  # still.compare.Comparison
    dialect: object  # the --from side's: the SQL is for it
    heads: tuple = ()  # the revisions the --from state stands on (db at head, history)
    described: tuple = field(default_factory=tuple)  # (from, to) as a report names them


class Loader:
    """Reads the states of one command line. `missing_is_empty` (plan): the configured
    SQLite file that does not exist yet is an empty database. `for_revision` (generate):
    the database must be at head, and the heads are read."""

    def __init__(self, cfg, explicit_metadata: Optional[str], missing_is_empty: bool = False,
                 for_revision: bool = False):
        from still.runtime.env import project_hooks

        self.cfg, self.explicit = cfg, explicit_metadata
        self.missing_is_empty, self.for_revision = missing_is_empty, for_revision
        self.hooks = project_hooks(cfg)
        self._run = None

    def run(self):
        if self._run is None:
            from still.runtime.migrate import Run

            self._run = Run(self.cfg)
        return self._run

    def load(self, source: Source, dialect=None) -> State:
        return getattr(self, f"_{source.kind}")(source, dialect)

    def _url(self, source: Source, dialect) -> State:
        from still.db import mask, open_engine

        state = self._reflect(open_engine(source.value))
        state.description = mask(source.value)
        return state

    def _db(self, source: Source, dialect) -> State:
        import sys

        from still.cli.settings import missing_sqlite_file, no_database_yet, require
        from still.db import mask, open_engine

        url = require(self.cfg, "url", "--url")
        if self.for_revision:
            return self._at_head()
        target = self.hooks.connect(url, dict(self.cfg.x)) if self.hooks.connect is not None else None
        missing = missing_sqlite_file(url) if target is None else None
        if missing and not self.missing_is_empty:
            raise StillError(no_database_yet(missing))
        if missing:
            print(f"note: the database file {missing} does not exist yet: planning against an empty "
                  f"database", file=sys.stderr)
            target = open_engine("sqlite://")
        state = self._reflect(target if target is not None else open_engine(url))
        state.description = mask(url)
        return state

    def _reflect(self, target) -> State:
        from still.db import connected
        from still.reflect import reflect

        with connected(target) as conn:
            snap = reflect(conn, self.cfg.schemas)
            dialect = conn.dialect
            conn.rollback()
        return State(snapshot=snap, dialect=dialect, live=target)

    def _at_head(self) -> State:
        """The configured database, which a new revision follows: it must be at head."""
        from still.db import connected, mask
        from still.reflect import reflect

        run = self.run()
        engine = run.engine()
        with connected(engine) as conn:
            current = run.version_table.heads(conn)
            if not run.graph.is_up_to_date(current):
                # exactly what is not applied, in the order upgrade would run it
                missing = [step.revision.revision for step in run.graph.upgrade_steps(current, "heads")]
                raise StillError(f"the database is not at head (missing {', '.join(missing[:5])}"
                                 f"{'...' if len(missing) > 5 else ''}): run 'still upgrade head' first, "
                                 f"or compare with --from history")
            snap = reflect(conn, self.cfg.schemas)
            dialect = conn.dialect
            conn.rollback()
        return State(snapshot=snap, dialect=dialect, heads=tuple(run.graph.heads), description=mask(run.url()),
                     live=engine)

    def _file(self, source: Source, dialect) -> State:
        from still.snapshot_file import read_snapshot_file

        read = read_snapshot_file(Path(source.value))
        dialect = read.dialect()
        if read.server.version is None and self.cfg.postgresql_version:
            from still.server_versions import for_server

            dialect = for_server(dialect, self.cfg.postgresql_version)
        return State(snapshot=read.snapshot, dialect=dialect, description=source.value)

    def _models(self, source: Source, dialect) -> State:
        from still.metadata import load_metadata

        if source.value is None:
            from still.cli.planning import models

            return State(metadata=models(self.cfg, self.explicit, self.hooks), dialect=dialect,
                         description="models")
        return State(metadata=load_metadata(source.value, self.cfg.metadata_loader), dialect=dialect,
                     description=source.value)

    def _history(self, source: Source, dialect) -> State:
        from still.runtime.replay import replay

        run = self.run()
        if source.value is not None:
            run.graph.resolve(source.value)  # an unknown revision: its one-line error
        snap, findings, heads = replay(run, dialect, source.value or "heads")
        return State(snapshot=snap, dialect=dialect, findings=tuple(findings), heads=heads,
                     description=source.given)

    def _empty(self, source: Source, dialect) -> State:
        from still.declare import rules_for

        return State(snapshot=s.Snapshot(dialect=dialect.name, default_schema=rules_for(dialect).default_schema),
                     dialect=dialect, description="empty")

    def dialect_name(self, source: Source) -> str:
        """The dialect of a database or a snapshot file, without connecting."""
        if source.kind == "file":
            from still.snapshot_file import read_snapshot_file

            return read_snapshot_file(Path(source.value)).server.dialect
        from still.cli.settings import require
        from still.db import parse_url

        url = source.value if source.kind == "url" else require(self.cfg, "url", "--url")
        return parse_url(url).get_backend_name()

    def offline_dialect(self, before: Source, after: Source):
        """Neither side has a dialect: the configured URL's, without connecting."""
        from still.db import mask, parse_url
        from still.server_versions import for_server

        if not self.cfg.url:
            raise StillError(f"--from {before.label()} --to {after.label()}: neither side is a database or a "
                             f"snapshot file, so the dialect comes from the configured URL, and there is none: "
                             f"set 'url' or pass --url (it is not connected to)")
        url = parse_url(self.cfg.url)
        try:
            dialect = url.get_dialect()()
        except Exception as err:
            raise StillError(f"cannot tell the dialect from the database URL {mask(url)}: {err}") from None
        return for_server(dialect, self.cfg.postgresql_version)


def compare_sources(cfg, before: Source, after: Source, renames=(), explicit_metadata: Optional[str] = None,
                    missing_is_empty: bool = False, for_revision: bool = False) -> Compared:
    """The plan from the `before` state to the `after` state."""
    from still.compare import compare_snapshot, compare_snapshots

    loader = Loader(cfg, explicit_metadata, missing_is_empty, for_revision)
    if before.own_dialect and after.own_dialect:  # refused before anything is connected to
        ours, theirs = loader.dialect_name(before), loader.dialect_name(after)
        if family(ours) != family(theirs):
            raise StillError(f"cannot compare across dialects: --from {before.label()} is {ours}, --to "
                             f"{after.label()} is {theirs}: compare two states of the same dialect")
    states: dict = {}
    for flag, source in (("--from", before), ("--to", after)):
        if source.own_dialect:
            states[flag] = loader.load(source)
    known = next(iter(states.values())).dialect if states else loader.offline_dialect(before, after)
    for flag, source in (("--from", before), ("--to", after)):
        if flag not in states:
            states[flag] = loader.load(source, known)
    old, new = states["--from"], states["--to"]
    dialect = old.dialect
    options = dict(schemas=cfg.schemas, excludes=cfg.excludes, version_table=cfg.version_table,
                   renames=list(renames or []), include=loader.hooks.include_object,
                   log_table=cfg.log_table_name())
    current = old.snapshot if old.snapshot is not None else _declared(old.metadata, dialect, cfg.schemas)
    if new.metadata is not None:
        result = compare_snapshot(current, dialect, new.metadata, findings=old.findings, **options)
    else:
        result = compare_snapshots(current, new.snapshot, dialect, findings=old.findings + new.findings,
                                   sides=(_where(before), _where(after)),
                                   reflected=(old.metadata is None, True), **options)
    if old.live is not None and not result.plan.empty:
        result = _with_rows(old.live, result)
    return Compared(result=result, dialect=dialect, heads=old.heads,
                    described=(old.description, new.description))


def _with_rows(live, result):
    """The comparison with what the rows of the live --from database say of its plan: the
    constraints it adds that they break (still.lint.rows; read-only counts)."""
    from dataclasses import replace

    from still.db import connected
    from still.lint.rows import row_findings

    with connected(live) as conn:
        broken = row_findings(conn, result.plan.operations, result.current)
        conn.rollback()
    if not broken:
        return result
    return replace(result, plan=result.plan.model_copy(update={"findings": result.plan.findings + tuple(broken)}))


def _declared(metadata, dialect, schemas) -> s.Snapshot:
    from still.declare import declare

    return declare(metadata, dialect, schemas)


def _where(source: Source) -> str:
    return {"db": "in the database", "url": f"in {source.label()}", "file": f"in {source.given}",
            "models": "in the models", "history": "in the history", "empty": "in the empty state"}[source.kind]
