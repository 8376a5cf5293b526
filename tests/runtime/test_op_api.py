"""The `op` API on real databases: after any sequence of operations, the executor's
snapshot (advanced by `apply`) equals what the database reflects to."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from still import op
from still import snapshot as s
from still.db import migration_engine
from still.errors import StillError
from still.reflect import reflect
from still.runtime.executor import OnlineExecutor, active
from tests.helpers import assert_same_snapshot


def run_ops(url, fn):
    engine = migration_engine(url)
    with engine.connect() as conn:
        executor = OnlineExecutor(conn, reflect(conn), lambda: reflect(conn))
        conn.commit()
        with active(executor):
            fn()
        conn.commit()
        executor.fresh()
        reflected = reflect(conn)
        conn.commit()
    engine.dispose()
    assert_same_snapshot(reflected, executor.snapshot, column_order=False)
    return reflected


def test_tables_columns_constraints(db_url, dialect):
    def body():
        op.create_table("users", sa.Column("id", sa.Integer, primary_key=True),
                        sa.Column("name", sa.String(40), nullable=False, unique=True),
                        sa.Column("score", sa.Integer, server_default="0"))
        op.create_table("posts", sa.Column("id", sa.Integer, primary_key=True),
                        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE")),
                        sa.Column("slug", sa.String(20), index=True))
        op.add_column("posts", sa.Column("editor_id", sa.Integer, sa.ForeignKey("users.id", name="fk_editor")))
        op.alter_column("users", "score", server_default=sa.text("1"), nullable=False,
                        existing_type=sa.Integer)
        op.alter_column("users", "name", new_column_name="login")
        op.create_check_constraint("ck_score", "users", "score >= 0")
        if dialect == "mysql":  # MariaDB has no expression keys: a key on a prefix instead
            op.create_index("ix_users_lower", "users", ["login"], mysql_length={"login": 10})
        else:
            op.create_index("ix_users_lower", "users", [sa.text("lower(login)")])
        op.create_unique_constraint("uq_posts_slug", "posts", ["slug"])
        op.drop_constraint("uq_posts_slug", "posts", type_="unique")
        op.rename_table("posts", "articles")
        op.drop_column("articles", "editor_id")  # drops its foreign key first
        with op.batch_alter_table("articles") as batch:
            batch.add_column(sa.Column("body", sa.Text))
            batch.alter_column("body", nullable=False, server_default="")
            batch.create_index("ix_articles_body", ["body"])
        op.bulk_insert(sa.table("users", sa.column("id"), sa.column("login"), sa.column("score")),
                       [{"id": 1, "login": "ann", "score": 3}])
        op.execute("UPDATE users SET score = 5 WHERE id = 1")
        assert op.get_bind().exec_driver_sql("SELECT score FROM users").scalar() == 5

    snap = run_ops(db_url, body)
    users = snap.table("users")
    assert [c.name for c in users.columns] == ["id", "login", "score"]
    assert [ck.name for ck in users.check_constraints] == ["ck_score"]
    articles = snap.table("articles")
    assert [fk.referred_table for fk in articles.foreign_keys] == ["users"]
    assert {ix.name for ix in articles.indexes} >= {"ix_articles_body"}


def test_drop_everything_back(db_url):
    def create():
        op.create_table("a", sa.Column("id", sa.Integer, primary_key=True), sa.Column("x", sa.Integer))
        op.create_index("ix_a_x", "a", ["x"])
        op.create_table("b", sa.Column("id", sa.Integer, primary_key=True), sa.Column("a_id", sa.Integer))
        op.create_foreign_key("fk_b_a", "b", "a", ["a_id"], ["id"])

    def drop():
        op.drop_constraint("fk_b_a", "b", type_="foreignkey")
        op.drop_index("ix_a_x", "a")
        op.drop_table("b")
        op.drop_table("a")

    run_ops(db_url, create)
    snap = run_ops(db_url, drop)
    assert snap.schemas[snap.default_schema].tables == {}


def test_ddl_through_execute_is_seen_by_later_ops(db_url):
    def body():
        op.execute("CREATE TABLE raw (id INTEGER PRIMARY KEY, v INTEGER)")
        op.add_column("raw", sa.Column("w", sa.Integer))
        op.drop_column("raw", "v")

    snap = run_ops(db_url, body)
    assert [c.name for c in snap.table("raw").columns] == ["id", "w"]


def test_errors_name_what_is_missing(sqlite_url):
    with pytest.raises(StillError, match="column 'nope' does not exist"):
        run_ops(sqlite_url, lambda: (op.create_table("t", sa.Column("id", sa.Integer, primary_key=True)),
                                     op.drop_column("t", "nope")))
    with pytest.raises(StillError, match="only be used inside a revision"):
        op.drop_table("t")


def test_postgresql_types_comments_and_autocommit(pg_url):
    def body():
        op.create_table("tickets", sa.Column("id", sa.Integer, primary_key=True),
                        sa.Column("state", sa.Enum("open", "closed", name="ticket_state")),
                        comment="work items")
        op.add_enum_value("ticket_state", "waiting", before="closed")
        op.create_enum("mood", ["good", "bad"])
        op.drop_enum("mood")
        op.create_sequence("invoice_no", start=100, increment=5)
        op.create_table_comment("tickets", "things to do", existing_comment="work items")
        op.alter_column("tickets", "state", comment="where it is")
        with op.autocommit_block():
            op.execute("CREATE INDEX CONCURRENTLY ix_tickets_state ON tickets (state)")
        op.create_primary_key  # exists
        op.drop_index("ix_tickets_state")

    snap = run_ops(pg_url, body)
    public = snap.schemas["public"]
    assert public.enums["ticket_state"].values == ("open", "waiting", "closed")
    assert "mood" not in public.enums
    assert public.sequences["invoice_no"].start == 100
    assert public.tables["tickets"].comment == "things to do"

    run_ops(pg_url, lambda: (op.drop_sequence("invoice_no"), op.drop_table_comment("tickets")))


def test_primary_key_on_a_table_without_one(db_url):
    def body():
        op.create_table("kv", sa.Column("k", sa.String(10), nullable=False), sa.Column("v", sa.Text))
        op.create_primary_key("pk_kv", "kv", ["k"])

    snap = run_ops(db_url, body)
    assert snap.table("kv").primary_key.columns == ("k",)


def test_postgresql_concurrently_runs_outside_the_transaction(db_url, dialect):
    """`postgresql_concurrently=True` as Alembic takes it: CREATE/DROP INDEX CONCURRENTLY on
    PostgreSQL (which refuses it inside a transaction, so its success proves the block ran
    outside one), ignored on SQLite."""
    seen: list[str] = []

    def body():
        op.create_table("t", sa.Column("id", sa.Integer, primary_key=True), sa.Column("a", sa.Integer))
        with op.autocommit_block():
            op.create_index("ix_t_a", "t", ["a"], unique=True, postgresql_concurrently=True)
        seen.append("created")
        with op.autocommit_block():
            op.drop_index("ix_t_a", "t", postgresql_concurrently=True)
        with op.autocommit_block():
            op.create_index("ix_t_a2", "t", ["a"], postgresql_concurrently=True)

    reflected = run_ops(db_url, body)
    table = reflected.schemas[reflected.default_schema].tables["t"]
    assert seen == ["created"] and [ix.name for ix in table.indexes] == ["ix_t_a2"]


def test_concurrently_inside_a_transaction_is_refused_before_it_runs(pg_url):
    def body():
        op.create_table("t", sa.Column("id", sa.Integer, primary_key=True))
        op.create_index("ix_t_id", "t", ["id"], postgresql_concurrently=True)

    with pytest.raises(StillError, match=r"CREATE INDEX CONCURRENTLY cannot run inside a transaction: .*"
                                         r"op.autocommit_block\(\)"):
        run_ops(pg_url, body)


def test_concurrently_offline(tmp_path):
    from sqlalchemy.dialects import postgresql

    from still import snapshot as s
    from still.runtime.executor import OfflineExecutor

    out = __import__("io").StringIO()
    ex = OfflineExecutor(postgresql.dialect(), s.Snapshot(dialect="postgresql", default_schema="public"), out)
    with active(ex):
        op.create_table("t", sa.Column("id", sa.Integer, primary_key=True))
        with op.autocommit_block():
            op.create_index("ix_t_id", "t", ["id"], postgresql_concurrently=True)
            op.drop_index("ix_t_id", "t", postgresql_concurrently=True)
    script = out.getvalue()
    assert "COMMIT;\n\nCREATE INDEX CONCURRENTLY ix_t_id ON t (id);\n\nDROP INDEX CONCURRENTLY ix_t_id;\n\nBEGIN;" \
        in script


def test_unnamed_sqlite_constraints_are_told_apart(sqlite_url):
    """SQLite keeps constraints without names: drop_constraint(None) drops the only one of
    its type, or the one over `columns` / with the `condition`; when several match it says
    which there are instead of picking one."""
    def create():
        op.create_table("t", sa.Column("id", sa.Integer, primary_key=True), sa.Column("a", sa.Integer),
                        sa.Column("b", sa.Integer), sa.UniqueConstraint("a"), sa.UniqueConstraint("b"),
                        sa.CheckConstraint("a > 0"), sa.CheckConstraint("b > 0"))

    run_ops(sqlite_url, create)
    with pytest.raises(StillError, match=r"2 unique constraints named None: UNIQUE \(a\), UNIQUE \(b\); say which"):
        run_ops(sqlite_url, lambda: op.drop_constraint(None, "t", type_="unique"))
    with pytest.raises(StillError, match="with those columns or that condition does not exist"):
        run_ops(sqlite_url, lambda: op.drop_constraint(None, "t", type_="unique", columns=["id"]))
    snap = run_ops(sqlite_url, lambda: (op.drop_constraint(None, "t", type_="unique", columns=["b"]),
                                        op.drop_constraint(None, "t", type_="check", condition="b>0")))
    table = snap.table("t")
    assert [u.columns for u in table.unique_constraints] == [("a",)]
    assert [c.expression for c in table.check_constraints] == ["a > 0"]
    snap = run_ops(sqlite_url, lambda: op.drop_constraint(None, "t", type_="check"))  # now the only one
    assert snap.table("t").check_constraints == ()


def test_rename_index_keeps_the_definition(db_url, dialect):
    def create():
        op.create_table("t", sa.Column("id", sa.Integer, primary_key=True), sa.Column("a", sa.Integer),
                        sa.Column("b", sa.String(20)))
        if dialect == "mysql":  # no partial indexes, and a plain unique index is a unique key there
            op.create_index("ix_t_a", "t", ["a", sa.text("b DESC")], mysql_length={"b": 5})
        else:
            op.create_index("ix_t_a", "t", ["a"], unique=True, sqlite_where=sa.text("a > 0"),
                            postgresql_where=sa.text("a > 0"))

    before = run_ops(db_url, create).table("t").indexes[0]
    after = run_ops(db_url, lambda: op.rename_index("ix_t_a", "t", "t_a_positive")).table("t").indexes
    assert [ix.name for ix in after] == ["t_a_positive"]
    assert after[0].model_copy(update={"name": "ix_t_a"}) == before
    with pytest.raises(StillError, match="index 'ix_t_a' does not exist on table 't'"):
        run_ops(db_url, lambda: op.rename_index("ix_t_a", "t", "other"))


def test_alter_column_changes_the_collation_the_type_carries(db_url, dialect):
    collation = {"postgresql": "C", "mysql": "utf8mb4_bin"}.get(dialect, "NOCASE")

    def body():
        op.create_table("words", sa.Column("id", sa.Integer, primary_key=True), sa.Column("w", sa.String(20)))
        op.alter_column("words", "w", type_=sa.String(20, collation=collation), existing_type=sa.String(20))
    snap = run_ops(db_url, body)
    assert snap.table("words", snap.default_schema).column("w").collation == collation

    def back():
        op.alter_column("words", "w", type_=sa.String(20), existing_type=sa.String(20, collation=collation))
    snap = run_ops(db_url, back)
    assert snap.table("words", snap.default_schema).column("w").collation is None


def test_self_referencing_foreign_keys(db_url):
    def body():
        op.create_table("nodes", sa.Column("id", sa.Integer, primary_key=True),
                        sa.Column("parent_id", sa.Integer, sa.ForeignKey("nodes.id", name="fk_parent")))
        op.add_column("nodes", sa.Column("origin_id", sa.Integer))
        op.create_foreign_key("fk_origin", "nodes", "nodes", ["origin_id"], ["id"])
        op.create_table("tree", sa.Column("id", sa.Integer, primary_key=True),
                        sa.Column("up", sa.Integer), sa.ForeignKeyConstraint(["up"], ["tree.id"]))

    snap = run_ops(db_url, body)
    nodes = snap.schemas[snap.default_schema].tables["nodes"]
    assert sorted((fk.name, fk.columns, fk.referred_table) for fk in nodes.foreign_keys) == [
        ("fk_origin", ("origin_id",), "nodes"), ("fk_parent", ("parent_id",), "nodes")]
    tree = snap.schemas[snap.default_schema].tables["tree"]
    assert [(fk.columns, fk.referred_table) for fk in tree.foreign_keys] == [(("up",), "tree")]


def test_alter_sequence_in_place(pg_url):
    def body():
        op.create_sequence("tickets", start=10)
        assert op.get_bind().exec_driver_sql("SELECT nextval('tickets')").scalar() == 10
        op.alter_sequence("tickets", increment=5, maxvalue=1000, cache=2)
        assert op.get_bind().exec_driver_sql("SELECT nextval('tickets')").scalar() == 15

    snap = run_ops(pg_url, body)
    seq = snap.schemas["public"].sequences["tickets"]
    assert (seq.start, seq.increment, seq.maxvalue, seq.cache) == (10, 5, 1000, 2)


def test_alter_column_type_carries_its_check(db_url, dialect):
    """As in Alembic: existing_type's CHECK (a non-native Enum, a Boolean with a constraint)
    is dropped and type_'s added, so a new enum value is accepted (MLflow cfd24bdc0731)."""
    if dialect == "mysql":
        pytest.skip("Alembic's MySQL dialect keeps existing_type's CHECK: the corpus (e5) holds still to that")
    old = sa.Enum("a", "b", name="status", native_enum=False, create_constraint=True)
    new = sa.Enum("a", "b", "c", native_enum=False, create_constraint=True)

    def body():
        op.create_table("runs", sa.Column("id", sa.Integer, primary_key=True), sa.Column("status", old))
        op.alter_column("runs", "status", type_=new, existing_type=old)
        op.bulk_insert(sa.table("runs", sa.column("id"), sa.column("status")), [{"id": 1, "status": "c"}])
        op.alter_column("runs", "status", type_=sa.String(20), existing_type=new)
        op.bulk_insert(sa.table("runs", sa.column("id"), sa.column("status")), [{"id": 2, "status": "zz"}])
        op.alter_column("runs", "status", type_=sa.Enum("c", "zz", name="st2", native_enum=False,
                                                         create_constraint=True))

    snap = run_ops(db_url, body)
    assert [c.name for c in snap.table("runs").check_constraints] == ["st2"]


