"""Renames: the declared ones become operations; likely undeclared ones become findings."""

from __future__ import annotations

from typing import Iterable

from pydantic import BaseModel, ConfigDict

from still import snapshot as s
from still.findings import Code, Finding
from still.ops import RenameColumn, RenameTable


class Renames(BaseModel):
    """Renames the user declared: `info={"still": {"renamed_from": ...}}` or `--rename`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    tables: tuple[tuple[str, str, str], ...] = ()  # (schema, old, new)
    columns: tuple[tuple[str, str, str, str], ...] = ()  # (schema, table (new name), old, new)


def rename_operations(current: s.Snapshot, target: s.Snapshot, renames: Renames) -> list:
    """Operations for the declared renames that still apply (old present, new not yet)."""
    ops: list = []
    for schema, old, new in renames.tables:
        have = current.schemas.get(schema)
        want = target.schemas.get(schema)
        if have and want and old in have.tables and new not in have.tables and new in want.tables:
            ops.append(RenameTable(schema_name=schema, old_name=old, new_name=new))
    renamed = {(op.schema_name, op.old_name): op.new_name for op in ops}
    for schema, table, old, new in renames.columns:
        have_tables = current.schemas.get(schema).tables if schema in current.schemas else {}
        old_table = next((o for (sc, o), n in renamed.items() if sc == schema and n == table), table)
        have = have_tables.get(old_table)
        want = target.schemas[schema].tables.get(table) if schema in target.schemas else None
        if have is None or want is None:
            continue
        names = {c.name for c in have.columns}
        if old in names and new not in names and new in {c.name for c in want.columns}:
            ops.append(RenameColumn(schema_name=schema, table_name=table, old_name=old, new_name=new))
    return ops


def _shape(table: s.Table) -> set[tuple[str, str]]:
    return {(c.name, c.type) for c in table.columns}


def possible_table_renames(dropped: Iterable[tuple[str, s.Table]],
                           created: Iterable[tuple[str, s.Table]]) -> list[Finding]:
    """A dropped and a created table in one schema with mostly the same columns."""
    findings = []
    created = list(created)
    for schema, old in dropped:
        for new_schema, new in created:
            if schema != new_schema:
                continue
            a, b = _shape(old), _shape(new)
            if len(a & b) * 2 > max(len(a), len(b)):
                findings.append(Finding.of(
                    Code.TABLE_RENAME,
                    f"table {schema}.{old.name} is dropped and {schema}.{new.name} created with mostly "
                    f"the same columns; if it is a rename, add info={{'still': {{'renamed_from': "
                    f"'{old.name}'}}}} to table {new.name} or pass --rename {old.name}={new.name}",
                    schema, new.name))
    return findings


def possible_column_renames(schema: str, table: str, dropped: list[s.Column],
                            added: list[s.Column]) -> list[Finding]:
    """A dropped and an added column of the same type in one table."""
    findings = []
    for old in dropped:
        for new in added:
            if old.type == new.type:
                findings.append(Finding.of(
                    Code.COLUMN_RENAME,
                    f"column {table}.{old.name} is dropped and {table}.{new.name} added with the same "
                    f"type {new.type}; if it is a rename, add info={{'still': {{'renamed_from': "
                    f"'{old.name}'}}}} to column {new.name} or pass --rename {table}.{old.name}={new.name}",
                    schema, table, new.name))
    return findings
