"""MySQL/MariaDB: a column type change never cuts or rounds a stored value.

`MODIFY COLUMN` in strict mode refuses a string that is too long or a number out of range,
but it rounds DECIMAL scale, DATETIME/TIME precision and DOUBLE to FLOAT with only a note,
and outside strict mode it also cuts and clips. So before a conversion that could change a
value (`classify` says narrowing or change), one MariaDB compound statement converts each
value into a temporary table beside its original (outside strict mode, so every row is
converted rather than the first bad one stopping it), counts the rows whose value came out
different, and fails with that count before the table is touched.

MySQL 8 has no compound statements outside stored programs; there the guard is not
written (see `guard`).
"""

from __future__ import annotations

from still import snapshot as s

_STRINGS = {"char", "varchar", "tinytext", "text", "mediumtext", "longtext", "enum", "set"}
_NUMBERS = {"tinyint", "smallint", "mediumint", "int", "integer", "bigint", "decimal", "numeric", "float",
            "double", "real", "bit", "bool", "boolean"}
_TIMES = {"date", "datetime", "timestamp", "time", "year"}
# MariaDB converts a UUID or INET column only to and from text
FROM_TEXT_ONLY = {"uuid", "inet4", "inet6"}
_SCRATCH = "`_still_values`"


def guard(dialect, table_sql: str, label: str, column_sql: str, old: s.Column, new: s.Column) -> list[str]:
    from still.diff.typechanges import classify  # still.diff imports the DDL modules

    if old.type == new.type or classify(old.type, new.type) is None or not dialect.is_mariadb:
        return []
    text_only = {_base(old.type), _base(new.type)} & FROM_TEXT_ONLY
    converted = f"CAST({column_sql} AS CHAR)" if text_only else column_sql
    column = lambda name, col: f"{name} {col.type}" + (f" COLLATE {col.collation}" if col.collation else "")  # noqa: E731
    what = _literal(f"{label} would change converting {old.type} to {new.type}; nothing was changed: "
                    f"fix or convert those rows first, or write the conversion yourself")
    return [
        "BEGIN NOT ATOMIC "
        "DECLARE changed BIGINT; DECLARE message VARCHAR(2000); "
        "DECLARE mode VARCHAR(2000) DEFAULT @@SESSION.sql_mode; "
        "DECLARE EXIT HANDLER FOR SQLEXCEPTION BEGIN SET SESSION sql_mode = mode; "
        f"DROP TEMPORARY TABLE IF EXISTS {_SCRATCH}; RESIGNAL; END; "
        f"CREATE TEMPORARY TABLE {_SCRATCH} ({column('o', old)} NULL, {column('v', new)} NULL); "
        "SET SESSION sql_mode = ''; "
        f"INSERT INTO {_SCRATCH} (o, v) SELECT {column_sql}, {converted} FROM {table_sql}; "
        "SET SESSION sql_mode = mode; "
        f"SELECT count(*) INTO changed FROM {_SCRATCH} WHERE NOT ({_same(old, new)}); "
        f"DROP TEMPORARY TABLE {_SCRATCH}; "
        "IF changed > 0 THEN "
        f"SET message = CONCAT('still: ', changed, ' row(s): the value of ', {what}); "
        "SIGNAL SQLSTATE '22001' SET MESSAGE_TEXT = message; END IF; END"]


def _same(old: s.Column, new: s.Column) -> str:
    """Whether a converted value `v` is its original `o`: string to string also by length
    (PAD SPACE collations compare 'a ' equal to 'a'); number to number and time to time by
    value; anything else by text (a string compared with a number compares as a number,
    '007' equal to 7, and some pairs, uuid and bigint, do not compare at all)."""
    kinds = {_base(old.type), _base(new.type)}
    if _base(new.type) == "float":
        # a FLOAT holds 1000001 exactly, but the server prints (and clients read) it with six
        # digits, 1e6: what an application reads back is the text
        return "CAST(v AS CHAR) <=> CAST(o AS CHAR)"
    if kinds <= _STRINGS:
        return "v <=> o AND CHAR_LENGTH(v) <=> CHAR_LENGTH(o)"
    if kinds <= _NUMBERS or kinds <= _TIMES:
        return "v <=> o"
    return "CAST(v AS CHAR) <=> CAST(o AS CHAR)"


def _base(type_text: str) -> str:
    return type_text.split("(", 1)[0].split(" ", 1)[0].lower()


def _literal(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"