def test_create_table_use_alter_foreign_key(db_url, dialect):
    """As SQLAlchemy's CREATE TABLE: a use_alter=True foreign key is left out where ALTER can
    add it later (PostgreSQL, MySQL: the revision does, with create_foreign_key), written
    inline on SQLite, which has no ALTER for it (Prefect's initial revisions rely on both)."""
    def body():
        op.create_table("state", sa.Column("id", sa.Integer, primary_key=True))
        op.create_table("run", sa.Column("id", sa.Integer, primary_key=True),
                        sa.Column("state_id", sa.Integer),
                        sa.ForeignKeyConstraint(["state_id"], ["state.id"], name="fk_run_state", use_alter=True))
        if dialect != "sqlite":
            assert not build_table("run").foreign_keys
            op.create_foreign_key("fk_run_state", "run", "state", ["state_id"], ["id"])

    def build_table(name):
        from still.runtime import build
        from still.runtime.executor import current

        return build.table_of(current(), name, None)

    snap = run_ops(db_url, body)
    assert [fk.name for fk in snap.table("run").foreign_keys] == ["fk_run_state"]


def test_metadata_naming_convention_names_op_constraints(db_url, dialect):
    """With the run's naming convention (metadata_naming_convention), names given without
    op.f() are formatted as Alembic formats them with target_metadata's convention, on
    create and on drop, cut to PostgreSQL's 63 (MySQL's 64) characters as SQLAlchemy cuts them."""
    from still.runtime.executor import current

    def body():
        current().naming_convention = {"ck": "ck_%(table_name)s__%(constraint_name)s",
                                       "uq": "uq_%(table_name)s__%(column_0_name)s"}
        op.create_table("block_document_reference", sa.Column("id", sa.Integer, primary_key=True),
                        sa.Column("parent_id", sa.Integer), sa.Column("ref_id", sa.Integer))
        op.create_check_constraint("ck_block_document_reference__no_self_reference",
                                   "block_document_reference", "parent_id != ref_id")
        op.create_check_constraint(op.f("ck_final"), "block_document_reference", "ref_id > 0")
        op.create_check_constraint("short", "block_document_reference", "parent_id > 0")
        op.create_unique_constraint(None, "block_document_reference", ["ref_id"])
        op.drop_constraint("short", "block_document_reference", type_="check")
        names = sorted(c.name for c in current().snapshot.table("block_document_reference").check_constraints)
        assert names[0] == "ck_block_document_reference__" + {
            "sqlite": "ck_block_document_reference__no_self_reference",
            "mysql": "ck_block_document_reference_824f"}.get(dialect, "ck_block_document_referenc_824f"), names
        assert names[1:] == ["ck_final"], names
        op.drop_constraint("ck_block_document_reference__no_self_reference", "block_document_reference",
                           type_="check")

    snap = run_ops(db_url, body)
    table = snap.table("block_document_reference")
    assert [c.name for c in table.check_constraints] == ["ck_final"]
    assert [u.name for u in table.unique_constraints] == ["uq_block_document_reference__ref_id"]


