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
    # numeric precision and scale (issue 29: a mutant that stopped flagging these survived)
    ("numeric(10,2)", "numeric(5,2)", "narrowing"),  # fewer integer digits
    ("numeric(10,2)", "numeric(10,1)", "narrowing"),  # fewer decimals: values round
    ("numeric(10,2)", "numeric(10,3)", "narrowing"),  # one more decimal, one integer digit less
    ("numeric(10,2)", "numeric(12,2)", None),
    ("numeric(10,2)", "numeric(11,3)", None),
    ("numeric(10,2)", "numeric", None),
    ("numeric", "numeric(10,2)", "narrowing"),
    ("decimal(10,2)", "decimal(5,2)", "narrowing"),
    ("numeric(10,2)", "integer", "narrowing"),
    ("bigint", "numeric(20,0)", None),
    ("integer", "numeric(10,0)", "change"),
    # floats: PostgreSQL's spellings, and MySQL's `float` (single precision)
    ("double precision", "real", "narrowing"),
    ("real", "double precision", None),
    ("double", "float", "narrowing"),
    ("float", "double", None),
    ("double precision", "numeric(10,2)", "change"),
    # strings
    ("character varying(255)", "character varying(100)", "narrowing"),
    ("character varying(100)", "text", None),
    ("text", "character varying(100)", "narrowing"),
    ("character(10)", "character(3)", "narrowing"),
])
def test_classify(old, new, kind):
    assert classify(old, new) == kind
