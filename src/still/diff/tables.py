"""Comparing one table that exists on both sides: columns, keys, constraints, indexes."""

from __future__ import annotations

from still import snapshot as s
from still.diff.ordering import Phase
from still.diff.renames import possible_column_renames
from still.diff.typechanges import classify
from still.findings import Code, Finding
from still.ops import (AddColumn, AddConstraint, AlterColumn, CreateIndex, DropColumn, DropConstraint,
                       DropIndex, RenameConstraint, RenameIndex, SetTableComment, SetTableOptions)


def _fk_signature(fk: s.ForeignKey):
    return fk.model_copy(update={"name": None})


def _no_implicit(kind: str, table: str, cons, name: str) -> bool:
    return False


def _match(kind: str, have, want, signature, schema: str, table: str, changes: list,
           drop_phase: Phase, add_phase: Phase, implicit=_no_implicit):
    """Constraints match by content, not by name. One whose name changed is renamed, unless
    the models leave it unnamed (its declared name is the database's own choice): then the
    name it has is as good."""
    pending = list(want)
    for old in have:
        # the same definition under the same name first: models may declare one twice
        alike = [new for new in pending if signature(new) == signature(old)]
        twin = next((new for new in alike if new.name == old.name), alike[0] if alike else None)
        if twin is not None:
            pending.remove(twin)
            if twin.name != old.name and twin.name is not None and old.name is not None \
                    and not implicit(kind, table, twin, twin.name):
                changes.append((Phase.RENAME, RenameConstraint(schema_name=schema, table_name=table, kind=kind,
                                                               old_name=old.name, new_name=twin.name)))
            continue
        changes.append((drop_phase, DropConstraint(schema_name=schema, table_name=table, kind=kind,
                                                   constraint=old)))
    for new in pending:
        changes.append((add_phase, AddConstraint(schema_name=schema, table_name=table, kind=kind,
                                                 constraint=new)))


def _match_indexes(schema: str, table: str, have, want, changes: list) -> None:
    """Indexes equal by name are kept; an index whose definition moved to a new name is
    renamed (nothing is rebuilt), when the new name is free and the old one is not wanted
    under another definition; everything else is dropped and created."""
    gone = [ix for ix in have if ix not in want]
    new = [ix for ix in want if ix not in have]
    have_names, want_names = {ix.name for ix in have}, {ix.name for ix in want}
    for old in list(gone):
        if old.name is None or old.name in want_names:
            continue
        definition = old.model_copy(update={"name": None})
        twin = next((ix for ix in new if ix.name is not None and ix.name not in have_names
                     and ix.model_copy(update={"name": None}) == definition), None)
        if twin is not None:
            gone.remove(old)
            new.remove(twin)
            changes.append((Phase.RENAME, RenameIndex(schema_name=schema, table_name=table,
                                                      old_name=old.name, new_name=twin.name)))
    for ix in gone:
        changes.append((Phase.DROP_INDEX, DropIndex(schema_name=schema, table_name=table, index=ix)))
    for ix in new:
        changes.append((Phase.CREATE_INDEX, CreateIndex(schema_name=schema, table_name=table, index=ix)))


def type_equivalence(dialect: str):
    """The dialect's own notion of synonym types (`equivalent_types` in reflect/<dialect>.py),
    else plain equality of the canonical spellings."""
    import importlib

    try:
        module = importlib.import_module(f"still.reflect.{dialect}")
    except ModuleNotFoundError:
        return str.__eq__
    return getattr(module, "equivalent_types", str.__eq__)


def diff_columns(schema: str, have: s.Table, want: s.Table, changes: list, findings: list,
                 same_type=str.__eq__):
    old_cols = {c.name: c for c in have.columns}
    new_cols = {c.name: c for c in want.columns}
    added = [c for c in want.columns if c.name not in old_cols]
    dropped = [c for c in have.columns if c.name not in new_cols]
    for col in added:
        changes.append((Phase.ADD_COLUMN, AddColumn(schema_name=schema, table_name=want.name, column=col)))
        if not col.nullable and col.default is None and not (col.identity or col.computed or col.autoincrement):
            findings.append(Finding.of(
                Code.BACKFILL, f"column {want.name}.{col.name} is added NOT NULL without a server default: "
                f"it fails on a table with rows; add a server default or add it nullable, backfill, then "
                f"set NOT NULL", schema, want.name, col.name))
    for col in dropped:
        changes.append((Phase.DROP_COLUMN, DropColumn(schema_name=schema, table_name=want.name, column=col)))
        findings.append(Finding.of(Code.DROP_COLUMN, f"column {want.name}.{col.name} is dropped with its data",
                                   schema, want.name, col.name))
    findings += possible_column_renames(schema, want.name, dropped, added)
    for col in want.columns:
        old = old_cols.get(col.name)
        if old is not None and old.type != col.type and same_type(old.type, col.type):
            col = col.model_copy(update={"type": old.type})  # a synonym is no change
        if old is None or old == col:
            continue
        op = AlterColumn(schema_name=schema, table_name=want.name, old=old, new=col)
        changes.append((Phase.ALTER_COLUMN, op))
        findings.extend(alter_findings(schema, want.name, op))


