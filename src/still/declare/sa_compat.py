"""What still reads of SQLAlchemy that no public API tells, kept here alone (DESIGN.md,
invariant 8: only public SQLAlchemy API). tests/test_sqlalchemy_versions.py pins each
answer under every SQLAlchemy version CI runs, and its scan of src/ for SQLAlchemy's
private attributes allows them in this file only.
"""

from __future__ import annotations


def has_compiles_hook(cls: type) -> bool:
    """Whether a `@compiles` hook (sqlalchemy.ext.compiler) is registered for `cls` or a
    base of it, for any dialect.

    No public API says so: the extension offers `compiles` and `deregister` only. It
    keeps its dispatcher on the class as `_compiler_dispatcher` (unchanged from 1.x to
    2.1), which is read here. The declare rules use the answer to decide whether a
    type's or a clause's compiled text may be remembered across instances; a hook may
    make it depend on anything."""
    return getattr(cls, "_compiler_dispatcher", None) is not None


def given_info(item) -> dict:
    """The `info` dict of a table or column if the models gave or touched one, else {}.

    `.info` is public, but reading it makes (and keeps) an empty dict on every item
    that has none, which on thousands of columns costs more than the rest of the
    lookup it serves; SQLAlchemy keeps a made `info` in the item's __dict__ (a memoised
    property), so it is looked up there."""
    return vars(item).get("info") or {}
