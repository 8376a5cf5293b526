"""The operations revision files call: `from still import op`.

Signatures follow Alembic's `op` so existing revision bodies run unchanged. Each call
builds a typed, reversible `still.ops` operation (using the current snapshot for what
it replaces or drops) and hands it to the executor of the running migration, which
runs it on the database or writes it to the offline script.
"""

from __future__ import annotations

import contextlib
from typing import Any, Optional, Sequence, Union

import sqlalchemy as sa

from still import ops
from still import snapshot as s
from still.errors import NoSuchObject, StillError
from still import op_guards as guards
from still.runtime import build
from still.runtime.executor import current

_CONSTRAINT_TYPES = {"foreignkey": "foreign_key", "foreign": "foreign_key", "fk": "foreign_key",
                     "unique": "unique", "check": "check", "primary": "primary_key",
                     "primary_key": "primary_key", "primarykey": "primary_key"}


_UNSET: Any = object()


def _ex():
    return current()


# -- tables ------------------------------------------------------------------------------

def create_table(table_name: str, *columns_and_constraints, schema: Optional[str] = None, **kw) -> sa.Table:
    ex = _ex()
    if kw.pop("if_not_exists", False) and guards.table_exists(ex, table_name, schema):
        return None
    metadata = build.op_metadata(ex)
    table = sa.Table(table_name, metadata, *columns_and_constraints,
                     schema=build.sa_schema(ex, schema), **kw)
    # as CREATE TABLE in SQLAlchemy and Alembic: a foreign key with use_alter=True is left
    # out (a revision adds it afterwards with create_foreign_key, when its target exists)
    # where the dialect can add one with ALTER; SQLite cannot, so there it is written inline
    for fk in [c for c in table.foreign_key_constraints if c.use_alter and ex.dialect.supports_alter]:
        table.constraints.discard(fk)
        for column in fk.columns:
            column.foreign_keys.difference_update(fk.elements)
        table.foreign_keys.difference_update(fk.elements)
    declared = build.declared(ex, table)
    schema_name = ex.schema(schema)
    _create_missing_enums(ex, metadata, schema_name)
    ex.run(ops.CreateTable(schema_name=schema_name, table=declared))
    return table


def _create_missing_enums(ex, metadata: sa.MetaData, schema_name: str) -> None:
    # a native Enum column brings its type along, as create_table does in SQLAlchemy; so
    # does a DOMAIN column unless create_type=False (what generated revisions say)
    for enum_schema, enums in ex.rules.enums(metadata, None).items():
        present = ex.snapshot.schemas.get(enum_schema)
        for name, enum in enums.items():
            if present is None or name not in present.enums:
                ex.run(ops.CreateEnum(schema_name=enum_schema, enum=enum))
    for domain_schema, domains in ex.rules.domains(metadata, None, created_only=True).items():
        present = ex.snapshot.schemas.get(domain_schema)
        for name, domain in domains.items():
            if present is None or name not in present.domains:
                ex.run(ops.CreateDomain(schema_name=domain_schema, domain=domain))


def drop_table(table_name: str, schema: Optional[str] = None, **kw) -> None:
    ex = _ex()
    if kw.pop("if_exists", False) and not guards.table_exists(ex, table_name, schema):
        return
    table = build.table_of(ex, table_name, schema)
    ex.run(ops.DropTable(schema_name=ex.schema(schema), table=table))


def rename_table(old_table_name: str, new_table_name: str, schema: Optional[str] = None) -> None:
    ex = _ex()
    build.table_of(ex, old_table_name, schema)
    ex.run(ops.RenameTable(schema_name=ex.schema(schema), old_name=old_table_name, new_name=new_table_name))


def create_table_comment(table_name: str, comment: Optional[str], existing_comment: Optional[str] = None,
                         schema: Optional[str] = None) -> None:
    ex = _ex()
    table = build.table_of(ex, table_name, schema)
    ex.run(ops.SetTableComment(schema_name=ex.schema(schema), table_name=table_name,
                               old_comment=table.comment, new_comment=ex.rules.comment(comment)))


def drop_table_comment(table_name: str, existing_comment: Optional[str] = None,
                       schema: Optional[str] = None) -> None:
    create_table_comment(table_name, None, existing_comment, schema)


