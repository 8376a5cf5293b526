"""Alembic's `op` options, one call at a time: the same body run by Alembic's Operations on
one database and by still's `op` on another leaves the same catalogs; `if_exists=` and
`if_not_exists=` also online, offline (--sql) and in a replay."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext

from still import op
from still.db import migration_engine
from still.errors import StillError
from still.reflect import reflect
from still.runtime.executor import OfflineExecutor, OnlineExecutor, active
from still.runtime.replay import RecordingExecutor
from tests.catalogs import catalog, differences


@pytest.fixture
def two_urls(request, dialect, tmp_path):
    if dialect == "postgresql":
        return request.getfixturevalue("pg_url"), request.getfixturevalue("pg_url_2")
    if dialect == "mysql":
        return request.getfixturevalue("mysql_url"), request.getfixturevalue("mysql_url_2")
    return f"sqlite:///{tmp_path / 'alembic.db'}", f"sqlite:///{tmp_path / 'still.db'}"


def with_alembic(url: str, body) -> None:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        body(Operations(MigrationContext.configure(conn)))
    engine.dispose()


def with_still(url: str, body) -> None:
    engine = migration_engine(url)
    with engine.connect() as conn:
        executor = OnlineExecutor(conn, reflect(conn), lambda: reflect(conn))
        conn.commit()
        with active(executor):
            body(op)
        conn.commit()
    engine.dispose()


def same_as_alembic(urls, setup, body) -> None:
    a_url, s_url = urls
    for url, run in ((a_url, with_alembic), (s_url, with_still)):
        run(url, setup)
        run(url, body)
    assert not differences(catalog(a_url), catalog(s_url)), differences(catalog(a_url), catalog(s_url))


def _tables(o):
    o.create_table("t", sa.Column("id", sa.Integer, primary_key=True),
                   sa.Column("a", sa.String(20), nullable=False, server_default="x"),
                   sa.Column("b", sa.Integer), sa.UniqueConstraint("b", name="uq_t_b"))
    o.create_index("ix_t_a", "t", ["a"])


def _guarded(dialect):
    """Every guarded call, each once on what is there and once on what is not (where
    Alembic's SQL for the dialect has the guard)."""
    def body(o):
        o.create_table("t", sa.Column("id", sa.Integer, primary_key=True), if_not_exists=True)
        o.create_table("u", sa.Column("id", sa.Integer, primary_key=True), if_not_exists=True)
        o.drop_table("gone", if_exists=True)
        o.create_index("ix_t_a", "t", ["a"], if_not_exists=True)
        o.create_index("ix_t_b", "t", ["b"], if_not_exists=True)
        o.drop_index("ix_gone", table_name="t", if_exists=True)
        o.drop_index("ix_t_a", table_name="t", if_exists=True)
        if dialect != "sqlite":  # SQLite's ALTER TABLE has no IF [NOT] EXISTS for columns
            o.add_column("t", sa.Column("a", sa.String(20)), if_not_exists=True)
            o.add_column("t", sa.Column("c", sa.Integer), if_not_exists=True)
            o.drop_column("t", "gone", if_exists=True)
            o.drop_column("t", "c", if_exists=True)
        if dialect == "postgresql":  # only PostgreSQL's DROP CONSTRAINT takes the guard
            o.drop_constraint("uq_gone", "t", type_="unique", if_exists=True)
        if dialect != "sqlite":
            o.drop_constraint("uq_t_b", "t", type_="unique", if_exists=True)
        o.drop_table("u", if_exists=True)
    return body


def test_if_exists_online_same_as_alembic(two_urls, dialect):
    same_as_alembic(two_urls, _tables, _guarded(dialect))


def test_if_exists_offline_and_replayed(db_url, dialect):
    """Offline the history says what is there; the script keeps Alembic's guarded
    statement for what it leaves out. A replay applies only what is missing or there."""
    engine = sa.create_engine(db_url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        empty = reflect(conn)
    engine.dispose()
    import io

    out = io.StringIO()
    executor = OfflineExecutor(engine.dialect, empty, out)
    with active(executor):
        _tables(op)
        _guarded(dialect)(op)
    script = out.getvalue()
    assert "DROP TABLE IF EXISTS" in script and "CREATE TABLE IF NOT EXISTS" in script
    assert "DROP INDEX IF EXISTS" in script
    recorder = RecordingExecutor(engine.dialect, empty)
    with active(recorder):
        _tables(op)
        _guarded(dialect)(op)
    table = recorder.snapshot.table("t")
    assert {ix.name for ix in table.indexes} == {"ix_t_b"}
    assert "u" not in recorder.snapshot.schemas[recorder.snapshot.default_schema].tables
    assert not recorder.findings
    # the script, run on a database, gives the replayed state
    from tests.runtime.test_alembic_differential import run_script

    run_script(db_url, script)
    engine = sa.create_engine(db_url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        assert {ix.name for ix in reflect(conn).table("t").indexes} == {"ix_t_b"}
    engine.dispose()


def test_without_the_guard_a_missing_thing_is_an_error(db_url):
    def body():
        _tables(op)
        op.drop_index("ix_gone", table_name="t")

    engine = migration_engine(db_url)
    with engine.connect() as conn:
        executor = OnlineExecutor(conn, reflect(conn), lambda: reflect(conn))
        with active(executor), pytest.raises(StillError, match="ix_gone"):
            body()
    engine.dispose()


@pytest.mark.parametrize("default", ["false", "true", "text0", "empty"])
def test_falsy_server_default_is_a_default(two_urls, default):
    """sa.false(), sa.text('0') and '' are defaults: no SQL construct is tested for truth."""
    value, type_ = {"false": (sa.false(), sa.Boolean), "true": (sa.true(), sa.Boolean),
                    "text0": (sa.text("0"), sa.Integer), "empty": ("", sa.String(5))}[default]

    def setup(o):
        o.create_table("t", sa.Column("id", sa.Integer, primary_key=True), sa.Column("flag", type_))

    def body(o):
        with o.batch_alter_table("t") as batch:  # SQLite alters a default by a rebuild
            batch.alter_column("flag", server_default=value, existing_type=type_)

    same_as_alembic(two_urls, setup, body)
    _, s_url = two_urls
    engine = sa.create_engine(s_url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        assert reflect(conn).table("t").column("flag").default is not None
    engine.dispose()


# Alembic on MySQL/MariaDB restates the whole column (CHANGE for a rename, MODIFY for a
# type, nullability or comment) from the call alone: what existing_* leaves out is gone
# (NULL, no default, no comment); elsewhere the column keeps it
RESTATED = {
    "rename": dict(new_column_name="a2", existing_type=sa.String(20)),
    "rename-nullable": dict(new_column_name="a2", existing_type=sa.String(20), existing_nullable=False),
    "rename-default": dict(new_column_name="a2", existing_type=sa.String(20), existing_server_default="x"),
    "rename-all": dict(new_column_name="a2", existing_type=sa.String(20), existing_nullable=False,
                       existing_server_default="x", existing_comment="note"),
    "type": dict(type_=sa.String(30), existing_type=sa.String(20)),
    "type-all": dict(type_=sa.String(30), existing_type=sa.String(20), existing_nullable=False,
                     existing_server_default="x", existing_comment="note"),
    "nullable": dict(nullable=True, existing_type=sa.String(20), existing_server_default=sa.text("'x'")),
    "default-only": dict(server_default="y", existing_type=sa.String(20)),
    "comment": dict(comment="other", existing_type=sa.String(20), existing_nullable=False),
    "enum": dict(column="e", type_=sa.Enum("p", "q", "r", name="e"), existing_type=sa.Enum("p", "q", name="e")),
    "enum-rename": dict(column="e", new_column_name="e2", existing_type=sa.Enum("p", "q", name="e")),
}


@pytest.mark.parametrize("case", sorted(RESTATED))
def test_alter_column_restates_as_alembic(two_urls, dialect, case):
    kw = dict(RESTATED[case])
    column = kw.pop("column", "a")
    if dialect == "postgresql" and column == "e":
        pytest.skip("PostgreSQL alters an ENUM type with its own operations (add_enum_value, ...)")

    def setup(o):
        o.create_table("t", sa.Column("id", sa.Integer, primary_key=True),
                       sa.Column("a", sa.String(20), nullable=False, server_default="x", comment="note"),
                       sa.Column("e", sa.Enum("p", "q", name="e"), nullable=False, server_default="p"))

    def body(o):
        if dialect == "sqlite":  # ALTER there is a rebuild, which batch mode does
            with o.batch_alter_table("t") as batch:
                batch.alter_column(column, **kw)
        else:
            o.alter_column("t", column, **kw)

    same_as_alembic(two_urls, setup, body)


OWN_TABLE_OPTION = {"sqlite": {"sqlite_with_rowid": False}, "postgresql": {"postgresql_inherits": "x"},
                    "mysql": {"mysql_engine": "MyISAM"}}


@pytest.mark.parametrize("option", ["table_kwargs", "table_args", "partial_reordering", "reflect_kwargs"])
def test_batch_options_honoured_or_refused(db_url, dialect, option):
    """Where batch mode rebuilds the table (SQLite, recreate="always"), the options for the
    new table still cannot give it are refused; where it alters in place Alembic ignores
    them, and so does still; another dialect's table option means nothing here."""
    options = {"table_kwargs": OWN_TABLE_OPTION[dialect],
               "table_args": (sa.CheckConstraint("b > 0", name="ck_b"),),
               "partial_reordering": [("b", "a")], "reflect_kwargs": {"resolve_fks": False}}
    options = {option: options[option]}
    engine = migration_engine(db_url)
    with engine.connect() as conn:
        executor = OnlineExecutor(conn, reflect(conn), lambda: reflect(conn))
        with active(executor):
            _tables(op)
            with op.batch_alter_table("t", table_kwargs={"oracle_compress": True}, recreate="always") as batch:
                batch.alter_column("b", existing_type=sa.Integer, nullable=False)
            if dialect != "sqlite":  # in place: Alembic ignores them too
                with op.batch_alter_table("t", **options) as batch:
                    batch.alter_column("b", existing_type=sa.Integer, nullable=True)
            with pytest.raises(StillError, match=r"^batch_alter_table\('t', .*cannot give the new table"):
                with op.batch_alter_table("t", recreate="always", **options) as batch:
                    batch.alter_column("b", existing_type=sa.Integer, nullable=False)
    engine.dispose()


def test_batch_column_position_is_accepted(db_url, dialect):
    """Alembic places a column (insert_before/insert_after) where it rebuilds the table;
    still takes the call (shipped histories use it: MLflow's 75868b020152) and keeps no
    column order, which it never compares."""
    engine = migration_engine(db_url)
    with engine.connect() as conn:
        executor = OnlineExecutor(conn, reflect(conn), lambda: reflect(conn))
        with active(executor):
            _tables(op)
            with op.batch_alter_table("t") as batch:
                batch.add_column(sa.Column("c", sa.Integer), insert_before="a")
            with op.batch_alter_table("t", recreate="always") as batch:
                batch.alter_column("b", existing_type=sa.Integer, nullable=False, insert_after="id")
        conn.commit()
        table = reflect(conn).table("t", reflect(conn).default_schema)
        assert "c" in [c.name for c in table.columns]
        assert not next(c for c in table.columns if c.name == "b").nullable
    engine.dispose()


def test_postgresql_using_converts_the_rows(two_urls, dialect):
    """alter_column(postgresql_using=...): the rows are converted by that expression, as
    Alembic's ALTER ... TYPE ... USING does, not by a cast (the other dialects ignore it)."""
    def setup(o):
        o.create_table("t", sa.Column("id", sa.Integer, primary_key=True), sa.Column("v", sa.String(10)))
        o.bulk_insert(sa.table("t", sa.column("id"), sa.column("v")), [{"id": 1, "v": "abc"}])

    def body(o):
        if dialect == "sqlite":
            with o.batch_alter_table("t") as batch:
                batch.alter_column("v", type_=sa.String(20), existing_type=sa.String(10),
                                   postgresql_using="length(v)")
        else:
            o.alter_column("t", "v", type_=sa.Integer if dialect == "postgresql" else sa.String(20),
                           existing_type=sa.String(10), postgresql_using="length(v)")

    same_as_alembic(two_urls, setup, body)
    a_url, s_url = two_urls
    assert catalog(a_url, ("t",))["rows t"] == catalog(s_url, ("t",))["rows t"]


def test_postgresql_not_valid(two_urls, dialect):
    """create_check_constraint / create_foreign_key with postgresql_not_valid=True: added
    NOT VALID, so rows already breaking it stay, as with Alembic (elsewhere: ignored)."""
    def setup(o):
        o.create_table("p", sa.Column("id", sa.Integer, primary_key=True))
        o.create_table("t", sa.Column("id", sa.Integer, primary_key=True), sa.Column("n", sa.Integer),
                       sa.Column("p_id", sa.Integer))
        o.bulk_insert(sa.table("t", sa.column("id"), sa.column("n"), sa.column("p_id")), [{"id": 1, "n": -1}])

    def body(o):
        with o.batch_alter_table("t") as batch:
            batch.create_check_constraint("ck_t_n", "n >= 0", postgresql_not_valid=dialect == "postgresql")
            batch.create_foreign_key("fk_t_p", "p", ["p_id"], ["id"], postgresql_not_valid=True)

    if dialect != "postgresql":  # the row breaks the check where it is checked
        a_url, s_url = two_urls
        with_still(s_url, setup)
        with pytest.raises(StillError):
            with_still(s_url, body)
        return
    same_as_alembic(two_urls, setup, body)


def test_sqlite_autoincrement_is_kept(db_url, dialect):
    """SQLite's AUTOINCREMENT is in the snapshot: create_table makes it, and a batch that
    recreates the table with table_kwargs={"sqlite_autoincrement": ...} turns it on or off,
    as Alembic's recreated table has it (other dialects ignore the option, as SQLAlchemy)."""
    engine = migration_engine(db_url)
    with engine.connect() as conn:
        executor = OnlineExecutor(conn, reflect(conn), lambda: reflect(conn))
        with active(executor):
            op.create_table("t", sa.Column("id", sa.Integer, primary_key=True), sa.Column("n", sa.Integer),
                            sqlite_autoincrement=True)
            op.execute("INSERT INTO t (id, n) VALUES (7, 1)")
        conn.commit()
        if dialect == "sqlite":
            assert reflect(conn).table("t", "main").options.autoincrement
            with active(executor):
                with op.batch_alter_table("t", recreate="always",
                                          table_kwargs={"sqlite_autoincrement": False}) as batch:
                    batch.alter_column("n", nullable=False, existing_type=sa.Integer)
            conn.commit()
            reached = reflect(conn).table("t", "main")
            assert not reached.options.autoincrement and not reached.columns[1].nullable
            assert conn.exec_driver_sql("SELECT id, n FROM t").all() == [(7, 1)]
    engine.dispose()


@pytest.mark.parametrize("recreate", ["auto", "always"])
def test_batch_reflect_args(two_urls, dialect, recreate):
    """reflect_args= columns replace the table's own where Alembic rebuilds the table
    (here: b becomes NOT NULL, c loses its default), and mean nothing where it alters in
    place or rebuilds nothing (only add_column on SQLite)."""
    if dialect != "sqlite" and recreate == "always":
        pytest.skip("PostgreSQL and MariaDB keep the names Alembic's rebuilt table takes (_alembic_tmp_*)")

    def setup(o):
        o.create_table("t", sa.Column("id", sa.Integer, primary_key=True), sa.Column("b", sa.Integer),
                       sa.Column("c", sa.String(10), server_default="x"), sa.Column("d", sa.Integer))

    def body(o):
        def args():  # a Column goes into one table only
            return [sa.Column("b", sa.Integer, nullable=False), sa.Column("c", sa.String(10))]

        with o.batch_alter_table("t", recreate=recreate, reflect_args=args()) as batch:
            batch.add_column(sa.Column("e", sa.Integer))
        with o.batch_alter_table("t", recreate=recreate, reflect_args=args()) as batch:
            batch.alter_column("d", existing_type=sa.Integer, nullable=False)

    same_as_alembic(two_urls, setup, body)
