"""What one declare remembers so equal pieces of the models compile once: the keys of
types (`type_key`) and of default clauses (`clause_key`) under which a compiled text may
be reused, and the memo (`_Memo`) they are kept in (see DeclareRules.memoised)."""

from __future__ import annotations

from typing import Optional

import sqlalchemy as sa

from still import snapshot as s
from still.declare.sa_compat import has_compiles_hook


# Attributes SQLAlchemy memoises on a type instance, or keeps for DDL events: none of them
# changes how the type compiles.
_TYPE_MEMOS = frozenset({"_static_cache_key", "_type_affinity", "dispatch", "_create_events"})
_PLAIN = frozenset({str, int, float, bool, type(None)})  # exact classes, no subclasses


def type_key(type_, memo: _Memo) -> Optional[tuple]:
    """What decides how a SQLAlchemy type compiles, as a hashable key; None when that is
    not certain, and the type is then compiled every time.

    A model repeats a handful of types over thousands of columns (`String(32)` is a new
    instance each time), so the declare rules compile each distinct one once. Only
    SQLAlchemy's own types without a `@compiles` hook qualify, and only when every
    attribute is a plain value: a variant (`with_variant`), an Enum's labels, an ARRAY's
    item type or a TypeDecorator's impl make the type uncached rather than risk a wrong key.
    Attribute order is not normalised: equal types set up in another order only miss.
    """
    cls = type(type_)
    own = memo.own_compilation.get(cls)
    if not ((own and not memo.live) or _own_compilation(cls, memo)):
        return None
    attrs = type_.__dict__
    if not attrs:  # Integer(), Text(), ...
        return (cls,)
    if not _TYPE_MEMOS.isdisjoint(attrs):
        attrs = {k: v for k, v in attrs.items() if k not in _TYPE_MEMOS}
    values = tuple(attrs.values())
    if not _PLAIN.issuperset(map(type, values)):
        return None
    return (cls, tuple(attrs), values)


class _Memo:
    """What DeclareRules.memoised remembers for one declare. A `live` memo (an executor's,
    kept over a whole run of revisions, see DeclareRules.keep_memo) asks each time whether
    a class has a `@compiles` hook, since a revision may register one in the middle of the
    run; one declare's models are all imported before it starts."""

    def __init__(self, live: bool = False):
        self.live = live
        self.own_compilation: dict[type, bool] = {}
        self.compiled: dict[tuple, str] = {}
        self.by_type: dict[tuple, object] = {}
        self.last_type: tuple = (None, None)  # (type, its type_key), for the next hook
        self.columns: dict[tuple, s.Column] = {}
        self.index_elements: dict[tuple, s.IndexElement] = {}


def _own_compilation(cls, memo: _Memo) -> bool:
    """Whether SQLAlchemy's own compiler decides how instances of `cls` compile: a class
    of SQLAlchemy's, with no `@compiles` hook on it or a base."""
    found = memo.own_compilation.get(cls)
    if found is None:
        found = memo.own_compilation[cls] = cls.__module__.startswith("sqlalchemy.") \
            and not has_compiles_hook(cls)
    elif found and memo.live:  # a hook may have come since
        found = not has_compiles_hook(cls)
    return found


def clause_key(clause, memo: _Memo) -> Optional[tuple]:
    """What decides the compiled text of the commonest clauses in models, as a hashable
    key: plain text (`text("qty >= 0")`, a CHECK given as a string), a name given as a
    string (`desc("created_at")`), true/false/null, a function called without arguments
    (`func.now()`). None for anything else, which is then compiled every time (a generic
    key, SQLAlchemy's cache key, costs as much as compiling)."""
    cls = type(clause)
    if not _own_compilation(cls, memo):
        return None
    if cls is _TextClause:
        return (cls, clause.text) if next(iter(clause.get_children()), None) is None else None
    if cls is _LabelReference:
        return (cls, clause.element) if type(clause.element) is str else None
    if cls in _CONSTANTS:
        return (cls,)
    if cls in _PLAIN_FUNCTIONS and not clause.clauses.clauses \
            and not isinstance(clause.type, _TableValueType):
        # visit_function renders the class's own spelling or the (maybe quoted) name;
        # a table-valued function (`table_valued(with_ordinality=...)`) renders more
        name = clause.name
        return (cls, name, type(name), getattr(name, "quote", None), tuple(clause.packagenames))
    return None


_TextClause = sa.sql.elements.TextClause
_TableValueType = sa.sql.sqltypes.TableValueType
_LabelReference = type(sa.desc("x").element)  # a name given as a string, by its public constructor
_CONSTANTS = (sa.sql.elements.True_, sa.sql.elements.False_, sa.sql.elements.Null)
# `func.anything()` and the SQL-standard functions without arguments; not next_value()
# and the like, which render something besides their name
_PLAIN_FUNCTIONS = frozenset(getattr(sa.sql.functions, name) for name in (
    "Function", "now", "current_timestamp", "current_date", "current_time", "localtime",
    "localtimestamp", "current_user", "session_user", "user"))
