"""PostgreSQL: a column type change never cuts or rounds a stored value.

`ALTER COLUMN ... TYPE t USING c::t` converts with an explicit cast, and explicit casts
truncate (`'abcdef'::varchar(3)` is `'abc'`, bit strings likewise) and round (numeric scale,
timestamp and interval precision, double to real) without an error; even the plain
assignment cast rounds numerics. So before a conversion that could change a value
(`classify` says narrowing or change), a DO block counts the rows whose value does not
come back unchanged when converted to the new type and back to the old one, and fails
the migration with that count, before anything is altered. The table is locked first (the
ALTER takes the same lock right after), so no row slips in between in a transaction.

Equality is taken on the text form of the round trip, which every type has (json has no
`=`); `1.20` -> numeric(10,1) -> numeric(10,2) prints `1.20` again, so a scale change that
loses nothing passes, while `1.25` comes back as `1.30` and is counted.
"""

from __future__ import annotations

from still import snapshot as s


def needs_guard(old: s.Column, new: s.Column) -> bool:
    from still.diff.typechanges import classify  # still.diff imports the DDL modules

    return old.type != new.type and classify(old.type, new.type) is not None


def keep_values(table_sql: str, label: str, column_sql: str, old: s.Column, new: s.Column,
                converted: str, back: str) -> str:
    """The DO block that refuses the conversion `converted` (the USING expression) of
    `column_sql` from `old.type` to `new.type` when it would change any stored value;
    `back` converts it back the same way (through text where `converted` went through text:
    PostgreSQL checks that a cast exists even when no row needs it)."""
    what = _literal(f"{label} would change converting {old.type} to {new.type}")
    advice = _literal("; nothing was changed: fix or convert those rows first, or write the "
                      "conversion yourself (op.alter_column(..., postgresql_using=...))")
    return (f"DO $still$DECLARE changed bigint; BEGIN "
            f"LOCK TABLE {table_sql} IN ACCESS EXCLUSIVE MODE; "
            f"SELECT count(*) INTO changed FROM {table_sql} "
            f"WHERE ({back})::text IS DISTINCT FROM {column_sql}::text; "
            f"IF changed > 0 THEN RAISE EXCEPTION USING ERRCODE = '22001', "
            f"MESSAGE = 'still: ' || changed || ' row(s): the value of ' || {what} || {advice}; "
            f"END IF; END$still$")


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
