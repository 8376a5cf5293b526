"""Comparing one table that exists on both sides: columns, keys, constraints, indexes."""

from __future__ import annotations

from still import snapshot as s
from still.diff.ordering import Phase
from still.diff.renames import possible_column_renames
from still.diff.typechanges import classify
from still.findings import Code, Finding
from still.ops import (AddColumn, AddConstraint, AlterColumn, CreateIndex, DropColumn, DropConstraint,
                       DropIndex, RenameConstraint, RenameIndex, SetTableComment, SetTableOptions)


def _unnamed(constraint):
    """What a constraint is apart from its name: two alike are one renamed."""
    return constraint.model_copy(update={"name": None})


def _no_implicit(kind: str, table: str, cons, name: str) -> bool:
    return False


def _match(kind: str, have, want, signature, schema: str, table: str, changes: list,
           drop_phase: Phase, add_phase: Phase, implicit=_no_implicit):
    """Constraints match by content, not by name. One whose name changed is renamed, unless
    the models leave it unnamed (its declared name is the database's own choice): then the
    name it has is as good."""
    pending = list(want)
    unmatched = []
    for old in have:
        # the same definition under the same name first, for every constraint: models may
        # declare one twice, and a named one beside unnamed twins is not one of them
        same = next((new for new in pending if new.name == old.name and signature(new) == signature(old)), None)
        if same is not None:
            pending.remove(same)
        else:
            unmatched.append(old)
    # a rename runs before the drops: it must not take a name another constraint still holds
    held = {c.name for c in have if c.name is not None}
    given = {c.name for c in want if c.name is not None and not implicit(kind, table, c, c.name)}

    def keeps(old, new) -> bool:
        """Whether `old` may stay under its name as `new`: the models leave `new` unnamed
        (the name it has is as good), unless the models give that name to another one."""
        return new.name is None or new.name == old.name or old.name is None \
            or (implicit(kind, table, new, new.name) and old.name not in given)

    for old in unmatched:
        twin = next((new for new in pending if signature(new) == signature(old)
                     and (keeps(old, new) or new.name not in held)), None)
        if twin is not None:
            pending.remove(twin)
            if not keeps(old, twin):
                changes.append((Phase.RENAME, RenameConstraint(schema_name=schema, table_name=table, kind=kind,
                                                               old_name=old.name, new_name=twin.name)))
            continue
        changes.append((drop_phase, DropConstraint(schema_name=schema, table_name=table, kind=kind,
                                                   constraint=old)))
    for new in pending:
        changes.append((add_phase, AddConstraint(schema_name=schema, table_name=table, kind=kind,
                                                 constraint=new)))


def _match_indexes(schema: str, table: str, have, want, changes: list, implicit=_no_implicit) -> None:
    """Indexes equal by name are kept; one whose name the database chose (`implicit`: the
    index MySQL makes for an unnamed foreign key) matches its definition under any name;
    an index whose definition moved to a new name is renamed (nothing is rebuilt), when
    the new name is free and the old one is not wanted under another definition;
    everything else is dropped and created."""
    gone = [ix for ix in have if ix not in want]
    new = [ix for ix in want if ix not in have]
    for ix in [ix for ix in new if implicit("index", table, ix, ix.name)]:
        definition = ix.model_copy(update={"name": None})
        twin = next((old for old in gone if old.model_copy(update={"name": None}) == definition), None)
        if twin is not None:
            gone.remove(twin)
            new.remove(ix)
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
    if old.nullable and not new.nullable and not (new.identity or new.computed):
        # a server default fills rows inserted later, never the NULLs already there
        out.append(Finding.of(Code.BACKFILL, f"column {where} becomes NOT NULL: existing NULLs must be "
                              f"backfilled first (a server default fills only new rows)", schema, table, new.name))
    if old.computed and new.computed and old.computed != new.computed:
        def kept(c: s.Computed) -> str:
            return "STORED" if c.persisted else "VIRTUAL"

        what = (f"its generated expression from {old.computed.expression} to {new.computed.expression}"
                if old.computed.expression != new.computed.expression else
                f"from {kept(old.computed)} to {kept(new.computed)}")
        out.append(Finding.of(Code.COMPUTED_CHANGED, f"column {where} changes {what}: every row "
                              f"is recomputed", schema, table, new.name))
    return out


def _no_index_renamed(table: s.Table, old_name: str, new_name: str) -> None:
    return None


