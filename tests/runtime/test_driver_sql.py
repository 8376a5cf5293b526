"""Driver SQL a revision sends through op.get_bind() reaches the server as written:
`%` in it is the server's (format('%I')), as with the drivers Alembic projects use."""

from __future__ import annotations

from tests.runtime.project import Project, reflect_url

UPGRADE = """
    op.create_table("t", sa.Column("id", sa.Integer, primary_key=True), sa.Column("label", sa.String(40)))
    bind = op.get_bind()
    name = bind.exec_driver_sql({"sqlite": "SELECT format('%s.%s', 'a', 'b')",
                                 "mysql": "SELECT DATE_FORMAT('2020-01-02', '%Y.%m')"}.get(
        bind.dialect.name, "SELECT format('%I.%I', current_schema(), 't')")).scalar()
    assert name in ("a.b", "public.t", "2020.01"), name
    # percent signs with SQLAlchemy's escaping keep their meaning on every driver
    op.execute("INSERT INTO t (id, label) VALUES (1, '100%')")
    op.execute(sa.text("INSERT INTO t (id, label) VALUES (2, :v)").bindparams(v="50%"))
    bind.exec_driver_sql("INSERT INTO t (id, label) VALUES (3, '25%')")
    assert [r[0] for r in bind.exec_driver_sql("SELECT label FROM t ORDER BY id")] == ["100%", "50%", "25%"]
"""


def test_driver_sql_with_percent_signs(tmp_path, db_url):
    project = Project(tmp_path / "p", db_url).init()
    project.revision("r1", "percent", UPGRADE, 'op.drop_table("t")')
    project.ok("upgrade", "head")
    assert reflect_url(db_url)[1] == ("r1",)
