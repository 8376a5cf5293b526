"""Enum types, domains and sequences of one schema."""

from __future__ import annotations

from still import snapshot as s
from still.diff.ordering import Phase
from still.findings import Code, Finding
from still.ops import (AddEnumValue, AlterDomain, AlterSequence, CreateDomain, CreateEnum, CreateSequence,
                       DropDomain, DropEnum, DropSequence, ReplaceEnum)
from still.ops.ddl.postgresql import enum_depth


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


def diff_domains(schema: str, have: dict[str, s.Domain], want: dict[str, s.Domain], changes: list,
                 findings: list, snapshots: tuple[s.Snapshot, ...]):
    """ALTER DOMAIN changes a default, NOT NULL and CHECKs in place. A new base type or
    collation it cannot: the domain is dropped and created again when nothing in
    `snapshots` (the current and target schemas) uses it, else the change is refused with
    a finding (converting the columns is the user's to write)."""
    for name in _by_dependency(schema, want, want.keys() - have.keys()):
        changes.append((Phase.CREATE_DOMAIN, CreateDomain(schema_name=schema, domain=want[name])))
    for name in reversed(_by_dependency(schema, have, have.keys() - want.keys())):
        changes.append((Phase.DROP_DOMAIN, DropDomain(schema_name=schema, domain=have[name])))
    for name in sorted(have.keys() & want.keys()):
        old, new = have[name], want[name]
        if old == new:
            continue
        if (old.type, old.collation) == (new.type, new.collation):
            new = _checkable(schema, old, new, snapshots[0], findings)
            if new != old:
                changes.append((Phase.CREATE_DOMAIN, AlterDomain(schema_name=schema, old=old, new=new)))
            continue
        what = (f"base type {old.type} -> {new.type}" if old.type != new.type
                else f"collation {old.collation or 'default'} -> {new.collation or 'default'}")
        users = domain_users(snapshots, schema, name)
        if users:
            findings.append(Finding.of(
                Code.DOMAIN_TYPE_CHANGED,
                f"domain {schema}.{name} changes its {what}, which ALTER DOMAIN cannot do, and "
                f"{', '.join(users[:3])}{' ...' if len(users) > 3 else ''} use it: nothing is planned for it; "
                f"write the change by hand in the revision (a new domain, columns converted, the old one dropped)",
                schema))
            continue
        findings.append(Finding.of(
            Code.DOMAIN_TYPE_CHANGED,
            f"domain {schema}.{name} changes its {what}, which ALTER DOMAIN cannot do: no column uses it, "
            f"so it is dropped and created again", schema))
        changes.append((Phase.CREATE_DOMAIN, DropDomain(schema_name=schema, domain=old)))
        changes.append((Phase.CREATE_DOMAIN, CreateDomain(schema_name=schema, domain=new)))


def _checkable(schema: str, old: s.Domain, new: s.Domain, current: s.Snapshot, findings: list) -> s.Domain:
    """`new`, without the CHECKs and NOT NULL it adds when a column holds an array of the
    domain: PostgreSQL cannot check those values, and refuses ALTER DOMAIN ... ADD
    CONSTRAINT / SET NOT NULL ("cannot alter type ... because column ... uses it")."""
    added = [c for c in new.checks if c not in old.checks]
    if not added and not (new.not_null and not old.not_null):
        return new
    arrays = domain_users((current,), schema, old.name, arrays_only=True)
    if not arrays:
        return new
    what = [f"CHECK {c.name}" for c in added] + (["NOT NULL"] if new.not_null and not old.not_null else [])
    findings.append(Finding.of(
        Code.DOMAIN_CHECK_BLOCKED,
        f"domain {schema}.{old.name} gains {', '.join(what)}, which PostgreSQL cannot check on arrays of it "
        f"({', '.join(arrays[:3])}{' ...' if len(arrays) > 3 else ''}): not planned; change those columns "
        f"first, or write it by hand", schema))
    # a CHECK replaced under its name stays as it was; the rest of the change goes ahead
    replaced = {c.name for c in added}
    kept = [c for c in new.checks if c not in added] + [c for c in old.checks if c.name in replaced]
    return s.Domain(**{**dict(new), "checks": tuple(kept), "not_null": old.not_null})


def _by_dependency(schema: str, domains: dict[str, s.Domain], names) -> list[str]:
    """`names` sorted, a domain over another of them after it."""
    pending, out = sorted(names), []
    while pending:
        ready = [n for n in pending if not any(
            other != n and enum_depth(domains[n].type, schema, other, schema) is not None
            for other in pending)] or pending[:1]
        out += ready
        pending = [n for n in pending if n not in ready]
    return out


def domain_users(snapshots: tuple[s.Snapshot, ...], schema: str, name: str,
                 arrays_only: bool = False) -> list[str]:
    """The columns (`schema.table.column`) and domains of any of `snapshots` whose type is
    the domain `schema.name` or an array of it (only arrays of it: `arrays_only`)."""
    least = 1 if arrays_only else 0
    found: list[str] = []
    for snap in snapshots:
        for where, table in snap.all_tables():
            for col in table.columns:
                label = f"{where}.{table.name}.{col.name}"
                depth = enum_depth(col.type, schema, name, where)
                if label not in found and depth is not None and depth >= least:
                    found.append(label)
        for where, sch in snap.schemas.items():
            for other in sch.domains.values():
                label = f"domain {where}.{other.name}"
                depth = enum_depth(other.type, schema, name, where)
                if label not in found and depth is not None and depth >= least:
                    found.append(label)
    return found


def diff_sequences(schema: str, have: dict[str, s.Sequence], want: dict[str, s.Sequence], changes: list):
    for name in sorted(want.keys() - have.keys()):
        changes.append((Phase.CREATE_TYPE, CreateSequence(schema_name=schema, sequence=want[name])))
    for name in sorted(have.keys() - want.keys()):
        changes.append((Phase.DROP_TYPE, DropSequence(schema_name=schema, sequence=have[name])))
    for name in sorted(have.keys() & want.keys()):
        if have[name] != want[name]:  # altered in place: its current value is kept
            changes.append((Phase.CREATE_TYPE, AlterSequence(schema_name=schema, old=have[name],
                                                             new=want[name])))
