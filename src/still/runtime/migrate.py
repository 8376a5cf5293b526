"""upgrade, downgrade and stamp: steps from the revision graph, run online in
transactions or written out as an offline SQL script.

Online, each revision runs with its version-table change in one transaction (or the
whole run in one with `transaction="all"`); a failure rolls that transaction back, so the
schema and the version table stay as they were, and the error names the revision and
the statement. Offline, nothing is connected: the dialect comes from the URL's scheme
and the script brackets each revision in BEGIN/COMMIT. Either way each revision run adds
its row to the applied-revisions log in that transaction (see runtime.applied_log).
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Optional, TextIO

from still.errors import StillError
from still.revisions.targets import precheck
from still.runtime.applied_log import DIRECTIONS, LogTable
from still.runtime.version_table import VersionTable

TRANSACTIONS = ("per-revision", "all")
_ASK = object()  # Run.engine: call the env.py hook


@dataclass
class Progress:
    """What a run reports; the CLI passes one that draws a bar or prints lines."""

    start: Callable[[int], None] = lambda total: None
    step: Callable[[object], None] = lambda step: None
    done: Callable[[], None] = lambda: None
    operation: Callable[[str], None] = lambda what: None  # each operation of the running revision
    # told once while waiting for the migration lock (see still.runtime.lock)
    waiting: Callable[[str], None] = lambda message: print(message, file=sys.stderr, flush=True)
    # a warning line (an applied revision edited since it ran); printed even when quiet
    warn: Callable[[str], None] = lambda message: print(message, file=sys.stderr, flush=True)


@dataclass
class Run:
    """Everything one command needs: config, graph, hooks, version table."""

    cfg: object
    progress: Progress = field(default_factory=Progress)
    tag: Optional[str] = None

    def __post_init__(self):
        from still.revisions import RevisionGraph

        self.script_path = Path(self.cfg.script_path())
        self.graph = RevisionGraph.load(self.cfg.version_dirs())
        self.version_table = VersionTable(self.cfg.version_table, self.cfg.version_table_schema)
        log_name = self.cfg.log_table_name()
        self.log = LogTable(log_name, self.cfg.version_table_schema) if log_name else None
        self._modules: dict = {}  # revision id -> its imported file, for this run
        self._convention: Optional[dict] = None  # see naming_convention()
        self._checksums: dict = {}  # revision id -> checksum of the file imported
        from still.revisions.code_index import CodeIndex

        self._code = CodeIndex()  # compiled revision files, kept between runs
        base = str(self.cfg.base_dir)
        if base not in sys.path:  # revision files may import the project's modules
            sys.path.insert(0, base)

    # -- connections ---------------------------------------------------------------
    def url(self) -> str:
        if not self.cfg.url:
            where = f" in {self.cfg.source}" if self.cfg.source else ""
            raise StillError(f"no database URL configured{where}: set 'url' or pass --url")
        return self.cfg.url

    def engine(self, must_exist: bool = False, hooked=_ASK):
        """The hook's Engine or Connection if it gives one, else still's own; `hooked`
        passes on what hooked_engine() already returned, so the hook runs once."""
        made = self.hooked_engine() if hooked is _ASK else hooked
        if made is not None:
            return made
        if must_exist:
            from still.db import open_engine

            return open_engine(self.url())
        from still.db import migration_engine

        return migration_engine(self.url())

    def hooked_engine(self):
        """What env.py's `connect(url, x_args)` hook returns; None without one (or when it
        returns None): still's own engine is used."""
        from still.runtime.env import load_env

        hooks = load_env(self.script_path)
        if hooks.connect is None:
            return None
        return hooks.connect(self.url(), dict(self.cfg.x))

    def offline_dialect(self):
        from still.db import mask, parse_url

        from still.server_versions import for_server

        url = parse_url(self.url())
        try:
            dialect = url.get_dialect()()
        except Exception as err:
            raise StillError(f"cannot tell the dialect from the database URL {mask(url)}: {err}") from None
        return for_server(dialect, self.cfg.postgresql_version)

    # -- reading ---------------------------------------------------------------------
    def current(self) -> tuple[str, ...]:
        return self.state()[0]

    def state(self) -> tuple[tuple[str, ...], list]:
        """The version rows and the applied-revisions log (empty when off or absent)."""
        from still.db import connected

        hooked = self.hooked_engine()
        if hooked is None:
            from still.runtime.applied_log import SELECT, Entry
            from still.runtime.version_read import read_tables

            # without a hook the driver alone reads the tables: no SQLAlchemy import
            queries = [(self.version_table.name, "SELECT version_num FROM {table}")]
            if self.log is not None:
                queries.append((self.log.name, SELECT))
            found = read_tables(self.url(), self.version_table.schema, queries)
            if found is not None:
                heads = tuple(sorted(row[0] for row in found[0] or ()))
                entries = [Entry.of_row(row) for row in found[1] or ()] if self.log is not None else []
                return heads, entries
        engine = self.engine(must_exist=True, hooked=hooked)
        with connected(engine) as conn:
            heads = self.version_table.heads(conn)
            entries = self.log.entries(conn) if self.log is not None else []
        return heads, entries

    def edited(self, heads: tuple[str, ...], entries: list) -> list:
        """Applied revisions whose file changed since their last logged upgrade."""
        from still.runtime.applied_log import edited

        return edited(self.graph, heads, entries)

    def warn_edited(self, heads: tuple[str, ...], entries: list) -> list:
        from still.runtime.applied_log import edited_message

        found = self.edited(heads, entries)
        for rev_id, entry in found:
            self.progress.warn(edited_message(rev_id, entry))
        return found

    # -- running ---------------------------------------------------------------------
    def upgrade(self, target: str, sql: bool = False, transaction: str = "per-revision",
                out: Optional[TextIO] = None) -> int:
        if sql:
            start, end = _range(target, "base")
            current = () if start == "base" else self.graph.resolve(start)
            return self._offline(lambda: self.graph.upgrade_steps(current, end), current,
                                 out or sys.stdout, transaction, start == "base")
        precheck(self.graph, target)  # a typo touches nothing: the database is not even opened
        return self._online(lambda heads: self.graph.upgrade_steps(heads, target), transaction)

    def downgrade(self, target: str, sql: bool = False, transaction: str = "per-revision",
                  out: Optional[TextIO] = None) -> int:
        if sql:
            if ":" not in target:
                raise StillError("downgrade --sql needs a range START:END (e.g. head:base): "
                                 "offline, still cannot read where the database is")
            start, end = _range(target, None)
            current = self.graph.resolve(start)
            return self._offline(lambda: self.graph.downgrade_steps(current, end), current,
                                 out or sys.stdout, transaction, False)
        precheck(self.graph, target)
        return self._online(lambda heads: self.graph.downgrade_steps(heads, target), transaction)

    def stamp(self, targets: list[str], sql: bool = False, purge: bool = False,
              out: Optional[TextIO] = None) -> tuple[tuple[str, ...], tuple[str, ...]]:
        if sql:
            out = out or sys.stdout
            dialect = self.offline_dialect()
            start, targets = _stamp_range(targets)
            current = () if start == "base" else self.graph.resolve(start)
            delete, insert = self.graph.stamp_change(current, targets, purge=False)
            out.write("BEGIN;\n\n")
            if start == "base":  # from base the table does not exist yet
                out.write(self.version_table.create_sql(dialect) + ";\n\n")
            for stmt in self.version_table.change_sql(dialect, delete, insert):
                out.write(stmt + ";\n\n")
            out.write("COMMIT;\n\n")
            return delete, insert
        from still.db import connected

        engine = self.engine()
        with connected(engine) as conn, self.lock(conn):
            current = self.version_table.heads(conn)
            delete, insert = self.graph.stamp_change(current, targets, purge=purge)
            try:
                self.version_table.ensure(conn)
                self.version_table.apply(conn, tuple(delete), tuple(insert))
                conn.commit()
            except Exception as err:
                conn.rollback()
                from still.db import driver_error

                reason = driver_error(err)
                if reason is None:
                    raise
                raise StillError(f"stamp failed: {reason}; rolled back: the version table is as it was") from err
        return delete, insert

    def _online(self, plan_steps, transaction: str) -> int:
        from still.db import connected
        from still.reflect import reflect
        from still.runtime.driver_sql import verbatim_driver_sql
        from still.runtime.executor import OnlineExecutor
        from still.runtime.sqlite_journal import wal_commits

        _check_transaction(transaction)
        hooked = self.hooked_engine()
        engine = self.engine(hooked=hooked)
        # commits through a WAL on still's own SQLite connection (see sqlite_journal);
        # a hooked connection is its owner's to configure
        wal = self.cfg.sqlite_commit if hooked is None and transaction == "per-revision" else "file"
        with connected(engine) as conn, self.lock(conn), wal_commits(conn, wal), verbatim_driver_sql(conn):
            heads = self.version_table.heads(conn)
            entries = self.log.entries(conn) if self.log is not None else []
            steps = plan_steps(heads)
            conn.commit()
            edited = self.warn_edited(heads, entries)
            if edited and self.cfg.edited_revisions == "refuse":
                names = ", ".join(rev_id for rev_id, _ in edited)
                raise StillError(f"applied revision(s) {names} edited since they ran, and edited_revisions = "
                                 f"\"refuse\": nothing was run; restore the file(s), or set edited_revisions = "
                                 f"\"warn\" if the change is intended")
            if not steps:
                return 0
            self.load_steps(steps)
            executor = OnlineExecutor(conn, reflect(conn), lambda: reflect(conn))
            executor.on_operation = self.progress.operation
            conn.commit()
            after = getattr(executor._ddl, "after_plan", None)
            self.progress.start(len(steps))
            try:
                for number, step in enumerate(steps):
                    self.progress.step(step)
                    executor.applied, executor.committed = [], None
                    try:
                        if number == 0:
                            self.version_table.ensure(conn)
                            if self.log is not None:
                                self.log.ensure(conn)
                        started, clock = datetime.now(timezone.utc), time.monotonic()
                        self.run_step(step, executor)
                        self.version_table.apply(conn, tuple(step.delete), tuple(step.insert))
                        if self.log is not None:
                            rev = step.revision
                            self.log.record(conn, rev.revision, DIRECTIONS[step.direction], self._checksums[rev.revision],
                                            started, round((time.monotonic() - clock) * 1000))
                        last = transaction == "per-revision" or number == len(steps) - 1
                        if after is not None and last and executor.may_orphan:
                            after(conn)
                            executor.may_orphan = False
                        if transaction == "per-revision":
                            conn.commit()
                    except BaseException as err:
                        conn.rollback()
                        if not executor.transactional_ddl:
                            raise _failed_unrolled(step, err, executor.applied, dialect_label(conn.dialect),
                                                   self.version_table.heads(conn)) from err
                        if executor.committed is not None:
                            raise _failed_committed(step, err, executor.applied[:executor.committed],
                                                    self.version_table.heads(conn)) from err
                        raise _failed(step, err, transaction) from err
                if transaction == "all":
                    conn.commit()
            finally:
                self.progress.done()
            return len(steps)

    def lock(self, conn):
        """The migration lock, taken before the version table is read (see runtime.lock)."""
        from still.runtime.lock import migration_lock

        return migration_lock(conn, self.version_table, self.cfg.lock_timeout, self.progress.waiting)

    def _offline(self, plan_steps, current, out: TextIO, transaction: str, from_base: bool) -> int:
        from still import snapshot as s
        from still.declare import rules_for
        from still.runtime.executor import OfflineExecutor

        _check_transaction(transaction)
        dialect = self.offline_dialect()
        empty = s.Snapshot(dialect=dialect.name, default_schema=rules_for(dialect).default_schema)
        # the schema at the start of the range: replay the revisions below it, writing nothing
        replay = OfflineExecutor(dialect, empty, None)
        heads: set[str] = set()
        for head in current:
            for step in self.graph.upgrade_steps(tuple(sorted(heads)), head):
                try:
                    self.run_step(step, replay)
                except BaseException as err:
                    raise _failed(step, err, None) from err
                heads = (heads - set(step.delete)) | set(step.insert)
        executor = OfflineExecutor(dialect, replay.snapshot, out)
        steps = plan_steps()
        self.load_steps(steps)
        self.progress.start(len(steps))
        # where DDL commits by itself (MySQL) no BEGIN/COMMIT pretends otherwise
        brackets = executor.transactional_ddl
        per_revision = transaction == "per-revision" and brackets
        whole = transaction == "all" and brackets
        if whole and steps:
            out.write("BEGIN;\n\n")
        for number, step in enumerate(steps):
            self.progress.step(step)
            if per_revision:
                out.write("BEGIN;\n\n")
            if number == 0 and from_base:
                executor.write(self.version_table.create_sql(dialect))
            if number == 0 and self.log is not None:
                executor.write(self.log.create_sql(dialect))
            rev = step.revision
            arrow = f"{', '.join(rev.down_revisions) or '<base>'} -> {rev.revision}" if step.direction == "up" \
                else f"{rev.revision} -> {', '.join(rev.down_revisions) or '<base>'}"
            out.write(f"-- Running {'upgrade' if step.direction == 'up' else 'downgrade'} {arrow}"
                      f"{', ' + _one_line(rev.message) if rev.message else ''}\n\n")
            try:
                self.run_step(step, executor)
            except BaseException as err:
                raise _failed(step, err, None) from err
            for stmt in self.version_table.change_sql(dialect, tuple(step.delete), tuple(step.insert)):
                executor.write(stmt)
            if self.log is not None:
                executor.write(self.log.insert_sql(dialect, rev.revision, DIRECTIONS[step.direction],
                                                   self._checksums[rev.revision], None, None))
            if per_revision:
                out.write("COMMIT;\n\n")
        if whole and steps:
            out.write("COMMIT;\n\n")
        self.progress.done()
        return len(steps)

    def load_steps(self, steps) -> None:
        """Import the revision files of `steps` before anything runs: a file that does not
        compile or import fails the command while the database is still untouched, and the
        run itself is not interrupted by compiling."""
        from still.alembic_compat.proxies import established

        with established():  # what a revision's imports run may use alembic.op
            for step in steps:
                try:
                    self._module(step.revision)
                except BaseException as err:
                    raise _failed(step, err, None) from err

    def _module(self, rev):
        from still.runtime.env import import_file

        module = self._modules.get(rev.revision)
        if module is None:
            from still.runtime.applied_log import checksum

            path = rev.path if isinstance(rev.path, Path) else Path(rev.path)
            try:  # the compiled file and its checksum, from one read (or none: code_index)
                code, self._checksums[rev.revision] = self._code.get(path)
            except (OSError, SyntaxError, ValueError):  # said below, as import_file says it
                code, self._checksums[rev.revision] = None, checksum(path)  # of the text imported
            module = self._modules[rev.revision] = import_file(path, f"still_revision_{rev.revision}",
                                                                   revision=True, code=code)
        return module

    def naming_convention(self) -> Optional[dict]:
        """The naming convention op.* names follow: `metadata`'s, where the configuration
        says so (as Alembic applies target_metadata's), imported once."""
        if not self.cfg.metadata_naming_convention:
            return None
        if self._convention is None:
            if not self.cfg.metadata:
                raise StillError("metadata_naming_convention = true needs metadata = \"package.module:attribute\"")
            from still.metadata import load_metadata

            self._convention = dict(load_metadata(self.cfg.metadata, self.cfg.metadata_loader).naming_convention)
        return self._convention

    def run_step(self, step, executor) -> None:
        from still.alembic_compat.proxies import established
        from still.runtime.executor import active

        rev = step.revision
        with established():  # the app's modules reach still's op through alembic.op too
            module = self._module(rev)
            name = "upgrade" if step.direction == "up" else "downgrade"
            fn = getattr(module, name, None)
            if not callable(fn):
                raise StillError(f"revision {rev.revision} ({rev.path}) has no {name}() function")
            executor.tag, executor.x, executor.cfg = self.tag, dict(self.cfg.x), self.cfg
            executor.naming_convention = self.naming_convention()
            with active(executor):
                fn()


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _range(target: str, default_start):
    if ":" not in target:
        return default_start, target
    start, _, end = target.partition(":")
    if not start or not end:
        raise StillError(f"malformed range {target!r}: expected START:END, e.g. base:head")
    return start, end


