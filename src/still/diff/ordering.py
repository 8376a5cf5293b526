"""Dependency order for a plan.

Operations are put in phases that mirror each other (every "drop" phase before the
matching "create" phase, in reverse order), so that reversing a plan operation by
operation gives a valid plan again. Inside the table phases, tables are sorted by their
foreign keys: referenced tables are created first and dropped last.
"""

from __future__ import annotations

import enum
from collections import defaultdict

from still import snapshot as s
from still.ops import AddConstraint, CreateTable, DropConstraint, DropTable


class Phase(enum.IntEnum):
    CREATE_SCHEMA = 0
    RENAME = 1
    CREATE_TYPE = 2
    CREATE_DOMAIN = 3  # after the types a domain's base type may be
    DROP_FOREIGN_KEY = 4
    DROP_INDEX = 5
    DROP_CONSTRAINT = 6
    TABLE_OPTIONS = 7  # before columns are added or changed: a conversion would take them
    DROP_TABLE_FIRST = 8  # a dropped table holding a name a created table takes (below)
    CREATE_TABLE = 9
    ADD_COLUMN = 10
    ALTER_COLUMN = 11
    DROP_COLUMN = 12
    DROP_TABLE = 13
    ADD_CONSTRAINT = 14
    CREATE_INDEX = 15
    ADD_FOREIGN_KEY = 16
    COMMENT = 17
    DROP_DOMAIN = 18  # before the types a domain's base type may be
    DROP_TYPE = 19
    DROP_SCHEMA = 20


def _topological(tables: list[tuple[str, s.Table]]) -> tuple[list[tuple[str, s.Table]], set]:
    """Tables with referenced ones first, and the foreign keys that close a cycle."""
    key = {(schema, t.name): (schema, t) for schema, t in tables}
    deps = defaultdict(set)
    for schema, t in tables:
        for fk in t.foreign_keys:
            target = (fk.referred_schema, fk.referred_table)
            if target in key and target != (schema, t.name):
                deps[(schema, t.name)].add(target)
    order, state, cyclic = [], {}, set()

    def visit(node, stack):
        state[node] = "open"
        for dep in sorted(deps[node]):
            if state.get(dep) == "open":
                cyclic.add((node, dep))
            elif dep not in state:
                visit(dep, stack)
        state[node] = "done"
        order.append(key[node])

    for node in sorted(key):
        if node not in state:
            visit(node, [])
    return order, cyclic


def _split_cycles(schema: str, table: s.Table, cyclic: set):
    """The table without the foreign keys that close a cycle, and those keys."""
    me = (schema, table.name)
    cut = [fk for fk in table.foreign_keys if (me, (fk.referred_schema, fk.referred_table)) in cyclic]
    if not cut:
        return table, []
    kept = tuple(fk for fk in table.foreign_keys if fk not in cut)
    return table.model_copy(update={"foreign_keys": kept}), cut


def order_tables(created: list[tuple[str, s.Table]], dropped: list[tuple[str, s.Table]], dialect: str = ""):
    """(phase, op) pairs for creating and dropping whole tables in dependency order."""
    out = []
    order, cyclic = _topological(created)
    for schema, table in order:
        table, cut = _split_cycles(schema, table, cyclic)
        out.append((Phase.CREATE_TABLE, CreateTable(schema_name=schema, table=table)))
        out += [(Phase.ADD_FOREIGN_KEY, AddConstraint(schema_name=schema, table_name=table.name,
                                                      kind="foreign_key", constraint=fk)) for fk in cut]
    order, cyclic = _topological(dropped)
    first = _in_the_way(created, dropped, _SCHEMA_WIDE.get(dialect, _EVERY_NAME))
    for schema, table in reversed(order):
        phase = Phase.DROP_TABLE_FIRST if (schema, table.name) in first else Phase.DROP_TABLE
        table, cut = _split_cycles(schema, table, cyclic)
        out += [(Phase.DROP_FOREIGN_KEY, DropConstraint(schema_name=schema, table_name=table.name,
                                                        kind="foreign_key", constraint=fk)) for fk in cut]
        out.append((phase, DropTable(schema_name=schema, table=table)))
    return out


_EVERY_NAME = ("primary_key", "foreign_keys", "unique_constraints", "check_constraints", "exclude_constraints",
               "indexes")
# the names two tables of one schema cannot share: PostgreSQL's indexes and the indexes
# behind its keys are relations; SQLite's indexes; InnoDB's foreign keys and MySQL 8's checks
_SCHEMA_WIDE = {"postgresql": ("primary_key", "unique_constraints", "exclude_constraints", "indexes"),
                "sqlite": ("indexes",),
                "mysql": ("foreign_keys", "check_constraints"), "mariadb": ("foreign_keys", "check_constraints")}


def _names(table: s.Table, kinds: tuple) -> set:
    found = set()
    for kind in kinds:
        items = getattr(table, kind)
        found.update(item.name for item in ((items,) if kind == "primary_key" else items) if item is not None)
    return found - {None}


def _in_the_way(created: list, dropped: list, kinds: tuple) -> set:
    """The dropped tables to drop before the tables are created: those holding a name a
    created table of the same schema takes (a table made anew under another name, its keys
    keeping theirs), and every dropped table that refers to one of them. Reversed, such a
    plan still works: the created table is dropped before the old one comes back."""
    taken = {(schema, name) for schema, table in created for name in _names(table, kinds)}
    first = {(schema, t.name) for schema, t in dropped if any((schema, n) in taken for n in _names(t, kinds))}
    grown = True
    while grown:
        more = {(schema, t.name) for schema, t in dropped
                if (schema, t.name) not in first
                and any((fk.referred_schema, fk.referred_table) in first for fk in t.foreign_keys)}
        first |= more
        grown = bool(more)
    return first


# phases whose operations touch their own table only: between two other operations, the
# ones on one table can go together (foreign keys, tables made or dropped, renames, types
# and schemas keep their places and bound the runs)
_LOCAL = frozenset({Phase.DROP_INDEX, Phase.DROP_CONSTRAINT, Phase.TABLE_OPTIONS, Phase.ADD_COLUMN,
                    Phase.ALTER_COLUMN, Phase.DROP_COLUMN, Phase.ADD_CONSTRAINT, Phase.CREATE_INDEX})


def ordered(pairs: list) -> tuple:
    """Stable sort by phase; within a phase the order the diff produced is kept. Then, in
    each run of operations that touch only their own table, those on one table are put
    together (their order kept): a revision reads table by table, and SQLite rebuilds each
    table once for the run instead of once per phase."""
    pairs = sorted(pairs, key=lambda pair: pair[0])
    out, run = [], []

    def flush():
        first: dict = {}
        for op in run:
            first.setdefault((op.schema_name, op.target_table), len(first))
        out.extend(sorted(run, key=lambda op: first[(op.schema_name, op.target_table)]))
        run.clear()

    for phase, op in pairs:
        if phase in _LOCAL and op.target_table is not None and getattr(op, "kind", None) != "foreign_key":
            run.append(op)
        else:
            flush()
            out.append(op)
    flush()
    return tuple(out)
