"""The options of a constraint as a dialect stores them (actions, MATCH, NULLS NOT
DISTINCT): the hooks DeclareRules takes from here, which a dialect's rules
override where its database keeps more or less than SQLAlchemy sends."""

from __future__ import annotations

from typing import Optional

import sqlalchemy as sa


class ConstraintRules:
    def fk_action(self, value: Optional[str]) -> Optional[str]:
        if value is None:
            return None
        value = value.upper()
        return None if value == "NO ACTION" else value

    def fk_match(self, constraint: sa.ForeignKeyConstraint) -> Optional[str]:
        """MATCH FULL or PARTIAL where the database keeps it; None for the default
        (SIMPLE), and where it parses the clause but keeps nothing (SQLite, MySQL)."""
        return None

    def unique_nulls_not_distinct(self, constraint: sa.UniqueConstraint) -> bool:
        return False