def test_mysql_unnamed_checks_take_the_lowest_free_name(mysql_url):
    """MariaDB names an unnamed check CONSTRAINT_<n>, the lowest n no check of the table has
    (MLflow's 39d1c3be5f05 and c48cb773bb87 each add Boolean(create_constraint=True)'s)."""
    flag = sa.Boolean(create_constraint=True)

    def body():
        op.create_table("metrics", sa.Column("id", sa.Integer, primary_key=True), sa.Column("n", sa.Integer),
                        sa.CheckConstraint("n > 0", name="CONSTRAINT_2"))
        op.add_column("metrics", sa.Column("is_nan", sa.Boolean))
        op.alter_column("metrics", "is_nan", type_=flag, nullable=False)
        op.alter_column("metrics", "is_nan", type_=flag, nullable=False, server_default="0")
        op.create_check_constraint(None, "metrics", "n < 100")

    snap = run_ops(mysql_url, body)
    assert sorted(c.name for c in snap.table("metrics").check_constraints) == \
        ["CONSTRAINT_1", "CONSTRAINT_2", "CONSTRAINT_3", "CONSTRAINT_4"]


def test_mysql_unnamed_keys_and_foreign_keys_avoid_the_names_there(mysql_url):
    """A unique key takes its first column's name, `_2`, `_3` past the keys the table has;
    a foreign key `<table>_ibfk_<n>` after the highest n there is."""
    def body():
        op.create_table("p", sa.Column("id", sa.Integer, primary_key=True))
        op.create_table("c", sa.Column("id", sa.Integer, primary_key=True), sa.Column("a", sa.Integer),
                        sa.Column("b", sa.Integer), sa.ForeignKeyConstraint(["a"], ["p.id"], name="c_ibfk_3"),
                        sa.UniqueConstraint("b", name="b"))
        op.create_unique_constraint(None, "c", ["b", "a"])
        op.create_foreign_key(None, "c", "p", ["b"], ["id"])

    table = run_ops(mysql_url, body).table("c")
    assert sorted(u.name for u in table.unique_constraints) == ["b", "b_2"]
    assert sorted(fk.name for fk in table.foreign_keys) == ["c_ibfk_3", "c_ibfk_4"]


