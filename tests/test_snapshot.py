"""The Snapshot model: immutable, deterministic JSON, and a JSON Schema kept current."""

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from still import schemas
from still.snapshot import CheckConstraint, Column, Index, IndexElement, Schema, Snapshot, Table

ROOT = Path(__file__).resolve().parent.parent


def test_committed_json_schemas_are_current():
    for name, text in schemas.generated().items():
        path = ROOT / "schemas" / name
        assert path.exists(), f"{path} missing: run `make schemas`"
        assert path.read_text() == text, f"{path} is stale: run `make schemas`"


def test_snapshot_is_immutable():
    col = Column(name="id", type="INTEGER")
    with pytest.raises(ValidationError):
        col.name = "other"


def test_unknown_fields_are_rejected():
    with pytest.raises(ValidationError):
        Column(name="id", type="INTEGER", colour="blue")


names = st.text("abcdefghij_", min_size=1, max_size=8)


@st.composite
def tables(draw):
    cols = draw(st.lists(names, min_size=1, max_size=5, unique=True))
    checks = draw(st.lists(st.builds(CheckConstraint, name=st.none() | names, expression=names), max_size=3))
    indexes = draw(st.lists(st.builds(Index, name=names, elements=st.just((IndexElement(column=cols[0]),))),
                            max_size=3, unique_by=lambda i: i.name))
    return Table(name=draw(names), columns=tuple(Column(name=c, type="TEXT") for c in cols),
                 check_constraints=tuple(checks), indexes=tuple(indexes))


@given(st.lists(tables(), max_size=5, unique_by=lambda t: t.name), st.randoms())
def test_json_is_deterministic_whatever_the_input_order(table_list, rnd):
    def build(order):
        shuffled = [t.model_copy(update={"check_constraints": tuple(rnd.sample(t.check_constraints, len(t.check_constraints))),
                                         "indexes": tuple(rnd.sample(t.indexes, len(t.indexes)))}) for t in order]
        revalidated = [Table.model_validate(t.model_dump()) for t in shuffled]
        return Snapshot(dialect="sqlite", default_schema="main",
                        schemas={"main": Schema(name="main", tables={t.name: t for t in revalidated})})

    first = build(table_list)
    second = build(rnd.sample(table_list, len(table_list)))
    assert first == second
    assert first.to_json() == second.to_json()
    assert Snapshot.from_json(first.to_json()) == first
    json.loads(first.to_json())


def _pydantic_eq(a, b) -> bool:
    from pydantic import BaseModel

    answer = BaseModel.__eq__(a, b)
    return False if answer is NotImplemented else answer  # as `==` then concludes


@given(tables(), tables(), st.randoms())
def test_equality_is_pydantics_equality(a, b, rnd):
    """Snapshot models compare their fields directly (faster than pydantic's generic
    comparison, which a diff runs tens of thousands of times); the answer is the same."""
    twin = Table.model_validate(a.model_dump())
    other_order = a.model_copy(update={"check_constraints": tuple(
        rnd.sample(a.check_constraints, len(a.check_constraints)))})
    for left, right in [(a, b), (a, twin), (a, a), (a, other_order), (a.columns[0], b.columns[0]),
                        (a.columns[0], a), (a, None), (a, "text")]:
        expected = _pydantic_eq(left, right)
        assert (left == right) is expected
        assert (left != right) is (not expected)
        if expected:
            assert hash(left) == hash(right)


@given(st.lists(st.builds(CheckConstraint, name=st.none() | names, expression=names), max_size=6,
                unique_by=lambda c: c.name or object()),  # names are unique in a table
       st.randoms())
def test_constraints_sort_by_name_then_content_whatever_the_order(checks, rnd):
    first = Table(name="t", columns=(Column(name="a", type="TEXT"),), check_constraints=tuple(checks))
    again = Table(name="t", columns=(Column(name="a", type="TEXT"),),
                  check_constraints=tuple(rnd.sample(checks, len(checks))))
    assert first.check_constraints == again.check_constraints
    named = [c for c in first.check_constraints if c.name is not None]
    assert [c.name for c in named] == sorted(c.name for c in named)
    assert first.check_constraints[:len(named)] == tuple(named)  # the unnamed come last
