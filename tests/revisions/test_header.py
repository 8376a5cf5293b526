from pathlib import Path

import pytest

from still.errors import StillError
from still.revisions import read_header

from .helpers import write


def test_reads_the_header(tmp_path):
    path = write(tmp_path, "1a2b3c4d5e6f", "0f9e8d7c6b5a", message="add users table")
    rev = read_header(path)
    assert rev.revision == "1a2b3c4d5e6f"
    assert rev.down_revisions == ("0f9e8d7c6b5a",)
    assert rev.branch_labels == () and rev.depends_on == ()
    assert rev.message == "add users table"
    assert rev.create_date == "2026-11-23 20:00:00"
    assert rev.path == path
    assert not rev.is_merge and not rev.is_base


def test_merge_labels_and_dependencies(tmp_path):
    rev = read_header(write(tmp_path, "m", ("a", "b"), labels="feat", depends=["c", "d"]))
    assert rev.down_revisions == ("a", "b") and rev.is_merge
    assert rev.branch_labels == ("feat",)
    assert rev.depends_on == ("c", "d")
    base = read_header(write(tmp_path, "r0", None))
    assert base.is_base and base.down_revisions == ()


def test_annotated_assignments_and_list_values(tmp_path):
    path = tmp_path / "x.py"
    path.write_text(
        '"""Alembic style\n\nmore text\n"""\nfrom typing import Sequence, Union\n'
        'revision: str = "abc"\ndown_revision: Union[str, Sequence[str], None] = ["p", "q"]\n'
        'branch_labels: Union[str, Sequence[str], None] = ()\ndepends_on = None\n'
        'def upgrade():\n    pass\n'
    )
    rev = read_header(path)
    assert rev.revision == "abc" and rev.down_revisions == ("p", "q") and rev.branch_labels == ()
    assert rev.message == "Alembic style" and rev.create_date is None


def test_assignments_after_the_functions_are_still_found(tmp_path):
    path = tmp_path / "late.py"
    path.write_text('"""late"""\ndef upgrade():\n    pass\n\nrevision = "late1"\ndown_revision = "x"\n')
    rev = read_header(path)
    assert rev.revision == "late1" and rev.down_revisions == ("x",)


def test_a_def_inside_the_docstring_does_not_confuse_the_fast_path(tmp_path):
    path = tmp_path / "doc.py"
    path.write_text('"""tricky\n\ndef upgrade():\n"""\nrevision = "d1"\ndown_revision = None\n'
                    'def upgrade():\n    pass\n')
    assert read_header(path).revision == "d1"


def test_no_docstring(tmp_path):
    path = tmp_path / "nodoc.py"
    path.write_text('revision = "n1"\ndown_revision = None\n')
    rev = read_header(path)
    assert rev.message == "" and rev.create_date is None


@pytest.mark.parametrize(
    "text, fragment",
    [
        ('revision = "a"\ndown_revision = (\n', "syntax error"),
        ('"""no revision"""\ndown_revision = None\n', "no module-level 'revision"),
        ('revision = "a"\ndown_revision = compute()\n', "x.py:2: 'down_revision' must be None, a string"),
        ('revision = "a"\nbranch_labels = ("ok", 1)\n', "x.py:2: 'branch_labels'"),
        ('revision = None\n', "'revision' must be a non-empty string"),
        ('revision = ("a", "b")\n', "'revision' must be a string literal"),
        ('import os\nrevision = os.environ["R"]\n', "x.py:2: 'revision'"),
    ],
)
def test_errors_are_one_line_and_name_the_file(tmp_path, text, fragment):
    path = tmp_path / "x.py"
    path.write_text(text)
    with pytest.raises(StillError) as err:
        read_header(path)
    message = str(err.value)
    assert fragment in message
    assert str(path) in message
    assert "\n" not in message


def test_syntax_error_in_the_header_names_the_line(tmp_path):
    path = tmp_path / "x.py"
    path.write_text('"""m"""\nrevision = "a"\ndown_revision = (None\n\ndef upgrade():\n    pass\n')
    with pytest.raises(StillError, match=r"x\.py:3: syntax error"):
        read_header(path)


def test_function_bodies_are_not_parsed(tmp_path):
    # Only the header is read (that is what keeps 1,000 files fast); a broken body is
    # reported when the revision is imported to run.
    path = tmp_path / "x.py"
    path.write_text('"""m"""\nrevision = "a"\ndown_revision = None\n\ndef upgrade(:\n    pass\n')
    assert read_header(path).revision == "a"


def test_unreadable_file(tmp_path):
    with pytest.raises(StillError, match="cannot read revision file"):
        read_header(Path(tmp_path / "missing.py"))


def test_long_headers_and_files_without_functions(tmp_path):
    long_doc = "é" * 9000  # multi-byte text across the first read's boundary
    path = tmp_path / "long.py"
    path.write_text(f'"""long {long_doc}\n"""\nrevision = "l1"\ndown_revision = "l0"\n'
                    "def upgrade():\n    pass\n", encoding="utf-8")
    rev = read_header(path)
    assert rev.revision == "l1" and rev.message.startswith("long é")
    nodef = tmp_path / "nodef.py"
    nodef.write_text('"""x"""\n' + "# filler\n" * 2000 + 'revision = "n1"\ndown_revision = None\n')
    assert read_header(nodef).revision == "n1"


def test_byte_order_mark_and_crlf(tmp_path):
    path = tmp_path / "bom.py"
    path.write_bytes('\ufeff"""bom"""\r\nrevision = "b1"\r\ndown_revision = None\r\ndef upgrade():\r\n    pass\r\n'
                     .encode("utf-8"))
    rev = read_header(path)
    assert rev.revision == "b1" and rev.message == "bom"
