"""The cost of one operation on a live database."""

from __future__ import annotations

from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict

Blocks = Literal["nothing", "writes", "reads and writes"]
Work = Literal["none", "scan", "rewrite", "index build", "copy"]


class Cost(BaseModel):
    """`lock`: the strongest lock the statements take (PostgreSQL's lock mode; MariaDB's
    ALGORITHM/LOCK; SQLite's database write lock); `blocks`: what other sessions wait for
    while it is held; `work`: what the server does to existing rows while holding it (a
    scan reads every row, a rewrite writes a new copy, an index build sorts them, a copy is
    MariaDB's table copy); `tables`: the tables it is taken on."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    lock: str
    blocks: Blocks
    work: Work = "none"
    tables: tuple[str, ...] = ()
    note: Optional[str] = None

    @property
    def matters(self) -> bool:
        """Whether a reviewer should look: existing rows are worked on while something waits."""
        return self.work != "none" and self.blocks != "nothing"

    def text(self) -> str:
        work = {"none": "", "scan": ", scans the table", "rewrite": ", rewrites the table",
                "index build": ", builds an index", "copy": ", copies the table"}[self.work]
        blocked = "" if self.blocks == "nothing" else f" (blocks {self.blocks})"
        on = f" on {', '.join(self.tables)}" if self.tables else ""
        return f"{self.lock}{on}{blocked}{work}" + (f"; {self.note}" if self.note else "")
