"""The one rule for revision ids and branch labels (still.revisions.ids): what it accepts
is a safe file name, a target that resolves to itself and a version row; what it refuses
is refused the same way by the writer, the header reader and target resolution."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from still.errors import StillError
from still.revisions import RevisionGraph, read_header, write_revision
from still.revisions.ids import MAX_LENGTH, check_id, check_target, problem

from .helpers import write

BAD = ["", "a b", "a-b", "a@b", "a+1", "a:b", "../escape", "a/b", "a\\b", ".hidden", "a.", "a..b", "a\nb",
       "a\x00b", "é", "x" * (MAX_LENGTH + 1), "head", "heads", "base", "current", "a'b", 'a"b', "a,b", "_", "_a"]
GOOD = ["a1", "ae1f00", "A_b", "a_", "v0.9.0.a", "x" * MAX_LENGTH, "2024_01_01_init", "headless"]


@pytest.mark.parametrize("bad", BAD)
def test_the_writer_refuses_what_the_rule_refuses(tmp_path, bad):
    with pytest.raises(StillError, match="invalid revision id") as err:
        write_revision(tmp_path, "x", (), rev_id=bad)
    assert "\n" not in str(err.value)
    with pytest.raises(StillError, match="invalid branch label"):
        write_revision(tmp_path, "x", (), rev_id="ok1", branch_labels=(bad,))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("bad", [b for b in BAD if b.strip() and "\x00" not in b])
def test_a_file_that_declares_a_bad_id_is_one_error_naming_it(tmp_path, bad):
    path = write(tmp_path, "ok1", None, message="m")
    path.write_text(path.read_text().replace("revision = 'ok1'", f"revision = {bad!r}"))
    with pytest.raises(StillError) as err:
        read_header(path)
    message = str(err.value)
    assert "\n" not in message and str(path) in message and "invalid revision id" in message


def test_a_bad_label_or_parent_in_a_file_names_the_line(tmp_path):
    path = write(tmp_path, "ok1", "../up", labels="a-b", message="m")
    with pytest.raises(StillError, match=r":\d+: invalid down_revision id '../up'"):
        read_header(path)


@pytest.mark.parametrize("good", GOOD)
def test_good_ids(good):
    assert problem(good) is None and check_id(good) == good and check_target(good) == good


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet="ab0_.-/\\@+: \n'\"é", min_size=0, max_size=MAX_LENGTH + 2))
def test_an_accepted_id_is_a_file_in_its_directory_and_a_target_of_itself(tmp_path_factory, text):
    directory = tmp_path_factory.mktemp("v")
    if problem(text) is not None:
        with pytest.raises(StillError):
            write_revision(directory, "m", (), rev_id=text)
        assert list(directory.iterdir()) == []
        return
    label = "l" + text[: MAX_LENGTH - 1]
    path = write_revision(directory, "m", (), rev_id=text, branch_labels=(label,) if label != text else ())
    assert path.parent == directory and path.name.startswith(text)
    graph = RevisionGraph.load([directory])
    assert graph.resolve(text) == (text,)


@pytest.mark.parametrize("target", ["head", "heads", "base", "+2", "-1", "a1", "a1+2", "a1-1", "feat@head",
                                    "feat@-1", "feat@+1", "feat@base", "ae1", "current+1", "v0.9.0.a"])
def test_every_target_form_has_a_target_shape(target):
    assert check_target(target) == target


@pytest.mark.parametrize("target", ["../x", "a b", "a@b@c", "a\nb", "x;drop", "a1++2", "@", "x" * 40])
def test_what_cannot_name_anything_is_refused(target):
    with pytest.raises(StillError, match="invalid revision target") as err:
        check_target(target)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize("name", ["../x.py", "a/b.py", "..", ".", "", "/etc/x.py"])
def test_a_file_name_that_leaves_its_directory_is_refused(tmp_path, name):
    from still.revisions.writer import inside

    with pytest.raises(StillError, match="must stay in"):
        inside(tmp_path, name)
    assert inside(tmp_path, "a1_x.py") == tmp_path / "a1_x.py"
