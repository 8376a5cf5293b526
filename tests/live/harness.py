"""A live-database harness: a big PostgreSQL table, a concurrent writer, a pg_locks sampler.

Issue 23 asks that each safe DDL form be shown safe on a database with rows and traffic,
and that the unsafe form, run the same way, be shown unsafe (so the test can fail). This
module gives every such test the same three parts:

- ``fill_table(url, table, rows=100_000, payload_chars=0)`` creates ``table`` as
  ``(id bigserial primary key, n integer not null, payload text not null)`` and fills it
  with ``generate_series`` in one statement (about a second for 100,000 rows). A non-zero
  ``payload_chars`` makes each payload that long, so that a plain build over it (an index on
  ``payload``) lasts long enough to be seen by the sampler.
- ``Writer``: a thread on its own autocommit connection that inserts one row into the
  table every 10 ms and records each insert's latency; ``longest_stall`` is the worst one.
- ``LockSampler``: a thread on a third autocommit connection that polls ``pg_locks`` for
  the writer's backend (every ~2 ms) and records each lock it was seen *waiting* for
  (``granted = false``) as ``(locktype, mode, relation)``.

A migration under test runs through ``still_project`` (real files, the real CLI).
Use them together through ``traffic``::

    with traffic(url, "items") as seen:
        project.ok("upgrade", "head")          # the migration under test
    assert seen.longest_stall < 1.0             # seconds
    assert seen.waits == set()                  # the writer never waited on a lock
    # or, for the unsafe form: ("relation", "RowExclusiveLock", "items") in seen.waits

``traffic`` starts the writer and the sampler, waits until the writer has made a few
inserts (so its backend pid is known and the sampler is watching), runs the block, then
lets both run a little longer (``settle`` seconds) and stops them. All connections are in
autocommit mode: a harness connection inside an open transaction would itself hold a
snapshot that ``CREATE INDEX CONCURRENTLY`` waits for, and would make the safe form look
unsafe.

``url`` is a SQLAlchemy URL (``postgresql+psycopg://...``, as the ``pg_url`` fixture
gives); psycopg 3 is used directly so the harness adds no pool or ORM layer of its own.
Assert on the ``pg_locks`` observations and on a generous stall bound, never on exact
timings.
"""

from __future__ import annotations

import contextlib
import threading
import time
from dataclasses import dataclass, field
from typing import Iterator, Optional

import psycopg
import sqlalchemy as sa


def libpq_url(url: str) -> str:
    """The libpq form of a SQLAlchemy PostgreSQL URL (no ``+driver`` suffix)."""
    return sa.engine.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def connect(url: str) -> psycopg.Connection:
    return psycopg.connect(libpq_url(url), autocommit=True)


TABLE_MODEL = '''
sa.Table("{table}", metadata, sa.Column("id", sa.BigInteger, primary_key=True),
         sa.Column("n", sa.Integer, nullable=False), sa.Column("payload", sa.Text, nullable=False){extra})
'''


def table_model(table: str, extra: str = "") -> str:
    """The SQLAlchemy declaration of the table ``fill_table`` makes (for a project's models,
    after ``import sqlalchemy as sa`` and ``metadata = sa.MetaData()``); ``extra`` is added
    to its items (``', sa.Index("ix", "n")'``)."""
    return TABLE_MODEL.format(table=table, extra=extra)


