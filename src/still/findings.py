"""Findings: what a human must look at before a plan runs.

A finding is how still says "I cannot be sure of this": a possible rename, data loss, a
backfill, a change the database cannot show back. Codes are stable (tests, CI rules and
REVIEW comments refer to them); severities order as info < warning < danger.
"""

from __future__ import annotations

import enum
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict

Severity = Literal["info", "warning", "danger"]
SEVERITY_ORDER = {"info": 0, "warning": 1, "danger": 2}


class Code(str, enum.Enum):
    TABLE_RENAME = "possible-table-rename"
    COLUMN_RENAME = "possible-column-rename"
    DROP_SCHEMA = "drop-schema"
    DROP_TABLE = "drop-table"
    DROP_COLUMN = "drop-column"
    TYPE_NARROWING = "type-narrowing"
    TYPE_CHANGE = "type-change"
    BACKFILL = "not-null-needs-backfill"
    ROWS_BREAK = "rows-break-constraint"  # a constraint the plan adds that rows there break (still.lint.rows)
    ENUM_VALUE_REMOVED = "enum-value-removed"
    ENUM_REORDERED = "enum-values-reordered"
    ENUM_RECREATED = "enum-recreated"
    DOMAIN_TYPE_CHANGED = "domain-type-changed"
    DOMAIN_CHECK_BLOCKED = "domain-check-blocked"
    COMPUTED_CHANGED = "computed-changed"
    TABLE_REBUILT = "table-rebuilt"
    SERVER_TOO_OLD = "server-lacks-feature"
    UNVERIFIABLE = "unverifiable"
    SKIPPED = "skipped-by-filter"
    METADATA_INCOMPLETE = "metadata-incomplete"
    LOCK_UNAVOIDABLE = "lock-unavoidable"  # no safe form: the lock and why


SEVERITY: dict[Code, Severity] = {
    Code.TABLE_RENAME: "warning",
    Code.COLUMN_RENAME: "warning",
    Code.DROP_SCHEMA: "danger",
    Code.DROP_TABLE: "danger",
    Code.DROP_COLUMN: "danger",
    Code.TYPE_NARROWING: "danger",
    Code.TYPE_CHANGE: "warning",
    Code.BACKFILL: "warning",
    Code.ROWS_BREAK: "danger",
    Code.ENUM_VALUE_REMOVED: "danger",
    Code.ENUM_REORDERED: "warning",
    Code.ENUM_RECREATED: "warning",
    Code.DOMAIN_TYPE_CHANGED: "danger",
    Code.DOMAIN_CHECK_BLOCKED: "danger",
    Code.COMPUTED_CHANGED: "warning",
    Code.TABLE_REBUILT: "warning",
    Code.SERVER_TOO_OLD: "danger",  # the server would refuse the DDL
    Code.UNVERIFIABLE: "info",
    Code.SKIPPED: "info",
    Code.METADATA_INCOMPLETE: "danger",
    Code.LOCK_UNAVOIDABLE: "warning",
}


class Finding(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    code: Code
    severity: Severity
    message: str
    schema_name: Optional[str] = None
    table_name: Optional[str] = None
    column_name: Optional[str] = None

    @classmethod
    def of(cls, code: Code, message: str, schema: Optional[str] = None, table: Optional[str] = None,
           column: Optional[str] = None) -> "Finding":
        return cls(code=code, severity=SEVERITY[code], message=message, schema_name=schema,
                   table_name=table, column_name=column)

    def at_least(self, severity: Severity) -> bool:
        return SEVERITY_ORDER[self.severity] >= SEVERITY_ORDER[severity]
