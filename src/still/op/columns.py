"""op.add_column, drop_column, alter_column."""

from __future__ import annotations

from typing import Any, Optional, Union

import sqlalchemy as sa

from still import ops
from still.op import guards, mysql_restate
from still.op.constraints import (
    create_check_constraint,
    drop_constraint,
    same_condition,
)
from still.op.tables import create_missing_enums
from still.runtime import build
from still.runtime.executor import current as _ex


def add_column(table_name: str, column: sa.Column, schema: Optional[str] = None,
               if_not_exists: Optional[bool] = None, inline_references: Optional[bool] = None,
               inline_primary_key: Optional[bool] = None, **kw) -> None:
    """Alembic's add_column. As there, a `primary_key=True` column makes the primary key
    only with `inline_primary_key=True`; `inline_references=True` writes its one foreign
    key inside ADD COLUMN, where it takes no name: the database names it."""
    ex = _ex()
    table = build.table_of(ex, table_name, schema)
    if if_not_exists and any(c.name == column.name for c in table.columns):
        build.declared_column(ex, table_name, column, schema)  # puts it in a table, for its DDL
        guards.skipped(ex, lambda: guards.add_column_sql(ex, table_name, schema, column))
        return
    new, decl = build.declared_column(ex, table_name, column, schema)
    schema_name = ex.schema(schema)
    create_missing_enums(ex, column.table.metadata, schema_name)
    ex.run(ops.AddColumn(schema_name=schema_name, table_name=table_name, column=new))
    if inline_primary_key and decl.primary_key is not None:
        ex.run(ops.AddConstraint(schema_name=schema_name, table_name=table_name, kind="primary_key",
                                 constraint=decl.primary_key))
    # constraints and indexes the Column carries (ForeignKey, unique=True, index=True)
    foreign_keys = decl.foreign_keys
    if inline_references and len(column.foreign_keys) == 1:
        foreign_keys = _unnamed_foreign_key(ex, table_name, schema, column)
    for fk in foreign_keys:
        ex.run(ops.AddConstraint(schema_name=schema_name, table_name=table_name, kind="foreign_key", constraint=fk))
    for uq in decl.unique_constraints:
        ex.run(ops.AddConstraint(schema_name=schema_name, table_name=table_name, kind="unique", constraint=uq))
    for ck in decl.check_constraints:
        ex.run(ops.AddConstraint(schema_name=schema_name, table_name=table_name, kind="check", constraint=ck))
    for ix in decl.indexes:
        if ix in build.table_of(ex, table_name, schema).indexes:
            continue  # made by the server with the foreign key (MySQL)
        ex.run(ops.CreateIndex(schema_name=schema_name, table_name=table_name, index=ix))


def _unnamed_foreign_key(ex, table_name: str, schema: Optional[str], column: sa.Column) -> tuple:
    """The column's foreign key as REFERENCES inside ADD COLUMN makes it: as the database
    names an unnamed one."""
    (fk,) = column.foreign_keys
    probe = sa.Column(column.name, column.type, sa.ForeignKey(
        fk.target_fullname, ondelete=fk.ondelete, onupdate=fk.onupdate, deferrable=fk.deferrable,
        initially=fk.initially, match=fk.match))
    _, decl = build.declared_column(ex, table_name, probe, schema)
    return decl.foreign_keys


