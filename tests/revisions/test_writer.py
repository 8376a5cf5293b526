import re

import pytest

from still.errors import StillError
from still.revisions import DEFAULT_TEMPLATE, RevisionGraph, read_header, slugify, write_revision


def test_first_revision(tmp_path):
    path = write_revision(tmp_path, "Add users table!", ())
    rev = read_header(path)
    assert re.fullmatch(r"[0-9a-f]{12}", rev.revision)
    assert path.name == f"{rev.revision}_add_users_table.py"
    assert rev.down_revisions == () and rev.message == "Add users table!"
    assert rev.create_date is not None
    text = path.read_text()
    assert "down_revision = None" in text and "def upgrade() -> None:\n    pass" in text
    compile(text, str(path), "exec")


def test_chain_merge_labels_dependencies_and_bodies(tmp_path):
    a = read_header(write_revision(tmp_path, "a", (), rev_id="aaa"))
    b = read_header(write_revision(tmp_path, "b", (a.revision,), rev_id="bbb", branch_labels=("feat",)))
    c = read_header(write_revision(tmp_path, "c", (a.revision,), rev_id="ccc", depends_on=("bbb",)))
    m_path = write_revision(tmp_path, "merge heads", ("bbb", "ccc"), rev_id="mmm",
                            upgrade_body="op.a()\nif True:\n    op.b()", downgrade_body="op.c()")
    text = m_path.read_text()
    assert 'down_revision = ("bbb", "ccc")' in text
    assert "Revises: bbb, ccc" in text
    assert "    op.a()\n    if True:\n        op.b()\n" in text
    compile(text, str(m_path), "exec")
    assert b.branch_labels == ("feat",) and c.depends_on == ("bbb",)
    graph = RevisionGraph.load([tmp_path])
    assert graph.heads == ("mmm",) and graph.get("mmm").is_merge


def test_message_with_quotes_round_trips(tmp_path):
    message = 'say "hi" \\ and """ bye'
    rev = read_header(write_revision(tmp_path, message, (), rev_id="q1"))
    assert rev.message == message


def test_existing_id_is_an_error(tmp_path):
    write_revision(tmp_path, "a", (), rev_id="abc")
    with pytest.raises(StillError, match="revision id 'abc' already exists"):
        write_revision(tmp_path, "b", (), rev_id="abc")


@pytest.mark.parametrize("bad", ["", "a b", "a-b", "a@b", "a+1", "a:b"])
def test_invalid_id(tmp_path, bad):
    with pytest.raises(StillError, match="invalid revision id"):
        write_revision(tmp_path, "x", (), rev_id=bad)


def test_missing_directory(tmp_path):
    with pytest.raises(StillError, match="does not exist"):
        write_revision(tmp_path / "nope", "x", ())


def test_custom_template(tmp_path):
    template = tmp_path / "script.py.tmpl"
    template.write_text(DEFAULT_TEMPLATE.replace("from still import op\n", "from still import op\n# custom ${message}\n"))
    versions = tmp_path / "versions"
    versions.mkdir()
    path = write_revision(versions, "hello", (), rev_id="t1", template=template)
    assert "# custom hello" in path.read_text()
    assert read_header(path).revision == "t1"


def test_template_without_revision_is_rejected(tmp_path):
    template = tmp_path / "bad.tmpl"
    template.write_text('"""${message}"""\nrevision = None\n')
    with pytest.raises(StillError):
        write_revision(tmp_path, "x", (), template=template)
    assert list(tmp_path.glob("*.py")) == []


def test_slug():
    assert slugify("Add users table") == "add_users_table"
    assert slugify("  ---  ") == ""
    assert len(slugify("word " * 40)) <= 40


def test_empty_slug_file_name(tmp_path):
    assert write_revision(tmp_path, "!!!", (), rev_id="e1").name == "e1.py"


def test_default_template_has_every_placeholder():
    for name in ("message", "revision", "down_revision", "branch_labels", "depends_on", "create_date",
                 "upgrade", "downgrade"):
        assert "${" + name + "}" in DEFAULT_TEMPLATE
