"""PostgreSQL's enums, domains, schemas and sequences."""

from __future__ import annotations

from typing import Optional, Sequence

from still import ops
from still import snapshot as s
from still.canon import owned_sequences
from still.errors import StillError
from still.op.common import UNSET
from still.runtime.executor import current as _ex


def create_enum(name: str, values: Sequence[str], schema: Optional[str] = None) -> None:
    ex = _ex()
    ex.run(ops.CreateEnum(schema_name=ex.schema(schema), enum=s.Enum(name=name, values=tuple(values))))


def _enum(ex, name: str, schema: Optional[str]) -> s.Enum:
    enum = ex.snapshot.schemas.get(ex.schema(schema), s.Schema(name="")).enums.get(name)
    if enum is None:
        raise StillError(f"enum type {name!r} does not exist")
    return enum


def drop_enum(name: str, schema: Optional[str] = None) -> None:
    ex = _ex()
    ex.run(ops.DropEnum(schema_name=ex.schema(schema), enum=_enum(ex, name, schema)))


def add_enum_value(name: str, value: str, before: Optional[str] = None, schema: Optional[str] = None,
                   if_not_exists: bool = False) -> None:
    """`ALTER TYPE ... ADD VALUE`; `if_not_exists`: nothing to do when the type has the value
    (a revision run again after it committed the value in an autocommit block)."""
    ex = _ex()
    if if_not_exists:
        ex.reread()  # what the database has now, not only what still ran
    enum = _enum(ex, name, schema)
    if if_not_exists and value in enum.values:
        return
    ex.run(ops.AddEnumValue(schema_name=ex.schema(schema), enum_name=name, value=value, before=before,
                            old_values=enum.values, if_not_exists=if_not_exists))


def replace_enum(name: str, old_values: Sequence[str], new_values: Sequence[str],
                 schema: Optional[str] = None) -> None:
    """Recreate an enum type with other values (removed or reordered ones); the columns
    using it are converted through text."""
    ex = _ex()
    current = _enum(ex, name, schema).values
    if tuple(old_values) != current:
        raise StillError(f"enum type {name!r} has values {', '.join(current)}, not {', '.join(old_values)}")
    ex.run(ops.ReplaceEnum(schema_name=ex.schema(schema), enum_name=name, old_values=tuple(old_values),
                           new_values=tuple(new_values)))


# -- domains (PostgreSQL) ----------------------------------------------------------------

def _domain_rules(ex):
    rules = ex.rules
    if not hasattr(rules, "domain_check"):
        raise StillError(f"{ex.dialect.name} has no domains (they are PostgreSQL's)")
    return rules


def _domain_checks(rules, checks) -> tuple[s.CheckConstraint, ...]:
    return tuple(rules.domain_check(check_name, sql) for check_name, sql in dict(checks).items())


def create_domain(name: str, type_, not_null: bool = False, default=None, check=None,
                  constraint_name: Optional[str] = None, checks: Optional[dict] = None,
                  collation: Optional[str] = None, schema: Optional[str] = None) -> None:
    """CREATE DOMAIN. `default` is a literal (str) or SQL (`sa.text`); `check` (with
    `constraint_name`, else PostgreSQL's `<name>_check`) or `checks` ({name: SQL}) hold the
    CHECKs, `VALUE` standing for the value."""
    ex = _ex()
    rules = _domain_rules(ex)
    type_text = rules.type_spelling(type_)
    found = _domain_checks(rules, checks or {})
    if check is not None:
        from still.canon.postgresql import make_object_name

        found += (rules.domain_check(constraint_name or make_object_name(name, None, "check"), check),)
    domain = s.Domain(name=name, type=type_text, not_null=not_null, default=rules.domain_default(default, type_text),
                      checks=found, collation=collation)
    ex.run(ops.CreateDomain(schema_name=ex.schema(schema), domain=domain))


def _domain(ex, name: str, schema: Optional[str]) -> s.Domain:
    domain = ex.snapshot.schemas.get(ex.schema(schema), s.Schema(name="")).domains.get(name)
    if domain is None:
        raise StillError(f"domain {name!r} does not exist")
    return domain


