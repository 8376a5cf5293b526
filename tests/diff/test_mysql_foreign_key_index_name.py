"""MySQL/MariaDB: the index a foreign key needs is the server's, not the models', even when
the models name the key (the server then names the index after it). Any index of the same
columns serves the key as well: one a history made with op.create_index under a name of its
own is no drift (ZenML's history leaves ix_pipeline_run_root_run_id where create_all has
fk_pipeline_run_root_run_id_pipeline_run), while renaming the key still renames it."""

import pytest
import sqlalchemy as sa

from still.compare import compare
from tests.helpers import create_all

pytestmark = pytest.mark.mysql


def _models(fk_name: str) -> sa.MetaData:
    md = sa.MetaData()
    sa.Table("parent", md, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table("child", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("parent_id", sa.Integer),
             sa.ForeignKeyConstraint(["parent_id"], ["parent.id"], name=fk_name))
    return md


def _history_database(url: str) -> sa.Engine:
    """What a history leaves: the key's columns indexed first, under a name of its own."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE parent (id INTEGER NOT NULL AUTO_INCREMENT, PRIMARY KEY (id))")
        conn.exec_driver_sql("CREATE TABLE child (id INTEGER NOT NULL AUTO_INCREMENT, parent_id INTEGER, "
                             "PRIMARY KEY (id), INDEX ix_child_parent_id (parent_id))")
        conn.exec_driver_sql("ALTER TABLE child ADD CONSTRAINT fk_child_parent FOREIGN KEY (parent_id) "
                             "REFERENCES parent (id)")
    return engine


def test_an_index_of_its_own_serving_a_named_key_is_no_drift(mysql_url):
    engine = _history_database(mysql_url)
    try:
        with engine.connect() as conn:
            indexes = {row[2] for row in conn.exec_driver_sql("SHOW INDEX FROM child")}
            assert indexes == {"PRIMARY", "ix_child_parent_id"}  # the server made none of its own
            plan = compare(conn, _models("fk_child_parent")).plan
        assert not plan.operations, [op.op for op in plan.operations]
    finally:
        engine.dispose()


def test_renaming_the_key_is_still_planned(mysql_url):
    engine = _history_database(mysql_url)
    try:
        with engine.connect() as conn:
            plan = compare(conn, _models("fk_child_parent_renamed")).plan
        assert [(op.op, op.old_name, op.new_name) for op in plan.operations] == \
            [("rename_constraint", "fk_child_parent", "fk_child_parent_renamed")]
    finally:
        engine.dispose()


def test_create_all_of_the_models_is_no_drift(mysql_url):
    create_all(mysql_url, _models("fk_child_parent"))
    engine = sa.create_engine(mysql_url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            assert compare(conn, _models("fk_child_parent")).plan.empty
    finally:
        engine.dispose()
