"""Alembic's calls for PostgreSQL's keys beyond the plain ones (issue 22), on a real
PostgreSQL: `op.create_exclude_constraint`, `op.create_index(..., postgresql_ops=...)`,
`op.create_unique_constraint(..., deferrable=..., initially=...)`. Run online, the
executor's snapshot equals what the database reflects to; written in a revision file,
the history replays to the migrated database."""

from __future__ import annotations

import tempfile
import textwrap
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg

from still import op
from still import snapshot as s
from still.config import load_config
from still.errors import StillError
from still.revisions import write_revision
from still.runtime.migrate import Run
from still.runtime.replay import replay
from tests.helpers import assert_same_snapshot
from tests.properties.test_generate_round_trip import _reflect
from tests.runtime.test_op_api import run_ops

# as an Alembic revision writes them (autogenerate's spellings, and hand-written ones)
UPGRADE = """
op.create_table(
    "rooms",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("code", sa.String(20), nullable=False),
    sa.Column("during", postgresql.TSRANGE()),
    sa.Column("net", postgresql.INET()),
    sa.PrimaryKeyConstraint("id", name="rooms_pkey", deferrable=True),
    postgresql.ExcludeConstraint((sa.column("during"), "&&"), name="rooms_no_overlap",
                                 where=sa.text("code <> 'free'")),
)
op.create_unique_constraint("rooms_code_key", "rooms", ["code"], deferrable=True, initially="DEFERRED")
op.create_index("ix_rooms_code", "rooms", ["code"], postgresql_ops={"code": "varchar_pattern_ops"})
op.create_index("ix_rooms_lower", "rooms", [sa.text("lower(code) text_pattern_ops DESC")])
op.create_exclude_constraint("rooms_net_excl", "rooms", ("net", "&&"), using="gist",
                             ops={"net": "inet_ops"}, deferrable=True, initially="IMMEDIATE")
op.create_exclude_constraint(None, "rooms", (sa.func.tsrange(sa.func.lower(sa.column("during")), None), "&&"))
"""


def _upgrade():
    exec(textwrap.dedent(UPGRADE), {"op": op, "sa": sa, "postgresql": pg})


def _assert_keys(snap: s.Snapshot) -> None:
    rooms = snap.table("rooms")
    assert rooms.primary_key.deferrable and rooms.primary_key.initially == "IMMEDIATE"
    [unique] = rooms.unique_constraints
    assert (unique.deferrable, unique.initially) == (True, "DEFERRED")
    by_name = {x.name: x for x in rooms.exclude_constraints}
    assert sorted(by_name) == ["rooms_net_excl", "rooms_no_overlap", "rooms_tsrange_excl"]
    assert by_name["rooms_no_overlap"].where == "code <> 'free'"
    [net] = by_name["rooms_net_excl"].elements
    assert (net.column, net.opclass, net.operator) == ("net", "inet_ops", "&&")
    keys = {ix.name: ix.elements for ix in rooms.indexes}
    assert keys["ix_rooms_code"][0].opclass == "varchar_pattern_ops"
    lower = keys["ix_rooms_lower"][0]
    assert (lower.expression, lower.opclass, lower.descending) == ("lower(code)", "text_pattern_ops", True)


def test_alembic_calls_are_what_the_database_holds(pg_url):
    _assert_keys(run_ops(pg_url, _upgrade))

    def more():
        op.drop_constraint("rooms_net_excl", "rooms")  # Alembic's drop_constraint has no type_ for it
        op.rename_constraint("rooms_no_overlap", "rooms", "rooms_overlap")
        op.drop_constraint("rooms_pkey", "rooms", type_="primary")
        op.create_primary_key("rooms_pkey", "rooms", ["id"], initially="DEFERRED")
        op.alter_column("rooms", "during", new_column_name="span")

    snap = run_ops(pg_url, more)
    rooms = snap.table("rooms")
    assert sorted(x.name for x in rooms.exclude_constraints) == ["rooms_overlap", "rooms_tsrange_excl"]
    assert (rooms.primary_key.deferrable, rooms.primary_key.initially) == (True, "DEFERRED")
    assert next(x for x in rooms.exclude_constraints if x.name == "rooms_overlap").elements[0].column == "span"


