"""Revision files replayed for lint: every `op` call and every raw statement of each
revision, with the line of the revision file it was written on, the schema before it and
what it costs (the replay of `--against history`, which needs no database)."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from typing import Optional

from still import snapshot as s
from still.lint.cost import Cost
from still.runtime.replay import RecordingExecutor


@dataclass
class Item:
    revision: str
    path: str
    line: Optional[int]
    before: s.Snapshot
    created: frozenset  # (schema, table) made earlier in the same revision: empty, nobody uses them yet
    op: object = None  # a still.ops operation, or
    sql: Optional[str] = None  # a raw statement (op.execute), on one line
    cost: Optional[Cost] = None
    autocommit: bool = False  # inside op.get_context().autocommit_block(): its own transaction


@dataclass
class Revision:
    revision: str
    path: str
    items: list[Item] = field(default_factory=list)


class LintingExecutor(RecordingExecutor):
    def __init__(self, dialect, snapshot: s.Snapshot, version: Optional[tuple]):
        super().__init__(dialect, snapshot)
        self.version = version
        self.current: Optional[Revision] = None
        self.revisions: list[Revision] = []
        self._created: set = set()

    def start(self, revision: str, path: str) -> None:
        self.revision = revision
        self.current = Revision(revision, str(path))
        self.revisions.append(self.current)
        self._created = set()

    def _line(self) -> Optional[int]:
        """The line of the revision file the running `op` call is written on."""
        target = os.path.realpath(self.current.path)
        frame = sys._getframe(1)
        while frame is not None:
            name = frame.f_code.co_filename
            if name == self.current.path or os.path.realpath(name) == target:
                return frame.f_lineno
            frame = frame.f_back
        return None

    def run(self, operation) -> None:
        from still.lint import cost_of

        before = self.snapshot
        cost = cost_of(operation, before, self.dialect.name, self.version)
        self.current.items.append(Item(self.revision, self.current.path, self._line(), before,
                                       frozenset(self._created), op=operation, cost=cost,
                                       autocommit=self.in_autocommit))
        super().run(operation)
        if operation.op == "create_table":
            self._created.add((operation.schema_name, operation.table.name))

    def execute(self, statement, execution_options=None) -> None:
        text = " ".join(self.literal_sql(statement).split())
        self.current.items.append(Item(self.revision, self.current.path, self._line(), self.snapshot,
                                       frozenset(self._created), sql=text, autocommit=self.in_autocommit))
        super().execute(statement, execution_options)
