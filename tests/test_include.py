"""include_object: what the hook rejects is not on that side of the comparison."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import sqlite

from still.declare import declare
from still.errors import StillError
from still.include import filter_snapshot, include_filter


def snapshot():
    metadata = sa.MetaData()
    sa.Table("users", metadata, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("email", sa.String(80), unique=True), sa.Column("legacy", sa.Integer),
             sa.Index("ix_users_legacy", "legacy"))
    sa.Table("tmp_import", metadata, sa.Column("id", sa.Integer, primary_key=True))
    return declare(metadata, sqlite.dialect())


def test_one_argument_hook_sees_kinds_tables_and_sides():
    seen = []

    def hook(obj):
        seen.append((obj.kind, obj.name, obj.table, obj.reflected))
        return not (obj.name or "").startswith(("tmp_", "legacy", "ix_users_legacy"))

    snap = snapshot()
    out = filter_snapshot(snap, include_filter(hook), reflected=True)
    tables = out.schemas["main"].tables
    assert sorted(tables) == ["users"]
    users = tables["users"]
    assert [c.name for c in users.columns] == ["id", "email"] and users.indexes == ()
    assert users.unique_constraints == snap.schemas["main"].tables["users"].unique_constraints
    assert ("column", "legacy", "users", True) in seen and ("table", "tmp_import", None, True) in seen
    assert not any(t == "tmp_import" for _, _, t, _ in seen)  # a rejected table takes its contents along


def test_alembic_signature_and_kind_names():
    calls = []

    def include_object(obj, name, type_, reflected, compare_to):
        calls.append((type_, name, reflected, compare_to))
        return not (type_ == "table" and name == "tmp_import")

    out = filter_snapshot(snapshot(), include_filter(include_object), reflected=False)
    assert sorted(out.schemas["main"].tables) == ["users"]
    assert {c[0] for c in calls} == {"table", "column", "index", "unique_constraint"}
    assert all(reflected is False and compare_to is None for _, _, reflected, compare_to in calls)


def test_nothing_rejected_is_the_same_snapshot_and_no_hook_is_no_filter():
    snap = snapshot()
    assert filter_snapshot(snap, include_filter(lambda obj: True), True) is snap
    assert filter_snapshot(snap, None, True) is snap


def test_a_failing_hook_is_one_line():
    with pytest.raises(StillError, match=r"env.py: include_object failed on table 'tmp_import': KeyError"):
        filter_snapshot(snapshot(), include_filter(lambda obj: {}[obj.name] if obj.kind == "table"
                                                    and obj.name == "tmp_import" else True), True)
