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