def alter_table_options(table_name: str, engine: Optional[str] = _UNSET, collation: Optional[str] = _UNSET,
                        schema: Optional[str] = None) -> None:
    """MySQL/MariaDB: a table's engine and default collation (None: the database's
    default). A new collation converts the table's text columns (CONVERT TO CHARACTER SET);
    the ones with a collation of their own keep it."""
    from still.reflect import mysql_tables as tableinfo
    from still.reflect.mysql_types import canonical_collation

    ex = _ex()
    if ex.snapshot.dialect not in ("mysql", "mariadb"):
        raise StillError(f"alter_table_options is for MySQL and MariaDB, not {ex.snapshot.dialect}")
    table = build.table_of(ex, table_name, schema)
    where = ex.schema(schema)
    default_engine, default_collation = tableinfo.defaults(ex.rules.dialect, where)
    engine = (table.options.engine or default_engine) if engine is _UNSET else engine or default_engine
    if collation is _UNSET:
        collation = table.options.collation or default_collation
    elif collation is None:
        collation = default_collation
    options = tableinfo.relative_options(engine, canonical_collation(collation), default_engine, default_collation)
    ex.run(ops.SetTableOptions.of(where, table, options))


# -- columns -----------------------------------------------------------------------------

def add_column(table_name: str, column: sa.Column, schema: Optional[str] = None, **kw) -> None:
    ex = _ex()
    build.table_of(ex, table_name, schema)
    new, decl = build.declared_column(ex, table_name, column, schema)
    schema_name = ex.schema(schema)
    _create_missing_enums(ex, column.table.metadata, schema_name)
    ex.run(ops.AddColumn(schema_name=schema_name, table_name=table_name, column=new))
    # constraints and indexes the Column carries (ForeignKey, unique=True, index=True)
    for fk in decl.foreign_keys:
        ex.run(ops.AddConstraint(schema_name=schema_name, table_name=table_name, kind="foreign_key", constraint=fk))
    for uq in decl.unique_constraints:
        ex.run(ops.AddConstraint(schema_name=schema_name, table_name=table_name, kind="unique", constraint=uq))
    for ck in decl.check_constraints:
        ex.run(ops.AddConstraint(schema_name=schema_name, table_name=table_name, kind="check", constraint=ck))
    for ix in decl.indexes:
        if ix in build.table_of(ex, table_name, schema).indexes:
            continue  # made by the server with the foreign key (MySQL)
        ex.run(ops.CreateIndex(schema_name=schema_name, table_name=table_name, index=ix))


def drop_column(table_name: str, column_name: str, schema: Optional[str] = None, **kw) -> None:
    ex = _ex()
    schema_name = ex.schema(schema)
    table = build.table_of(ex, table_name, schema)
    column = build.column_of(table, column_name)
    # what depends on the column goes first, as the database itself would drop it; its
    # foreign keys before the indexes (MySQL keeps an index a foreign key needs)
    for cons in table.foreign_keys:
        if column_name in cons.columns:
            ex.run(ops.DropConstraint(schema_name=schema_name, table_name=table_name, kind="foreign_key",
                                      constraint=cons))
    for ix in build.table_of(ex, table_name, schema).indexes:
        if any(e.column == column_name for e in ix.elements) or column_name in ix.include:
            ex.run(ops.DropIndex(schema_name=schema_name, table_name=table_name, index=ix))
    for cons in table.unique_constraints:
        if column_name in cons.columns:
            ex.run(ops.DropConstraint(schema_name=schema_name, table_name=table_name, kind="unique",
                                      constraint=cons))
    ex.run(ops.DropColumn(schema_name=schema_name, table_name=table_name, column=column))


