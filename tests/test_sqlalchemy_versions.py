"""What SQLAlchemy 2.0 and 2.1 keep in different places, read through public API only
(DESIGN.md, invariant 8). `make test` runs this file under both versions.

SQLAlchemy 2.0 has no registry of a MetaData's enums, domains and sequences (2.1 does),
so still once declared none of them under 2.0: a create_all database planned a DROP TYPE
for every enum, and `op.create_table` did not create its column's enum.
"""

from __future__ import annotations

import ast
import functools
import json
from pathlib import Path
from typing import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg
from sqlalchemy.ext.compiler import compiles, deregister

from fixtures.models import named_types
from still import op, snapshot
from still.db import open_engine
from still.declare import declare
from still.declare.sa_compat import given_info, has_compiles_hook
from still.diff import diff
from still.errors import StillError
from still.ops.ddl.sa_build import build_constraint
from still.reflect import reflect
from tests.cli.test_plan_check import still
from tests.helpers import assert_same_snapshot
from tests.runtime.test_op_api import run_ops

NAMED = "fixtures.models.named_types:metadata"


def create_named_types(url: str) -> None:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        for sql in named_types.SETUP:
            conn.exec_driver_sql(sql)
        named_types.metadata.create_all(conn)
    engine.dispose()


def test_declared_snapshot_has_every_enum_domain_and_sequence(pg_url):
    create_named_types(pg_url)
    engine = sa.create_engine(pg_url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        reflected = reflect(conn)
        declared = declare(named_types.metadata, conn.dialect)
    engine.dispose()
    public, work = declared.schemas["public"], declared.schemas["work"]
    assert sorted(public.enums) == ["direction", "level", "mood", "pre_made", "tag_colour"]
    assert public.enums["mood"].values == ("sad", "ok", "happy")
    assert sorted(work.enums) == ["stage"]
    assert sorted(public.domains) == ["positive"]
    assert sorted(public.sequences) == ["invoice_number", "ticket_seq"]
    assert_same_snapshot(reflected, declared)
    assert not diff(reflected, declared).operations


def test_create_all_database_plans_nothing(pg_url):
    """No DROP TYPE of the enums the models use: `plan --sql` has nothing to say, `check` is clean."""
    create_named_types(pg_url)
    planned = still("plan", "--url", pg_url, "--metadata", NAMED, "--format", "json", "--sql")
    assert planned.returncode == 0, planned.stderr
    report = json.loads(planned.stdout)
    assert report["operations"] == [] and report["statements"] == []
    checked = still("check", "--url", pg_url, "--metadata", NAMED)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_create_table_creates_its_named_enums(pg_url):
    """As SQLAlchemy's create_table (and so Alembic's op.create_table) does; one already
    there, or made elsewhere (create_type=False), is not created again."""
    def body():
        op.create_table("tickets", sa.Column("id", sa.Integer, primary_key=True),
                        sa.Column("status", sa.Enum("open", "closed", name="status"), nullable=False),
                        sa.Column("colours", pg.ARRAY(sa.Enum("red", "blue", name="colour"))))
        op.create_table("archive", sa.Column("id", sa.Integer, primary_key=True),
                        sa.Column("status", pg.ENUM(name="status", create_type=False)))

    enums = run_ops(pg_url, body).schemas["public"].enums
    assert sorted(enums) == ["colour", "status"]
    assert enums["status"].values == ("open", "closed")


def test_unique_keys_are_built_on_every_version(pg_url):
    """A plain UNIQUE is written on every SQLAlchemy (the option left out, not given as None,
    which SQLAlchemy before 2.0.16 refuses); a NULLS NOT DISTINCT one where SQLAlchemy can
    write it (2.0.16 on), else a one-line error, not a traceback about a keyword."""
    plain = snapshot.UniqueConstraint(name="u_a", columns=("a",))
    nnd = snapshot.UniqueConstraint(name="u_b", columns=("b",), nulls_not_distinct=True)
    items = [build_constraint("unique", plain, "public")]
    try:
        sa.UniqueConstraint("b", postgresql_nulls_not_distinct=True)
    except sa.exc.ArgumentError:
        with pytest.raises(StillError, match=r"^unique constraint u_b: .*SQLAlchemy 2\.0\.\d+ cannot write it"):
            build_constraint("unique", nnd, "public")
        nnd = None
    else:
        items.append(build_constraint("unique", nnd, "public"))
    table = sa.Table("t", sa.MetaData(), sa.Column("a", sa.Integer), sa.Column("b", sa.Integer), *items)
    engine = sa.create_engine(pg_url, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        table.create(conn)
        assert reflect(conn).table("t").unique_constraints == tuple(u for u in (plain, nnd) if u)
    engine.dispose()


def test_create_type_false_is_kept_on_every_version(pg_url):
    """`create_type=False` says the type is made elsewhere: op.create_table does not make
    it, as SQLAlchemy's create_table does not (SQLAlchemy 2.0's copy of a type for the
    dialect drops the flag, so it is read from the type as given)."""
    for type_ in (pg.ENUM("a", "b", name="made_elsewhere", create_type=False),
                  pg.DOMAIN("made_elsewhere", sa.Integer, create_type=False)):
        with pytest.raises(StillError, match='type "made_elsewhere" does not exist'):
            run_ops(pg_url, lambda: op.create_table("t", sa.Column("id", sa.Integer, primary_key=True),
                                                    sa.Column("c", type_)))


def test_a_query_argument_pysqlite_drops_is_refused(tmp_path):
    """SQLAlchemy 2.1 warns of it, 2.0 drops it silently: still asks the dialect which
    arguments reach the driver, the same on both."""
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    with pytest.raises(StillError, match=r"does not take the query argument\(s\) 'bogus', 'password' "):
        open_engine(f"{url}?bogus=1&password=SECRET&timeout=3", must_exist=False)
    open_engine(f"{url}?timeout=3", must_exist=False).dispose()
    open_engine(f"sqlite:///file:{tmp_path / 'db.sqlite'}?mode=rwc&uri=true", must_exist=False).dispose()


def test_sqlite_rebuild_keeps_an_expression_default(sqlite_url):
    """SQLite reads an expression default back without its parentheses and takes it only
    inside them; SQLAlchemy before 2.0.40 did not add them, so the rebuilt table's CREATE
    TABLE failed (Prefect's history on SQLite)."""
    engine = sa.create_engine(sqlite_url, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (id INTEGER PRIMARY KEY, at TEXT DEFAULT (strftime('%Y', 'now')), "
                             "n INTEGER DEFAULT 1.5, name TEXT)")
    engine.dispose()
    table = run_ops(sqlite_url, lambda: op.create_unique_constraint("uq_t_name", "t", ["name"])).table("t")
    assert [u.name for u in table.unique_constraints] == ["uq_t_name"]
    assert table.column("at").default == "strftime('%Y', 'now')" and table.column("n").default == "1.5"


# -- only public SQLAlchemy API in src/ ------------------------------------------------
SRC = Path(__file__).resolve().parents[1] / "src" / "still"
SA_COMPAT = SRC / "declare" / "sa_compat.py"  # the one place allowed to (see its tests below)
_ATTR_CALLS = ("getattr", "hasattr", "setattr", "delattr")


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _names_defined(tree: ast.AST) -> set[str]:
    """Attribute names a module defines: in class bodies, and assigned to an attribute
    (`obj._x = ...`, `setattr(obj, "_x", ...)`)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    found.add(item.name)
                elif isinstance(item, ast.Assign):
                    found.update(t.id for t in item.targets if isinstance(t, ast.Name))
                elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                    found.add(item.target.id)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            found.add(node.attr)
        elif _attribute_call(node) and node.func.id == "setattr":
            found.add(node.args[1].value)
    return found


def _attribute_call(node) -> bool:
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _ATTR_CALLS
            and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant)
            and isinstance(node.args[1].value, str))


def _attributes_used(tree: ast.AST) -> Iterator[tuple[int, str]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            yield node.lineno, node.attr
        elif _attribute_call(node):
            yield node.lineno, node.args[1].value


def _parsed(root: Path, skip=()) -> Iterator[tuple[Path, ast.AST]]:
    for path in sorted(root.rglob("*.py")):
        if not any(part in skip for part in path.relative_to(root).parts):
            yield path, ast.parse(path.read_text(encoding="utf-8"), str(path))


@functools.lru_cache(maxsize=None)
def sqlalchemy_private_names() -> frozenset[str]:
    """Every underscore attribute name the installed SQLAlchemy defines on its classes
    or sets on its objects (its test harness aside)."""
    root = Path(sa.__file__).parent
    return frozenset(name for _, tree in _parsed(root, skip={"testing"}) for name in _names_defined(tree)
                     if _private(name))


def private_sqlalchemy_reads(src: Path) -> list[str]:
    """`path:line name` of each use in `src` of an underscore attribute that SQLAlchemy
    defines and still does not (still's own `_memo`, `_children`, ... are its business)."""
    modules = [(path, tree) for path, tree in _parsed(src) if path != src / SA_COMPAT.relative_to(SRC)]
    own = set().union(*(_names_defined(tree) for _, tree in _parsed(src)))
    private = sqlalchemy_private_names() - own
    return [f"{path.relative_to(src)}:{line} {name}" for path, tree in modules
            for line, name in _attributes_used(tree) if _private(name) and name in private]


def test_src_reads_no_private_sqlalchemy_attribute():
    """Private attributes differ between SQLAlchemy versions and have broken still once;
    what no public API tells lives in declare/sa_compat.py, pinned by the tests below."""
    names = sqlalchemy_private_names()
    # the scan finds what it is meant to find, on this SQLAlchemy
    assert {"_creation_order", "_ddl_if", "_create_rule", "_sorted_constraints",
            "_compiler_dispatcher"} <= names
    assert private_sqlalchemy_reads(SRC) == []


def test_the_scan_flags_a_private_read(tmp_path):
    (tmp_path / "m.py").write_text("def f(t, c):\n    t._own = 1\n    return t._own, sorted(t._sorted_constraints),"
                                   " getattr(c, '_ddl_if', None), c.name\n")
    assert sorted(private_sqlalchemy_reads(tmp_path)) == ["m.py:3 _ddl_if", "m.py:3 _sorted_constraints"]


def test_compiles_hook_is_seen_on_every_version():
    """sa_compat.has_compiles_hook: no hook on a new type; one for any dialect on it or
    on a base; none again once deregistered."""
    class Plain(sa.types.TypeDecorator):
        impl = sa.String
        cache_ok = True

    class Hooked(sa.String):
        pass

    class Below(Hooked):
        pass

    assert not has_compiles_hook(Plain) and not has_compiles_hook(Hooked)
    compiles(Hooked, "mysql")(lambda element, compiler, **kw: "TEXT")
    try:
        assert has_compiles_hook(Hooked) and has_compiles_hook(Below)
        assert str(sa.Column("c", Below(5)).type.compile(dialect=pg.dialect())) == "VARCHAR(5)"
    finally:
        deregister(Hooked)
    assert not has_compiles_hook(Hooked) and not has_compiles_hook(Below)


def test_given_info_on_every_version():
    """sa_compat.given_info: what the models gave, and what was put in `.info` later;
    reading it leaves an item given none without one."""
    given = sa.Column("a", sa.Integer, info={"still": {"renamed_from": "old"}})
    bare = sa.Column("b", sa.Integer)
    table = sa.Table("t", sa.MetaData(), given, bare)
    assert given_info(given) == {"still": {"renamed_from": "old"}}
    assert given_info(bare) == {} and given_info(table) == {}
    assert given_info(bare) == {} and "info" not in vars(bare)  # nothing made by looking
    table.info["still"] = {"renamed_from": "old_t"}
    assert given_info(table) == {"still": {"renamed_from": "old_t"}}
