"""Compiled revision files kept between runs (still.revisions.code_index): a warm run
compiles no file, and an edited file is what runs next, online and offline."""

from __future__ import annotations

import os

from still.revisions.code_index import CodeIndex, text_checksum
from still.runtime.applied_log import checksum
from tests.runtime.project import Project, reflect_url

OLD = 1_600_000_000  # an index keeps no entry for a file modified in the last seconds


def _project(tmp_path, url: str) -> Project:
    project = Project(tmp_path / "p", url).init()
    project.revision("a1", "first", 'op.create_table("t", sa.Column("id", sa.Integer, primary_key=True))',
                     'op.drop_table("t")')
    project.revision("a2", "second", 'op.add_column("t", sa.Column("colx", sa.Integer))', 'op.drop_column("t", "colx")')
    for path in project.versions.glob("*.py"):
        os.utime(path, (OLD, OLD))
    return project


def _compiled_now(project: Project) -> int:
    index = CodeIndex()
    for path in sorted(project.versions.glob("*.py")):
        code, digest = index.get(path)
        assert digest == checksum(path)
    return index.compiled


def _edit_same_size(path, old: str, new: str) -> None:
    assert len(old) == len(new)
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))
    os.utime(path, (OLD + 60, OLD + 60))


def test_offline_script_warm_compiles_nothing_and_sees_an_edit(tmp_path):
    for dialect, url in (("sqlite", "sqlite:///offline.db"), ("postgresql", "postgresql+psycopg://u@localhost/app")):
        project = _project(tmp_path / dialect, url)
        assert _compiled_now(project) == 2  # nothing kept before a run
        first = project.ok("upgrade", "base:head", "--sql")
        assert _compiled_now(project) == 0  # the run kept both
        assert project.ok("upgrade", "base:head", "--sql") == first
        a2 = next(project.versions.glob("a2_*.py"))
        _edit_same_size(a2, '"colx"', '"coly"')
        second = project.ok("upgrade", "base:head", "--sql")
        assert '"coly"' in second or " coly " in second, second
        assert "colx" not in second
        assert checksum(a2) in second  # the applied-revisions log row carries the edited text's checksum
        assert _compiled_now(project) == 0


def test_online_upgrade_runs_the_edited_file(tmp_path, db_url):
    project = _project(tmp_path, db_url)
    project.ok("upgrade", "head")
    project.ok("downgrade", "base")
    assert _compiled_now(project) == 0
    _edit_same_size(next(project.versions.glob("a2_*.py")), '"colx"', '"colz"')
    project.ok("upgrade", "head")
    snap = reflect_url(db_url)[0]
    table = snap.schemas[snap.default_schema].tables["t"]
    assert [c.name for c in table.columns] == ["id", "colz"]


def test_checksum_rule_is_the_log_rule(tmp_path):
    path = tmp_path / "x.py"
    path.write_bytes(b"a = 1\r\nb = 2\rc = 3\n")
    assert text_checksum(path.read_bytes()) == checksum(path)