def test_postgresql_unnamed_checks_avoid_the_names_there(pg_url):
    """PostgreSQL numbers an unnamed check past the names the table has: t_x_check1."""
    def body():
        op.create_table("t", sa.Column("id", sa.Integer, primary_key=True), sa.Column("x", sa.Integer),
                        sa.CheckConstraint("x > 0"))
        op.create_check_constraint(None, "t", "x < 100")

    snap = run_ops(pg_url, body)
    assert sorted(c.name for c in snap.table("t").check_constraints) == ["t_x_check", "t_x_check1"]


def test_mysql_primary_key_by_the_name_it_was_given(mysql_url):
    """MySQL names every primary key PRIMARY: Alembic drops it by any name (DROP PRIMARY
    KEY), as MLflow's 451aebb31d03 does with "metric_pk"."""
    def body():
        op.create_table("metrics", sa.Column("key", sa.String(20), nullable=False),
                        sa.Column("step", sa.Integer, nullable=False),
                        sa.PrimaryKeyConstraint("key", name="metric_pk"))
        with op.batch_alter_table("metrics") as batch_op:
            batch_op.drop_constraint("metric_pk", type_="primary")
            batch_op.create_primary_key("metric_pk", ["key", "step"])

    assert run_ops(mysql_url, body).table("metrics").primary_key == s.PrimaryKey(name="PRIMARY",
                                                                                 columns=("key", "step"))


