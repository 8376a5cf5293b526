"""still.db.mask: the one function every output's passwords go through."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from still import db


@pytest.mark.parametrize(("text", "shown"), [
    ("postgresql+psycopg://me:SECRET@db:5432/app", "postgresql+psycopg://me:***@db:5432/app"),
    ("postgresql+psycopg://u:SECRET", "postgresql+psycopg://u:***"),  # @host left out: a "port"
    ("postgresql+psycopg://u:SECRET@h:abc/db", "postgresql+psycopg://u:***@h:abc/db"),
    ("postgresql+psycopg://u@h/db?sslmode=require&password=SECRET", "postgresql+psycopg://u@h/db?sslmode=require&password=***"),
    ("cannot parse 'postgresql://u:SECRET@h/db': bad", "cannot parse 'postgresql://u:***@h/db': bad"),
    ("host=h password=SECRET dbname=x", "host=h password=*** dbname=x"),
    ("host=h password='SE CRET' dbname=x", "host=h password=*** dbname=x"),
    ("postgresql://h:5432/db", "postgresql://h:5432/db"),  # a port is not a password
    ("postgresql://[::1]:5432/db", "postgresql://[::1]:5432/db"),
    ("sqlite:////tmp/x.db", "sqlite:////tmp/x.db"),
    ("mysql+pymysql://u:p%40ss@h/db", "mysql+pymysql://u:***@h/db"),
])
def test_mask(text, shown):
    assert db.mask(text) == shown


def test_a_remembered_password_is_masked_wherever_it_shows():
    db.remember("postgresql+psycopg://u:Tr0ub4dor%26@h:abc/db")
    assert db.mask("invalid literal for int() with base 10: 'Tr0ub4dor&'") == \
        "invalid literal for int() with base 10: '***'"
    assert "Tr0ub4dor" not in db.mask("password authentication failed: Tr0ub4dor%26")


def test_a_sqlalchemy_url_is_masked_too():
    url = sa.engine.make_url("postgresql+psycopg://u:SECRET@h/db?password=SECRET")
    assert "SECRET" not in db.mask(url)


def test_a_remembered_password_is_masked_as_a_whole_word():
    db.remember("postgresql+psycopg://app:hunter22@h/db")
    said = db.mask("postgresql+psycopg://app:hunter22@h/db: 'hunter22' rejected; hunter222 is another word")
    assert said == "postgresql+psycopg://app:***@h/db: '***' rejected; hunter222 is another word"