def alter_column(table_name: str, column_name: str, nullable: Optional[bool] = None,
                 comment: Union[str, None, bool] = False, server_default: Any = False,
                 new_column_name: Optional[str] = None, type_: Any = None,
                 existing_type: Any = None, existing_server_default: Any = False,
                 existing_nullable: Optional[bool] = None, existing_comment: Optional[str] = None,
                 schema: Optional[str] = None, autoincrement: Optional[bool] = None, **kw) -> None:
    """Alembic's alter_column. As there, `server_default=sa.Identity(...)` or `sa.Computed(...)`
    makes the column an identity or generated column, and `server_default=None` with
    `existing_server_default=sa.Identity(...)`/`sa.Computed(...)` turns that off;
    `autoincrement=True/False` adds or removes a SERIAL-style sequence default."""
    ex = _ex()
    schema_name = ex.schema(schema)
    table = build.table_of(ex, table_name, schema)
    old = build.column_of(table, column_name)
    changes: dict[str, Any] = {}
    if nullable is not None:
        changes["nullable"] = bool(nullable)
    if autoincrement is not None:
        changes["autoincrement"] = bool(autoincrement)
    generated = (sa.Identity, sa.Computed)
    if isinstance(server_default, generated):
        from still.ops.ddl.sa_build import SnapshotType

        probe = sa.Column(column_name, type_ if type_ is not None else SnapshotType(old.type), server_default)
        declared, _ = build.declared_column(ex, table_name, probe, schema)
        field = "identity" if isinstance(server_default, sa.Identity) else "computed"
        changes[field] = getattr(declared, field)
        server_default = False
    elif server_default is None and isinstance(existing_server_default, generated):
        changes["identity" if isinstance(existing_server_default, sa.Identity) else "computed"] = None
        server_default = False
    if type_ is not None or server_default is not False:
        from still.ops.ddl.sa_build import SnapshotType

        # a string default is a literal, as in SQLAlchemy; sa.text() is SQL
        default = None if server_default in (False, None) else server_default
        probe = sa.Column(column_name, type_ if type_ is not None else SnapshotType(old.type),
                          server_default=default)
        declared, _ = build.declared_column(ex, table_name, probe, schema)
        if type_ is not None:
            # the collation rides on the type (String(collation=...)), as in SQLAlchemy
            changes["type"], changes["collation"] = declared.type, declared.collation
            if ex.dialect.name == "postgresql":
                _create_missing_enums(ex, probe.table.metadata, schema_name)
        if server_default is not False:
            changes["default"] = declared.default if server_default is not None else None
    if comment is not False:
        changes["comment"] = ex.rules.comment(comment)
    new = old.model_copy(update=changes)
    # as in Alembic, the CHECK a type carries (non-native Enum, Boolean with
    # create_constraint=True) goes with it: existing_type's is dropped, type_'s added
    if type_ is not None and existing_type is not None:
        for check in _type_checks(ex, column_name, existing_type):
            _drop_type_check(ex, table_name, schema, check)
    if new != old:
        ex.run(ops.AlterColumn(schema_name=schema_name, table_name=table_name, old=old, new=new))
    if type_ is not None:
        for check in _type_checks(ex, column_name, type_):
            create_check_constraint(_given_name(check.name), table_name, check.sqltext, schema=schema)
    if new_column_name and new_column_name != column_name:
        ex.run(ops.RenameColumn(schema_name=schema_name, table_name=table_name, old_name=column_name,
                                new_name=new_column_name))


def _type_checks(ex, column_name: str, type_) -> list:
    """The CHECK constraints SQLAlchemy attaches for `type_` on this dialect (a
    non-native Enum's value list, a Boolean's 0/1), as a column of a table would get them."""
    table = sa.Table("_still_probe", sa.MetaData(), sa.Column(column_name, type_))
    compiler = ex.dialect.statement_compiler(ex.dialect, None)
    return [c for c in table.constraints if isinstance(c, sa.CheckConstraint)
            and (not c._create_rule or c._create_rule(compiler))]


def _given_name(name) -> Optional[str]:
    """A constraint's name, None where SQLAlchemy left it unnamed (its _NONE_NAME)."""
    return None if name is None or type(name).__name__ == "_NoneName" else str(name)


def _drop_type_check(ex, table_name: str, schema: Optional[str], check) -> None:
    name = _given_name(check.name)
    if name is not None:
        drop_constraint(name, table_name, type_="check", schema=schema)
        return
    # unnamed (Alembic cannot drop it): the table's one check with the same condition
    ddl = ex.dialect.ddl_compiler(ex.dialect, None)
    condition = ddl.sql_compiler.process(check.sqltext, include_table=False, literal_binds=True)
    table = build.table_of(ex, table_name, schema)
    same = [c for c in table.check_constraints if _same_condition(c.expression, condition)]
    if len(same) == 1:  # the database may have named it (PostgreSQL: <table>_<column>_check)
        drop_constraint(same[0].name, table_name, type_="check", schema=schema, condition=condition)


# -- indexes -----------------------------------------------------------------------------

def create_index(index_name: Optional[str], table_name: str, columns: Sequence[Union[str, Any]],
                 schema: Optional[str] = None, unique: bool = False, **kw) -> None:
    ex = _ex()
    build.table_of(ex, table_name, schema)
    table = build.scratch_table(ex, table_name, schema)
    keys = []
    for col in columns:
        if isinstance(col, str):
            keys.append(table.c[col] if col in table.c else sa.text(col))
        else:
            keys.append(col)
    concurrently = guards.concurrently(ex, kw.pop("postgresql_concurrently", False), "CREATE INDEX")
    if_not_exists = kw.pop("if_not_exists", False)
    made = sa.Index(index_name, *keys, unique=unique, _table=table, **kw)
    declared = build.declared(ex, table)
    final = ex.rules.name_of(made)  # a naming convention may name it (metadata_naming_convention)
    if if_not_exists and guards.index_exists(ex, final, table_name, schema):
        return
    index = next((ix for ix in declared.indexes if ix.name == final), None)
    if index is None:  # MySQL keeps a unique index on plain columns as a unique key
        ex.run(ops.AddConstraint(schema_name=ex.schema(schema), table_name=table_name, kind="unique",
                                 constraint=next(u for u in declared.unique_constraints if u.name == final)))
        return
    ex.run(ops.CreateIndex(schema_name=ex.schema(schema), table_name=table_name, index=index,
                           concurrently=concurrently))


