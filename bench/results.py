"""The table in bench/RESULTS.md, written by the bench scripts themselves.

Each script replaces the rows of the cases it ran when it runs with `--write-results`, so
`make bench` (all three) leaves one table with the latest number of every case. Times are medians of whole processes (or of in-process runs where the case says so).
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
HEADER = "| case | still | Alembic | Alembic/still | floor | bench |"
RULE = "|---|---:|---:|---:|---:|---|"


@dataclass
class Row:
    case: str
    still: float
    alembic: Optional[float] = None
    floor: Optional[float] = None

    def line(self, bench: str) -> str:
        ratio = f"{self.alembic / self.still:.1f}x" if self.alembic is not None else "-"
        return (f"| {self.case} | {_secs(self.still)} | {_secs(self.alembic)} | {ratio} | "
                f"{_secs(self.floor)} | {bench} |")


def _secs(value: Optional[float]) -> str:
    return "-" if value is None else f"{value:.3f} s"


def compile_sources() -> None:
    """An installed package runs from byte-code (pip compiles it; the editable install here
    may not, e.g. under PYTHONDONTWRITEBYTECODE, which would make every timed process
    compile still's sources again): compile still's sources and the bench models once, as
    Alembic's and SQLAlchemy's are."""
    import compileall

    root = RESULTS.parent.parent
    for directory in (root / "src" / "still", root / "fixtures"):
        compileall.compile_dir(str(directory), quiet=1)


def median_process(cmd: list[str], cwd: Path, env: dict, runs: int = 3, ok: tuple[int, ...] = (0,)) -> float:
    """The median wall time of `runs` whole processes; one exiting outside `ok` stops the bench."""
    return interleaved([(cmd, cwd, ok)], env, runs)[0]


def interleaved(commands: list[tuple[list[str], Path, tuple[int, ...]]], env: dict, runs: int = 3) -> list[float]:
    """The median wall time of each (command, directory, ok exit codes), the runs taken in
    turns (a b c, b c a, c a b, ...): a slow minute of a shared machine then falls on all of
    them alike instead of on whichever ran in it, and none always runs first or last."""
    times: list[list[float]] = [[] for _ in commands]
    for round_ in range(runs):
        for offset in range(len(commands)):
            which = (round_ + offset) % len(commands)
            cmd, cwd, ok = commands[which]
            start = time.perf_counter()
            result = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
            times[which].append(time.perf_counter() - start)
            if result.returncode not in ok:
                raise SystemExit(f"{' '.join(cmd[2:])} failed: {result.stderr.strip()[-800:]}")
    return [statistics.median(t) for t in times]


def postgres_version() -> str:
    sys.path.insert(0, str(RESULTS.parent.parent))
    try:
        from tests.pg_server import find_binary
    except ImportError:
        return "unknown"
    binary = find_binary("postgres")
    if not binary:
        return "not installed"
    import re

    out = subprocess.run([binary, "--version"], capture_output=True, text=True).stdout
    found = re.search(r"\d+\.\d+", out)  # "postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)"
    return found.group(0) if found else "unknown"


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import sqlalchemy

    try:
        from importlib.metadata import version

        alembic = version("alembic")
    except Exception:
        alembic = "not installed"
    return (f"{os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}, SQLAlchemy {sqlalchemy.__version__}, Alembic {alembic}, "
            f"PostgreSQL {postgres_version()}, SQLite {__import__('sqlite3').sqlite_version}")


def case_key(case: str) -> str:
    return case.split(" — ", 1)[0]


def write(bench: str, rows: list[Row]) -> None:
    """Replace the rows of these cases in RESULTS.md (other cases' rows stay, so a run of one
    size, e.g. `reflect.py --tables 5000`, updates only its own). A case is named by its text
    up to " — ", after which a row may carry a figure of its own run."""
    kept: list[str] = []
    cases = {case_key(row.case) for row in rows}
    if RESULTS.exists():
        for line in RESULTS.read_text().splitlines():
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if line.startswith("| ") and line != HEADER and len(cells) == 6 and case_key(cells[0]) not in cases:
                kept.append(line)
    order = {"reflect.py": 0, "revisions.py": 1, "migrate.py": 2}
    lines = sorted(kept + [row.line(bench) for row in rows],
                   key=lambda line: order.get(line.rstrip(" |").rsplit("| ", 1)[-1], 9))
    text = ["# Benchmark results", "",
            "Written by `make bench` (each script with `--write-results`); do not edit by hand.",
            "Whole processes, median of 3 (the runs of still, Alembic and the floor taken in turns),",
            "unless the case says in-process. Floor: what the work costs without either tool",
            "(importing the models for `plan`, in a process that exits as still does, without the",
            "collector's last pass over them; sqlite3 alone for `upgrade head`). still imports the",
            "models with the cyclic collector paused (still.collector); the `plan` rows say what",
            "that import alone takes, the floor still's own work is measured from.", "",
            f"Machine: {machine()}.", "",
            f"Last written: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} (by {bench}).", "",
            HEADER, RULE, *lines, ""]
    RESULTS.write_text("\n".join(text))
    print(f"wrote {RESULTS}", file=sys.stderr)