def drop_column(table_name: str, column_name: str, schema: Optional[str] = None,
                if_exists: Optional[bool] = None, **kw) -> None:
    ex = _ex()
    schema_name = ex.schema(schema)
    table = build.table_of(ex, table_name, schema)
    if if_exists and not any(c.name == column_name for c in table.columns):
        guards.skipped(ex, lambda: guards.drop_column_sql(ex, table_name, schema, column_name))
        return
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
    generated = (sa.Identity, sa.Computed)
    restating = ex.dialect.name == "mysql" and kw.pop("_restate", True) \
        and not isinstance(server_default, generated) and not isinstance(existing_server_default, generated) \
        and mysql_restate.restates(type_, existing_type, nullable, server_default, comment, autoincrement,
                                   new_column_name)
    if restating:
        whole = mysql_restate.restated(
            ex, table_name, schema, old, type_=type_, existing_type=existing_type, nullable=nullable,
            existing_nullable=existing_nullable, server_default=server_default,
            existing_server_default=existing_server_default, comment=comment, existing_comment=existing_comment,
            autoincrement=autoincrement, existing_autoincrement=kw.get("existing_autoincrement"))
    if nullable is not None:
        changes["nullable"] = bool(nullable)
    if autoincrement is not None:
        changes["autoincrement"] = bool(autoincrement)
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

        # a string default is a literal, as in SQLAlchemy; sa.text() is SQL. Compared by
        # identity: sa.false() equals False, sa.true() refuses to be compared, "" is a default
        default = None if server_default is False or server_default is None else server_default
        probe = sa.Column(column_name, type_ if type_ is not None else SnapshotType(old.type),
                          server_default=default)
        declared, _ = build.declared_column(ex, table_name, probe, schema)
        if type_ is not None:
            # the collation rides on the type (String(collation=...)), as in SQLAlchemy
            changes["type"], changes["collation"] = declared.type, declared.collation
            if ex.dialect.name == "postgresql":
                create_missing_enums(ex, probe.table.metadata, schema_name)
        if server_default is not False:
            changes["default"] = declared.default if server_default is not None else None
    if comment is not False:
        changes["comment"] = ex.rules.comment(comment)
    if restating:
        changes.update(whole)
    new = old.model_copy(update=changes)
    # as in Alembic, the CHECK a type carries (non-native Enum, Boolean with
    # create_constraint=True) goes with it: existing_type's is dropped, type_'s added;
    # Alembic's MySQL dialect never drops a type's own CHECK, so there it stays
    if type_ is not None and existing_type is not None and ex.dialect.name != "mysql":
        for check in _type_checks(ex, column_name, existing_type):
            _drop_type_check(ex, table_name, schema, check)
    using = kw.pop("postgresql_using", None)
    if new != old:
        ex.run(ops.AlterColumn(schema_name=schema_name, table_name=table_name, old=old, new=new,
                               using=_sql_text(ex, using) if ex.dialect.name == "postgresql" else None))
    if type_ is not None:
        for check in _type_checks(ex, column_name, type_):
            create_check_constraint(_given_name(check.name), table_name, check.sqltext, schema=schema)
    if new_column_name and new_column_name != column_name:
        ex.run(ops.RenameColumn(schema_name=schema_name, table_name=table_name, old_name=column_name,
                                new_name=new_column_name))


def _sql_text(ex, expression) -> Optional[str]:
    """postgresql_using= as SQL: a string as it is, a construct compiled."""
    if expression is None or isinstance(expression, str):
        return expression
    return str(expression.compile(dialect=ex.dialect, compile_kwargs={"literal_binds": True}))


def _type_checks(ex, column_name: str, type_) -> list:
    """The CHECK constraints SQLAlchemy attaches for `type_` on this dialect (a
    non-native Enum's value list, a Boolean's 0/1), as a column of a table would get them."""
    from still.declare.as_created import TableAsCreated

    table = sa.Table("_still_probe", sa.MetaData(), sa.Column(column_name, type_))
    return [c for c in TableAsCreated(ex.dialect).constraints(table) if isinstance(c, sa.CheckConstraint)]


def _given_name(name) -> Optional[str]:
    """A constraint's name, None where SQLAlchemy left it unnamed: a name given is a
    string (`conv` and `quoted_name` are), SQLAlchemy's mark for "none" is not."""
    return str(name) if isinstance(name, str) else None


def _drop_type_check(ex, table_name: str, schema: Optional[str], check) -> None:
    name = _given_name(check.name)
    if name is not None:
        drop_constraint(name, table_name, type_="check", schema=schema)
        return
    # unnamed (Alembic cannot drop it): the table's one check with the same condition
    ddl = ex.dialect.ddl_compiler(ex.dialect, None)
    condition = ddl.sql_compiler.process(check.sqltext, include_table=False, literal_binds=True)
    table = build.table_of(ex, table_name, schema)
    same = [c for c in table.check_constraints if same_condition(c.expression, condition)]
    if len(same) == 1:  # the database may have named it (PostgreSQL: <table>_<column>_check)
        drop_constraint(same[0].name, table_name, type_="check", schema=schema, condition=condition)
