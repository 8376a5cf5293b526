"""The SQLite CREATE TABLE reader takes plain items (and plain table constraints, as
SQLAlchemy writes them) without the tokenizer. Whatever the text, the shortcuts must read
exactly what the tokenizer reads: these tests hold `parse_create_table(sql)` to
`parse_create_table(sql, shortcuts=False)`, on chosen texts and on generated ones."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from still.reflect.sqlite_ddl import (
    TableText, _body_items, _body_items_walked, _plain_table_constraint, parse_create_table,
)

SQLALCHEMY_TABLE = '''CREATE TABLE t0001 (
\tid INTEGER NOT NULL, 
\tparent_id INTEGER, 
\tcode VARCHAR(32) NOT NULL, 
\tqty INTEGER DEFAULT '0' NOT NULL, 
\tprice NUMERIC(10, 2), 
\tPRIMARY KEY (id), 
\tCONSTRAINT uq_t0001_code UNIQUE (code), 
\tCONSTRAINT ck_t0001_qty CHECK (qty >= 0), 
\tCONSTRAINT "fk ""odd""" FOREIGN KEY(parent_id, code) REFERENCES "t 0000" (id, "Code") ON DELETE CASCADE ON UPDATE SET NULL DEFERRABLE INITIALLY DEFERRED, 
\tFOREIGN KEY(parent_id) REFERENCES t0000 (id) NOT DEFERRABLE
)'''

TEXTS = [
    SQLALCHEMY_TABLE,
    "CREATE TABLE t (a INTEGER, CONSTRAINT PRIMARY KEY (a))",  # PRIMARY is the name
    "CREATE TABLE t (a INTEGER, CONSTRAINT c CONSTRAINT d UNIQUE (a))",
    "CREATE TABLE t (a INTEGER, CONSTRAINT \"\" UNIQUE (a), CONSTRAINT c\"x\" CHECK (a))",
    "CREATE TABLE t (a INTEGER, UNIQUE (a COLLATE NOCASE), UNIQUE (a ASC), UNIQUE ())",
    "CREATE TABLE t (a INTEGER, UNIQUE (a) ON CONFLICT REPLACE, PRIMARY KEY (a) ON CONFLICT IGNORE)",
    "CREATE TABLE t (a INTEGER, CHECK (a > 0) CHECK (a < 9), CHECK (a) OR (a))",
    "CREATE TABLE t (a TEXT, CHECK (a <> ')'), CHECK (a -- )\n), CHECK (a /* ) */ > 1))",
    "CREATE TABLE t (a TEXT, CHECK (a -- )\n))",
    "CREATE TABLE t (a TEXT, CHECK (a /* )",
    "CREATE TABLE t (a TEXT, CHECK ((a)))",
    "CREATE TABLE t (a INTEGER, FOREIGN KEY (a) REFERENCES p MATCH FULL)",
    "CREATE TABLE t (a INTEGER, FOREIGN KEY (a) REFERENCES p(a)ON DELETE CASCADE)",
    "CREATE TABLE t (a INTEGER, FOREIGN KEY (a) REFERENCES p ON DELETE CASCADEX)",
    "CREATE TABLE t (a INTEGER, FOREIGN KEY (a) REFERENCES pé (a), FOREIGN KEY (a) REFERENCES [p] (a))",
    "CREATE TABLE t (a INTEGER, FOREIGN KEY (a) REFERENCES p INITIALLY IMMEDIATE DEFERRABLE)",
    "CREATE TABLE t (a INTEGER, CONSTRAINT naméx UNIQUE (a), CONSTRAINT n UNIQUE (aé, b))",
    "CREATE TABLE t (a INTEGER, ſ INTEGER, UNIQUE (ſ), CONSTRAINT k UNIQUE (a), \u212aEY INTEGER)",
    "CREATE TABLE t (a INTEGER, CONſTRAINT c UNIQUE (a), PRımARY KEY (a), \u212aEY (a))",
    "CREATE TABLE t (a INTEGER, UNİQUE (a), CONSTRAINT c CHECK (a), PRIMARY \u212aEY (a))",
    "CREATE TABLE t (a INTEGER, FOREIGN KEY (a) REFERENCES p DEFERRABLE İNITIALLY DEFERRED)",
    "CREATE TABLE t (a INTEGER,\u00a0CONSTRAINT\u00a0c UNIQUE (a), CONSTRAINT\x1cd UNIQUE (a))",
    "CREATE TABLE t (a INTEGER, CONSTRAINT c UNIQUE (a)\u00a0)",
    "CREATE TABLE t (a INTEGER, CONSTRAINT /* x */ c UNIQUE (a), CONSTRAINT c -- x\n UNIQUE (a))",
    "CREATE TABLE t (a INTEGER DEFAULT -1, b TEXT DEFAULT 'x, (y)', c [odd, name] TEXT, d `e,f` INT)",
    "CREATE TABLE t (a NUMERIC(10, (2)), b TEXT COLLATE NOCASE, c AS (a + 1) STORED)",
    'CREATE TABLE "t(x)" ("a,b" INTEGER, "c)" TEXT, UNIQUE ("a,b", "c)"))',
    "CREATE TABLE t (a INTEGER, PRIMARY KEY (a)",  # cut short
    "CREATE TABLE t (a INTEGER, UNIQUE (a), ",
    "CREATE TABLE t (,, a INTEGER,)",
    "CREATE TABLE t (a INTEGER PRIMARY KEY, b REFERENCES t) WITHOUT ROWID",
    "CREATE TABLE t AS SELECT 1 AS a",
    "CREATE TABLE t",
    "",
    None,
]


def _same(sql):
    if sql is not None:
        assert _body_items(sql) == _body_items_walked(sql)
    assert parse_create_table(sql) == parse_create_table(sql, shortcuts=False)


@pytest.mark.parametrize("sql", TEXTS)
def test_create_table_text_reads_the_same_through_the_shortcuts(sql):
    _same(sql)


def test_sqlalchemy_table_constraints_take_the_shortcut():
    # the case the shortcuts are for: SQLAlchemy's own spelling never needs the tokenizer
    items = _body_items(SQLALCHEMY_TABLE)[1]
    constraints = [item for item in items if item.split()[0] in ("PRIMARY", "CONSTRAINT", "FOREIGN")]
    assert len(constraints) == 5
    assert all(_plain_table_constraint(item, TableText()) for item in constraints)
    text = parse_create_table(SQLALCHEMY_TABLE)
    assert text.checks == [("ck_t0001_qty", "qty >= 0")]
    fk = text.foreign_keys[0]
    assert (fk.name, fk.columns, fk.table, fk.referred_columns, fk.deferrable, fk.initially) == \
        ('fk "odd"', ("parent_id", "code"), "t 0000", ("id", "Code"), True, "DEFERRED")


# -- generated texts: SQLAlchemy's spellings, broken in every way the shortcuts must see -----
_spaces = st.sampled_from([" ", "  ", "\t", "\n\t", "", "\u00a0", "\x1c", " /* ) */ ", " -- ,\n"])
# letters whose case Unicode folds onto an ASCII one: some upper-case to the keyword (ı, ſ),
# some do not (İ, the Kelvin sign), so the tokenizer reads a keyword in some, a name in others
_FOLDS = {"I": ["ı", "İ"], "S": ["ſ"], "K": ["\u212a"]}


def _keyword(word: str):
    spellings = [word, word.lower(), word.title()]
    spellings += [word.replace(ascii_letter, other, 1)
                  for ascii_letter, others in _FOLDS.items() if ascii_letter in word for other in others]
    return st.sampled_from(spellings)


_names = st.sampled_from(["a", "b_2", "x$", "é", "aé", "ſ", '"a"', '"a,b"', '"q""uote"', '""',
                          "[a b]", "`a`", "'s'", "PRIMARY", "CHECK", "1a", "x'00'", "a(b)"])
_checks = st.sampled_from(["a > 0", "a <> ')'", "(a)", "a) OR (b", "a -- )\n", "a /* ) */",
                           "a /* )", "lower(a) IN ('x', 'y')", "", "a, b", "\"c)\" = 1"])
_clauses = st.sampled_from(["ON DELETE CASCADE", "ON UPDATE SET NULL", "on delete set default",
                            "ON DELETE NO ACTION", "ON UPDATE RESTRICT", "DEFERRABLE",
                            "NOT DEFERRABLE", "INITIALLY DEFERRED", "initially immediate",
                            "INITIALLY LATER", "İNITIALLY DEFERRED", "DEFERRABLE İNITIALLY DEFERRED", "MATCH FULL", "ON CONFLICT ABORT", "CASCADEX", ","])


@st.composite
def _constraint(draw):
    sp = lambda: draw(_spaces)  # noqa: E731
    named = ""
    if draw(st.booleans()):
        named = draw(_keyword("CONSTRAINT")) + sp() + draw(_names) + sp()
    names = lambda: sp().join(  # noqa: E731
        [draw(_names)] + [sp() + "," + sp() + draw(_names) for _ in range(draw(st.integers(0, 2)))])
    kind = draw(st.sampled_from(["pk", "unique", "check", "fk"]))
    if kind == "pk":
        body = draw(_keyword("PRIMARY")) + sp() + draw(_keyword("KEY")) + sp() + "(" + names() + ")"
    elif kind == "unique":
        body = draw(_keyword("UNIQUE")) + sp() + "(" + names() + ")"
    elif kind == "check":
        body = draw(_keyword("CHECK")) + sp() + "(" + draw(_checks) + ")"
    else:
        body = (draw(_keyword("FOREIGN")) + sp() + draw(_keyword("KEY")) + sp() + "(" + names() + ")"
                + sp() + draw(_keyword("REFERENCES")) + sp() + draw(_names))
        if draw(st.booleans()):
            body += sp() + "(" + names() + ")"
        for _ in range(draw(st.integers(0, 3))):
            body += sp() + draw(_clauses)
    return sp() + named + body + sp()


_columns = st.sampled_from(["a INTEGER", "b VARCHAR(32) NOT NULL", "c NUMERIC(10, 2)",
                            "d TEXT DEFAULT 'x, (y)'", "e INTEGER DEFAULT -1", "f TEXT COLLATE NOCASE",
                            "g INTEGER REFERENCES p (a)", "h AS (a + 1)", "[i, j] TEXT", "k NUMERIC((1))"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_columns, _constraint()), min_size=1, max_size=6),
       st.sampled_from([")", ") WITHOUT ROWID", "", ", "]))
def test_generated_create_table_texts_read_the_same_through_the_shortcuts(items, end):
    _same("CREATE TABLE t (" + ",".join(items) + end)
