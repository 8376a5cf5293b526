"""How long each DDL statement of upgrade/downgrade waits for its table lock, and what is
retried when the wait runs out (config `ddl_lock_timeout`, `ddl_lock_attempts`,
`ddl_lock_backoff`; not still's own migration lock, which is `lock_timeout`).

A lock request that waits queues every later request on the table behind it: an ALTER
TABLE waiting behind a long transaction stops the application even though the ALTER
itself is brief. So each statement gives up after `ddl_lock_timeout` seconds, and the
unit it belongs to is undone and tried again after a back-off that doubles:

- PostgreSQL, in a transaction: `SET LOCAL lock_timeout` opens every transaction still
  runs a revision in; on SQLSTATE 55P03 the whole transaction is rolled back (nothing of
  the revision stays, no lock is held while waiting) and the revision runs again. With
  `--transaction all` the unit is the whole run. A revision whose autocommit block has
  already committed is not run again (that part cannot be undone): it fails at once.
- PostgreSQL, inside an autocommit block: the session's `lock_timeout` is set for the
  block (and put back after it); a statement that hits it changed nothing and is retried.
- MariaDB/MySQL: `SET SESSION lock_wait_timeout` (whole seconds, 1 or more) for the run;
  each DDL statement commits by itself, so the statement that hit it (error 1205) is retried.
- SQLite: one writer locks the whole database file; there is no table lock to bound
  (its busy timeout is the connection's), so nothing here applies.

`ddl_lock_timeout = 0` turns all of this off. Offline (`--sql`) the script sets the
timeout once at its top; retrying is then the job of whatever runs the script.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Callable, Optional

from still.errors import StillError


def lock_timed_out(err: Optional[BaseException]) -> bool:
    """True when `err` (or what it was raised from) is the server giving up a lock wait."""
    seen = set()
    while err is not None and id(err) not in seen:
        seen.add(id(err))
        orig = getattr(err, "orig", None)
        for candidate in (err, orig):
            if getattr(candidate, "sqlstate", None) == "55P03":  # psycopg: lock_not_available
                return True
            args = getattr(candidate, "args", ())
            # PyMySQL: (1205, 'Lock wait timeout exceeded; ...')
            if type(candidate).__module__.startswith("pymysql") and args and args[0] == 1205:
                return True
        err = err.__cause__ or err.__context__
    return False


@dataclass
class DdlLocks:
    dialect: str  # "postgresql", "mysql" (MariaDB too), ...
    timeout: float  # seconds; 0: off
    attempts: int
    backoff: float

    @classmethod
    def of(cls, cfg, dialect) -> "DdlLocks":
        return cls(dialect.name, float(getattr(cfg, "ddl_lock_timeout", 0) or 0),
                   int(getattr(cfg, "ddl_lock_attempts", 1) or 1), float(getattr(cfg, "ddl_lock_backoff", 0) or 0))

    @property
    def on(self) -> bool:
        return self.timeout > 0 and self.dialect in ("postgresql", "mysql")

    @property
    def whole_units(self) -> bool:
        """A transaction can be rolled back and run again (PostgreSQL)."""
        return self.on and self.dialect == "postgresql"

    def _pg_value(self) -> str:
        ms = max(1, round(self.timeout * 1000))
        return f"{ms // 1000}s" if ms % 1000 == 0 else f"{ms}ms"

    def _my_value(self) -> int:
        return max(1, math.ceil(self.timeout))

    # -- setting it -------------------------------------------------------------------
    def offline_sql(self) -> Optional[str]:
        if not self.on:
            return None
        if self.dialect == "postgresql":
            return f"SET lock_timeout = '{self._pg_value()}'"
        return f"SET SESSION lock_wait_timeout = {self._my_value()}"

    def start(self, conn) -> Optional[Callable[[], None]]:
        """For the run (MariaDB: the session's wait); returns what puts it back."""
        if not self.on or self.dialect != "mysql":
            return None
        old = conn.exec_driver_sql("SELECT @@SESSION.lock_wait_timeout").scalar()
        conn.exec_driver_sql(f"SET SESSION lock_wait_timeout = {self._my_value()}")
        return lambda: conn.exec_driver_sql(f"SET SESSION lock_wait_timeout = {int(old)}")

    def begin(self, conn) -> None:
        """At the start of each transaction a revision runs in (PostgreSQL)."""
        if self.whole_units:
            conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{self._pg_value()}'")

    def session(self, conn) -> Optional[Callable[[], None]]:
        """For an autocommit block (PostgreSQL): the session's timeout, and what restores it."""
        if not self.whole_units:
            return None
        old = conn.exec_driver_sql("SELECT current_setting('lock_timeout')").scalar()
        conn.exec_driver_sql(f"SET lock_timeout = '{self._pg_value()}'")
        import sqlalchemy as sa

        return lambda: conn.execute(sa.text("SELECT set_config('lock_timeout', :v, false)"), {"v": old})

    # -- retrying ---------------------------------------------------------------------
    def pause(self, attempt: int) -> float:
        """The back-off after failed attempt `attempt` (1-based)."""
        return self.backoff * (2 ** (attempt - 1))

    def statement(self, run: Callable[[], None], conn, where: Callable[[], str]) -> None:
        """Run one statement that commits by itself, again after a lock timeout."""
        for attempt in range(1, self.attempts + 1):
            try:
                run()
                return
            except Exception as err:
                if not self.on or not lock_timed_out(err):
                    raise
                if attempt == self.attempts:
                    raise StillError(self.gave_up(conn, where())) from err
            time.sleep(self.pause(attempt))

    def gave_up(self, conn, where: str) -> str:
        waited = sum(self.pause(n) for n in range(1, self.attempts))
        blockers = self.blockers(conn, where)
        return (f"gave up waiting for a lock{' ' + where if where else ''}: {self.attempts} attempt(s) of "
                f"ddl_lock_timeout {self.timeout:g}s each, {waited:g}s of back-off between them"
                f"{'; held by ' + blockers if blockers else ''}")

    def blockers(self, conn, where: str) -> str:
        """Who holds a lock on the table (PostgreSQL; asked after the attempt was undone, so
        still itself holds none): pid, state, how long its transaction has been open."""
        table = getattr(where, "table", None)
        if self.dialect != "postgresql" or not table:
            return ""
        import sqlalchemy as sa

        try:
            rows = conn.execute(sa.text(
                "SELECT DISTINCT a.pid, a.state, round(extract(epoch FROM now() - a.xact_start))::int, "
                "l.mode FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                "WHERE l.relation = to_regclass(:t) AND l.granted AND l.pid <> pg_backend_pid() "
                "ORDER BY 1 LIMIT 5"), {"t": table}).all()
            conn.rollback()
        except Exception:  # a diagnostic only: the error said above is what matters
            return ""
        return ", ".join(f"pid {pid} ({state or 'unknown state'}, {mode}, transaction open {age}s)"
                         if age is not None else f"pid {pid} ({state or 'unknown state'}, {mode})"
                         for pid, state, age, mode in rows)


class Where(str):
    """The table (and lock) a statement waited for, as text for the message; `.table` is
    the qualified name to look blockers up by."""

    table: Optional[str] = None

    @classmethod
    def of(cls, table: Optional[str], lock: Optional[str]) -> "Where":
        text = ""
        if table:
            text = f"on table {table}" + (f" ({lock})" if lock else "")
        where = cls(text)
        where.table = table
        return where