def drop_index(index_name: str, table_name: Optional[str] = None, schema: Optional[str] = None, **kw) -> None:
    ex = _ex()
    if kw.pop("if_exists", False) and not guards.index_exists(ex, index_name, table_name, schema):
        return
    schema_name = ex.schema(schema)
    tables = ([build.table_of(ex, table_name, schema)] if table_name
              else list(ex.snapshot.schemas.get(schema_name, s.Schema(name=schema_name)).tables.values()))
    concurrently = guards.concurrently(ex, kw.pop("postgresql_concurrently", False), "DROP INDEX")
    for table in tables:
        for ix in table.indexes:
            if ix.name == index_name:
                ex.run(ops.DropIndex(schema_name=schema_name, table_name=table.name, index=ix,
                                     concurrently=concurrently))
                return
    if any((schema_name, t.name, index_name) in ex.dropped_by_server for t in tables):
        return  # the database dropped it by itself already (a foreign key's own index)
    if ex.dialect.name == "mysql":  # a unique index there is a unique key
        for table in tables:
            for cons in table.unique_constraints:
                if cons.name == index_name:
                    ex.run(ops.DropConstraint(schema_name=schema_name, table_name=table.name, kind="unique",
                                              constraint=cons))
                    return
        for table in tables:
            for fk in table.foreign_keys:
                if fk.name == index_name:
                    # the index the foreign key made for itself, gone when another key took
                    # over: the statement says IF EXISTS on MariaDB (as `still generate` writes
                    # the drop after the key that takes over)
                    ex.run(ops.DropIndex(schema_name=schema_name, table_name=table.name, index=s.Index(
                        name=index_name, elements=tuple(s.IndexElement(column=c) for c in fk.columns))))
                    return
    raise NoSuchObject(f"index {index_name!r} does not exist" + (f" on table {table_name!r}" if table_name else ""))


def rename_index(index_name: str, table_name: str, new_index_name: str, schema: Optional[str] = None) -> None:
    """Give an index another name, keeping its definition (not in Alembic: there it takes
    op.execute). PostgreSQL renames it in place; SQLite builds it again."""
    ex = _ex()
    table = build.table_of(ex, table_name, schema)
    if not any(ix.name == index_name for ix in table.indexes):
        raise NoSuchObject(f"index {index_name!r} does not exist on table {table_name!r}")
    ex.run(ops.RenameIndex(schema_name=ex.schema(schema), table_name=table_name, old_name=index_name,
                           new_name=new_index_name))


# -- constraints -------------------------------------------------------------------------

def _add(ex, table_name: str, schema: Optional[str], kind: str, constraint, pick) -> None:
    build.table_of(ex, table_name, schema)
    table = build.scratch_table(ex, table_name, schema)
    table.append_constraint(constraint)
    declared = build.declared(ex, table)
    final = ex.rules.name_of(constraint)  # as a naming convention names it, if one does
    ex.run(ops.AddConstraint(schema_name=ex.schema(schema), table_name=table_name, kind=kind,
                             constraint=pick(declared, final)))


def _named(group, name):
    return next(c for c in group if c.name == name) if name else group[-1]


def create_primary_key(constraint_name: Optional[str], table_name: str, columns: Sequence[str],
                       schema: Optional[str] = None) -> None:
    ex = _ex()
    _add(ex, table_name, schema, "primary_key", sa.PrimaryKeyConstraint(*columns, name=constraint_name),
         lambda t, name: t.primary_key)


def create_unique_constraint(constraint_name: Optional[str], table_name: str, columns: Sequence[str],
                             schema: Optional[str] = None, **kw) -> None:
    ex = _ex()
    cols = list(columns)
    _add(ex, table_name, schema, "unique", sa.UniqueConstraint(*cols, name=constraint_name, **kw),
         lambda t, name: next(u for u in t.unique_constraints if list(u.columns) == cols
                              and (name is None or u.name == name)))


def create_check_constraint(constraint_name: Optional[str], table_name: str, condition,
                            schema: Optional[str] = None, **kw) -> None:
    ex = _ex()
    if isinstance(condition, str):
        condition = sa.text(condition)
    _add(ex, table_name, schema, "check", sa.CheckConstraint(condition, name=constraint_name),
         lambda t, name: _named(t.check_constraints, name))


def create_foreign_key(constraint_name: Optional[str], source_table: str, referent_table: str,
                       local_cols: Sequence[str], remote_cols: Sequence[str], onupdate: Optional[str] = None,
                       ondelete: Optional[str] = None, deferrable: Optional[bool] = None,
                       initially: Optional[str] = None, match: Optional[str] = None,
                       source_schema: Optional[str] = None, referent_schema: Optional[str] = None,
                       **kw) -> None:
    ex = _ex()
    ref_schema = build.sa_schema(ex, referent_schema)
    prefix = f"{ref_schema}." if ref_schema else ""
    constraint = sa.ForeignKeyConstraint(list(local_cols), [f"{prefix}{referent_table}.{c}" for c in remote_cols],
                                         name=constraint_name, onupdate=onupdate, ondelete=ondelete,
                                         deferrable=deferrable, initially=initially, match=match)
    cols = tuple(local_cols)
    _add(ex, source_table, source_schema, "foreign_key", constraint,
         lambda t, name: next(fk for fk in t.foreign_keys if fk.columns == cols
                              and (name is None or fk.name == name)))


