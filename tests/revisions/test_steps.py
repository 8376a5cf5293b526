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


@pytest.fixture
def two_branches(tmp_path):
    # r1 -+- a1 (a) - a2
    #     +- b1 (b) - b2
    return build(tmp_path, [("r1", None), ("a1", "r1", {"labels": "a"}), ("a2", "a1"),
                            ("b1", "r1", {"labels": "b"}), ("b2", "b1")])


def test_branch_relative_downgrade_moves_only_that_branch(two_branches):
    g = two_branches
    # from the branch's first revision, -1 is the shared root: b's row must stay
    assert rows(g.downgrade_steps(("a1", "b2"), "a@-1")) == [("a1", "down", ("a1",), ())]
    assert rows(g.downgrade_steps(("a2", "b2"), "a@-2")) == [
        ("a2", "down", ("a2",), ("a1",)),
        ("a1", "down", ("a1",), ()),
    ]
    assert rows(g.downgrade_steps(("a2", "b1"), "b@-1")) == [("b1", "down", ("b1",), ())]
    # the other branch not applied: the root becomes the row
    assert rows(g.downgrade_steps(("a1",), "a@-1")) == [("a1", "down", ("a1",), ("r1",))]
    assert rows(g.downgrade_steps(("a2", "b2"), "a@head")) == []
    # a revision as the branch: the revisions after it by history
    assert rows(g.downgrade_steps(("a2", "b2"), "a1@-1")) == [("a2", "down", ("a2",), ("a1",))]


def test_branch_downgrade_past_shared_history_is_an_error(two_branches):
    with pytest.raises(StillError) as err:
        two_branches.downgrade_steps(("a1", "b2"), "a@-2")
    message = str(err.value)
    assert "\n" not in message
    assert message == ("cannot downgrade to 'a@-2': r1 is also needed by b2 on another branch; "
                       "downgrade that branch too, or use 'a@base' to stop where the branch starts")
    # nothing else applied: going down to base is fine
    assert [s.revision.revision for s in two_branches.downgrade_steps(("a1",), "a@-2")] == ["a1", "r1"]


def test_branch_at_base_removes_that_branch_only(two_branches):
    g = two_branches
    assert rows(g.downgrade_steps(("a2", "b2"), "a@base")) == [
        ("a2", "down", ("a2",), ("a1",)),
        ("a1", "down", ("a1",), ()),
    ]
    # shared history stays even when nothing else is applied: it is not the branch's
    assert rows(g.downgrade_steps(("a2",), "a@base")) == [
        ("a2", "down", ("a2",), ("a1",)),
        ("a1", "down", ("a1",), ("r1",)),
    ]
    assert g.downgrade_steps(("b2",), "a@base") == []
    assert rows(g.downgrade_steps(("a2", "b2"), "b1@base")) == [
        ("b2", "down", ("b2",), ("b1",)),
        ("b1", "down", ("b1",), ()),
    ]


def test_branch_at_base_with_separate_roots(tmp_path):
    # the usual layout for independent branches: each starts from base
    g = build(tmp_path, [("x1", None), ("x2", "x1", {"labels": "x"}), ("x3", "x2"),
                         ("y1", None, {"labels": "y"}), ("y2", "y1")])
    assert [s.revision.revision for s in g.downgrade_steps(("x3", "y2"), "x@base")] == ["x3", "x2", "x1"]
    assert rows(g.downgrade_steps(("x3", "y2"), "y@-1")) == [("y2", "down", ("y2",), ("y1",))]
    assert rows(g.downgrade_steps(("x3", "y1"), "y@-1")) == [("y1", "down", ("y1",), ())]
    assert rows(g.downgrade_steps(("x1", "y2"), "x@-1")) == [("x1", "down", ("x1",), ())]


def test_branch_downgrade_takes_what_depends_on_it(tmp_path):
    g = build(tmp_path, [("a1", None, {"labels": "a"}), ("a2", "a1"),
                         ("y1", None, {"labels": "y"}), ("y2", "y1", {"depends": "a2"}),
                         ("z1", None, {"labels": "z", "depends": "a1"})])
    down = rows(g.downgrade_steps(("y2", "z1"), "a@-1"))
    # y2 needs a2, so it goes first; a1 keeps no row of its own: z1 implies it
    assert down == [("y2", "down", ("y2",), ("a2", "y1")), ("a2", "down", ("a2",), ())]
    assert [s.revision.revision for s in g.downgrade_steps(("y2", "z1"), "a@base")] == ["z1", "y2", "a2", "a1"]
    # a dependency that is not the branch's own stays for what needs it
    assert rows(g.downgrade_steps(("y2", "z1"), "z@base")) == [("z1", "down", ("z1",), ())]


def test_branch_downgrade_from_a_merge(tmp_path):
    g = build(tmp_path, [("r1", None), ("a1", "r1", {"labels": "a"}), ("b1", "r1", {"labels": "b"}),
                         ("m1", ("a1", "b1"))])
    assert rows(g.downgrade_steps(("m1",), "a@-1")) == [("m1", "down", ("m1",), ("a1", "b1"))]
    assert rows(g.downgrade_steps(("m1",), "b@base")) == [
        ("m1", "down", ("m1",), ("a1", "b1")),
        ("b1", "down", ("b1",), ()),
    ]


def test_stamp_a_branch(two_branches):
    g = two_branches
    assert g.stamp_change(("a1", "b2"), ["a@-1"]) == (("a1",), ())
    assert g.stamp_change(("a2", "b2"), ["a@base"]) == (("a2",), ())
    assert g.stamp_change(("a2",), ["a@base"]) == (("a2",), ("r1",))
    assert g.stamp_change(("a1", "b1"), ["b@+1"]) == (("b1",), ("b2",))
