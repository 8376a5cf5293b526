"""Revision graph speed on 1,000 revision files, side by side with Alembic.

    .venv/bin/python bench/revisions.py [--revisions N] [--repeat R] [--no-alembic]

Writes N revision files to a temp dir (a long linear history with a few branches that
merge back, and a few cross-branch dependencies), then times, best of R runs:
  still   RevisionGraph.load + heads + history() + resolve("head")   (headers read with ast)
  alembic ScriptDirectory + get_heads + walk_revisions + get_revision("head")  (imports every file)
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

sys.path.insert(0, str(ROOT / "bench"))

from results import Row, write  # noqa: E402
from still.revisions import RevisionGraph  # noqa: E402

BODY = "\n".join(f"    op.add_column('table_{{n}}', sa.Column('col_{i}', sa.String(length=50), nullable=True))"
                 for i in range(20))
UNDO = "\n".join(f"    op.drop_column('table_{{n}}', 'col_{i}')" for i in range(20))


def literal(ids):
    if not ids:
        return "None"
    return repr(ids[0]) if len(ids) == 1 else repr(tuple(ids))


def generate(directory: Path, count: int, op_module: str) -> None:
    """Linear history; every 100th revision opens a 3-revision side branch that merges back."""
    ids = [f"{n:012x}" for n in range(1, count + 1)]
    parents: list[tuple[str, ...]] = []
    depends: list[tuple[str, ...]] = []
    trunk = None
    side: list[str] = []
    for n, rev in enumerate(ids):
        dep: tuple[str, ...] = ()
        if n and n % 100 == 0 and n + 10 < count:
            side = [rev]  # a branch off the trunk's previous revision
            parents.append((trunk,))
            depends.append(dep)
            continue
        if side and len(side) < 3:
            parents.append((side[-1],))
            side.append(rev)
            depends.append(dep)
            continue
        if side and len(side) == 3:
            parents.append((trunk, side[-1]))  # the merge
            side = []
        else:
            parents.append((trunk,) if trunk else ())
            if n % 250 == 7 and n > 10:
                dep = (ids[n - 5],)
        depends.append(dep)
        trunk = rev
    for n, rev in enumerate(ids):
        down = parents[n]
        text = (
            f'"""revision number {n}\n\nRevision ID: {rev}\nRevises: {", ".join(down)}\n'
            f'Create Date: 2026-01-01 00:00:00\n"""\nfrom {op_module} import op\nimport sqlalchemy as sa\n\n'
            f"revision = {rev!r}\ndown_revision = {literal(down)}\nbranch_labels = None\n"
            f"depends_on = {literal(depends[n])}\n\n\n"
            f"def upgrade() -> None:\n{BODY.format(n=n)}\n\n\ndef downgrade() -> None:\n{UNDO.format(n=n)}\n"
        )
        (directory / f"{rev}_revision_number_{n}.py").write_text(text)


def best(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def time_still(directory: Path, repeat: int):
    def run():
        graph = RevisionGraph.load([directory])
        heads = graph.heads
        history = graph.history()
        head = graph.resolve("head")
        return len(graph), heads, len(history), head

    def parts():
        t0 = time.perf_counter()
        graph = RevisionGraph.load([directory])
        t1 = time.perf_counter()
        graph.heads
        graph.history()
        graph.resolve("head")
        t2 = time.perf_counter()
        return t1 - t0, t2 - t1

    total, result = best(run, repeat)
    split = min((parts() for _ in range(repeat)), key=sum)
    return total, split, result


def time_alembic(root: Path, repeat: int):
    from alembic.script import ScriptDirectory

    def run():
        script = ScriptDirectory(str(root))
        heads = script.get_heads()
        history = list(script.walk_revisions())
        head = script.get_revision("head")
        return len(history), tuple(heads), head.revision

    return best(run, repeat)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--revisions", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-alembic", action="store_true")
    parser.add_argument("--write-results", action="store_true", help="update bench/RESULTS.md")
    args = parser.parse_args()
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        still_dir = Path(tmp) / "still_versions"
        still_dir.mkdir()
        generate(still_dir, args.revisions, "still")
        total, (load, queries), (count, heads, history, head) = time_still(still_dir, args.repeat)
        print(f"{count} revision files, heads {heads}, history {history} entries, head {head}")
        print(f"still    load+heads+history+resolve(head): {total * 1000:8.1f} ms  "
              f"(load {load * 1000:.1f} ms, queries {queries * 1000:.1f} ms)  best of {args.repeat}")
        case = f"graph load+heads+history+resolve(head), in-process, best of {args.repeat} ({count} revisions)"
        rows.append(Row(case, total))
        if args.no_alembic:
            return finish(args, rows)
        try:
            import alembic  # noqa: F401
        except ImportError:
            print("alembic  not installed (pip install -e '.[bench]')")
            return finish(args, rows)
        alembic_root = Path(tmp) / "alembic"
        (alembic_root / "versions").mkdir(parents=True)
        generate(alembic_root / "versions", args.revisions, "alembic")
        a_total, (a_count, a_heads, a_head) = time_alembic(alembic_root, args.repeat)
        assert a_count == count and a_head == head[0], (a_count, a_head)
        print(f"alembic  ScriptDirectory+heads+walk+get(head):{a_total * 1000:7.1f} ms  best of {args.repeat}"
              f"  ({a_total / total:.0f}x still)")
        rows[-1].alembic = a_total
    finish(args, rows)


def finish(args, rows) -> None:
    if args.write_results:
        write("revisions.py", rows)


if __name__ == "__main__":
    main()