def test_a_revision_file_with_them_replays_to_the_migrated_database(pg_url):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        versions = root / "migrations" / "versions"
        versions.mkdir(parents=True)
        (root / "still.toml").write_text(f'url = "{pg_url}"\nscript_location = "migrations"\n')
        write_revision(versions, "keys", head=(), rev_id="r1", upgrade_body=textwrap.dedent(UPGRADE).strip(),
                       downgrade_body='op.drop_table("rooms")',
                       imports=["from sqlalchemy.dialects import postgresql"])
        cfg = load_config(path=root / "still.toml", cwd=root)
        Run(cfg).upgrade("head")
        run = Run(cfg)
        replayed, findings, heads = replay(run, run.offline_dialect())
        assert heads == ("r1",) and findings == []
        reflected = _reflect(pg_url)
        assert_same_snapshot(reflected, replayed)
        _assert_keys(replayed)
        Run(cfg).downgrade("base")
        assert "rooms" not in _reflect(pg_url).schemas["public"].tables


@pytest.mark.parametrize("elements, kw, said", [
    ((("during",),), {}, "create_exclude_constraint on 'rooms'"),
    ((("during", "&&"),), {"colour": "red"}, "create_exclude_constraint on 'rooms'"),
])
def test_bad_exclude_arguments_are_one_error(pg_url, elements, kw, said):
    def body():
        op.create_table("rooms", sa.Column("id", sa.Integer, primary_key=True), sa.Column("during", pg.TSRANGE))
        op.create_exclude_constraint("x", "rooms", *elements, **kw)

    with pytest.raises(StillError, match=said):
        run_ops(pg_url, body)


def test_exclude_on_another_dialect_is_one_error(sqlite_url):
    def body():
        op.create_table("rooms", sa.Column("id", sa.Integer, primary_key=True), sa.Column("n", sa.Integer))
        op.create_exclude_constraint("x", "rooms", ("n", "="))

    with pytest.raises(StillError, match="PostgreSQL only"):
        run_ops(sqlite_url, body)


# what postgresql_ops may hold: SQLAlchemy's compiler writes it after the key as it is
OPS_TEXTS = ["text_pattern_ops", "TEXT_PATTERN_OPS", "DESC", "desc", "ASC NULLS FIRST", "NULLS FIRST",
             "DESC NULLS LAST", "text_pattern_ops DESC", "text_pattern_ops NULLS FIRST",
             "varchar_pattern_ops DESC NULLS LAST", "text_ops DESC"]


def _index_definitions(url: str, table: str) -> dict:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
                                    "AND indexname LIKE 'ix_%%'", (table,)).fetchall()
    engine.dispose()
    return {name[len(f"ix_{table}"):]: text.replace(f"ix_{table}", "ix").replace(f"public.{table} ", "t ")
            for name, text in rows}


def test_postgresql_ops_make_what_sqlalchemy_makes(pg_url):
    """Every op path that takes postgresql_ops (op.create_index, batch_op.create_index, an
    Index in op.create_table) gives the index SQLAlchemy's own CREATE INDEX gives."""
    def columns():
        return [sa.Column("id", sa.Integer, primary_key=True), sa.Column("code", sa.String(20))]

    md = sa.MetaData()
    by_sqlalchemy = sa.Table("t_sa", md, *columns())
    for i, text in enumerate(OPS_TEXTS):
        sa.Index(f"ix_t_sa_{i}", by_sqlalchemy.c.id, by_sqlalchemy.c.code, postgresql_ops={"code": text})
    engine = sa.create_engine(pg_url, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        md.create_all(conn)
    engine.dispose()

    def body():
        op.create_table("t_op", *columns())
        op.create_table("t_table", *columns(), *[sa.Index(f"ix_t_table_{i}", "id", "code",
                                                          postgresql_ops={"code": text})
                                                 for i, text in enumerate(OPS_TEXTS)])
        op.create_table("t_batch", *columns())
        for i, text in enumerate(OPS_TEXTS):
            op.create_index(f"ix_t_op_{i}", "t_op", ["id", "code"], postgresql_ops={"code": text})
        with op.batch_alter_table("t_batch") as batch_op:
            for i, text in enumerate(OPS_TEXTS):
                batch_op.create_index(f"ix_t_batch_{i}", ["id", "code"], postgresql_ops={"code": text})

    run_ops(pg_url, body)  # and the executor's snapshot is what PostgreSQL holds
    expected = _index_definitions(pg_url, "t_sa")
    assert len(expected) == len(OPS_TEXTS)
    for table in ("t_op", "t_table", "t_batch"):
        assert _index_definitions(pg_url, table) == expected, table
