"""What Alembic's batch_alter_table options mean for still, each honoured or refused.

Alembic uses most of them only to build the new table when it recreates one (always with
`recreate="always"`, on SQLite with "auto"); where it alters in place it ignores them, and
so does still. Where still rebuilds, it builds the new table from its snapshot:

- `copy_from=`: what Alembic takes instead of reading the table; still's own reading
  keeps the declared types that reflection loses there, the reason it exists.
- `reflect_args=`: columns that replace the ones read, in the new table: each becomes
  what it says (apply_reflect_args), once the block does what makes Alembic rebuild.
- `naming_convention=`: names the table's unnamed constraints (BatchOperations).
- `insert_before=`/`insert_after=` of add_column and alter_column: accepted, the column
  order is not kept (still compares no column order; refusing broke shipped histories).
- `table_kwargs=`, `table_args=`, `reflect_kwargs=`, `partial_reordering=`: options, extra
  items and column order of the new table, which the snapshot cannot carry (SQLite's AUTOINCREMENT,
  which it does carry, is taken out before: batch_alter_table). An option for another dialect means nothing to the table
  and is let through; any other is refused, rather than leaving a table other than the
  one Alembic leaves.
"""

from __future__ import annotations

from typing import Optional

from still.errors import StillError

_DIALECTS = ("sqlite", "postgresql", "mysql", "mariadb", "mssql", "oracle")


def refuse_unsupported(dialect: str, table_name: str, recreates: bool, partial_reordering: Optional[tuple],
                       table_args: tuple, table_kwargs: Optional[dict], reflect_kwargs: Optional[dict]) -> None:
    if not recreates:
        return
    ours = (dialect, "mariadb") if dialect == "mysql" else (dialect,)
    given = {f"table_kwargs={{{key!r}: ...}}" for key in table_kwargs or {}
             if key.split("_", 1)[0] in ours or key.split("_", 1)[0] not in _DIALECTS}
    if table_args:
        given.add("table_args=")
    if reflect_kwargs:
        given.add("reflect_kwargs=")
    if partial_reordering:
        given.add("partial_reordering=")
    if given:
        raise StillError(f"batch_alter_table({table_name!r}, {', '.join(sorted(given))}): still rebuilds the "
                         "table from what it knows of it and cannot give the new table these; leave them out, "
                         "or make the table with op.create_table and copy the rows with op.execute")


def refuse_position(table_name: str, call: str, insert_before: Optional[str], insert_after: Optional[str],
                    placed: bool) -> None:
    """insert_before=/insert_after= are accepted and the column goes at the end: column
    order is no part of the schema still compares (README), and refusing broke shipped
    histories that place columns (MLflow's 75868b020152 on SQLite). Kept as a hook."""
    return None


def apply_reflect_args(ex, table_name: str, schema: Optional[str], columns) -> None:
    """reflect_args=: Alembic builds the new table with these columns instead of the ones
    it read, so each becomes what it says (type, NULL, default); a primary key column
    stays as it is."""
    import sqlalchemy as sa

    from still import ops
    from still.runtime import build

    table = build.table_of(ex, table_name, schema)
    keys = set(table.primary_key.columns) if table.primary_key else set()
    for column in columns:
        old = next((c for c in table.columns if c.name == getattr(column, "name", None)), None)
        if not isinstance(column, sa.Column) or old is None or old.name in keys:
            continue
        default = column.server_default.arg if isinstance(column.server_default, sa.DefaultClause) else None
        probe = sa.Column(column.name, column.type, nullable=column.nullable, server_default=default)
        declared, _ = build.declared_column(ex, table_name, probe, schema)
        new = old.model_copy(update={f: getattr(declared, f) for f in ("type", "collation", "nullable", "default")})
        if new != old:
            ex.run(ops.AlterColumn(schema_name=ex.schema(schema), table_name=table_name, old=old, new=new))
            table = build.table_of(ex, table_name, schema)