def create_exclude_constraint(constraint_name: Optional[str], table_name: str, *elements, **kw) -> None:
    """PostgreSQL's EXCLUDE constraint, as Alembic's op.create_exclude_constraint takes it:
    `elements` are (column name or expression, operator) pairs; `using=`, `where=`,
    `deferrable=`, `initially=`, `schema=` as in sqlalchemy's ExcludeConstraint."""
    from sqlalchemy.dialects.postgresql import ExcludeConstraint

    ex = _ex()
    if ex.dialect.name != "postgresql":
        raise StillError(f"EXCLUDE constraints exist on PostgreSQL only, not on {ex.dialect.name}")
    schema = kw.pop("schema", None)
    build.table_of(ex, table_name, schema)
    table = build.scratch_table(ex, table_name, schema)
    cons = ExcludeConstraint(*elements, name=constraint_name, **kw)
    table.append_constraint(cons)
    ex.execute(sa.schema.AddConstraint(cons))


def drop_constraint(constraint_name: Optional[str], table_name: str, type_: Optional[str] = None,
                    schema: Optional[str] = None, columns: Optional[Sequence[str]] = None,
                    condition: Optional[str] = None, **kw) -> None:
    """Alembic's drop_constraint. SQLite keeps constraints without names: there
    `constraint_name=None` drops the only one of `type_`, or the one over `columns`
    (unique, foreign key) or with the `condition` (check), as `still generate` writes it."""
    ex = _ex()
    from still.runtime.conventions import given_name

    named = given_name(ex.naming_convention, type_, table_name, constraint_name)
    if named is not constraint_name:  # as SQLAlchemy spells it: cut to the dialect's length
        from sqlalchemy.sql.elements import conv

        constraint_name = ex.rules.name_of(sa.CheckConstraint(sa.text("1"), name=conv(named)))
    if type_ and _CONSTRAINT_TYPES.get(type_.lower()) == "primary_key" and constraint_name is not None:
        # MySQL names every primary key PRIMARY, whatever name it was given: any name is it
        constraint_name = ex.rules.name_of(sa.PrimaryKeyConstraint(name=constraint_name))
    kind, cons = _find_constraint(build.table_of(ex, table_name, schema), constraint_name, table_name, type_,
                                  columns, condition)
    ex.run(ops.DropConstraint(schema_name=ex.schema(schema), table_name=table_name, kind=kind, constraint=cons))


def _find_constraint(table: s.Table, constraint_name, table_name: str, type_: Optional[str],
                     columns: Optional[Sequence[str]] = None, condition: Optional[str] = None):
    """(kind, constraint) named `constraint_name` on `table` (of kind `type_`, over
    `columns`, with the check `condition`, when given)."""
    wanted = _CONSTRAINT_TYPES.get(type_.lower()) if type_ else None
    if type_ and wanted is None:
        raise StillError(f"constraint type_ {type_!r}: expected foreignkey, unique, check or primary")
    found = [(kind, cons) for kind, cons in _constraints(table)
             if cons.name == constraint_name and (wanted is None or wanted == kind)
             and (columns is None or tuple(getattr(cons, "columns", ())) == tuple(columns))
             and (condition is None or _same_condition(getattr(cons, "expression", None), condition))]
    if not found:
        which = "" if columns is None and condition is None else " with those columns or that condition"
        raise NoSuchObject(f"constraint {constraint_name!r}{which} does not exist on table {table_name!r}")
    if len(found) > 1:
        # unnamed constraints (SQLite keeps them so): None names one only when it is alone
        raise StillError(f"table {table_name!r} has {len(found)} {type_ or ''} constraints named {constraint_name!r}: "
                         f"{', '.join(_describe(kind, cons) for kind, cons in found)}; say which with "
                         f"columns=[...] or condition=\"...\"")
    return found[0]


def _same_condition(expression: Optional[str], condition: str) -> bool:
    from still.sqlexpr import normalize

    return expression is not None and (expression == condition or normalize(expression) == normalize(condition))


def _describe(kind: str, cons) -> str:
    if kind == "check":
        return f"CHECK ({cons.expression})"
    if kind == "foreign_key":
        return f"FOREIGN KEY ({', '.join(cons.columns)}) -> {cons.referred_table}"
    return f"{kind.upper().replace('_', ' ')} ({', '.join(cons.columns)})"