def alter_findings(schema: str, table: str, op: AlterColumn) -> list[Finding]:
    """What a human must look at in one column change (also asked of a downgrade's)."""
    old, new, where = op.old, op.new, f"{table}.{op.new.name}"
    out = []
    kind = classify(old.type, new.type) if old.type != new.type else None
    if kind == "narrowing":
        out.append(Finding.of(Code.TYPE_NARROWING, f"column {where} narrows from {old.type} to {new.type}: "
                              f"values that do not fit fail or are cut", schema, table, new.name))
    elif kind == "change":
        out.append(Finding.of(Code.TYPE_CHANGE, f"column {where} changes type from {old.type} to {new.type}: "
                              f"still cannot tell whether every value converts", schema, table, new.name))
    if old.nullable and not new.nullable and new.default is None:
        out.append(Finding.of(Code.BACKFILL, f"column {where} becomes NOT NULL without a server default: "
                              f"existing NULLs must be backfilled first", schema, table, new.name))
    if old.computed and new.computed and old.computed != new.computed:
        out.append(Finding.of(Code.COMPUTED_CHANGED, f"column {where} changes its generated expression "
                              f"from {old.computed.expression} to {new.computed.expression}: every row "
                              f"is recomputed", schema, table, new.name))
    return out


def diff_table(schema: str, have: s.Table, want: s.Table, changes: list, findings: list,
               same_type=str.__eq__, implicit=_no_implicit):
    name = want.name
    diff_columns(schema, have, want, changes, findings, same_type)
    old_pk, new_pk = have.primary_key, want.primary_key
    if old_pk and new_pk and old_pk.columns == new_pk.columns and (
            new_pk.name is None or old_pk.name and implicit("primary_key", name, new_pk, new_pk.name)):
        pass  # an unnamed primary key (by the database's name, or none, as on SQLite): the name it has is as good
    elif old_pk and new_pk and old_pk.columns == new_pk.columns and old_pk.name and new_pk.name \
            and old_pk.name != new_pk.name:
        changes.append((Phase.RENAME, RenameConstraint(schema_name=schema, table_name=name, kind="primary_key",
                                                       old_name=old_pk.name, new_name=new_pk.name)))
    elif old_pk != new_pk:
        if have.primary_key:
            changes.append((Phase.DROP_CONSTRAINT, DropConstraint(
                schema_name=schema, table_name=name, kind="primary_key", constraint=have.primary_key)))
        if want.primary_key:
            changes.append((Phase.ADD_CONSTRAINT, AddConstraint(
                schema_name=schema, table_name=name, kind="primary_key", constraint=want.primary_key)))
    _match("foreign_key", have.foreign_keys, want.foreign_keys, _fk_signature, schema, name, changes,
           Phase.DROP_FOREIGN_KEY, Phase.ADD_FOREIGN_KEY, implicit)
    _match("unique", have.unique_constraints, want.unique_constraints,
           lambda u: (u.columns, u.nulls_not_distinct), schema, name, changes,
           Phase.DROP_CONSTRAINT, Phase.ADD_CONSTRAINT, implicit)
    _match("check", have.check_constraints, want.check_constraints, lambda c: c.expression,
           schema, name, changes, Phase.DROP_CONSTRAINT, Phase.ADD_CONSTRAINT, implicit)
    _match_indexes(schema, name, have.indexes, want.indexes, changes)
    if have.comment != want.comment:
        changes.append((Phase.COMMENT, SetTableComment(schema_name=schema, table_name=name,
                                                       old_comment=have.comment, new_comment=want.comment)))
    if have.options != want.options:
        changes.append((Phase.TABLE_OPTIONS, SetTableOptions.of(schema, have, want.options)))
        findings.append(_rebuilt(schema, name, have.options, want.options))


def _rebuilt(schema: str, table: str, old: s.TableOptions, new: s.TableOptions) -> Finding:
    default = "the database's default"
    said = []
    if old.engine != new.engine:
        said.append(f"engine {old.engine or default} -> {new.engine or default}")
    if old.collation != new.collation:
        said.append(f"collation {old.collation or default} -> {new.collation or default}: every "
                    "text column is converted, characters the new character set lacks are lost")
    return Finding.of(Code.TABLE_REBUILT, f"table {table} is rebuilt ({'; '.join(said)}); "
                      "it is locked while its rows are copied", schema, table)
