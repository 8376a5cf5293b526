import pytest

from still.errors import StillError

from .helpers import build

LINEAR = [("aa01", None), ("aa02", "aa01"), ("ab03", "aa02"), ("b004", "ab03")]


@pytest.fixture
def linear(tmp_path):
    return build(tmp_path, LINEAR)


@pytest.fixture
def branched(tmp_path):
    return build(tmp_path, [("r1", None), ("r2", "r1"), ("a1", "r2", {"labels": "feat"}), ("a2", "a1"),
                            ("a3", "a2"), ("b1", "r2", {"labels": "fix"})])


def error(graph, target, current=()) -> str:
    with pytest.raises(StillError) as err:
        graph.resolve(target, current)
    message = str(err.value)
    assert "\n" not in message
    return message


def test_keywords(linear):
    assert linear.resolve("head") == ("b004",)
    assert linear.resolve("heads") == ("b004",)
    assert linear.resolve("base") == ()


def test_ids_and_prefixes(linear):
    assert linear.resolve("ab03") == ("ab03",)
    assert linear.resolve("ab") == ("ab03",)
    assert linear.resolve("b") == ("b004",)
    assert linear.resolve("aa01") == ("aa01",)
    message = error(linear, "aa")
    assert message.startswith("ambiguous revision prefix 'aa': matches aa01, aa02")
    assert error(linear, "zz") == "unknown revision 'zz'"
    assert error(linear, "a", ()).startswith("ambiguous revision prefix 'a'")


def test_relative_to_current(linear):
    assert linear.resolve("+1", ("aa02",)) == ("ab03",)
    assert linear.resolve("+2", ("aa02",)) == ("b004",)
    assert linear.resolve("-1", ("aa02",)) == ("aa01",)
    assert linear.resolve("-2", ("aa02",)) == ()
    assert linear.resolve("+1", ()) == ("aa01",)
    assert linear.resolve("+4", ()) == ("b004",)
    assert "goes past" in error(linear, "+3", ("aa02",))
    assert "goes past base" in error(linear, "-3", ("aa02",))
    assert "goes past base" in error(linear, "-1", ())


def test_relative_to_a_revision(linear):
    assert linear.resolve("aa01+2") == ("ab03",)
    assert linear.resolve("ab+1") == ("b004",)
    assert linear.resolve("b004-3") == ("aa01",)
    assert linear.resolve("head-1") == ("ab03",)
    assert linear.resolve("b004-4") == ()
    assert "goes past the head 'b004'" in error(linear, "ab03+2")
    assert "goes past base" in error(linear, "aa02-3")
    assert error(linear, "zz+1") == "unknown revision 'zz+1'"


def test_head_with_several_heads(branched):
    assert error(branched, "head") == ("multiple heads (a3, b1): name one, use 'heads', "
                                       "or merge them with 'still merge'")
    assert branched.resolve("heads") == ("a3", "b1")


def test_branch_labels(branched):
    assert branched.resolve("feat") == ("a3",)
    assert branched.resolve("feat@head") == ("a3",)
    assert branched.resolve("fix@head") == ("b1",)
    assert branched.resolve("a1@head") == ("a3",)
    # relative inside the branch: only the branch's own row counts
    assert branched.resolve("feat@+1", ("a1", "b1")) == ("a2",)
    assert branched.resolve("feat@+2", ("a1", "b1")) == ("a3",)
    assert branched.resolve("feat@-1", ("a2", "b1")) == ("a1",)
    assert branched.resolve("feat@+1", ("r2",)) == ("a1",)
    assert branched.resolve("fix@+1", ("a3",)) == ("b1",)
    assert branched.resolve("feat@+3", ()) == ("a1",)
    assert branched.resolve("fix@-2", ("b1",)) == ("r1",)
    assert "goes past the head 'a3'" in error(branched, "feat@+1", ("a3",))
    assert "unknown revision" in error(branched, "nolabel@head")
    assert "after '@'" in error(branched, "feat@sideways")


