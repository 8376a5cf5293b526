"""No false drift: a database written by hand with synonyms and other spellings of the
same defaults shows no difference from models that mean the same."""

import pytest
import sqlalchemy as sa

from still.declare import declare
from still.declare.base import invented_names
from still.diff import diff
from still.reflect import reflect
from tests.conftest import ALL_DIALECTS


def models(dialect: str) -> sa.MetaData:
    md = sa.MetaData()
    # MariaDB has no expression indexes
    code_key = sa.text("lower(code)") if dialect != "mysql" else "code"
    sa.Table(
        "t", md,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("code", sa.String(10), server_default="x"),
        sa.Column("seen", sa.DateTime(timezone=True), server_default=sa.text("CURRENT_TIMESTAMP")),
        sa.Column("amount", sa.Numeric(10, 2), server_default=sa.text("0")),
        sa.Column("qty", sa.Integer, server_default="5"),
        sa.Column("ok", sa.Boolean, server_default=sa.true()),
        sa.Column("big", sa.BigInteger),
        sa.Column("body", sa.Text),
        sa.CheckConstraint("qty >= 0 AND qty <= 100", name="ck_qty"),
        sa.Index("ix_code", code_key),
    )
    return md


POSTGRES_DDL = [
    "CREATE TABLE t (id INT4 NOT NULL, code CHARACTER VARYING(10) DEFAULT 'x'::varchar, "
    "seen TIMESTAMPTZ DEFAULT now(), amount DECIMAL(10, 2) DEFAULT '0'::numeric, qty INT DEFAULT '5', "
    "ok BOOL DEFAULT TRUE, big INT8, body TEXT, CONSTRAINT t_pkey PRIMARY KEY (id), "
    "CONSTRAINT ck_qty CHECK (qty BETWEEN 0 AND 100))",
    "CREATE INDEX ix_code ON t (LOWER(code))",
]


SQLITE_DDL = [
    "CREATE TABLE t (id INTEGER NOT NULL, code varchar(10) DEFAULT ('x'), "
    "seen DATETIME DEFAULT (CURRENT_TIMESTAMP), amount NUMERIC(10,2) DEFAULT 0, qty INT DEFAULT '5', "
    "ok BOOLEAN DEFAULT 1, big BIGINT, body TEXT, PRIMARY KEY (id), "
    "CONSTRAINT ck_qty CHECK ((qty >= 0) AND (qty <= 100)))",
    "CREATE INDEX ix_code ON t (LOWER(code))",
]


MYSQL_DDL = [
    "CREATE TABLE t (id INT(11) NOT NULL, code CHARACTER VARYING(10) DEFAULT \"x\", "
    "seen DATETIME DEFAULT NOW(), amount DEC(10, 2) DEFAULT '0', qty INTEGER DEFAULT '5', "
    "ok BOOLEAN DEFAULT TRUE, big BIGINT(20) SIGNED, body TEXT, PRIMARY KEY (id), "
    "CONSTRAINT ck_qty CHECK (`qty` BETWEEN 0 AND 100)) DEFAULT CHARSET=utf8mb4",
    "CREATE INDEX ix_code ON t (`code` ASC)",
]


DDL = {"postgresql": POSTGRES_DDL, "sqlite": SQLITE_DDL, "mysql": MYSQL_DDL}


