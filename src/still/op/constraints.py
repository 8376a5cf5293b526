"""op.create_*_constraint, create_foreign_key, create_exclude_constraint, drop_constraint,
rename_constraint."""

from __future__ import annotations

from typing import Optional, Sequence

import sqlalchemy as sa

from still import ops
from still import snapshot as s
from still.errors import NoSuchObject, StillError
from still.op import guards
from still.op.common import CONSTRAINT_TYPES, constraints_of
from still.runtime import build
from still.runtime.executor import current as _ex


def _add(ex, table_name: str, schema: Optional[str], kind: str, constraint, pick,
         using_index: Optional[str] = None) -> None:
    build.table_of(ex, table_name, schema)
    table = build.scratch_table(ex, table_name, schema)
    table.append_constraint(constraint)
    declared = build.declared(ex, table)
    final = ex.rules.name_of(constraint)  # as a naming convention names it, if one does
    # postgresql_not_valid=True: the rows already there are not checked (VALIDATE later)
    not_valid = ex.dialect.name == "postgresql" and bool(constraint.dialect_kwargs.get("postgresql_not_valid"))
    if not_valid and _left_not_valid(ex, table_name, schema, kind, pick(declared, final)):
        return
    ex.run(ops.AddConstraint(schema_name=ex.schema(schema), table_name=table_name, kind=kind,
                             constraint=pick(declared, final), not_valid=not_valid,
                             using_index=_using_index(ex, table_name, schema, using_index)))


_NOT_VALIDATED = """
SELECT 1 FROM pg_catalog.pg_constraint con
JOIN pg_catalog.pg_class c ON c.oid = con.conrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE con.conname = :name AND c.relname = :table AND n.nspname = :schema AND NOT con.convalidated
"""


def _left_not_valid(ex, table_name: str, schema: Optional[str], kind: str, wanted) -> bool:
    """A run of this revision that stopped at its VALIDATE (a row broke the constraint)
    committed the ADD ... NOT VALID before it: the same constraint, still not validated, is
    there. Running the revision again adds nothing and goes on to the VALIDATE."""
    if ex.offline or wanted.name is None:
        return False
    table = build.table_of(ex, table_name, schema)
    if (kind, wanted) not in constraints_of(table):
        return False
    found = ex.conn.execute(sa.text(_NOT_VALIDATED), {"name": wanted.name, "table": table_name,
                                                      "schema": ex.schema(schema)}).first()
    if found is None:
        return False
    import sys

    print(f"note: constraint {wanted.name} is on {table_name} already, NOT VALID (left by a run that stopped "
          f"at its validation): not added again", file=sys.stderr)
    return True


def _using_index(ex, table_name: str, schema: Optional[str], index_name: Optional[str]) -> Optional[str]:
    """postgresql_using_index=: a unique index already there (built CONCURRENTLY) becomes
    the constraint's, so that adding it builds nothing under the table's lock."""
    if index_name is None:
        return None
    if ex.dialect.name != "postgresql":
        raise StillError(f"postgresql_using_index={index_name!r}: only PostgreSQL makes a constraint "
                         f"from an existing index")
    table = build.table_of(ex, table_name, schema)
    index = next((ix for ix in table.indexes if ix.name == index_name), None)
    if index is None or not index.unique:
        raise NoSuchObject(f"postgresql_using_index={index_name!r}: table {table_name!r} has no unique "
                           f"index of that name")
    return index_name


def _named(group, name):
    return next(c for c in group if c.name == name) if name else group[-1]


def create_primary_key(constraint_name: Optional[str], table_name: str, columns: Sequence[str],
                       schema: Optional[str] = None, **kw) -> None:  # kw: deferrable, initially
    ex = _ex()
    using = kw.pop("postgresql_using_index", None)
    _add(ex, table_name, schema, "primary_key", sa.PrimaryKeyConstraint(*columns, name=constraint_name, **kw),
         lambda t, name: t.primary_key, using)


def create_unique_constraint(constraint_name: Optional[str], table_name: str, columns: Sequence[str],
                             schema: Optional[str] = None, **kw) -> None:
    ex = _ex()
    cols = list(columns)
    using = kw.pop("postgresql_using_index", None)
    _add(ex, table_name, schema, "unique", sa.UniqueConstraint(*cols, name=constraint_name, **kw),
         lambda t, name: next(u for u in t.unique_constraints if list(u.columns) == cols
                              and (name is None or u.name == name)), using)


def create_check_constraint(constraint_name: Optional[str], table_name: str, condition,
                            schema: Optional[str] = None, **kw) -> None:
    ex = _ex()
    if isinstance(condition, str):
        condition = sa.text(condition)
    _add(ex, table_name, schema, "check", sa.CheckConstraint(condition, name=constraint_name, **kw),
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
                                         deferrable=deferrable, initially=initially, match=match, **kw)
    cols = tuple(local_cols)
    _add(ex, source_table, source_schema, "foreign_key", constraint,
         lambda t, name: next(fk for fk in t.foreign_keys if fk.columns == cols
                              and (name is None or fk.name == name)))


