"""Revision files' compiled code is cached in __pycache__ with a checked source hash: used
only while the source is byte for byte the same, never written when Python is told not to."""

from __future__ import annotations

import os
import sys

import pytest

from still.runtime import bytecode
from still.runtime.env import import_file
from tests.runtime.project import Project, reflect_url


@pytest.fixture
def counted(monkeypatch):
    """How many times compile() ran; bytecode writing on, as in a default Python."""
    calls = []
    real = compile

    def spy(*args, **kwargs):
        calls.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr(bytecode, "compile", spy, raising=False)
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    return calls


def _value(path) -> int:
    return import_file(path, "still_test_bytecode").VALUE


def test_second_import_reads_the_cache(tmp_path, counted):
    path = tmp_path / "r1_one.py"
    path.write_text("VALUE = 1\n")
    assert _value(path) == 1 and _value(path) == 1
    assert counted == [str(path)]
    assert list((tmp_path / "__pycache__").glob("r1_one.*.pyc"))


def test_an_edit_of_the_same_size_and_time_is_not_missed(tmp_path, counted):
    path = tmp_path / "r1_one.py"
    path.write_text("VALUE = 1\n")
    assert _value(path) == 1
    stat = path.stat()
    path.write_text("VALUE = 2\n")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # as a quick editor or a checkout can leave it
    assert _value(path) == 2
    assert len(counted) == 2


def test_nothing_is_written_when_python_is_told_not_to(tmp_path, counted, monkeypatch):
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    path = tmp_path / "r1_one.py"
    path.write_text("VALUE = 1\n")
    assert _value(path) == 1 and _value(path) == 1
    assert len(counted) == 2 and not (tmp_path / "__pycache__").exists()


def test_a_broken_or_foreign_cache_is_compiled_again(tmp_path, counted):
    path = tmp_path / "r1_one.py"
    path.write_text("VALUE = 1\n")
    _value(path)
    cache = next((tmp_path / "__pycache__").glob("*.pyc"))
    cache.write_bytes(cache.read_bytes()[:20])  # cut short
    assert _value(path) == 1
    # the same source in another place: its code names the other file, so it is compiled for this one
    other = tmp_path / "moved"
    other.mkdir()
    (other / "__pycache__").mkdir()
    (other / "r1_one.py").write_text("VALUE = 1\n")
    (other / "__pycache__" / cache.name).write_bytes(cache.read_bytes())
    assert _value(other / "r1_one.py") == 1
    assert import_file(other / "r1_one.py", "still_test_bytecode").__dict__["__file__"] == str(other / "r1_one.py")
    assert len(counted) == 3 and counted[-1] == str(other / "r1_one.py")  # the last import read its cache


def test_a_syntax_error_is_still_one_line(tmp_path, counted):
    from still.errors import StillError

    path = tmp_path / "r1_bad.py"
    path.write_text("def upgrade(:\n")
    with pytest.raises(StillError, match=r"r1_bad.py:1: syntax error"):
        import_file(path, "still_test_bytecode")
    assert not (tmp_path / "__pycache__").exists()


def test_upgrades_run_the_edited_revision_not_the_cached_one(tmp_path, sqlite_url):
    project = Project(tmp_path / "p", sqlite_url).init()
    path = project.revision("r1", "t", 'op.create_table("aaa", sa.Column("id", sa.Integer, primary_key=True))',
                            'op.drop_table("aaa")')
    env = project.env
    project.env = lambda: {**env(), "PYTHONDONTWRITEBYTECODE": ""}  # bytecode writing on
    project.ok("upgrade", "head")
    assert list((project.versions / "__pycache__").glob("r1_t.*.pyc"))
    project.ok("downgrade", "base")
    stat = path.stat()
    path.write_text(path.read_text().replace('"aaa"', '"bbb"'))  # same size
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    project.ok("upgrade", "head")
    tables = set(reflect_url(sqlite_url)[0].schemas["main"].tables)
    assert "bbb" in tables and "aaa" not in tables