def alter_domain(name: str, default=UNSET, not_null: bool = UNSET, checks: dict = UNSET,
                 schema: Optional[str] = None) -> None:
    """ALTER DOMAIN: what is given changes (`default=None` drops it; `checks` is the whole
    new set of CHECKs, {name: SQL}), the rest stays."""
    ex = _ex()
    rules = _domain_rules(ex)
    old = _domain(ex, name, schema)
    update = {}
    if default is not UNSET:
        update["default"] = rules.domain_default(default, old.type)
    if not_null is not UNSET:
        update["not_null"] = bool(not_null)
    if checks is not UNSET:
        update["checks"] = _domain_checks(rules, checks)
    new = s.Domain(**{**dict(old), **update})
    ex.run(ops.AlterDomain(schema_name=ex.schema(schema), old=old, new=new))


def drop_domain(name: str, schema: Optional[str] = None) -> None:
    ex = _ex()
    ex.run(ops.DropDomain(schema_name=ex.schema(schema), domain=_domain(ex, name, schema)))


def create_schema(name: str) -> None:
    _ex().run(ops.CreateSchema(schema_name=name))


def drop_schema(name: str) -> None:
    _ex().run(ops.DropSchema(schema_name=name))


def create_sequence(name: str, start: int = 1, increment: int = 1, schema: Optional[str] = None, **kw) -> None:
    ex = _ex()
    ex.run(ops.CreateSequence(schema_name=ex.schema(schema),
                              sequence=s.Sequence(name=name, start=start, increment=increment, **kw)))



def alter_sequence(name: str, schema: Optional[str] = None, start: int = UNSET, increment: int = UNSET,
                   minvalue: Optional[int] = UNSET, maxvalue: Optional[int] = UNSET, cycle: bool = UNSET,
                   cache: int = UNSET) -> None:
    """ALTER SEQUENCE: the options given change (minvalue/maxvalue None: the default bound),
    the others and the current value stay."""
    ex = _ex()
    old = ex.snapshot.schemas.get(ex.schema(schema), s.Schema(name="")).sequences.get(name)
    if old is None:
        raise StillError(f"sequence {name!r} does not exist")
    given = dict(start=start, increment=increment, minvalue=minvalue, maxvalue=maxvalue, cycle=cycle, cache=cache)
    new = old.model_copy(update={k: v for k, v in given.items() if v is not UNSET})
    ex.run(ops.AlterSequence(schema_name=ex.schema(schema), old=old, new=s.Sequence.model_validate(new.model_dump())))


def drop_sequence(name: str, schema: Optional[str] = None) -> None:
    ex = _ex()
    seq = ex.snapshot.schemas.get(ex.schema(schema), s.Schema(name="")).sequences.get(name)
    if seq is None:
        raise StillError(f"sequence {name!r} does not exist")
    ex.run(ops.DropSequence(schema_name=ex.schema(schema), sequence=seq))


def rename_sequence(old_name: str, new_name: str, schema: Optional[str] = None) -> None:
    """ALTER SEQUENCE ... RENAME TO: a standalone sequence, or the one a SERIAL or identity
    column owns (a table or column renamed leaves it under the old name)."""
    ex = _ex()
    where = ex.snapshot.schemas.get(ex.schema(schema), s.Schema(name=""))
    owner = _owner(ex.snapshot.dialect, where, old_name) if old_name not in where.sequences else (None, None)
    if owner is None:
        raise StillError(f"sequence {old_name!r} does not exist")
    ex.run(ops.RenameSequence(schema_name=ex.schema(schema), old_name=old_name, new_name=new_name,
                              table_name=owner[0], column_name=owner[1]))


def _owner(dialect: str, schema: s.Schema, name: str) -> Optional[tuple[str, str]]:
    """(table, column) of the column that owns the sequence so named, None if none does."""
    naming = owned_sequences(dialect)
    if naming is None:
        return None
    return next(((table.name, column.name) for table in schema.tables.values() for column in table.columns
                 if naming.owns_sequence(column) and naming.sequence_of(table, column) == name), None)
