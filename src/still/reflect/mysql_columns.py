"""Reflection of MySQL/MariaDB columns from `information_schema.COLUMNS`, every table of
the wanted schemas in one query: canonical types, defaults (with ON UPDATE), AUTO_INCREMENT,
generated columns, collations that differ from the table's, comments."""

from __future__ import annotations

from still import snapshot as s
from still.reflect.mysql_defaults import canonical_default
from still.reflect.mysql_types import canonical_collation, canonical_type, expression

COLUMNS_SQL = """
SELECT c.TABLE_SCHEMA, c.TABLE_NAME, c.COLUMN_NAME, c.COLUMN_TYPE, c.IS_NULLABLE,
       c.COLUMN_DEFAULT, c.EXTRA, c.GENERATION_EXPRESSION, c.COLLATION_NAME, c.COLUMN_COMMENT
FROM information_schema.COLUMNS c
WHERE c.TABLE_SCHEMA IN :schemas
ORDER BY c.TABLE_SCHEMA, c.TABLE_NAME, c.ORDINAL_POSITION
"""

# JSON is an alias of LONGTEXT with a binary collation and a CHECK (json_valid(col)) named
# after the column: together they are a `json` column, and the check is not the model's.
JSON_COLLATION = "utf8mb4_bin"


def read_columns(rows, table_collations: dict, json_checks: set, mariadb: bool,
                 drops_widths: bool) -> dict[tuple[str, str], list[s.Column]]:
    out: dict[tuple[str, str], list[s.Column]] = {}
    seen: dict[tuple, s.Column] = {}
    for row in rows:
        schema, table = row[0], row[1]
        key = (table_collations.get((schema, table)), (schema, table, row[2]) in json_checks) + tuple(row[2:])
        column = seen.get(key)
        if column is None:
            column = seen[key] = _column(row, key[0], key[1], mariadb, drops_widths)
        out.setdefault((schema, table), []).append(column)
    return out


def _column(row, table_collation, json_check: bool, mariadb: bool, drops_widths: bool) -> s.Column:
    (_, _, name, column_type, is_nullable, default, extra, generated, collation, comment) = row
    extra = (extra or "").lower()
    type_ = canonical_type(column_type, drops_widths)
    collation = canonical_collation(collation)
    if json_check and type_ == "longtext" and collation == JSON_COLLATION:
        type_, collation = "json", None
    elif type_ == "json":
        collation = None  # MySQL's own JSON type has no collation to speak of
    if collation == canonical_collation(table_collation):
        collation = None
    computed = None
    if "generated" in extra:
        computed = s.Computed(expression=expression(generated), persisted="stored" in extra)
        default = None
    elif not mariadb and default is not None and "default_generated" not in extra:
        # MySQL reports a literal default unquoted; MariaDB quotes it, as canonical_default reads
        default = "'" + default.replace("'", "''") + "'" if _quotable(type_) else default
    if "on update" in extra:
        on_update = extra[extra.index("on update") + len("on update"):].strip()
        default = f"{default} ON UPDATE {on_update}"
    return s.Column(
        name=name,
        type=type_,
        nullable=is_nullable == "YES",
        default=canonical_default(default, type_) if computed is None else None,
        autoincrement="auto_increment" in extra,
        computed=computed,
        comment=comment or None,
        collation=collation,
    )


def _quotable(type_: str) -> bool:
    from still.reflect.mysql_types import NUMERIC_TYPES, base_name

    return base_name(type_) not in NUMERIC_TYPES