def test_mysql_a_foreign_keys_own_index_comes_and_goes_with_the_server(mysql_url):
    """The server makes an index for a foreign key no key serves (named after the key) and
    drops it once another key serves the foreign
    key, as it does under Alembic (MLflow's fk_assessments_trace_id and 14 more): still's
    CREATE TABLE leaves it to the server and its snapshot follows; a generated revision's
    drop_index of it is then done already."""
    def body():
        op.create_table("p", sa.Column("id", sa.Integer, primary_key=True))
        op.create_table("c", sa.Column("id", sa.Integer, primary_key=True), sa.Column("a", sa.Integer),
                        sa.Column("b", sa.Integer), sa.ForeignKeyConstraint(["a"], ["p.id"], name="fk_c_a"),
                        sa.ForeignKeyConstraint(["b"], ["p.id"]))
        op.create_index("ix_c_a_b", "c", ["a", "b"])
        op.create_unique_constraint("uq_c_b", "c", ["b", "id"])
        op.add_column("c", sa.Column("d", sa.Integer))
        op.create_foreign_key(None, "c", "p", ["d"], ["id"])
        op.drop_index("fk_c_a", "c")

    table = run_ops(mysql_url, body).table("c")
    # the unnamed key is sent unnamed, so its index is named after its column, as create_all's
    assert sorted(ix.name for ix in table.indexes) == ["d", "ix_c_a_b"]
    assert [u.name for u in table.unique_constraints] == ["uq_c_b"]
