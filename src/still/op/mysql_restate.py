"""alter_column as Alembic runs it on MySQL and MariaDB. ALTER TABLE there changes a
column only by restating it whole (CHANGE to rename it, MODIFY otherwise), and Alembic
writes that definition from the call alone, not from the table: the type is `type_` or
`existing_type`, NULL unless `nullable`/`existing_nullable` say otherwise, the default
`server_default` or `existing_server_default` (else none), the comment `comment` or
`existing_comment` (else none), AUTO_INCREMENT only if `autoincrement`/
`existing_autoincrement` say so. So a rename without `existing_nullable=False` leaves the
column nullable, and one without `existing_server_default` loses the default; a takeover
must leave what Alembic leaves. (Without `existing_type` Alembic refuses the call; here
the column keeps its type.)"""

from __future__ import annotations

from typing import Any, Optional

import sqlalchemy as sa

from still import snapshot as s
from still.runtime import build


def restates(type_, existing_type, nullable, server_default, comment, autoincrement,
             new_column_name: Optional[str]) -> bool:
    """Whether Alembic writes CHANGE or MODIFY (rather than ALTER COLUMN ... DEFAULT, or
    nothing) for the call."""
    if new_column_name is not None:
        return True
    given = type_ if type_ is not None else existing_type
    if given is not None and server_default is not None:
        # a DATETIME's function default needs CHANGE as well (Alembic's functional default)
        instance = given() if isinstance(given, type) else given
        if isinstance(instance, sa.DateTime):
            return True
    return nullable is not None or type_ is not None or autoincrement is not None or comment is not False


def restated(ex, table_name: str, schema: Optional[str], old: s.Column, *, type_, existing_type,
             nullable, existing_nullable, server_default, existing_server_default, comment,
             existing_comment, autoincrement, existing_autoincrement) -> dict[str, Any]:
    """The column's fields as Alembic's CHANGE/MODIFY leaves them."""
    from still.ops.ddl.sa_build import SnapshotType

    given = type_ if type_ is not None else existing_type
    default = server_default if server_default is not False else existing_server_default
    default = None if default is False or default is None else default
    probe = sa.Column(old.name, given if given is not None else SnapshotType(old.type), server_default=default)
    declared, _ = build.declared_column(ex, table_name, probe, schema)
    changes = {
        "nullable": bool(nullable if nullable is not None else existing_nullable
                         if existing_nullable is not None else True),
        "default": declared.default if default is not None else None,
        "comment": ex.rules.comment(comment if comment is not False else existing_comment),
        "autoincrement": bool(autoincrement if autoincrement is not None else existing_autoincrement),
    }
    if given is not None:
        changes["type"], changes["collation"] = declared.type, declared.collation
    return changes
