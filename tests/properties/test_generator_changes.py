"""The generator tests changes: a pair (A, B) whose databases would be the same tests
nothing, so under 5% of drawn pairs may declare the same schema, on every dialect's
profile; and its type edits reach every class diff.typechanges.classify tells apart
(widening, narrowing, a change it cannot judge), numeric precision and scale included."""

import pytest
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st

from still.declare import declare
from still.diff.typechanges import classify
from tests.helpers import unconnected
from tests.properties.edits import _edit, schema_pairs
from tests.properties.strategies import KINDRED, ColSpec, TableSpec, build, profile

SCHEMA = {"sqlite": "main", "postgresql": "public", "mysql": ""}

DRAWS = 300


def _draw_pairs(dialect: str, draws: int = DRAWS) -> list:
    pairs = []

    @settings(max_examples=draws, database=None, deadline=None, suppress_health_check=list(HealthCheck))
    @given(pair=schema_pairs(dialect=None if dialect == "sqlite" else dialect))
    def collect(pair):
        pairs.append(pair)

    collect()
    return pairs


@pytest.mark.parametrize("dialect", ("sqlite", "postgresql", "mysql"))
def test_under_five_percent_of_pairs_change_nothing(dialect):
    on = unconnected(dialect)
    pairs = _draw_pairs(dialect)
    same = sum(declare(build(a), on) == declare(build(b), on) for a, b in pairs)
    assert len(pairs) >= DRAWS // 2
    assert same / len(pairs) < 0.05, f"{same} of {len(pairs)} pairs declare the same schema"


def _type_of(type_key: str, dialect: str) -> str:
    """The type `type_key` of the generator's table declares as on `dialect`."""
    table = TableSpec(name="t0", columns=[ColSpec(name="alpha", type=type_key)])
    return declare(build([table]), unconnected(dialect)).schemas[SCHEMA[dialect]].tables["t0"].column("alpha").type


@st.composite
def _altered(draw, type_key: str, p):
    """The type an alter_type edit gives a lone column of type `type_key`."""
    spec = [TableSpec(name="t0", columns=[ColSpec(name="alpha", type=type_key)])]
    _edit(draw, spec, "alter_type", {"t0": {"alpha"}}, {}, p)
    return spec[0].columns[0].type


@pytest.mark.parametrize("dialect", ("sqlite", "postgresql", "mysql"))
def test_type_edits_reach_every_class(dialect):
    """Within each kind of type (integers, numerics, floats, strings) the alter_type edit
    can give every other size the dialect's profile has, and those changes include both a
    widening and a narrowing as classify judges them (numeric precision and scale, float to
    real, integer ranks, string lengths)."""
    p = profile(None if dialect == "sqlite" else dialect)
    verdicts = {}
    for kin in KINDRED:
        sizes = sorted(kin & set(p.types))
        for old in sizes:
            for new in sizes:
                if old == new:
                    continue
                find(_altered(old, p), lambda got, new=new: got == new,
                     settings=settings(max_examples=500, database=None, phases=[Phase.generate]))
                verdicts.setdefault(min(kin), set()).add(classify(_type_of(old, dialect), _type_of(new, dialect)))
    for kind, seen in verdicts.items():
        assert {None, "narrowing"} <= seen, (kind, seen)
    assert len(verdicts) == len(KINDRED)
