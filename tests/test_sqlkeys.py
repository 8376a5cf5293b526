"""Index keys written as SQL text: the operator class after a key, the function a key calls."""

import pytest

from still.sqlkeys import called_function, split_opclass


@pytest.mark.parametrize("text, expected", [
    ("code text_pattern_ops", ("code", "text_pattern_ops")),
    ("(lower(title)) text_pattern_ops", ("(lower(title))", "text_pattern_ops")),
    ("x::text varchar_ops", ("x::text", "varchar_ops")),
    ('"Code" "My_Ops"', ('"Code"', '"My_Ops"')),
    ("doc tsvector_ops (siglen = 100)", ("doc", "tsvector_ops (siglen = 100)")),
    ("lower(x) gist_trgm_ops(siglen=32)", ("lower(x)", "gist_trgm_ops(siglen=32)")),
    # no class: an expression, a function call, keywords, an operator before the last word
    ("lower(title)", ("lower(title)", None)),
    ("a + b", ("a + b", None)),
    ("a AND b", ("a AND b", None)),
    ("x IS NULL", ("x IS NULL", None)),
    ("code", ("code", None)),
    ("f(x)(y)", ("f(x)(y)", None)),
])
def test_split_opclass(text, expected):
    assert split_opclass(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("tsrange(starts, ends)", "tsrange"), ("public.f(x)", "f"), ('"Weird"(x)', "Weird"),
    ("a + b", None), ("(a)", None), ("not sql ((", None),
])
def test_called_function(text, expected):
    assert called_function(text) == expected
