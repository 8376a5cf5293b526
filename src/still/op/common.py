"""What the op modules share: the constraint type names revision files use, the mark of
an argument not given, and a table's constraints as (kind, constraint) pairs."""

from __future__ import annotations

from typing import Any

from still import snapshot as s

CONSTRAINT_TYPES = {"foreignkey": "foreign_key", "foreign": "foreign_key", "fk": "foreign_key",
                    "unique": "unique", "check": "check", "primary": "primary_key",
                    "primary_key": "primary_key", "primarykey": "primary_key"}

# an argument not given, where None means something (alter_table_options(collation=None))
UNSET: Any = object()


def constraints_of(table: s.Table):
    found = [("primary_key", table.primary_key)] if table.primary_key else []
    found += [("foreign_key", c) for c in table.foreign_keys]
    found += [("unique", c) for c in table.unique_constraints]
    found += [("check", c) for c in table.check_constraints] + [("exclude", c) for c in table.exclude_constraints]
    return found