def rename_constraint(constraint_name: str, table_name: str, new_name: str, type_: Optional[str] = None,
                      schema: Optional[str] = None) -> None:
    """Give a constraint another name (not in Alembic: there it takes op.execute)."""
    ex = _ex()
    kind, _ = _find_constraint(build.table_of(ex, table_name, schema), constraint_name, table_name, type_)
    ex.run(ops.RenameConstraint(schema_name=ex.schema(schema), table_name=table_name, kind=kind,
                                old_name=constraint_name, new_name=new_name))


# -- enums and sequences (PostgreSQL) -----------------------------------------------------

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


def add_enum_value(name: str, value: str, before: Optional[str] = None, schema: Optional[str] = None) -> None:
    ex = _ex()
    enum = _enum(ex, name, schema)
    ex.run(ops.AddEnumValue(schema_name=ex.schema(schema), enum_name=name, value=value, before=before,
                            old_values=enum.values))


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
        from still.declare.postgresql import make_object_name

        found += (rules.domain_check(constraint_name or make_object_name(name, None, "check"), check),)
    domain = s.Domain(name=name, type=type_text, not_null=not_null, default=rules.domain_default(default, type_text),
                      checks=found, collation=collation)
    ex.run(ops.CreateDomain(schema_name=ex.schema(schema), domain=domain))


def _domain(ex, name: str, schema: Optional[str]) -> s.Domain:
    domain = ex.snapshot.schemas.get(ex.schema(schema), s.Schema(name="")).domains.get(name)
    if domain is None:
        raise StillError(f"domain {name!r} does not exist")
    return domain


def alter_domain(name: str, default=_UNSET, not_null: bool = _UNSET, checks: dict = _UNSET,
                 schema: Optional[str] = None) -> None:
    """ALTER DOMAIN: what is given changes (`default=None` drops it; `checks` is the whole
    new set of CHECKs, {name: SQL}), the rest stays."""
    ex = _ex()
    rules = _domain_rules(ex)
    old = _domain(ex, name, schema)
    update = {}
    if default is not _UNSET:
        update["default"] = rules.domain_default(default, old.type)
    if not_null is not _UNSET:
        update["not_null"] = bool(not_null)
    if checks is not _UNSET:
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



def alter_sequence(name: str, schema: Optional[str] = None, start: int = _UNSET, increment: int = _UNSET,
                   minvalue: Optional[int] = _UNSET, maxvalue: Optional[int] = _UNSET, cycle: bool = _UNSET,
                   cache: int = _UNSET) -> None:
    """ALTER SEQUENCE: the options given change (minvalue/maxvalue None: the default bound),
    the others and the current value stay."""
    ex = _ex()
    old = ex.snapshot.schemas.get(ex.schema(schema), s.Schema(name="")).sequences.get(name)
    if old is None:
        raise StillError(f"sequence {name!r} does not exist")
    given = dict(start=start, increment=increment, minvalue=minvalue, maxvalue=maxvalue, cycle=cycle, cache=cache)
    new = old.model_copy(update={k: v for k, v in given.items() if v is not _UNSET})
    ex.run(ops.AlterSequence(schema_name=ex.schema(schema), old=old, new=s.Sequence.model_validate(new.model_dump())))


def drop_sequence(name: str, schema: Optional[str] = None) -> None:
    ex = _ex()
    seq = ex.snapshot.schemas.get(ex.schema(schema), s.Schema(name="")).sequences.get(name)
    if seq is None:
        raise StillError(f"sequence {name!r} does not exist")
    ex.run(ops.DropSequence(schema_name=ex.schema(schema), sequence=seq))


# -- data and escape hatches -------------------------------------------------------------

def execute(sqltext, execution_options: Optional[dict] = None) -> None:
    _ex().execute(sqltext, execution_options)


def bulk_insert(table, rows: Sequence[dict], multiinsert: bool = True) -> None:
    _ex().bulk_insert(table, rows, multiinsert)


def get_bind():
    return _ex().connection()


def get_context():
    """The running migration's context (`.dialect`, `.bind`, `.as_sql`, `.opts`,
    `.autocommit_block()`), as Alembic's op.get_context() gives it."""
    from still.runtime.context_view import MigrationContext

    return MigrationContext(_ex())


def f(name: str):
    """Mark a name as final: no naming convention is applied to it (Alembic's op.f)."""
    from sqlalchemy.sql.elements import conv

    return conv(name)


def inline_literal(value, type_=None):
    """A value written into the SQL itself rather than bound, online and offline alike,
    for data changes that must also appear in --sql output (Alembic's op.inline_literal)."""
    return sa.literal(value, type_=type_).render_literal_execute()


def is_offline_mode() -> bool:
    return _ex().offline


