"""Random DAG histories: upgrade base -> heads, then back to base, keeping the version rows exact."""

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from .helpers import build


@st.composite
def histories(draw):
    count = draw(st.integers(1, 14))
    spec = []
    for i in range(count):
        earlier = [f"r{j:02d}" for j in range(i)]
        downs = draw(st.lists(st.sampled_from(earlier), max_size=2, unique=True)) if earlier else []
        if earlier and not downs and draw(st.booleans()):
            downs = [earlier[-1]]  # mostly linear, some extra bases
        others = [e for e in earlier if e not in downs]
        depends = draw(st.lists(st.sampled_from(others), max_size=1)) if others else []
        down = None if not downs else (downs[0] if len(downs) == 1 else tuple(downs))
        spec.append((f"r{i:02d}", down, {"depends": tuple(depends) or None}))
    return spec


def run(graph, steps, rows, applied):
    seen = []
    for step in steps:
        rev = step.revision.revision
        assert set(step.delete) <= rows
        assert not (set(step.insert) & (rows - set(step.delete)))
        if step.direction == "up":
            assert rev not in applied and set(step.revision.parents) <= applied
            applied.add(rev)
        else:
            assert rev in applied
            applied.discard(rev)
            assert not any(rev in graph.get(other).parents for other in applied)
        rows = (rows - set(step.delete)) | set(step.insert)
        assert rows == set(graph.version_rows(applied))
        seen.append(rev)
    return seen, rows


@settings(max_examples=150, deadline=None)
@given(histories(), st.data())
def test_upgrade_heads_then_downgrade_base(spec, data):
    with tempfile.TemporaryDirectory() as tmp:
        graph = build(Path(tmp), spec)
        applied: set[str] = set()
        seen, rows = run(graph, graph.upgrade_steps((), "heads"), set(), applied)
        assert sorted(seen) == sorted(graph.revisions) and len(seen) == len(set(seen))
        assert graph.is_up_to_date(tuple(rows))
        assert set(graph.resolve("heads")) <= graph.applied(tuple(rows))

        # somewhere in between and back: a random downgrade, then upgrade heads again
        target = data.draw(st.sampled_from(sorted(graph.revisions)))
        _, rows = run(graph, graph.downgrade_steps(tuple(sorted(rows)), target), rows, applied)
        assert target in applied
        later, stack = set(), [target]
        while stack:
            for child in graph.children(stack.pop()):
                later.add(child)
                stack.append(child)
        assert not (later & applied)  # nothing after the target on its line of history remains
        again, rows = run(graph, graph.upgrade_steps(tuple(sorted(rows)), "heads"), rows, applied)
        assert len(applied) == len(graph.revisions)

        seen, rows = run(graph, graph.downgrade_steps(tuple(sorted(rows)), "base"), rows, applied)
        assert sorted(seen) == sorted(graph.revisions) and len(seen) == len(set(seen))
        assert rows == set() and applied == set()


@settings(max_examples=100, deadline=None)
@given(histories(), st.data())
def test_upgrade_to_any_revision_applies_exactly_its_ancestry(spec, data):
    with tempfile.TemporaryDirectory() as tmp:
        graph = build(Path(tmp), spec)
        target = data.draw(st.sampled_from(sorted(graph.revisions)))
        applied: set[str] = set()
        _, rows = run(graph, graph.upgrade_steps((), target), set(), applied)
        assert applied == {target} | graph.ancestors([target])
        assert target in rows
        delete, insert = graph.stamp_change((), [target])
        assert set(insert) == rows and delete == ()
