"""Type changes and their findings on the canonical spellings, MySQL's among them."""

import pytest

from still.diff.typechanges import classify


@pytest.mark.parametrize(("old", "new", "kind"), [
    ("enum('a','b')", "enum('a','b','c')", None),
    ("enum('a','b')", "enum('b','a')", None),  # converted by value
    ("enum('a','b','c')", "enum('a','c')", "narrowing"),  # rows holding 'b' are rejected
    ("set('x','y')", "set('x')", "narrowing"),
    ("enum('x','y')", "set('x','y')", "narrowing"),
    ("int", "int unsigned", "narrowing"),
    ("int unsigned", "bigint", None),
    ("int unsigned", "int", "narrowing"),
    ("tinyint", "mediumint", None),
    ("mediumint unsigned", "smallint unsigned", "narrowing"),
    ("int(5) unsigned zerofill", "bigint unsigned", None),
    ("varchar(20)", "mediumtext", None),
    ("longtext", "varchar(10)", "narrowing"),
    ("int unsigned", "varchar(10)", "change"),
    ("integer", "bigint", None),
])
def test_classify(old, new, kind):
    assert classify(old, new) == kind
