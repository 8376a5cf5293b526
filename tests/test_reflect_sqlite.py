"""SQLite reflection and declaration: a fixed number of queries, and the cases that only
the stored `CREATE` text can answer, checked against models (reflect == declare) and
against hand-written DDL."""

from __future__ import annotations

import sqlalchemy as sa

from still import snapshot as s
from still.declare import declare
from still.reflect import reflect
from still.reflect.sqlite import canonical_type
from still.reflect.sqlite_ddl import parse_create_index, parse_create_table, split_top_level, tokenize
from tests.helpers import assert_same_snapshot


def reflect_url(url: str, metadata: sa.MetaData = None, sql=(), schemas=None):
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        if metadata is not None:
            metadata.create_all(conn)
        for statement in sql:
            conn.exec_driver_sql(statement)
    with engine.connect() as conn:
        reflected = reflect(conn, schemas)
        declared = declare(metadata, conn.dialect) if metadata is not None else None
    engine.dispose()
    return reflected, declared


def roundtrip(url: str, metadata: sa.MetaData) -> s.Snapshot:
    reflected, declared = reflect_url(url, metadata)
    assert_same_snapshot(reflected, declared)
    assert reflected == declared
    return reflected


def reflect_sql(url: str, *sql: str) -> s.Snapshot:
    return reflect_url(url, sql=sql)[0]


