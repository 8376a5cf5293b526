"""The catalog oracle reads SQLite's CHECK constraints from the text SQLite keeps (it has no
other catalog of them), with a scanner of its own: two databases that differ only in a
CHECK's expression or name differ in their catalogs; quotes and parentheses inside a
CHECK do not cut it short."""

import sqlalchemy as sa

from tests.catalogs import catalog, differences, sqlite_checks


def _made(path, check: str) -> dict:
    url = f"sqlite:///{path}"
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER, s TEXT, {check})")
    engine.dispose()
    return catalog(url)


def test_the_oracle_sees_a_check_change(tmp_path):
    base = _made(tmp_path / "a.db", "CONSTRAINT ck_n CHECK (n >= 0)")
    assert base["check clauses t"] == [("ck_n", "n >= 0")]
    assert differences(base, _made(tmp_path / "b.db", "CONSTRAINT ck_n CHECK (n > 0)"))
    assert differences(base, _made(tmp_path / "c.db", "CONSTRAINT ck_m CHECK (n >= 0)"))
    assert not differences(base, _made(tmp_path / "d.db", "CONSTRAINT ck_n CHECK (n >= 0)"))


def test_quotes_and_parentheses_inside_a_check():
    sql = ('CREATE TABLE "a""b" (id INTEGER, "check" TEXT CHECK ("check" IN (\'x)\', \'it\'\'s\')), '
           'n INT, CONSTRAINT "ck n" CHECK ((n >= 0) AND (n < 9)), CHECK(n <> 5))')
    assert sqlite_checks(sql) == [(None, "\"check\" IN ('x)', 'it''s')"), ("ck n", "(n >= 0) AND (n < 9)"),
                                  (None, "n <> 5")]