def test_ambiguous_relative_moves(branched):
    message = error(branched, "+1", ("a1", "b1"))
    assert "several heads (a1, b1)" in message
    assert "history branches into a1, b1" in error(branched, "+1", ("r2",))
    assert "multiple heads" in error(branched, "r2@head")


def test_downward_relative_from_a_merge(tmp_path):
    g = build(tmp_path, [("r1", None), ("a1", "r1"), ("b1", "r1"), ("m1", ("a1", "b1"))])
    assert g.resolve("-1", ("m1",)) == ("a1", "b1")
    assert g.resolve("-2", ("m1",)) == ("r1",)
    assert g.resolve("m1-3") == ()


def test_unknown_current_row(linear):
    assert "which no revision file defines" in error(linear, "+1", ("gone",))


def test_branch_at_base(branched):
    assert branched.resolve("feat@base") == ()
    assert branched.resolve("a2@base") == ()
    assert branched.history("feat@base") == branched.history()
    assert "after '@' use 'head', 'base'" in error(branched, "feat@bottom")


def test_branch_anchor(branched):
    from still.revisions.targets import branch_anchor

    assert branch_anchor(branched, "feat@-1") == "feat"
    assert branch_anchor(branched, "a2@base") == "a2"
    assert branch_anchor(branched, "feat") is None
    assert branch_anchor(branched, "-1") is None
    assert branch_anchor(branched, "nolabel@base") is None


def test_branch_extent_stops_at_shared_history(tmp_path):
    from still.revisions.targets import branch_extent

    g = build(tmp_path, [("r1", None), ("a1", "r1", {"labels": "a"}), ("a2", "a1"), ("b1", "r1"),
                         ("x1", None), ("x2", "x1"), ("x3", "x2", {"labels": "x"}), ("x4", "x3")])
    assert branch_extent(g, "a") == {"a1", "a2"}  # r1 is shared with b1
    assert branch_extent(g, "x") == {"x1", "x2", "x3", "x4"}  # nothing else grows from x1, x2
    assert branch_extent(g, "a2") == {"a1", "a2"}
    assert branch_extent(g, "b1") == {"b1"}


def _range(graph, rev_range, current=()):
    from still.revisions.targets import history_range

    return history_range(graph, rev_range, lambda: current)


def test_history_ranges_as_alembic_reads_them(tmp_path):
    (tmp_path / "linear").mkdir()
    (tmp_path / "branched").mkdir()
    linear = build(tmp_path / "linear", LINEAR)
    branched = build(tmp_path / "branched", [("r1", None), ("r2", "r1"), ("a1", "r2"), ("a2", "a1"),
                                             ("a3", "a2"), ("b1", "r2")])
    assert _range(linear, "-1:") == {"ab03", "b004"}  # START -N: counted down from END (heads)
    assert _range(linear, "-1:ab03") == {"aa02", "ab03"}
    assert _range(linear, "aa01:+1") == {"aa01", "aa02"}  # END +N: counted up from START
    assert _range(linear, ":+2") == {"aa01", "aa02"}
    assert _range(linear, "current:", ("aa02",)) == {"aa02", "ab03", "b004"}
    assert _range(linear, ":current", ("aa02",)) == {"aa01", "aa02"}
    assert _range(linear, ":current", ()) == set()  # at base: nothing applied
    assert _range(linear, "current+1:", ("aa02",)) == {"ab03", "b004"}
    assert _range(linear, "head-2:") == {"aa02", "ab03", "b004"}
    # on a branched history -N goes down from both heads (to a2 and r2), and current may be
    # several revisions
    assert _range(branched, "-1:") == {"r2", "a1", "a2", "a3", "b1"}
    assert _range(branched, "current:", ("a1", "b1")) == {"a1", "a2", "a3", "b1"}
    for bad, fragment in ((":-1", "END cannot be -1"), ("+1:", r"START cannot be \+1"), ("-9:", "past base"),
                          ("abc", "expected START:END")):
        with pytest.raises(StillError, match=fragment):
            _range(linear, bad)
