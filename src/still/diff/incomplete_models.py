"""The plan that drops most of the database: almost always models that were not all
imported, not tables meant to go.

An Alembic env.py often imports its model modules through a function
(`models.import_all_models()`) or one import at a time before it reads
`target_metadata`; a `metadata` setting that names only the MetaData then holds the
tables of the few modules imported by the time it is read, and the diff proposes
dropping every other table. When a plan drops more than half of the database's tables,
and more than `LEAST` of them, it carries a danger finding saying so and how to load the
whole models, so `plan` and `check` do not present those drops as intended.
"""

from __future__ import annotations

from typing import Optional

from still import snapshot as s
from still.findings import Code, Finding

LEAST = 10  # below this, dropping most tables of a small schema may well be meant


def incomplete_models(current: s.Snapshot, operations) -> Optional[Finding]:
    """The finding for a plan whose drops cover most of `current`'s tables, else None."""
    tables = sum(len(schema.tables) for schema in current.schemas.values())
    dropped = sum(1 for op in operations if op.op == "drop_table")
    if dropped <= LEAST or dropped * 2 <= tables:
        return None
    return Finding.of(Code.METADATA_INCOMPLETE,
                      f"the models leave out {dropped} of the database's {tables} tables, so the plan drops them: "
                      f"the 'metadata' setting probably loads only some of the model modules. If they are "
                      f"imported by a function or by imports (as an Alembic env.py does before target_metadata), "
                      f"set metadata_loader = \"package.module:function\" (or \"package.module\", or a list) "
                      f"in the config, or point metadata at a function that returns the MetaData")