# -- models: reflect == declare ---------------------------------------------------------------
def test_model_features_roundtrip(sqlite_url):
    metadata = sa.MetaData()
    sa.Table("parent", metadata, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table(
        "child",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("parent_id", sa.Integer),
        sa.Column("Name", sa.String(40, collation="NOCASE"), nullable=False),
        sa.Column("points", sa.SmallInteger, sa.CheckConstraint("points BETWEEN 0 AND 100")),
        sa.Column("price", sa.Numeric(10, 3), server_default=sa.text("(1.50)")),
        sa.Column("upper_name", sa.String(40), sa.Computed("upper(\"Name\")", persisted=True)),
        sa.Column("lower_name", sa.String(40), sa.Computed("lower(\"Name\")", persisted=False)),
        sa.Column("name_len", sa.Integer, sa.Computed("length(\"Name\")")),  # VIRTUAL
        sa.ForeignKeyConstraint(["parent_id"], ["parent.id"], name="child_parent_fk",
                                ondelete="SET NULL", deferrable=True, initially="DEFERRED"),
        sa.UniqueConstraint("parent_id", "Name", name="uq_child_parent_name"),
        sa.UniqueConstraint("price"),
        sa.CheckConstraint("coalesce(price, 0) IN (0, 1.5, 2)", name="ck_price_set"),
        sa.Index("ix_child_lower", sa.func.lower(sa.text('"Name"')), unique=True),
        sa.Index("ix_child_desc", sa.desc("price"), "parent_id"),
        sa.Index("ix_child_partial", "parent_id", sqlite_where=sa.text("price > 0 AND points IS NOT NULL")),
        sa.Index("ix_child_text_key", sa.text('"Name"')),
        sa.Index("ix_child_neg", sa.desc(-sa.literal_column("points")), sa.text("points * 2")),
    )
    sa.Table(
        "pairs",
        metadata,
        sa.Column("a", sa.Integer, primary_key=True),
        sa.Column("b", sa.String(10), primary_key=True, nullable=True),
        sqlite_with_rowid=False,
    )
    sa.Table("big_pk", metadata, sa.Column("id", sa.BigInteger, primary_key=True))
    sa.Table("loose_pk", metadata, sa.Column("code", sa.String(5), primary_key=True, nullable=True))
    reflected = roundtrip(sqlite_url, metadata)
    child = reflected.table("child")
    assert child.column("id").autoincrement and not child.column("id").nullable
    assert child.column("Name").collation == "NOCASE"
    assert child.column("price").type == "NUMERIC(10, 3)"
    assert child.column("upper_name").computed == s.Computed(expression='upper("Name")', persisted=True)
    assert child.column("lower_name").computed.persisted is False
    assert child.column("name_len").computed.persisted is False
    fk = child.foreign_keys[0]
    assert (fk.name, fk.deferrable, fk.initially, fk.ondelete) == ("child_parent_fk", True, "DEFERRED", "SET NULL")
    assert {u.name for u in child.unique_constraints} == {"uq_child_parent_name", None}
    assert {ix.name for ix in child.indexes} == {"ix_child_lower", "ix_child_desc", "ix_child_partial",
                                                   "ix_child_text_key", "ix_child_neg"}
    by_name = {ix.name: ix for ix in child.indexes}
    assert by_name["ix_child_lower"].elements[0].expression == 'lower("Name")'
    assert by_name["ix_child_desc"].elements[0] == s.IndexElement(column="price", descending=True)
    assert by_name["ix_child_text_key"].elements[0] == s.IndexElement(column="Name")
    assert by_name["ix_child_partial"].where == "price > 0 and points is not null"
    assert by_name["ix_child_neg"].elements == (s.IndexElement(expression="-points", descending=True),
                                                s.IndexElement(expression="points * 2"))
    assert not reflected.table("pairs").column("a").autoincrement  # WITHOUT ROWID: no rowid
    assert not reflected.table("pairs").column("b").nullable  # WITHOUT ROWID: PK is NOT NULL
    assert not reflected.table("big_pk").column("id").autoincrement  # BIGINT is no rowid alias
    assert reflected.table("loose_pk").column("code").nullable  # as SQLite allows


def test_autoincrement_keyword_table_and_sqlite_sequence(sqlite_url):
    metadata = sa.MetaData()
    sa.Table("counted", metadata, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("n", sa.Integer), sqlite_autoincrement=True)
    reflected = roundtrip(sqlite_url, metadata)
    assert list(reflected.schemas["main"].tables) == ["counted"]  # no sqlite_sequence
    assert reflected.table("counted").column("id").autoincrement


def test_named_key_of_an_autoincrement_table_is_written_inline_without_its_name(sqlite_url):
    """sqlite_autoincrement=True makes the compiler write a single integer key inline on its
    column (`id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT`), so the key's name (given, or by
    a naming convention, as Airflow's `asset_pkey`) never reaches the database; a key it
    cannot write inline (an integer that is also a foreign key, a text key) keeps its name."""
    metadata = sa.MetaData(naming_convention={"pk": "%(table_name)s_pkey"})
    sa.Table("by_convention", metadata, sa.Column("id", sa.Integer, primary_key=True), sqlite_autoincrement=True)
    sa.Table("given", metadata, sa.Column("id", sa.Integer), sa.PrimaryKeyConstraint("id", name="given_key"),
             sqlite_autoincrement=True)
    sa.Table("also_a_reference", metadata, sa.Column("id", sa.Integer, sa.ForeignKey("given.id"), primary_key=True),
             sqlite_autoincrement=True)
    sa.Table("text_key", metadata, sa.Column("code", sa.String(8), primary_key=True), sqlite_autoincrement=True)
    reflected = roundtrip(sqlite_url, metadata)
    assert reflected.table("by_convention").primary_key.name is None
    assert reflected.table("given").primary_key.name is None
    assert reflected.table("also_a_reference").primary_key.name == "also_a_reference_pkey"
    assert reflected.table("text_key").primary_key.name == "text_key_pkey"


# -- hand-written DDL ------------------------------------------------------------------------
def test_quoted_identifiers_with_spaces_and_commas(sqlite_url):
    snap = reflect_sql(sqlite_url, """
        CREATE TABLE "odd, table" (
            "col, one" INTEGER NOT NULL,
            [col two] TEXT,
            `col(3)` INT,
            CONSTRAINT "pk, named" PRIMARY KEY ("col, one"),
            CONSTRAINT [uq (two)] UNIQUE ([col two], `col(3)`),
            CONSTRAINT `ck, one` CHECK ("col, one" > 0 AND length([col two]) < 10)
        )""")
    table = snap.table("odd, table")
    assert [c.name for c in table.columns] == ["col, one", "col two", "col(3)"]
    assert table.primary_key == s.PrimaryKey(name="pk, named", columns=("col, one",))
    assert table.unique_constraints == (s.UniqueConstraint(name="uq (two)", columns=("col two", "col(3)")),)
    assert table.check_constraints[0].name == "ck, one"
    assert table.check_constraints[0].expression == '"col, one" > 0 and length("col two") < 10'
    assert table.indexes == ()  # the autoindex behind the UNIQUE is not an index


def test_check_with_commas_and_parentheses(sqlite_url):
    snap = reflect_sql(sqlite_url, """
        CREATE TABLE t (
            a INTEGER CHECK (coalesce(a, 0) IN (1, 2, 3)),
            b TEXT CONSTRAINT b_shape CHECK (substr(b, 1, 2) <> 'x,y' AND (b LIKE '%(%' OR b = ')')),
            CHECK ((a + 1) * (a - 1) >= 0)
        )""")
    checks = {c.name: c.expression for c in snap.table("t").check_constraints}
    assert checks["b_shape"] == "substr(b, 1, 2) <> 'x,y' and (b like '%(%' or b = ')')"
    unnamed = [c.expression for c in snap.table("t").check_constraints if c.name is None]
    assert sorted(unnamed) == ["(a + 1) * (a - 1) >= 0", "coalesce(a, 0) in (1, 2, 3)"]


def test_named_and_unnamed_constraints(sqlite_url):
    snap = reflect_sql(
        sqlite_url,
        "CREATE TABLE p (id INTEGER PRIMARY KEY, code TEXT UNIQUE)",
        """CREATE TABLE c (
            id INTEGER CONSTRAINT c_pk PRIMARY KEY,
            a INTEGER REFERENCES p,
            b INTEGER CONSTRAINT c_b_fk REFERENCES p (id) ON DELETE SET NULL NOT NULL,
            code TEXT CONSTRAINT c_code_uq UNIQUE,
            d TEXT UNIQUE,
            FOREIGN KEY (code) REFERENCES p (code) ON UPDATE CASCADE
            CONSTRAINT c_ck CHECK (a > 0) CHECK (b > 0)
        )""",
    )
    p, c = snap.table("p"), snap.table("c")
    assert p.primary_key.name is None and p.unique_constraints == (s.UniqueConstraint(columns=("code",)),)
    assert c.primary_key == s.PrimaryKey(name="c_pk", columns=("id",))
    assert c.column("id").autoincrement
    fks = {fk.columns: fk for fk in c.foreign_keys}
    assert fks[("a",)].name is None and fks[("a",)].referred_columns == ("id",)  # REFERENCES p
    assert fks[("b",)].name == "c_b_fk" and fks[("b",)].ondelete == "SET NULL"
    assert not c.column("b").nullable  # NOT NULL after ON DELETE SET NULL
    assert fks[("code",)].name is None and fks[("code",)].onupdate == "CASCADE"
    assert {u.name: u.columns for u in c.unique_constraints} == {"c_code_uq": ("code",), None: ("d",)}
    assert {ck.name: ck.expression for ck in c.check_constraints} == {"c_ck": "a > 0", None: "b > 0"}


def test_collate_nocase(sqlite_url):
    snap = reflect_sql(sqlite_url, """
        CREATE TABLE t (
            a TEXT COLLATE NOCASE NOT NULL,
            b VARCHAR(10) NOT NULL COLLATE "rtrim" DEFAULT 'x',
            c TEXT
        )""")
    table = snap.table("t")
    assert [c.collation for c in table.columns] == ["NOCASE", "RTRIM", None]
    assert table.column("b").default == "'x'"


def test_desc_expression_and_partial_indexes(sqlite_url):
    snap = reflect_sql(
        sqlite_url,
        "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, [b c] INT, d INT)",
        "CREATE INDEX ix_desc ON t (a DESC, [b c] ASC)",
        "CREATE UNIQUE INDEX ix_expr ON t (lower(a), ([b c] + d) DESC)",
        "CREATE INDEX ix_part ON t (d) WHERE d IS NOT NULL AND ([b c] > 0 OR a = 'x, y')",
        "CREATE INDEX ix_paren ON t ((d))",
        "CREATE INDEX ix_collate ON t (a COLLATE NOCASE)",
    )
    ix = {i.name: i for i in snap.table("t").indexes}
    assert ix["ix_desc"].elements == (s.IndexElement(column="a", descending=True),
                                      s.IndexElement(column="b c"))
    assert ix["ix_expr"].unique and ix["ix_expr"].elements == (
        s.IndexElement(expression="lower(a)"), s.IndexElement(expression='"b c" + d', descending=True))
    assert ix["ix_part"].elements == (s.IndexElement(column="d"),)
    assert ix["ix_part"].where == "d is not null and (\"b c\" > 0 or a = 'x, y')"
    assert ix["ix_paren"].elements == (s.IndexElement(column="d"),)
    assert ix["ix_collate"].elements[0].column is None
    assert "NOCASE" in ix["ix_collate"].elements[0].expression.upper()


def test_deferrable_foreign_keys(sqlite_url):
    snap = reflect_sql(
        sqlite_url,
        "CREATE TABLE p (id INTEGER PRIMARY KEY)",
        """CREATE TABLE c (
            a INTEGER REFERENCES p (id) DEFERRABLE INITIALLY DEFERRED,
            b INTEGER REFERENCES p (id) NOT DEFERRABLE,
            e INTEGER,
            f INTEGER,
            CONSTRAINT c_e FOREIGN KEY (e) REFERENCES p (id) MATCH SIMPLE DEFERRABLE INITIALLY IMMEDIATE,
            FOREIGN KEY (f) REFERENCES "P" ("ID") ON DELETE NO ACTION ON UPDATE SET DEFAULT DEFERRABLE
        )""",
    )
    fks = {fk.columns[0]: fk for fk in snap.table("c").foreign_keys}
    assert (fks["a"].deferrable, fks["a"].initially) == (True, "DEFERRED")
    assert (fks["b"].deferrable, fks["b"].initially) == (False, None)
    assert (fks["e"].name, fks["e"].deferrable, fks["e"].initially) == ("c_e", True, "IMMEDIATE")
    f = fks["f"]
    assert (f.deferrable, f.initially, f.ondelete, f.onupdate) == (True, None, None, "SET DEFAULT")
    assert (f.referred_table, f.referred_columns) == ("p", ("id",))  # spelled as declared


def test_generated_virtual_and_stored(sqlite_url):
    snap = reflect_sql(sqlite_url, """
        CREATE TABLE t (
            a INTEGER,
            v1 INTEGER GENERATED ALWAYS AS (a * 2),
            v2 INTEGER AS (a + 1) VIRTUAL,
            s1 TEXT GENERATED ALWAYS AS (printf('%d,%d', a, (a))) STORED NOT NULL,
            s2 AS (a || 'x') STORED
        )""")
    t = snap.table("t")
    assert t.column("v1").computed == s.Computed(expression="a * 2", persisted=False)
    assert t.column("v2").computed == s.Computed(expression="a + 1", persisted=False)
    assert t.column("s1").computed == s.Computed(expression="printf('%d,%d', a, a)", persisted=True)
    assert not t.column("s1").nullable
    assert t.column("s2").computed.persisted and t.column("s2").type == ""


def test_rowid_alias_rules(sqlite_url):
    snap = reflect_sql(
        sqlite_url,
        "CREATE TABLE a (id integer primary key)",
        "CREATE TABLE b (id INTEGER PRIMARY KEY DESC)",  # SQLite quirk: not the rowid
        "CREATE TABLE c (id INTEGER, PRIMARY KEY (id DESC))",  # table constraint: the rowid
        "CREATE TABLE d (id INT PRIMARY KEY)",
        "CREATE TABLE e (id INTEGER PRIMARY KEY) WITHOUT ROWID",
        "CREATE TABLE f (x INTEGER, y INTEGER, PRIMARY KEY (x, y))",
    )
    auto = {name: snap.table(name).columns[0].autoincrement for name in "abcdef"}
    assert auto == dict(a=True, b=False, c=True, d=False, e=False, f=False)
    assert not snap.table("a").column("id").nullable
    assert snap.table("b").column("id").nullable  # SQLite lets a non-rowid PK hold NULL


def test_comments_and_odd_spacing_in_ddl(sqlite_url):
    snap = reflect_sql(sqlite_url, """
        CREATE TABLE t ( -- a comment, with a comma
            id INTEGER /* (not a paren */ PRIMARY KEY,
            n  numeric( 10 ,3 ) DEFAULT -1,
            CONSTRAINT ck_n CHECK (n >= -1) -- trailing
        )""")
    t = snap.table("t")
    assert t.column("n").type == "NUMERIC(10, 3)" and t.column("n").default == "-1"
    assert t.check_constraints == (s.CheckConstraint(name="ck_n", expression="n >= -1"),)


def test_only_main_user_tables(sqlite_url, tmp_path):
    other = tmp_path / "other.db"
    snap = reflect_sql(
        sqlite_url,
        "CREATE TABLE kept (id INTEGER PRIMARY KEY AUTOINCREMENT)",
        f"ATTACH DATABASE '{other}' AS other",
        "CREATE TABLE other.ignored (id INTEGER)",
        "CREATE TEMP TABLE kept_temp (id INTEGER)",
        "ANALYZE",
    )
    assert list(snap.schemas) == ["main"]
    assert list(snap.schemas["main"].tables) == ["kept"]


def test_empty_database_and_other_schemas(sqlite_url):
    empty = {"main": s.Schema(name="main")}  # the default schema is always listed
    assert reflect_sql(sqlite_url).schemas == empty
    snap, _ = reflect_url(sqlite_url, sql=["CREATE TABLE t (id INTEGER)"], schemas=["other"])
    assert snap.schemas == empty


# -- the parser on its own -------------------------------------------------------------------
def test_split_respects_quotes_and_parentheses():
    tokens = tokenize("""a "x,y", b [p,q] `r,s`, c 'u,v', d (1, (2, 3)), e""")
    items = [" ".join(t.text for t in item) for item in split_top_level(tokens)]
    assert items == ['a "x,y"', "b [p,q] `r,s`", "c 'u,v'", "d ( 1 , ( 2 , 3 ) )", "e"]


def test_parse_create_table_and_index_text():
    table = parse_create_table('CREATE TABLE IF NOT EXISTS "t" (a INT PRIMARY KEY ON CONFLICT '
                               'REPLACE, b TEXT DEFAULT (lower(\'X\')) NOT NULL CONSTRAINT u UNIQUE'
                               ') WITHOUT ROWID, STRICT')
    assert table.without_rowid and table.uniques == [("u", ("b",))]
    index = parse_create_index("CREATE INDEX IF NOT EXISTS main.i ON t (a COLLATE NOCASE DESC, "
                               "b) WHERE b > 0")
    assert [" ".join(t.text for t in key) for key in index.keys] == ["a COLLATE NOCASE", "b"]
    assert index.where == "b > 0"
    assert parse_create_table("CREATE TABLE t AS SELECT 1 AS x").columns == {}


def test_canonical_type():
    assert canonical_type("numeric( 10 ,3 )") == "NUMERIC(10, 3)"
    assert canonical_type("double   precision") == "DOUBLE PRECISION"
    assert canonical_type("VARCHAR(40)") == "VARCHAR(40)"