def drop_constraint(constraint_name: Optional[str], table_name: str, type_: Optional[str] = None,
                    schema: Optional[str] = None, columns: Optional[Sequence[str]] = None,
                    condition: Optional[str] = None, if_exists: Optional[bool] = None, **kw) -> None:
    """Alembic's drop_constraint. SQLite keeps constraints without names: there
    `constraint_name=None` drops the only one of `type_`, or the one over `columns`
    (unique, foreign key) or with the `condition` (check), as `still generate` writes it."""
    ex = _ex()
    from still.runtime.conventions import given_name

    named = given_name(ex.naming_convention, type_, table_name, constraint_name)
    if named is not constraint_name:  # as SQLAlchemy spells it: cut to the dialect's length
        from sqlalchemy.schema import conv

        constraint_name = ex.rules.name_of(sa.CheckConstraint(sa.text("1"), name=conv(named)))
    if type_ and CONSTRAINT_TYPES.get(type_.lower()) == "primary_key" and constraint_name is not None:
        # MySQL names every primary key PRIMARY, whatever name it was given: any name is it
        constraint_name = ex.rules.name_of(sa.PrimaryKeyConstraint(name=constraint_name))
    table = build.table_of(ex, table_name, schema)
    if if_exists and not _matching(table, constraint_name, type_, columns, condition):
        guards.skipped(ex, lambda: guards.drop_constraint_sql(ex, constraint_name, table_name, schema))
        return
    kind, cons = _find_constraint(table, constraint_name, table_name, type_, columns, condition)
    ex.run(ops.DropConstraint(schema_name=ex.schema(schema), table_name=table_name, kind=kind, constraint=cons))


def _matching(table: s.Table, constraint_name, type_: Optional[str], columns: Optional[Sequence[str]],
              condition: Optional[str]) -> list:
    wanted = CONSTRAINT_TYPES.get(type_.lower()) if type_ else None
    if type_ and wanted is None:
        raise StillError(f"constraint type_ {type_!r}: expected foreignkey, unique, check or primary")
    return [(kind, cons) for kind, cons in constraints_of(table)
            if cons.name == constraint_name and (wanted is None or wanted == kind)
            and (columns is None or tuple(getattr(cons, "columns", ())) == tuple(columns))
            and (condition is None or same_condition(getattr(cons, "expression", None), condition))]


def _find_constraint(table: s.Table, constraint_name, table_name: str, type_: Optional[str],
                     columns: Optional[Sequence[str]] = None, condition: Optional[str] = None):
    """(kind, constraint) named `constraint_name` on `table` (of kind `type_`, over
    `columns`, with the check `condition`, when given)."""
    found = _matching(table, constraint_name, type_, columns, condition)
    if not found:
        which = "" if columns is None and condition is None else " with those columns or that condition"
        raise NoSuchObject(f"constraint {constraint_name!r}{which} does not exist on table {table_name!r}")
    if len(found) > 1:
        # unnamed constraints (SQLite keeps them so): None names one only when it is alone
        raise StillError(f"table {table_name!r} has {len(found)} {type_ or ''} constraints named {constraint_name!r}: "
                         f"{', '.join(_describe(kind, cons) for kind, cons in found)}; say which with "
                         f"columns=[...] or condition=\"...\"")
    return found[0]


def same_condition(expression: Optional[str], condition: str) -> bool:
    from still.sqlexpr import normalize

    return expression is not None and (expression == condition or normalize(expression) == normalize(condition))


def _describe(kind: str, cons) -> str:
    if kind == "check":
        return f"CHECK ({cons.expression})"
    if kind == "foreign_key":
        return f"FOREIGN KEY ({', '.join(cons.columns)}) -> {cons.referred_table}"
    return f"{kind.upper().replace('_', ' ')} ({', '.join(cons.columns)})"


def validate_constraint(constraint_name: str, table_name: str, schema: Optional[str] = None) -> None:
    """PostgreSQL's VALIDATE CONSTRAINT for a foreign key or check added NOT VALID
    (postgresql_not_valid=True): the rows already there are checked under SHARE UPDATE
    EXCLUSIVE, which lets reads and writes go on. Run it in a later transaction than the
    ADD (`with op.get_context().autocommit_block():`), so the ADD's lock is not held
    through the scan. Not in Alembic; on other dialects it does nothing (they check a
    constraint when it is made)."""
    ex = _ex()
    table = build.table_of(ex, table_name, schema)
    found = [(kind, cons) for kind, cons in constraints_of(table)
             if cons.name == constraint_name and kind in ("foreign_key", "check")]
    if not found:
        raise NoSuchObject(f"no foreign key or check constraint {constraint_name!r} on table {table_name!r} "
                           f"to validate")
    kind, cons = found[0]
    ex.run(ops.ValidateConstraint(schema_name=ex.schema(schema), table_name=table_name, kind=kind,
                                  constraint=cons))


def rename_constraint(constraint_name: str, table_name: str, new_name: str, type_: Optional[str] = None,
                      schema: Optional[str] = None) -> None:
    """Give a constraint another name (not in Alembic: there it takes op.execute)."""
    ex = _ex()
    table = build.table_of(ex, table_name, schema)
    kind, _ = _find_constraint(table, constraint_name, table_name, type_)
    # MySQL: the index the server made for a foreign key is renamed with it
    along = getattr(ex.ddl, "foreign_key_index_rename", None)
    names = along(table, constraint_name, new_name) if along is not None and kind == "foreign_key" else None
    ex.run(ops.RenameConstraint(schema_name=ex.schema(schema), table_name=table_name, kind=kind,
                                old_name=constraint_name, new_name=new_name,
                                old_index_name=names[0] if names else None,
                                new_index_name=names[1] if names else None))
    if names:
        ex.renamed_along[(ex.schema(schema), table_name, names[0])] = names[1]
