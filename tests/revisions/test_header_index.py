"""The header index beside a version directory: a warm load reads no revision file, and
any change to the files (edit, touch, delete, add) is seen on the next load."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from still.errors import StillError
from still.revisions import RevisionGraph
from still.revisions.header_index import CACHE_DIR, index_path

from tests.unprivileged import give_away, shared_dir, unprivileged

from .helpers import write

OLD = 1_600_000_000  # a time well in the past: an index keeps no entry for a file touched in the last seconds
ROOT = Path(__file__).resolve().parents[2]


def age(*paths: Path, when: int = OLD) -> None:
    for path in paths:
        os.utime(path, (when, when))


def history(versions: Path, count: int) -> list[Path]:
    versions.mkdir(parents=True, exist_ok=True)
    paths = [write(versions, f"r{n}", f"r{n - 1}" if n else None) for n in range(count)]
    age(*paths)
    return paths


def load(versions: Path) -> RevisionGraph:
    return RevisionGraph.load([versions])


def test_warm_load_parses_no_file(tmp_path):
    versions = tmp_path / "migrations" / "versions"
    history(versions, 30)
    cold = load(versions)
    assert cold.parsed_files == 30
    assert (tmp_path / "migrations" / CACHE_DIR / "versions.headers").is_file()
    assert (tmp_path / "migrations" / CACHE_DIR / ".gitignore").read_text().splitlines()[-1] == "*"
    warm = load(versions)
    assert warm.parsed_files == 0
    assert warm.revisions == cold.revisions  # every field, paths included
    assert warm.heads == ("r29",) and [r.revision for r in warm.history()][-1] == "r0"


def test_edited_file_is_read_again(tmp_path):
    versions = tmp_path / "versions"
    paths = history(versions, 5)
    load(versions)
    text = paths[2].read_text().replace("revision r2", "message changed")
    paths[2].write_text(text)
    age(paths[2], when=OLD + 10)
    graph = load(versions)
    assert graph.parsed_files == 1
    assert graph.revisions["r2"].message == "message changed"
    assert load(versions).parsed_files == 0


def test_same_size_other_mtime_is_read_again(tmp_path):
    versions = tmp_path / "versions"
    paths = history(versions, 4)
    load(versions)
    text = paths[3].read_text()
    edited = text.replace("revision r3\n", "revision R3\n", 1)
    assert len(edited) == len(text) and edited != text
    paths[3].write_text(edited)
    age(paths[3], when=OLD + 5)
    graph = load(versions)
    assert graph.parsed_files == 1 and graph.revisions["r3"].message == "revision R3"


def test_same_size_and_mtime_but_rewritten_is_read_again(tmp_path):
    # a rewrite that puts the old mtime back still changes the ctime the index keys on
    versions = tmp_path / "versions"
    paths = history(versions, 3)
    load(versions)
    text = paths[1].read_text()
    paths[1].write_text(text.replace("revision r1\n", "revision X1\n", 1))
    age(paths[1])
    before = os.stat(paths[1]).st_ctime_ns
    import marshal

    with open(index_path(versions), "rb") as file:
        entry_ctime = marshal.load(file)[1][paths[1].name][0][2]
    if before == entry_ctime:
        pytest.skip("this filesystem's ctime did not move")
    graph = load(versions)
    assert graph.parsed_files == 1 and graph.revisions["r1"].message == "revision X1"


def test_deleted_file_leaves_the_graph(tmp_path):
    versions = tmp_path / "versions"
    paths = history(versions, 4)
    load(versions)
    paths[3].unlink()
    graph = load(versions)
    assert graph.parsed_files == 0 and graph.heads == ("r2",) and "r3" not in graph
    paths[2].unlink()
    paths[1].unlink()
    assert load(versions).heads == ("r0",)


def test_new_file_joins_the_graph(tmp_path):
    versions = tmp_path / "versions"
    history(versions, 3)
    load(versions)
    age(write(versions, "r3", "r2"))
    graph = load(versions)
    assert graph.parsed_files == 1 and graph.heads == ("r3",)
    assert load(versions).parsed_files == 0


def test_recent_file_is_not_kept_in_the_index(tmp_path):
    # an edit within the same timestamp tick would leave size and mtime unchanged
    versions = tmp_path / "versions"
    history(versions, 2)
    write(versions, "r2", "r1")  # mtime: now
    assert load(versions).parsed_files == 3
    assert load(versions).parsed_files == 1


def test_broken_file_still_fails_after_a_warm_load(tmp_path):
    versions = tmp_path / "versions"
    paths = history(versions, 2)
    load(versions)
    paths[1].write_text("revision = 'r1'\ndown_revision = compute()\n")
    age(paths[1], when=OLD + 1)
    with pytest.raises(StillError, match="down_revision"):
        load(versions)


def test_corrupt_index_is_rebuilt(tmp_path):
    versions = tmp_path / "versions"
    history(versions, 3)
    load(versions)
    index_path(versions).write_bytes(b"\x00garbage")
    graph = load(versions)
    assert graph.parsed_files == 3 and graph.heads == ("r2",)
    assert load(versions).parsed_files == 0


def test_index_of_another_directory_is_not_used(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    history(tmp_path / "a", 2)
    age(write(tmp_path / "b", "x0", None))
    assert RevisionGraph.load([tmp_path / "a", tmp_path / "b"]).parsed_files == 3
    graph = RevisionGraph.load([tmp_path / "a", tmp_path / "b"])
    assert graph.parsed_files == 0 and graph.heads == ("r1", "x0")


def test_read_only_tree_works_without_an_index():
    """Run as a user the modes bind (as root: a child dropped to nobody)."""
    where = shared_dir()
    versions = where / "migrations" / "versions"
    try:
        history(versions, 3)
        give_away(where)
        for path in (versions, versions.parent):
            path.chmod(stat.S_IRUSR | stat.S_IXUSR | stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH)

        def check():
            assert load(versions).parsed_files == 3
            assert load(versions).parsed_files == 3
            assert not (versions.parent / CACHE_DIR).exists()
        unprivileged(check)
    finally:
        for path in (versions, versions.parent):
            path.chmod(stat.S_IRWXU)
        shutil.rmtree(where, ignore_errors=True)


def test_unwritable_cache_location_through_the_cli(tmp_path):
    """Where the cache directory cannot be made (here a file is in its place, which stops
    root as well as anyone), `still heads` answers as before: no cache, no error."""
    project = tmp_path
    versions = project / "migrations" / "versions"
    history(versions, 3)
    (project / "still.toml").write_text('script_location = "migrations"\n')
    blocker = versions.parent / CACHE_DIR
    blocker.write_text("not a directory")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    for _ in range(2):
        result = subprocess.run([sys.executable, "-m", "still", "heads"], cwd=project, env=env,
                                capture_output=True, text=True)
        assert (result.returncode, result.stdout, result.stderr) == (0, "r2 (head)\n", "")
    assert blocker.read_text() == "not a directory"
    assert load(versions).parsed_files == 3


def test_cli_warm_run_reads_the_index(tmp_path):
    """`still heads` twice: the second answers from the index, with the same output."""
    project = tmp_path
    versions = project / "migrations" / "versions"
    history(versions, 12)
    (project / "still.toml").write_text('script_location = "migrations"\n')
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    outputs = []
    for _ in range(2):
        result = subprocess.run([sys.executable, "-m", "still", "history"], cwd=project, env=env,
                                capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        outputs.append(result.stdout)
    assert outputs[0] == outputs[1] and outputs[0].splitlines()[0] == "r10 -> r11 (head), revision r11"
    assert index_path(versions).is_file()
    assert load(versions).parsed_files == 0
