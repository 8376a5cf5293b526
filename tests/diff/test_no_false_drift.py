"""No false drift: a database written by hand with synonyms and other spellings of the
same defaults shows no difference from models that mean the same."""

import sqlalchemy as sa

from still.declare import declare
from still.diff import diff
from still.reflect import reflect


def models() -> sa.MetaData:
    md = sa.MetaData()
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
        sa.Index("ix_code", sa.text("lower(code)")),
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


DDL = {"postgresql": POSTGRES_DDL, "sqlite": SQLITE_DDL}


def test_other_spellings_of_the_same_schema_are_no_drift(db_url, dialect):
    engine = sa.create_engine(db_url, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        for sql in DDL[dialect]:
            conn.exec_driver_sql(sql)
    with engine.connect() as conn:
        plan = diff(reflect(conn), declare(models(), conn.dialect))
    engine.dispose()
    assert plan.empty, [(op.op, op.model_dump()) for op in plan.operations]


def index_models(dialect: str) -> sa.MetaData:
    """Index keys written every way a model writes them: text holding one key or several,
    each with its own ordering; desc() of a column or an expression; functions."""
    md = sa.MetaData()
    nulls = dialect == "postgresql"  # SQLite's CREATE INDEX has no NULLS FIRST/LAST
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


def test_index_keys_in_any_spelling_are_no_drift_after_create_all(db_url, dialect):
    models = index_models(dialect)
    engine = sa.create_engine(db_url, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        models.create_all(conn)
    with engine.connect() as conn:
        plan = diff(reflect(conn), declare(models, conn.dialect))
    engine.dispose()
    assert plan.empty, [(op.op, op.model_dump()) for op in plan.operations]
