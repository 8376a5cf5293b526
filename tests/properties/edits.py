"""The second schema of a pair: random edits of the first (`edited`), and the pairs the
properties draw (`schema_pairs`). The first schema and how a spec becomes models are in
strategies.py."""

from __future__ import annotations

import copy
from typing import Optional

from hypothesis import strategies as st

from tests.properties.strategies import (DEFAULT, DEFAULT_CHOICES, ENUM_SPELLINGS, ENUM_TYPES, ENUM_VALUES, KINDRED,
                                         NAMES, NULLS_NOT_DISTINCT, ONLY_ON, TABLE_OPTIONS, Profile, TableSpec, build,
                                         columns, pg_keys, profile, schemas, sequences, tables)


def _used(table: TableSpec, col: str) -> bool:
    return (any(c == col for c, _ in table.fks) or any(col in u for u in table.uniques)
            or col in table.checks or any(col in ix for ix, _ in table.indexes)
            or any(col == c for c, _ in table.only) or col == table.twin_unique
            or any(key is not None and key[0] == col for key in (table.pattern, table.exclude, table.deferred)))


EDITS = ["add_table", "drop_table", "add_column", "drop_column", "alter_type", "alter_type", "alter_type", "alter_nullable",
         "alter_default", "alter_comment", "table_comment", "add_index", "drop_index",
         "add_unique", "drop_unique", "nulls_not_distinct", "add_check", "drop_check", "add_fk", "drop_fk",
         "add_dialect_index", "drop_dialect_index", "alter_sequence", "rename_column", "enum_values", "enum_values", "enum_values",
         "enum_dependents", "table_options", "pg_key", "pg_key", "pg_key", "autoincrement", "name_key", "twin_unique", "fk_match",
         "rename_table", "rename_fk", "rename_fk"]
# What revision files run through still's `op` can express, until it takes the rest:
# op.drop_constraint(None, columns=...) refuses to choose between two identical unnamed
# UNIQUEs
FILE_EDITS = tuple(e for e in EDITS if e != "twin_unique")


@st.composite
def edited(draw, spec: list[TableSpec], p: Profile = DEFAULT, edits: tuple = tuple(EDITS)):
    """A copy of `spec` with one to four random edits (of `edits`) that keep it valid."""
    # Names that existed in A are never reused for a new table or column: a migration
    # does not reorder columns, so "drop x, add x again" would be a reorder, not a change.
    original = {t.name: {c.name for c in t.columns} for t in spec}
    firsts = {t.name: t.enum[0] for t in spec if t.enum}  # what A's defaults and predicates use
    before = _declared(spec, p)
    spec = copy.deepcopy(spec)
    for _ in range(draw(st.integers(1, 4))):
        _edit(draw, spec, draw(st.sampled_from(edits)), original, firsts, p)
    # An edit may change nothing the database holds (dropping a referenced table, a comment
    # on SQLite, NULLS NOT DISTINCT on MySQL): edit again until the pair differs, so the
    # properties test a change (tests/properties/test_generator_changes.py holds the rate)
    for _ in range(8):
        if _declared(spec, p) != before:
            return spec
        _edit(draw, spec, draw(st.sampled_from(edits)), original, firsts, p)
    if _declared(spec, p) == before:
        _edit(draw, spec, "add_table", original, firsts, p)
    return spec


def _declared(spec: list[TableSpec], p: Profile):
    from still.declare import declare
    from tests.helpers import unconnected

    return declare(build(spec), unconnected(p.dialect))