def _stamp_range(targets: list[str]) -> tuple[str, list[str]]:
    """Offline, still cannot read where the database is: `stamp --sql START:END` says it
    (START defaults to base, whose script also creates the version table)."""
    ranged = [t for t in targets if ":" in t]
    if not ranged:
        return "base", targets
    if len(targets) > 1:
        raise StillError("stamp --sql takes one START:END range, or revisions to stamp from base")
    start, end = _range(ranged[0], "base")
    return start, [end]


def _check_transaction(transaction: str) -> None:
    if transaction not in TRANSACTIONS:
        raise StillError(f"--transaction must be one of {', '.join(TRANSACTIONS)}, not {transaction!r}")


def dialect_label(dialect) -> str:
    return "MariaDB" if getattr(dialect, "is_mariadb", False) else {"mysql": "MySQL"}.get(dialect.name, dialect.name)


def _failed_unrolled(step, err: BaseException, applied: list[str], label: str, heads) -> BaseException:
    """The failure where DDL cannot be rolled back: what of the revision is in the database
    now, and what the version table says (it changes only after a revision's last statement)."""
    if isinstance(err, KeyboardInterrupt):
        return err
    base = _failed(step, err, None)
    # what ran after the last DDL statement was rolled back with the transaction
    ddl = [i for i, sql in enumerate(applied) if sql.lstrip()[:8].upper().split(" ")[0] in _DDL_WORDS]
    rolled_back = len(applied) - (ddl[-1] + 1 if ddl else 0)
    failed_at = len(applied) + 1
    applied = applied[:len(applied) - rolled_back]
    done = "; ".join(_one_line(sql)[:80] for sql in applied)
    ran = (f"statements 1-{len(applied)} of it ({done}) are applied" if len(applied) > 1 else
           f"statement 1 of it ({done}) is applied" if applied else "none of its DDL ran")
    version = ", ".join(heads) if heads else "base"
    undone = f", the {rolled_back} after the last DDL statement were rolled back" if rolled_back else ""
    return StillError(f"{base}; statement {failed_at} of this revision failed and its DDL was not rolled "
                      f"back ({label} commits each DDL statement): {ran}{undone}; the version table still "
                      f"says {version}")


