"""Snapshot x Snapshot -> Plan. A diff returns data; it never prints or executes."""

from __future__ import annotations

import functools
import importlib
import re

from typing import Optional

from still import snapshot as s
from still.diff.ordering import Phase, order_tables, ordered
from still.diff.sequences import owned_sequence_renames
from still.diff.renames import Renames, possible_table_renames, rename_operations
from still.diff.tables import diff_table, type_equivalence
from still.diff.types import diff_domains, diff_enums, diff_sequences
from still.findings import Code, Finding
from still.ops import CreateSchema, DropSchema
from still.plan import Plan

__all__ = ["diff", "Renames"]


def diff(current: s.Snapshot, target: s.Snapshot, renames: Optional[Renames] = None,
         loose: frozenset = frozenset()) -> Plan:
    """The plan that turns `current` into `target`, in dependency order, with findings.
    `loose` holds (schema, table, name) of target constraints whose names the models did
    not give (see declare.base.invented_names): those match whatever name they have; a
    (schema, table, name, kind) entry means only that kind (the index MySQL makes for a
    foreign key the models name: the key's name is theirs, the index is the server's)."""
    changes: list = []
    findings: list[Finding] = []
    start = current
    for op in rename_operations(current, target, renames or Renames()):
        changes.append((Phase.RENAME, op))
        current = op.apply(current)
    for op in owned_sequence_renames(current, target):
        changes.append((Phase.RENAME, op))
        current = op.apply(current)

    same_type = type_equivalence(target.dialect)
    empty = s.Schema(name="")
    created, dropped = [], []
    # the default schema always exists, whether or not a snapshot lists it
    defaults = {current.default_schema, target.default_schema}
    for name in sorted(target.schemas.keys() - current.schemas.keys() - defaults):
        changes.append((Phase.CREATE_SCHEMA, CreateSchema(schema_name=name)))
    for name in sorted(current.schemas.keys() - target.schemas.keys() - defaults):
        changes.append((Phase.DROP_SCHEMA, DropSchema(schema_name=name)))
        findings.append(Finding.of(Code.DROP_SCHEMA, f"schema {name} is dropped with everything in it", name))
    used = _literal_use(target)
    for name in sorted(current.schemas.keys() | target.schemas.keys()):
        have = current.schemas.get(name, empty)
        want = target.schemas.get(name, empty)
        diff_enums(name, have.enums, want.enums, changes, findings, used)
        diff_sequences(name, have.sequences, want.sequences, changes)
        if have.domains or want.domains:
            diff_domains(name, have.domains, want.domains, changes, findings, (current, target))
        for table in sorted(want.tables.keys() - have.tables.keys()):
            created.append((name, want.tables[table]))
        for table in sorted(have.tables.keys() - want.tables.keys()):
            dropped.append((name, have.tables[table]))
            findings.append(Finding.of(Code.DROP_TABLE, f"table {name}.{table} is dropped with its data",
                                       name, table))
        for table in sorted(have.tables.keys() & want.tables.keys()):
            old, new = have.tables[table], want.tables[table]
            if old == new:  # most tables, most of the time; equal tables have no changes
                continue
            diff_table(name, old, new, changes, findings, same_type,
                       lambda kind, table, cons, n, schema=name: (schema, table, n) in loose
                       or (schema, table, n, kind) in loose,
                       index_renamed(target.dialect))
    changes += order_tables(created, dropped, target.dialect)
    findings += possible_table_renames(dropped, created)
    operations = ordered(changes)
    if target.dialect in ("mysql", "mariadb"):
        from still.ops.ddl.mysql import keys_first

        operations = keys_first(operations, start)
    return Plan(operations=operations, findings=tuple(findings))


def index_renamed(dialect: str):
    """The dialect's rule for the index a foreign key's rename takes along (MySQL's
    `foreign_key_index_rename`), its module imported on first use; none elsewhere."""
    def rule(table: s.Table, old_name: str, new_name: str):
        found = _index_rename_rule(dialect)
        return found(table, old_name, new_name) if found is not None else None

    return rule


@functools.cache
def _index_rename_rule(dialect: str):
    try:
        module = importlib.import_module(f"still.ops.ddl.{dialect}")
    except ModuleNotFoundError:
        return None
    return getattr(module, "foreign_key_index_rename", None)


_STRING = re.compile(r"'((?:[^']|'')*)'")


def _literal_use(target: s.Snapshot):
    """`used(value)`: whether the SQL the target holds (defaults, CHECKs, index predicates
    and expressions, generation expressions) has `value` as a string literal or as an
    element of an array literal (`'{a,b}'`)."""
    found: set[str] = set()
    collected: list[bool] = []

    def collect() -> set[str]:
        if not collected:
            texts = []
            for _, table in target.all_tables():
                texts.extend(c.default for c in table.columns if c.default)
                texts.extend(c.computed.expression for c in table.columns if c.computed)
                texts.extend(k.expression for k in table.check_constraints)
                for ix in table.indexes + table.exclude_constraints:
                    texts.extend(t for t in [ix.where, *(e.expression for e in ix.elements)] if t)
            for text in texts:
                for match in _STRING.finditer(text):
                    content = match.group(1).replace("\'\'", "\'")
                    found.add(content)
                    if content.startswith("{") and content.endswith("}"):
                        found.update(e.strip().strip('"') for e in content[1:-1].split(","))
            collected.append(True)
        return found

    def used(value: str) -> bool:
        return value in collect()

    return used