def _edit(draw, spec: list[TableSpec], edit: str, original: dict, firsts: dict, p: Profile) -> None:
    """One edit of `spec` in place; some find nothing to apply to and change nothing."""
    if edit == "add_table" or not spec:
        name = f"t{max([int(n[1:]) for n in original] + [int(t.name[1:]) for t in spec] + [-1]) + 1}"
        spec.append(draw(tables(name, [t.name for t in spec], p)))
        return
    t = draw(st.sampled_from(spec))
    if edit == "drop_table":
        if not any(target == t.name for other in spec for _, target in other.fks if other is not t):
            spec.remove(t)
    elif edit == "add_column":
        taken = {c.name for c in t.columns} | original.get(t.label, set())
        if len(taken) < len(NAMES):
            t.columns.append(draw(columns(taken, p, t.enum is not None)))
    elif edit == "drop_column" and len(t.columns) > 1:
        col = draw(st.sampled_from(t.columns))
        if not _used(t, col.name):
            t.columns.remove(col)
    elif edit.startswith("alter_"):
        col = draw(st.sampled_from(t.columns))
        if edit == "alter_type" and not _used(t, col.name) and col.type not in ENUM_TYPES:
            # half the time a size of the same kind: the widening and narrowing classify judges
            kin = [k for k in p.types if any(col.type in f and k in f for f in KINDRED) and k != col.type]
            col.type = draw(st.sampled_from(kin) if kin and draw(st.booleans()) else st.sampled_from(p.types))
        elif edit == "alter_nullable":
            col.nullable = not col.nullable
        elif edit == "alter_default":
            col.default = draw(st.none() | st.integers(0, DEFAULT_CHOICES - 1).filter(
                lambda d: d != col.default))
        elif edit == "alter_comment":
            col.comment = None if col.comment else "changed"
    elif edit == "table_comment":
        t.comment = None if t.comment else f"about {t.name}"
    elif edit == "add_index":
        keyable = [c.name for c in t.columns if c.type not in p.unindexable]
        if not keyable:
            return
        cols = tuple(draw(st.lists(st.sampled_from(keyable), min_size=1,
                                   max_size=2, unique=True)))
        if all(cols != ix for ix, _ in t.indexes):
            t.indexes.append((cols, draw(st.integers(0, p.spellings - 1))))
    elif edit == "drop_index" and t.indexes:
        t.indexes.pop(draw(st.integers(0, len(t.indexes) - 1)))
    elif edit == "add_unique":
        keyable = [c.name for c in t.columns if c.type not in p.unindexable]
        if not keyable:
            return
        cols = (draw(st.sampled_from(keyable)),)
        if cols not in t.uniques:
            t.uniques.append(cols)
    elif edit == "drop_unique" and t.uniques:
        t.uniques.pop()
    elif edit == "nulls_not_distinct" and t.uniques and NULLS_NOT_DISTINCT:
        t.nulls_not_distinct = not t.nulls_not_distinct
    elif edit == "add_check":
        ints = [c.name for c in t.columns if c.type == "int" and c.name not in t.checks]
        if ints:
            t.checks.append(ints[0])
    elif edit == "drop_check" and t.checks:
        t.checks.pop()
    elif edit == "add_fk":
        ints = [c.name for c in t.columns if c.type == "int" and all(c.name != f for f, _ in t.fks)]
        if ints:
            t.fks.append((ints[0], draw(st.sampled_from([o.name for o in spec]))))
    elif edit == "drop_fk" and t.fks:
        t.fks.pop()
    elif edit == "add_dialect_index":
        keyable = [c.name for c in t.columns if c.type not in p.unindexable]
        where = draw(st.sampled_from(sorted(ONLY_ON)))
        if keyable and (keyable[-1], where) not in t.only:
            t.only.append((keyable[-1], where))
    elif edit == "drop_dialect_index" and t.only:
        t.only.pop(0)
    elif edit == "rename_fk" and any(x.fks for x in spec):
        # the same key under another name (on MySQL its own index, named after it, too)
        t = draw(st.sampled_from([x for x in spec if x.fks]))
        col = draw(st.sampled_from([c for c, _ in t.fks]))
        t.renamed_fks = [c for c in t.renamed_fks if c != col] if col in t.renamed_fks \
            else t.renamed_fks + [col]
    elif edit == "fk_match" and p.fk_match:
        t.match_full = not t.match_full
    elif edit == "pg_key":  # a PostgreSQL key added, changed or dropped
        which = draw(st.sampled_from(["pattern", "exclude", "deferred"]))
        setattr(t, which, draw(st.none() | pg_keys(t, p, which)))
    elif edit == "autoincrement":
        t.autoincrement = not t.autoincrement
    elif edit == "name_key" and t.pk_name is None:
        # only this way: a name the models drop is as good as none (no change to make)
        t.pk_name = f"pk_{t.name}"
    elif edit == "twin_unique":
        keyable = [c.name for c in t.columns if c.type not in p.unindexable]
        t.twin_unique = None if t.twin_unique or not keyable else draw(st.sampled_from(keyable))
    elif edit == "table_options" and p.table_options:
        t.options = dict(draw(st.sampled_from([{}, *TABLE_OPTIONS])))
    elif edit == "alter_sequence" and p.sequences:
        t.sequence = draw(st.none() | sequences())
    elif edit == "enum_values" and t.enum is not None:
        # values added (first, between, last), others than the first removed, reordered
        values = list(t.enum)
        free = [v for v in ENUM_VALUES if v not in values]
        how = draw(st.sampled_from(["add", "remove", "reorder"]))
        removable = [v for v in values[1:] if v != firsts.get(t.label)]
        if how == "add" and free:
            values.insert(draw(st.integers(0, len(values))), draw(st.sampled_from(free)))
        elif how == "remove" and removable:
            values.remove(draw(st.sampled_from(removable)))
        elif how == "reorder":
            values = draw(st.permutations(values))
        t.enum = list(values)
    elif edit == "enum_dependents" and t.enum is not None:
        t.enum_index, t.enum_check = draw(st.booleans()), draw(st.booleans())
        t.enum_spelling = draw(st.integers(0, len(ENUM_SPELLINGS) - 1))  # the same type, spelt anew
    elif edit == "rename_table" and p.table_renames and t.name in original and t.renamed_from is None \
            and t.twin_unique is None:
        # a declared rename: the foreign keys to it follow, as the database makes them.
        # What PostgreSQL named after the table (an unnamed key, `<table>_pkey`) keeps its
        # name, which the models take as good: the key is named here, so that create_all
        # of B has the same names
        new = f"t{max([int(n[1:]) for n in original] + [int(o.name[1:]) for o in spec]) + 1}"
        for other in spec:
            other.fks = [(col, new if target == t.name else target) for col, target in other.fks]
        t.pk_name = t.pk_name or f"pk_{t.name}"
        t.renamed_from, t.name = t.name, new
    elif edit == "rename_column":
        # a declared rename of a column its checks and indexes use: the database rewrites them
        col = draw(st.sampled_from(t.columns))
        taken = {c.name for c in t.columns} | original.get(t.label, set())
        free = [n for n in NAMES if n not in taken]
        keyed = any(c == col.name for c, _ in t.fks) or any(col.name in u for u in t.uniques) \
            or (t.deferred is not None and t.deferred[0] == col.name) \
            or col.name == t.twin_unique
        if free and not keyed and col.renamed_from is None and t.label in original \
                and col.name in original[t.label]:
            old, col.name, col.renamed_from = col.name, draw(st.sampled_from(free)), col.name
            t.checks = [col.name if c == old else c for c in t.checks]
            t.indexes = [(tuple(col.name if c == old else c for c in ix), spelling) for ix, spelling in t.indexes]
            t.only = [(col.name if c == old else c, where) for c, where in t.only]
            for which in ("pattern", "exclude", "deferred"):
                key = getattr(t, which)
                if key is not None and key[0] == old:
                    setattr(t, which, (col.name, key[1]))


@st.composite
def schema_pairs(draw, max_tables: int = 4, dialect: Optional[str] = None, edits: tuple = tuple(EDITS)):
    """(A, B) for a dialect: what it can hold (`PROFILES`), everything when None."""
    p = profile(dialect)
    a = draw(schemas(max_tables, p))
    return a, draw(edited(a, p, edits))