@pytest.mark.parametrize("dialect", ALL_DIALECTS)
def test_other_spellings_of_the_same_schema_are_no_drift(db_url, dialect):
    engine = sa.create_engine(db_url, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        for sql in DDL[dialect]:
            conn.exec_driver_sql(sql)
    with engine.connect() as conn:
        plan = diff(reflect(conn), declare(models(dialect), conn.dialect))
    engine.dispose()
    assert plan.empty, [(op.op, op.model_dump()) for op in plan.operations]


def index_models(dialect: str) -> sa.MetaData:
    """Index keys written every way a model writes them: text holding one key or several,
    each with its own ordering; desc() of a column or an expression; functions."""
    md = sa.MetaData()
    nulls = dialect == "postgresql"  # SQLite's CREATE INDEX has no NULLS FIRST/LAST
    if dialect == "mysql":  # keys on columns only: MariaDB has no expression indexes
        t = sa.Table(
            "versions", md,
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("version_major", sa.Integer), sa.Column("name", sa.String(20)), sa.Column("b", sa.Integer),
            sa.Index("ix_text_desc", sa.text("version_major DESC")),
            sa.Index("ix_text_asc", sa.text("name ASC")),
            sa.Index("ix_text_keys", sa.text("version_major desc, b")),
            sa.Index("ix_mixed", "name", sa.text("b DESC")),
            sa.Index("ix_quoted", sa.text("`name` DESC")),
            sa.Index("ix_desc_name", sa.desc("name")),
            sa.Index("ix_prefix", "name", mysql_length=5),
        )
        sa.Index("ix_desc_column", sa.desc(t.c.version_major))
        return md
    t = sa.Table(
        "versions", md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("version_major", sa.Integer), sa.Column("name", sa.String(20)), sa.Column("b", sa.Integer),
        sa.Index("ix_text_desc", sa.text("version_major DESC")),
        sa.Index("ix_text_asc", sa.text("name ASC")),
        sa.Index("ix_text_keys", sa.text("version_major desc, b")),
        sa.Index("ix_text_function_desc", sa.text("lower(name) DESC")),
        sa.Index("ix_text_paren", sa.text("(b + 1)")),
        sa.Index("ix_mixed", "name", sa.text("b DESC NULLS FIRST" if nulls else "b DESC")),
        sa.Index("ix_quoted", sa.text('"name" DESC NULLS LAST' if nulls else '"name" DESC')),
        sa.Index("ix_desc_name", sa.desc("name")),
    )
    sa.Index("ix_desc_column", sa.desc(t.c.version_major))
    sa.Index("ix_function", sa.func.lower(t.c.name))
    sa.Index("ix_desc_function", sa.desc(sa.func.lower(t.c.name)), t.c.b)
    sa.Index("ix_sum", t.c.version_major + t.c.b)
    return md


@pytest.mark.parametrize("dialect", ALL_DIALECTS)
def test_index_keys_in_any_spelling_are_no_drift_after_create_all(db_url, dialect):
    models = index_models(dialect)
    engine = sa.create_engine(db_url, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        models.create_all(conn)
    with engine.connect() as conn:
        plan = diff(reflect(conn), declare(models, conn.dialect))
    engine.dispose()
    assert plan.empty, [(op.op, op.model_dump()) for op in plan.operations]


def _only_sqlite(ddl, target, bind, **kw) -> bool:
    return kw["dialect"].name == "sqlite"


def ddl_if_models() -> sa.MetaData:
    """What create_all skips on a dialect (`ddl_if`) is not declared for it."""
    md = sa.MetaData()
    t = sa.Table(
        "flows", md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(20)), sa.Column("qty", sa.Integer), sa.Column("code", sa.String(5)),
        sa.Index("ix_pg_name", "name").ddl_if(dialect="postgresql"),
        sa.Index("ix_lite_name", sa.desc("name")).ddl_if(dialect="sqlite"),
        sa.Index("ix_both_qty", "qty").ddl_if(dialect=("sqlite", "postgresql")),
        sa.Index("ix_callable_code", "code").ddl_if(callable_=_only_sqlite),
        sa.UniqueConstraint("code", name="uq_pg_code").ddl_if(dialect="postgresql"),
        sa.CheckConstraint("qty >= 0", name="ck_lite_qty").ddl_if(dialect="sqlite"),
        sa.CheckConstraint("qty < 100", name="ck_callable_qty").ddl_if(callable_=_only_sqlite),
    )
    sa.Index("ix_pg_gin", t.c.name, postgresql_using="hash").ddl_if(dialect="postgresql")
    return md


@pytest.mark.parametrize("dialect", ALL_DIALECTS)
def test_what_ddl_if_skips_is_not_declared(db_url, dialect):
    models = ddl_if_models()
    engine = sa.create_engine(db_url, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        models.create_all(conn)
    with engine.connect() as conn:
        reflected = reflect(conn)
        declared = declare(models, conn.dialect)
    engine.dispose()
    table = declared.schemas[declared.default_schema].tables["flows"]
    names = {i.name for i in table.indexes} | {c.name for c in table.unique_constraints} \
        | {c.name for c in table.check_constraints}
    expected = {"postgresql": {"ix_pg_name", "ix_both_qty", "uq_pg_code", "ix_pg_gin"},
                "sqlite": {"ix_lite_name", "ix_both_qty", "ix_callable_code", "ck_lite_qty",
                           "ck_callable_qty"},
                "mysql": set()}[dialect]
    assert names == expected
    plan = diff(reflected, declared)
    assert plan.empty, [(op.op, op.model_dump()) for op in plan.operations]


@pytest.mark.parametrize("dialect", ALL_DIALECTS)
def test_a_key_the_models_leave_unnamed_may_have_any_name(db_url, dialect):
    """A database whose keys were named by an older revision (Airflow's history leaves
    `dataset_pkey` on the table its models now call `asset`) against models that leave the primary key and a unique key unnamed: the names
    the database has are as good as any, on every dialect."""
    models = sa.MetaData()
    sa.Table("asset", models, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
             sa.Column("uri", sa.String(50)), sa.UniqueConstraint("uri"))
    engine = sa.create_engine(db_url, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE asset (id INTEGER NOT NULL, uri VARCHAR(50), "
                             "CONSTRAINT dataset_pkey PRIMARY KEY (id), CONSTRAINT dataset_uri_key UNIQUE (uri))")
    with engine.connect() as conn:
        with invented_names() as invented:  # the names the database would give, as `still plan` declares
            declared = declare(models, conn.dialect)
        plan = diff(reflect(conn), declared, loose=frozenset(invented))
    engine.dispose()
    assert plan.empty, [(op.op, op.model_dump()) for op in plan.operations]