def fill_table(url: str, table: str, rows: int = 100_000, payload_chars: int = 0, create: bool = True) -> None:
    """Create ``table`` (id bigserial pk, n integer, payload text) with ``rows`` rows; with
    ``create=False``, fill the table of that shape a migration made (``table_model``).

    ``n`` is ``i % 1000`` (1000 distinct values: a unique index over it fails). Payloads
    are md5 hex strings repeated up to ``payload_chars`` characters (32 when 0), distinct
    per row, so a unique index over ``payload`` can be built."""
    width = max(payload_chars, 32)
    repeats = -(-width // 32)
    with connect(url) as conn:
        if create:
            conn.execute(f'CREATE TABLE "{table}" (id bigserial PRIMARY KEY, n integer NOT NULL, '
                         f'payload text NOT NULL)')
        conn.execute(f'INSERT INTO "{table}" (n, payload) '
                     f"SELECT i % 1000, left(repeat(md5(i::text), {repeats}), {width}) "
                     f"FROM generate_series(1, {rows}) AS i")
        conn.execute(f'ANALYZE "{table}"')


class Writer(threading.Thread):
    """Inserts one row every ``interval`` seconds on its own connection, timing each insert."""

    def __init__(self, url: str, table: str, interval: float = 0.010) -> None:
        super().__init__(daemon=True, name=f"writer:{table}")
        self.url, self.table, self.interval = url, table, interval
        self.latencies: list[float] = []
        self.pid: Optional[int] = None
        self.error: Optional[BaseException] = None
        self.ready = threading.Event()
        self._halt = threading.Event()

    @property
    def longest_stall(self) -> float:
        return max(self.latencies, default=0.0)

    def run(self) -> None:
        try:
            with connect(self.url) as conn:
                self.pid = conn.info.backend_pid
                sql = f'INSERT INTO "{self.table}" (n, payload) VALUES (%s, %s)'
                i = 0
                while not self._halt.is_set():
                    i += 1
                    began = time.perf_counter()
                    conn.execute(sql, (-i, f"writer-{i}"))
                    self.latencies.append(time.perf_counter() - began)
                    if len(self.latencies) >= 3:
                        self.ready.set()
                    self._halt.wait(self.interval)
        except BaseException as exc:  # reported by traffic() on exit
            self.error = exc
            self.ready.set()

    def stop(self) -> None:
        self._halt.set()


class LockSampler(threading.Thread):
    """Polls pg_locks for one backend and records every lock it was seen waiting for."""

    def __init__(self, url: str, pid: int, interval: float = 0.002) -> None:
        super().__init__(daemon=True, name=f"sampler:{pid}")
        self.url, self.pid, self.interval = url, pid, interval
        self.waits: set[tuple[str, str, Optional[str]]] = set()
        self.samples = 0
        self.error: Optional[BaseException] = None
        self._halt = threading.Event()

    def run(self) -> None:
        query = ("SELECT locktype, mode, relation::regclass::text FROM pg_locks "
                 "WHERE pid = %s AND NOT granted")
        try:
            with connect(self.url) as conn:
                while not self._halt.is_set():
                    for row in conn.execute(query, (self.pid,)).fetchall():
                        self.waits.add(tuple(row))
                    self.samples += 1
                    self._halt.wait(self.interval)
        except BaseException as exc:
            self.error = exc

    def stop(self) -> None:
        self._halt.set()


@dataclass
class Seen:
    """What the writer and the sampler observed during a ``traffic`` block."""

    longest_stall: float = 0.0
    inserts: int = 0
    samples: int = 0
    waits: set = field(default_factory=set)
    duration: float = 0.0  # of the block itself

    def waited_on(self, table: str) -> set[str]:
        """The lock modes the writer was seen waiting for on ``table``."""
        return {mode for locktype, mode, relation in self.waits
                if locktype == "relation" and relation is not None and relation.strip('"') == table}


@contextlib.contextmanager
def traffic(url: str, table: str, settle: float = 0.1) -> Iterator[Seen]:
    """Run the block while a writer inserts into ``table`` every 10 ms and a sampler
    watches its locks; fill the yielded ``Seen`` when the block ends."""
    seen = Seen()
    writer = Writer(url, table)
    writer.start()
    if not writer.ready.wait(10) or writer.error is not None:
        writer.stop()
        raise RuntimeError(f"the writer did not start: {writer.error!r}")
    sampler = LockSampler(url, writer.pid)
    sampler.start()
    while sampler.samples == 0 and sampler.error is None and sampler.is_alive():
        time.sleep(0.001)
    began = time.perf_counter()
    try:
        yield seen
    finally:
        seen.duration = time.perf_counter() - began
        time.sleep(settle)
        writer.stop()
        sampler.stop()
        writer.join(30)
        sampler.join(30)
        seen.longest_stall = writer.longest_stall
        seen.inserts = len(writer.latencies)
        seen.samples = sampler.samples
        seen.waits = set(sampler.waits)
    for part in (writer, sampler):
        if part.error is not None:
            raise RuntimeError(f"{part.name} failed: {part.error!r}") from part.error


def still_project(path, url: str, models: str, config: str = ""):
    """A still project at ``path`` on ``url`` whose models are the module text ``models``
    (it must define ``metadata``), with ``config`` lines added to its still.toml; driven
    through the real command line (``tests.runtime.project.Project``: ``.ok(...)``,
    ``.fail(...)``, ``.run(...)``, ``.versions``)."""
    from tests.runtime.project import Project

    project = Project(path, url).init()
    (path / "models.py").write_text(models)
    with open(path / "still.toml", "a") as f:
        f.write('metadata = "models:metadata"\n' + config)
    return project