def diff_table(schema: str, have: s.Table, want: s.Table, changes: list, findings: list,
               same_type=str.__eq__, implicit=_no_implicit, index_renamed=_no_index_renamed):
    """`index_renamed(table, old, new)`: the dialect's (old, new) name of the index a
    foreign key's rename takes along (ops/ddl/mysql.py foreign_key_index_rename), or None."""
    name = want.name
    diff_columns(schema, have, want, changes, findings, same_type)
    old_pk, new_pk = have.primary_key, want.primary_key
    alike = old_pk and new_pk and _unnamed(old_pk) == _unnamed(new_pk)
    if alike and (new_pk.name is None or new_pk.name == old_pk.name
                  or (old_pk.name and implicit("primary_key", name, new_pk, new_pk.name))):
        pass  # the models leave the key unnamed (as _match), or the name it has is as good
    elif alike and old_pk.name:
        changes.append((Phase.RENAME, RenameConstraint(schema_name=schema, table_name=name, kind="primary_key",
                                                       old_name=old_pk.name, new_name=new_pk.name)))
    elif old_pk != new_pk:
        if have.primary_key:
            changes.append((Phase.DROP_CONSTRAINT, DropConstraint(
                schema_name=schema, table_name=name, kind="primary_key", constraint=have.primary_key)))
        if want.primary_key:
            changes.append((Phase.ADD_CONSTRAINT, AddConstraint(
                schema_name=schema, table_name=name, kind="primary_key", constraint=want.primary_key)))
    first = len(changes)
    _match("foreign_key", have.foreign_keys, want.foreign_keys, _unnamed, schema, name, changes,
           Phase.DROP_FOREIGN_KEY, Phase.ADD_FOREIGN_KEY, implicit)
    indexes = _along_with_foreign_keys(have, changes, first, index_renamed)
    _match("unique", have.unique_constraints, want.unique_constraints, _unnamed, schema, name,
           changes, Phase.DROP_CONSTRAINT, Phase.ADD_CONSTRAINT, implicit)
    _match("exclude", have.exclude_constraints, want.exclude_constraints, _unnamed, schema, name,
           changes, Phase.DROP_CONSTRAINT, Phase.ADD_CONSTRAINT, implicit)
    _match("check", have.check_constraints, want.check_constraints, lambda c: (c.expression, c.enforced),
           schema, name, changes, Phase.DROP_CONSTRAINT, Phase.ADD_CONSTRAINT, implicit)
    _match_indexes(schema, name, indexes, want.indexes, changes, implicit)
    if have.comment != want.comment:
        changes.append((Phase.COMMENT, SetTableComment(schema_name=schema, table_name=name,
                                                       old_comment=have.comment, new_comment=want.comment)))
    if have.options != want.options:
        changes.append((Phase.TABLE_OPTIONS, SetTableOptions.of(schema, have, want.options)))
        findings.append(_rebuilt(schema, name, have.options, want.options))


def _along_with_foreign_keys(have: s.Table, changes: list, first: int, index_renamed) -> tuple:
    """`have`'s indexes once the foreign key renames from changes[first:] took theirs
    along (those renames are told so), to compare with the wanted ones."""
    indexes = have.indexes
    for i in range(first, len(changes)):
        phase, op = changes[i]
        if not isinstance(op, RenameConstraint):
            continue
        names = index_renamed(have, op.old_name, op.new_name)
        if names is None:
            continue
        changes[i] = (phase, op.model_copy(update={"old_index_name": names[0], "new_index_name": names[1]}))
        indexes = tuple(ix.model_copy(update={"name": names[1]}) if ix.name == names[0] else ix for ix in indexes)
    return indexes


def _rebuilt(schema: str, table: str, old: s.TableOptions, new: s.TableOptions) -> Finding:
    default = "the database's default"
    said = []
    if old.engine != new.engine:
        said.append(f"engine {old.engine or default} -> {new.engine or default}")
    if old.collation != new.collation:
        said.append(f"collation {old.collation or default} -> {new.collation or default}: every "
                    "text column is converted, characters the new character set lacks are lost")
    if old.autoincrement != new.autoincrement:
        said.append(f"AUTOINCREMENT {'on' if new.autoincrement else 'off'}")
    return Finding.of(Code.TABLE_REBUILT, f"table {table} is rebuilt ({'; '.join(said)}); "
                      "it is locked while its rows are copied", schema, table)
