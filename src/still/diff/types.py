"""Enum types and sequences of one schema."""

from __future__ import annotations

from still import snapshot as s
from still.diff.ordering import Phase
from still.findings import Code, Finding
from still.ops import (AddEnumValue, AlterSequence, CreateEnum, CreateSequence, DropEnum, DropSequence,
                       ReplaceEnum)


def diff_enums(schema: str, have: dict[str, s.Enum], want: dict[str, s.Enum], changes: list, findings: list,
               used=lambda value: False):
    """`used(value)`: whether the target uses that value in SQL (a default, a CHECK, an
    index predicate). PostgreSQL refuses a value `ALTER TYPE ... ADD VALUE` added until its
    transaction commits ("unsafe use of new value"), so an enum whose new value is used in
    the same migration is recreated instead (ReplaceEnum), which one transaction can hold."""
    for name in want.keys() - have.keys():
        changes.append((Phase.CREATE_TYPE, CreateEnum(schema_name=schema, enum=want[name])))
    for name in have.keys() - want.keys():
        changes.append((Phase.DROP_TYPE, DropEnum(schema_name=schema, enum=have[name])))
    for name in sorted(have.keys() & want.keys()):
        old, new = have[name].values, want[name].values
        if old == new:
            continue
        added = [v for v in new if v not in old]
        if [v for v in new if v in old] == list(old) and not any(used(v) for v in added):
            # only additions, old order kept, none used yet: ADD VALUE, no table rewritten
            values = list(old)
            for i, value in enumerate(new):
                if value in values:
                    continue
                following = next((v for v in new[i + 1:] if v in values), None)
                changes.append((Phase.CREATE_TYPE, AddEnumValue(
                    schema_name=schema, enum_name=name, value=value, before=following,
                    old_values=tuple(values))))
                values.insert(values.index(following) if following else len(values), value)
            continue
        removed = [v for v in old if v not in new]
        if not removed and [v for v in new if v in old] == list(old):
            findings.append(Finding.of(
                Code.ENUM_RECREATED,
                f"enum {schema}.{name} gains value(s) {', '.join(added)} that this migration already uses: "
                f"the type is recreated (columns of it are rewritten), since PostgreSQL cannot use a value "
                f"ADD VALUE added before its transaction commits", schema))
        elif removed:
            findings.append(Finding.of(
                Code.ENUM_VALUE_REMOVED,
                f"enum {schema}.{name} loses value(s) {', '.join(removed)}: rows holding them make the "
                f"migration fail; update those rows first", schema))
        else:
            findings.append(Finding.of(
                Code.ENUM_REORDERED,
                f"enum {schema}.{name} changes the order of its values ({', '.join(old)} -> "
                f"{', '.join(new)}): the type is recreated and ordering comparisons change", schema))
        changes.append((Phase.CREATE_TYPE, ReplaceEnum(schema_name=schema, enum_name=name,
                                                       old_values=old, new_values=new)))


def diff_sequences(schema: str, have: dict[str, s.Sequence], want: dict[str, s.Sequence], changes: list):
    for name in sorted(want.keys() - have.keys()):
        changes.append((Phase.CREATE_TYPE, CreateSequence(schema_name=schema, sequence=want[name])))
    for name in sorted(have.keys() - want.keys()):
        changes.append((Phase.DROP_TYPE, DropSequence(schema_name=schema, sequence=have[name])))
    for name in sorted(have.keys() & want.keys()):
        if have[name] != want[name]:  # altered in place: its current value is kept
            changes.append((Phase.CREATE_TYPE, AlterSequence(schema_name=schema, old=have[name],
                                                             new=want[name])))
