import pytest

from still.errors import StillError

from .helpers import build


def rows(steps):
    return [(s.revision.revision, s.direction, s.delete, s.insert) for s in steps]


@pytest.fixture
def linear(tmp_path):
    return build(tmp_path, [("r1", None), ("r2", "r1"), ("r3", "r2")])


@pytest.fixture
def merged(tmp_path):
    # r1 - r2 -+- a1 -+- m1
    #          +- b1 -+
    return build(tmp_path, [("r1", None), ("r2", "r1"), ("a1", "r2"), ("b1", "r2"), ("m1", ("a1", "b1"))])


def test_linear_upgrade_and_downgrade(linear):
    assert rows(linear.upgrade_steps((), "head")) == [
        ("r1", "up", (), ("r1",)),
        ("r2", "up", ("r1",), ("r2",)),
        ("r3", "up", ("r2",), ("r3",)),
    ]
    assert rows(linear.upgrade_steps(("r1",), "+1")) == [("r2", "up", ("r1",), ("r2",))]
    assert linear.upgrade_steps(("r3",), "head") == []
    assert linear.upgrade_steps(("r3",), "r1") == []  # already past it: nothing to do
    assert rows(linear.downgrade_steps(("r3",), "-1")) == [("r3", "down", ("r3",), ("r2",))]
    assert rows(linear.downgrade_steps(("r3",), "base")) == [
        ("r3", "down", ("r3",), ("r2",)),
        ("r2", "down", ("r2",), ("r1",)),
        ("r1", "down", ("r1",), ()),
    ]
    assert linear.downgrade_steps(("r2",), "r2") == []


def test_downgrade_to_an_unapplied_revision(linear):
    with pytest.raises(StillError, match="cannot downgrade to r3: it is not applied"):
        linear.downgrade_steps(("r2",), "r3")


def test_branch_upgrade_keeps_both_rows(merged):
    steps = merged.upgrade_steps(("r2",), "a1")
    assert rows(steps) == [("a1", "up", ("r2",), ("a1",))]
    # the branch point's row went with a1; b1 adds a row of its own
    assert rows(merged.upgrade_steps(("a1",), "b1")) == [("b1", "up", (), ("b1",))]


def test_upgrade_heads_of_a_branch(tmp_path):
    g = build(tmp_path, [("r1", None), ("a1", "r1"), ("b1", "r1")])
    with pytest.raises(StillError, match=r"multiple heads \(a1, b1\)"):
        g.upgrade_steps((), "head")
    assert rows(g.upgrade_steps((), "heads")) == [
        ("r1", "up", (), ("r1",)),
        ("a1", "up", ("r1",), ("a1",)),
        ("b1", "up", (), ("b1",)),
    ]
    assert rows(g.downgrade_steps(("a1", "b1"), "r1")) == [
        ("b1", "down", ("b1",), ()),
        ("a1", "down", ("a1",), ("r1",)),
    ]


def test_merge_upgrade_and_downgrade(merged):
    assert rows(merged.upgrade_steps(("a1", "b1"), "head")) == [("m1", "up", ("a1", "b1"), ("m1",))]
    assert rows(merged.upgrade_steps(("a1",), "head")) == [
        ("b1", "up", (), ("b1",)),
        ("m1", "up", ("a1", "b1"), ("m1",)),
    ]
    assert rows(merged.downgrade_steps(("m1",), "-1")) == [("m1", "down", ("m1",), ("a1", "b1"))]
    # down to one side of the merge: the other side (not after a1) stays applied
    assert rows(merged.downgrade_steps(("m1",), "a1")) == [("m1", "down", ("m1",), ("a1", "b1"))]
    assert rows(merged.downgrade_steps(("m1",), "r2")) == [
        ("m1", "down", ("m1",), ("a1", "b1")),
        ("b1", "down", ("b1",), ()),
        ("a1", "down", ("a1",), ("r2",)),
    ]


def test_downgrade_one_branch_leaves_the_other(tmp_path):
    g = build(tmp_path, [("r1", None), ("a1", "r1", {"labels": "a"}), ("a2", "a1"), ("b1", "r1")])
    assert rows(g.downgrade_steps(("a2", "b1"), "a@-1")) == [("a2", "down", ("a2",), ("a1",))]
    assert rows(g.downgrade_steps(("a2", "b1"), "a1")) == [("a2", "down", ("a2",), ("a1",))]


def test_depends_on(tmp_path):
    g = build(tmp_path, [("x1", None), ("x2", "x1"), ("y1", None), ("y2", "y1", {"depends": "x1"})])
    # upgrading y2 applies its dependency first; the dependency's row is implied by y2
    assert rows(g.upgrade_steps((), "y2")) == [
        ("x1", "up", (), ("x1",)),
        ("y1", "up", (), ("y1",)),
        ("y2", "up", ("x1", "y1"), ("y2",)),
    ]
    assert rows(g.upgrade_steps(("y2",), "heads")) == [("x2", "up", (), ("x2",))]
    # down past the dependency takes the dependent with it
    assert rows(g.downgrade_steps(("x2", "y2"), "base")) == [
        ("y2", "down", ("y2",), ("y1",)),  # x1 still has a row-holder: x2
        ("y1", "down", ("y1",), ()),
        ("x2", "down", ("x2",), ("x1",)),
        ("x1", "down", ("x1",), ()),
    ]
    assert rows(g.downgrade_steps(("y2",), "base"))[0] == ("y2", "down", ("y2",), ("x1", "y1"))
    down = rows(g.downgrade_steps(("x2", "y2"), "x1"))
    assert down == [("x2", "down", ("x2",), ())]  # y2 only needs x1 itself: it stays, and implies x1
    assert rows(g.downgrade_steps(("y2",), "y1")) == [("y2", "down", ("y2",), ("x1", "y1"))]


def test_unknown_current(linear):
    with pytest.raises(StillError, match="'zz', which no revision file defines"):
        linear.upgrade_steps(("zz",), "head")


def test_stamp(merged):
    assert merged.stamp_change((), ["head"]) == ((), ("m1",))
    assert merged.stamp_change(("r2",), ["a1"]) == (("r2",), ("a1",))
    assert merged.stamp_change(("a1",), ["b1"]) == ((), ("b1",))  # other branch: row kept
    assert merged.stamp_change(("a1", "b1"), ["r1"]) == (("a1", "b1"), ("r1",))
    assert merged.stamp_change(("m1",), ["base"]) == (("m1",), ())
    assert merged.stamp_change(("a1",), ["a1"]) == ((), ())
    assert merged.stamp_change((), ["a1", "b1"]) == ((), ("a1", "b1"))
    with pytest.raises(StillError, match="which no revision file defines"):
        merged.stamp_change(("gone",), ["head"])
    assert merged.stamp_change(("gone", "a1"), ["b1"], purge=True) == (("a1", "gone"), ("b1",))


def test_downgrade_takes_dependents_of_later_revisions(tmp_path):
    g = build(tmp_path, [("x1", None), ("x2", "x1"), ("y1", None), ("y2", "y1", {"depends": "x2"})])
    assert rows(g.downgrade_steps(("y2",), "x1")) == [
        ("y2", "down", ("y2",), ("x2", "y1")),
        ("x2", "down", ("x2",), ("x1",)),
    ]
