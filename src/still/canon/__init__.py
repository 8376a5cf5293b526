"""Per-dialect canonical forms shared by reflect, declare, ops and diff: each dialect's
rules live in `canon/<dialect>.py`, which imports only the snapshot model."""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Optional


def owned_sequences(dialect: str) -> Optional[ModuleType]:
    """The dialect's rules for the sequences SERIAL and identity columns own
    (`sequence_name`, `is_sequence_name`), None where columns own no named sequence."""
    try:
        module = importlib.import_module(f"still.canon.{dialect}")
    except ModuleNotFoundError:
        return None
    return module if hasattr(module, "is_sequence_name") else None