def _failed_committed(step, err: BaseException, applied: list[str], heads) -> BaseException:
    """The failure of a revision that left its transaction (an autocommit block, where
    CONCURRENTLY index builds run): what it committed stays."""
    if isinstance(err, KeyboardInterrupt):
        return err
    done = "; ".join(_one_line(sql)[:80] for sql in applied)
    ran = (f"statements 1-{len(applied)} of it ({done}) are applied" if len(applied) > 1 else
           f"statement 1 of it ({done}) is applied" if applied else "none of its statements is applied")
    version = ", ".join(heads) if heads else "base"
    return StillError(f"{_failed(step, err, None)}; it committed inside op.get_context().autocommit_block(), "
                      f"so only what followed was rolled back: {ran}; the version table still says {version}")


_DDL_WORDS = {"CREATE", "ALTER", "DROP", "RENAME", "TRUNCATE"}


def _failed(step, err: BaseException, transaction: Optional[str]) -> BaseException:
    if isinstance(err, KeyboardInterrupt):
        return err
    rev = step.revision
    what = f"{'upgrade' if step.direction == 'up' else 'downgrade'} of revision {rev.revision}"
    if rev.message:
        what += f" ({_one_line(rev.message)})"
    detail = str(err) if isinstance(err, StillError) else f"{type(err).__name__}: {err}"
    detail = detail.strip().splitlines()[0] if detail.strip() else type(err).__name__
    if transaction == "all":
        tail = "; rolled back: nothing was changed"
    elif transaction == "per-revision":
        tail = "; rolled back: schema and version table are as they were before this revision"
    else:
        tail = ""
    return StillError(f"{what} failed: {detail}{tail}")