def get_tag_argument() -> Optional[str]:
    """The value of --tag given to upgrade/downgrade, or None."""
    return _ex().tag


def get_x_argument(as_dictionary: bool = False):
    """The -x key=value options: a dict with as_dictionary=True, else 'key=value' strings."""
    x = _ex().x
    return dict(x) if as_dictionary else [f"{k}={v}" for k, v in x.items()]


def autocommit_block():
    """Commit, run the block outside a transaction (CREATE INDEX CONCURRENTLY, ...), begin again."""
    return _ex().autocommit_block()


# -- batch -------------------------------------------------------------------------------

class BatchOperations:
    """`op.batch_alter_table(t)` hands this out: the operations of `op` bound to one table.
    Every change runs at once; on SQLite each already rebuilds the table when ALTER cannot
    do it, so Alembic's `recreate=`, `copy_from=`, `table_args`, `reflect_args` and
    `partial_reordering` change nothing in the result and are accepted as given.

    Where Alembic's batch mode recreates the table (on SQLite, or with
    recreate="always"), creating a constraint under a name the table already has replaces
    it, as there (and with recreate="always" an index too); `naming_convention=` names the
    table's unnamed constraints so that `drop_constraint` can find them by those names."""

    def __init__(self, table_name: str, schema: Optional[str], naming_convention: Optional[dict] = None,
                 recreate: str = "auto"):
        self.table_name = table_name
        self.schema = schema
        self.naming_convention = naming_convention or {}
        self.recreate = recreate
        # what drop_column took along (indexes, unique and foreign keys over the column):
        # Alembic's batch mode recreates the table once at the end, so one whose columns
        # all exist again then (the column was added back) is kept; see _finish
        self._collateral: list = []
        # indexes over columns the block adds later: where Alembic recreates the table, its
        # indexes are made after every column change of the block, so order does not matter
        self._deferred: list = []

    def _recreates(self) -> bool:
        return self.recreate == "always" or (self.recreate == "auto" and _ex().dialect.name == "sqlite")

    def __getattr__(self, name: str):
        # what is not bound to a table (f, execute, get_bind, get_context, ...) is op's own
        if name.startswith("_") or name in _TABLE_BOUND:
            raise AttributeError(name)
        found = globals().get(name)
        if not callable(found) or name in ("batch_alter_table", "current"):
            raise AttributeError(f"batch operations have no {name!r}")
        return found

    def _table(self) -> s.Table:
        return build.table_of(_ex(), self.table_name, self.schema)

    def _replace(self, constraint_name) -> None:
        if constraint_name is None or not self._recreates():
            return
        named = [(kind, cons) for kind, cons in _constraints(self._table()) if cons.name == constraint_name]
        if len(named) == 1:
            kind, cons = named[0]
            ex = _ex()
            ex.run(ops.DropConstraint(schema_name=ex.schema(self.schema), table_name=self.table_name,
                                      kind=kind, constraint=cons))

    def add_column(self, column: sa.Column, insert_before: Optional[str] = None,
                   insert_after: Optional[str] = None, **kw) -> None:
        add_column(self.table_name, column, schema=self.schema)

    def drop_column(self, column_name: str, **kw) -> None:
        table = self._table()
        self._collateral += [("index", ix) for ix in table.indexes
                             if any(e.column == column_name for e in ix.elements) or column_name in ix.include]
        self._collateral += [(kind, cons) for kind, group in (("unique", table.unique_constraints),
                                                              ("foreign_key", table.foreign_keys))
                             for cons in group if column_name in cons.columns]
        drop_column(self.table_name, column_name, schema=self.schema)

    def _finish(self) -> None:
        for index_name, columns, kw in self._deferred:
            create_index(index_name, self.table_name, columns, schema=self.schema, **kw)
        if not self._collateral:
            return
        ex = _ex()
        table = self._table()
        present = {c.name for c in table.columns}
        names = {ix.name for ix in table.indexes} | {c.name for _, c in _constraints(table)}
        for kind, item in self._collateral:
            columns = [e.column for e in item.elements if e.column] + list(item.include) if kind == "index" \
                else list(item.columns)
            if not set(columns) <= present or (item.name is not None and item.name in names):
                continue
            if kind == "index":
                ex.run(ops.CreateIndex(schema_name=ex.schema(self.schema), table_name=self.table_name, index=item))
            else:
                ex.run(ops.AddConstraint(schema_name=ex.schema(self.schema), table_name=self.table_name,
                                         kind=kind, constraint=item))

    def _forget(self, name: Optional[str]) -> bool:
        """A drop of what drop_column already took along: nothing left to do."""
        for entry in self._collateral:
            if name is not None and entry[1].name == name:
                self._collateral.remove(entry)
                return True
        return False

    def alter_column(self, column_name: str, insert_before: Optional[str] = None,
                     insert_after: Optional[str] = None, **kw) -> None:
        alter_column(self.table_name, column_name, schema=self.schema, **kw)

    def create_index(self, index_name: str, columns, **kw) -> None:
        if self.recreate == "always" and any(ix.name == index_name for ix in self._table().indexes):
            drop_index(index_name, self.table_name, schema=self.schema)
        present = {c.name for c in self._table().columns}
        if self._recreates() and any(isinstance(c, str) and c not in present for c in columns):
            self._deferred.append((index_name, columns, kw))
            return
        create_index(index_name, self.table_name, columns, schema=self.schema, **kw)

    def drop_index(self, index_name: str, **kw) -> None:
        for entry in self._deferred:
            if entry[0] == index_name:
                self._deferred.remove(entry)
                return
        if self._forget(index_name) and not any(ix.name == index_name for ix in self._table().indexes):
            return
        drop_index(index_name, self.table_name, schema=self.schema, **kw)

    def rename_index(self, index_name: str, new_index_name: str) -> None:
        rename_index(index_name, self.table_name, new_index_name, schema=self.schema)

    def create_unique_constraint(self, constraint_name, columns, **kw) -> None:
        self._replace(constraint_name)
        create_unique_constraint(constraint_name, self.table_name, columns, schema=self.schema, **kw)

    def create_check_constraint(self, constraint_name, condition, **kw) -> None:
        self._replace(constraint_name)
        create_check_constraint(constraint_name, self.table_name, condition, schema=self.schema)

    def create_primary_key(self, constraint_name, columns) -> None:
        table = self._table()
        if table.primary_key is not None:
            ex = _ex()
            ex.run(ops.DropConstraint(schema_name=ex.schema(self.schema), table_name=self.table_name,
                                      kind="primary_key", constraint=table.primary_key))
        create_primary_key(constraint_name, self.table_name, columns, schema=self.schema)

    def create_foreign_key(self, constraint_name, referent_table, local_cols, remote_cols, **kw) -> None:
        self._replace(constraint_name)
        create_foreign_key(constraint_name, self.table_name, referent_table, local_cols, remote_cols,
                           source_schema=self.schema, **kw)

    def create_exclude_constraint(self, constraint_name, *elements, **kw) -> None:
        create_exclude_constraint(constraint_name, self.table_name, *elements, schema=self.schema, **kw)

    def drop_constraint(self, constraint_name: Optional[str], type_: Optional[str] = None,
                        columns: Optional[Sequence[str]] = None, condition: Optional[str] = None) -> None:
        table = self._table()
        if self._forget(constraint_name) and not any(c.name == constraint_name for _, c in _constraints(table)):
            return
        if self.naming_convention and constraint_name is not None \
                and not any(c.name == constraint_name for _, c in _constraints(table)):
            from still.runtime.conventions import convention_name

            for kind, cons in _constraints(table):
                if cons.name is None and convention_name(self.naming_convention, kind, table, cons) == constraint_name:
                    ex = _ex()
                    ex.run(ops.DropConstraint(schema_name=ex.schema(self.schema), table_name=self.table_name,
                                              kind=kind, constraint=cons))
                    return
        drop_constraint(constraint_name, self.table_name, type_=type_, schema=self.schema, columns=columns,
                        condition=condition)

    def create_table_comment(self, comment, existing_comment=None) -> None:
        create_table_comment(self.table_name, comment, schema=self.schema)

    def drop_table_comment(self, existing_comment=None) -> None:
        drop_table_comment(self.table_name, schema=self.schema)


_TABLE_BOUND = frozenset(("create_table", "drop_table", "rename_table", "add_column", "drop_column",
                          "create_index", "drop_index", "create_foreign_key", "drop_constraint"))


def _constraints(table: s.Table):
    found = [("primary_key", table.primary_key)] if table.primary_key else []
    found += [("foreign_key", c) for c in table.foreign_keys]
    found += [("unique", c) for c in table.unique_constraints]
    found += [("check", c) for c in table.check_constraints]
    return found


@contextlib.contextmanager
def batch_alter_table(table_name: str, schema: Optional[str] = None, recreate: str = "auto",
                      partial_reordering: Optional[tuple] = None, copy_from: Optional[sa.Table] = None,
                      table_args: tuple = (), table_kwargs: Optional[dict] = None,
                      reflect_args: tuple = (), reflect_kwargs: Optional[dict] = None,
                      naming_convention: Optional[dict] = None):
    """Alembic's batch_alter_table: see BatchOperations for what each option does here."""
    if recreate not in ("auto", "always", "never"):
        raise StillError(f"batch_alter_table recreate={recreate!r}: expected 'auto', 'always' or 'never'")
    _ex()
    batch = BatchOperations(table_name, schema, naming_convention, recreate)
    yield batch
    batch._finish()
