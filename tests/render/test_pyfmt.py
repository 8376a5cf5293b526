"""pyfmt lays statements out exactly as `ruff format` does, so rendered files are stable."""

from __future__ import annotations

import pytest

from still.render.pyfmt import format_statement, py_str
from tests.render.helpers import RUFF, ruff_diff

LONG = "x" * 100
STATEMENTS = [
    'op.drop_table("users")',
    'op.execute(sa.text("' + LONG + '"))',
    'op.execute("' + LONG + '")',
    'op.add_column("users", sa.Column("a", sa.Integer(), nullable=True, comment="' + "c" * 60 + '"))',
    'op.create_check_constraint("ck", "t", "' + "a > 0 and " * 12 + 'true")',
    'op.create_index("ix_aaaaaaaaaaaaaaaaaaaaaaaaa", "tttttttttttttttttttt", ["aaaaaaaaaaaa", "bbbbbbbbbbbb"])',
    'op.create_index("ix", "t", ["a", sa.desc(sa.column("created_at")), sa.text("lower(email)"), "b", "c"])',
    'op.create_table("t", sa.Column("id", sa.Integer(), nullable=False), sa.PrimaryKeyConstraint("id", name=None))',
    'op.f(g(h(i(' + ", ".join(f'"{n * 3}"' for n in "abcdefghijkl") + '))))',
    'op.create_enum("mood", ["' + '", "'.join(f"value_{i}" for i in range(20)) + '"])',
]


@pytest.mark.parametrize("indent", [0, 4, 8])
def test_matches_ruff(indent, tmp_path):
    assert RUFF.exists(), "ruff is a test dependency (the [test] extra): it must sit next to the interpreter"
    pad = " " * indent
    blocks, header = [], ""
    for depth in range(indent // 4):
        header += "    " * depth + "if True:\n"
    for statement in STATEMENTS:
        blocks.append(header + pad + format_statement(statement, indent) + "\n")
    text = "\n\n".join(blocks)
    assert ruff_diff(text, tmp_path) == ""


@pytest.mark.parametrize("value", ["plain", "it's", 'say "hi"', "both ' and \"", "back\\slash", "tab\tnew\nline",
                                   "ünïcode", 'two "" one \''])
def test_string_literals(value, tmp_path):
    literal = py_str(value)
    assert eval(literal) == value
    if RUFF.exists():
        assert ruff_diff(f"x = {literal}\n", tmp_path) == ""
