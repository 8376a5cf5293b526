import pytest

from still.errors import StillError
from still.revisions import RevisionGraph

from .helpers import build, write

LINEAR = [("r1", None), ("r2", "r1"), ("r3", "r2"), ("r4", "r3")]
BRANCHED = [("r1", None), ("r2", "r1"), ("a1", "r2"), ("a2", "a1"), ("b1", "r2")]
MERGED = BRANCHED + [("m1", ("a2", "b1")), ("r5", "m1")]


def test_linear(tmp_path):
    g = build(tmp_path, LINEAR)
    assert g.heads == ("r4",) and g.bases == ("r1",)
    assert g.topological() == ["r1", "r2", "r3", "r4"]
    assert g.children("r2") == ("r3",)
    assert g.ancestors(["r3"]) == {"r1", "r2"}
    assert g.descendants(["r2"]) == {"r3", "r4"}
    assert [r.revision for r in g.history()] == ["r4", "r3", "r2", "r1"]
    assert g.get("r2").message == "revision r2"


def test_files_starting_with_underscore_and_other_files_are_skipped(tmp_path):
    write(tmp_path, "r1", None)
    (tmp_path / "__init__.py").write_text("")
    (tmp_path / "_helpers.py").write_text("x = compute()\n")
    (tmp_path / "notes.txt").write_text("not python")
    assert list(RevisionGraph.load([tmp_path]).revisions) == ["r1"]


def test_several_directories(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    write(tmp_path / "a", "r1", None)
    write(tmp_path / "b", "r2", "r1")
    assert RevisionGraph.load([tmp_path / "a", tmp_path / "b"]).heads == ("r2",)


def test_several_directories_listed_twice_or_clashing(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    write(tmp_path / "a", "r1", None)
    # the same directory by two spellings is read once
    g = RevisionGraph.load([tmp_path / "a", tmp_path / "b" / ".." / "a"])
    assert list(g.revisions) == ["r1"]
    write(tmp_path / "b", "r1", None, message="again")
    with pytest.raises(StillError) as err:
        RevisionGraph.load([tmp_path / "a", tmp_path / "b"])
    message = str(err.value)
    assert message.startswith("duplicate revision id 'r1' in ") and "\n" not in message
    assert str(tmp_path / "a") in message and str(tmp_path / "b") in message


def test_missing_directory(tmp_path):
    with pytest.raises(StillError, match="does not exist"):
        RevisionGraph.load([tmp_path / "nope"])


def test_empty_graph(tmp_path):
    g = RevisionGraph.load([tmp_path])
    assert g.heads == () and g.bases == () and g.history() == []
    assert g.resolve("base") == () and g.resolve("heads") == ()
    with pytest.raises(StillError, match="no revisions yet"):
        g.resolve("head")


def test_branch_gives_two_heads(tmp_path):
    g = build(tmp_path, BRANCHED)
    assert g.heads == ("a2", "b1")
    assert g.children("r2") == ("a1", "b1")
    assert g.descendants(["r2"]) == {"a1", "a2", "b1"}


def test_merge(tmp_path):
    g = build(tmp_path, MERGED)
    assert g.heads == ("r5",)
    assert g.get("m1").is_merge
    assert g.ancestors(["m1"]) == {"r1", "r2", "a1", "a2", "b1"}
    order = g.topological()
    assert order.index("m1") > max(order.index("a2"), order.index("b1"))
    assert [r.revision for r in g.history()][0] == "r5"


def test_depends_on_across_branches(tmp_path):
    g = build(tmp_path, [("x1", None, {"labels": "x"}), ("x2", "x1"),
                         ("y1", None, {"labels": "y"}), ("y2", "y1", {"depends": "x2"})])
    # A dependency orders but does not continue the other branch: x2 stays a head.
    assert g.heads == ("x2", "y2")
    assert g.bases == ("x1", "y1")
    assert g.ancestors(["y2"]) == {"y1", "x1", "x2"}
    assert g.descendants(["x1"]) == {"x2", "y2"}
    assert g.topological().index("x2") < g.topological().index("y2")
    assert g.version_rows({"x1", "x2", "y1", "y2"}) == ("y2",)
    assert g.is_up_to_date(("y2",))


def test_branch_labels(tmp_path):
    g = build(tmp_path, [("r1", None), ("a1", "r1", {"labels": ("feat", "other")}), ("a2", "a1"),
                         ("b1", "r1")])
    assert g.branch_labels == {"feat": "a1", "other": "a1"}
    assert g.branch_members("feat") == {"a1", "a2"}
    assert g.labels_of("a2") == ("feat", "other")
    assert g.labels_of("b1") == ()


def test_history_ranges(tmp_path):
    g = build(tmp_path, MERGED)
    ids = lambda revs: [r.revision for r in revs]  # noqa: E731
    assert ids(g.history("a1", "m1")) == ["m1", "a2", "a1"]
    assert ids(g.history(end="b1")) == ["b1", "r2", "r1"]
    assert ids(g.history("m1")) == ["r5", "m1"]
    assert ids(g.history("base", "heads")) == ids(g.history())


def one_line(excinfo) -> str:
    message = str(excinfo.value)
    assert "\n" not in message
    return message


def test_duplicate_ids_name_both_files(tmp_path):
    write(tmp_path, "r1", None, message="one")
    write(tmp_path, "r1", None, message="two")
    with pytest.raises(StillError) as err:
        RevisionGraph.load([tmp_path])
    message = one_line(err)
    assert "duplicate revision id 'r1'" in message
    assert "r1_one.py" in message and "r1_two.py" in message


def test_unknown_down_revision(tmp_path):
    with pytest.raises(StillError) as err:
        build(tmp_path, [("r1", None), ("r2", "zz")])
    assert "revision 'r2'" in one_line(err) and "revises 'zz', which no revision file defines" in str(err.value)


def test_unknown_dependency(tmp_path):
    with pytest.raises(StillError) as err:
        build(tmp_path, [("r1", None), ("r2", "r1", {"depends": "zz"})])
    assert "depends on 'zz'" in one_line(err)


def test_cycle_names_its_revisions(tmp_path):
    with pytest.raises(StillError) as err:
        build(tmp_path, [("r0", None), ("r1", ("r0", "r3")), ("r2", "r1"), ("r3", "r2")])
    message = one_line(err)
    assert "cycle" in message
    assert all(r in message for r in ("r1", "r2", "r3")) and "r0" not in message


def test_self_cycle_and_dependency_cycle(tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "y").mkdir()
    with pytest.raises(StillError, match="cycle: r1 -> r1"):
        build(tmp_path / "x", [("r1", "r1")])
    with pytest.raises(StillError, match="cycle"):
        build(tmp_path / "y", [("a", None, {"depends": "b"}), ("b", None, {"depends": "a"})])


def test_duplicate_branch_label(tmp_path):
    with pytest.raises(StillError) as err:
        build(tmp_path, [("r1", None, {"labels": "x"}), ("r2", "r1", {"labels": "x"})])
    message = one_line(err)
    assert "branch label 'x' is declared twice" in message and "'r1'" in message and "'r2'" in message


def test_unknown_get(tmp_path):
    g = build(tmp_path, LINEAR)
    with pytest.raises(StillError, match="unknown revision 'nope'"):
        g.get("nope")
    with pytest.raises(StillError, match="unknown revision"):
        g.ancestors(["nope"])
