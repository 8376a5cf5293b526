"""How MySQL and MariaDB store what SQLAlchemy sends them.

Every rule answers "what will `information_schema` say after `create_all`?": types in
their canonical spelling (reflect/mysql_types.py), defaults as the server converts them
to the column's type, AUTO_INCREMENT where the compiler writes it, the primary key always
named PRIMARY, the names the server gives what the models leave unnamed (a unique key
takes its first column's name, a check `CONSTRAINT_<n>` or, written on a column, the
column's name, a foreign key `<table>_ibfk_<n>`), and the index the server adds for a
foreign key that no other key serves. A unique key on plain columns is a unique
constraint, whether the model says UniqueConstraint or Index(unique=True): MySQL keeps
no difference.
"""

from __future__ import annotations

import re
from collections import deque
from contextlib import contextmanager
from typing import Optional

import sqlalchemy as sa

from still import snapshot as s
from still.declare.base import DeclareRules, default_index_elements, index_element
from still.errors import StillError
from still.reflect.mysql import DEFAULT_SCHEMA, server_traits
from still.reflect.mysql_constraints import fk_action
from still.reflect.mysql_indexes import METHODS, prefix_key
from still.reflect.mysql_defaults import canonical_default
from still.reflect.mysql_types import DEFAULT_COLLATIONS, canonical_collation, canonical_type, expression

_CHARSET = re.compile(r"\bCHARACTER\s+SET\s+(\w+)", re.I)
_COLLATE = re.compile(r"\bCOLLATE\s+(\w+)", re.I)
_PLAIN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")
_QUOTED_NAME = re.compile(r"`(?:[^`]|``)+`")


class Rules(DeclareRules):
    default_schema = DEFAULT_SCHEMA

    def __init__(self, dialect):
        super().__init__(dialect)
        self.mariadb, self.drops_widths, self.descending = server_traits(dialect)
        self._pending: dict[str, deque] = {}
        self._foreign_keys: list[tuple[sa.ForeignKeyConstraint, bool]] = []
        self._fk_numbers_from = 0  # the highest <table>_ibfk_<n> the table has already

    @contextmanager
    def beside(self, existing: Optional[s.Table]):
        # ALTER TABLE numbers an unnamed foreign key one past the highest <table>_ibfk_<n>
        outer = self._fk_numbers_from
        if existing is not None:
            pattern = re.compile(re.escape(existing.name) + r"_ibfk_(\d+)")
            found = [pattern.fullmatch(fk.name or "") for fk in existing.foreign_keys]
            self._fk_numbers_from = max([int(m.group(1)) for m in found if m] + [0])
        try:
            yield
        finally:
            self._fk_numbers_from = outer

    # -- columns ------------------------------------------------------------------------
    def compiled_type(self, column: sa.Column) -> str:
        try:
            return super().compiled_type(column)
        except sa.exc.CompileError as err:
            raise StillError(f"column {column.table.name}.{column.name}: {err}") from None

    def column_type(self, column: sa.Column) -> str:
        return self.per_type("type", column, self._column_type)

    def _column_type(self, column: sa.Column) -> str:
        return canonical_type(self.compiled_type(column), self.drops_widths)

    def collation(self, column: sa.Column) -> Optional[str]:
        compiled = self.per_type("compiled", column, self.compiled_type)
        if self.column_type(column) == "json":
            return None
        collate = _COLLATE.search(compiled)
        charset = _CHARSET.search(compiled)
        if collate:
            found = canonical_collation(collate.group(1))
        elif charset:
            found = DEFAULT_COLLATIONS.get(charset.group(1).lower(), charset.group(1).lower() + "_general_ci")
        else:
            return None
        return None if found == self._table_collation(column.table) else found

    def _table_collation(self, table: sa.Table) -> Optional[str]:
        d = self.dialect.name  # SQLAlchemy reads mariadb_* options for mariadb:// URLs
        options = table.dialect_options[d]
        collate = options.get("collate") or table.kwargs.get(f"{d}_collate")
        if collate:
            return canonical_collation(collate)
        charset = options.get("charset") or options.get("default charset") \
            or table.kwargs.get(f"{d}_charset") or table.kwargs.get(f"{d}_default_charset")
        return DEFAULT_COLLATIONS.get(charset.lower()) if charset else None

    def autoincrement(self, column: sa.Column) -> bool:
        # MySQLDDLCompiler.get_column_specification's own test
        table = column.table
        if table is None or column is not table._autoincrement_column:
            return False
        if column.server_default is not None and not isinstance(column.server_default, sa.Identity):
            return False
        return not (self.dialect.supports_sequences and isinstance(column.default, sa.Sequence)
                    and not column.default.optional)

    def server_default(self, column: sa.Column) -> Optional[str]:
        if column.server_default is None or column.computed is not None:
            return None
        text = self.compiled_default(column)
        if text is None:
            return None
        return canonical_default(text, self.column_type(column))

    def computed(self, column: sa.Column) -> Optional[s.Computed]:
        if column.computed is None:
            return None
        # without PERSISTED/STORED the column is VIRTUAL
        return s.Computed(expression=self.expression(self.sql(column.computed.sqltext)),
                          persisted=column.computed.persisted is True)

    def expression(self, text: str) -> str:
        return expression(text)

    def comment(self, text: Optional[str]) -> Optional[str]:
        return text or None

    # -- constraints --------------------------------------------------------------------
    def name_of(self, item) -> Optional[str]:
        if isinstance(item, sa.PrimaryKeyConstraint):
            return "PRIMARY"
        return super().name_of(item)

    def table_constraints(self, table: sa.Table) -> list:
        inline = [c for col in table.columns for c in col.constraints]
        ordered = [c for c in table._sorted_constraints if c is not table.primary_key]
        constraints = inline + ordered
        self._plan_names(table, inline, ordered)
        return constraints

    def _plan_names(self, table: sa.Table, inline: list, ordered: list) -> None:
        """The names the server gives the unnamed constraints, in the order CREATE TABLE
        sends them (implicit_name hands them out in the same order)."""
        keys, checks, fks = deque(), deque(), deque()
        key_names = {"PRIMARY"} | {self.name_of(c) for c in ordered if isinstance(c, sa.UniqueConstraint)
                                   and self.name_of(c) is not None}
        check_number, fk_number = 0, self._fk_numbers_from
        self._foreign_keys = []
        for cons in inline:
            if isinstance(cons, sa.CheckConstraint) and self.creates(cons) and self.name_of(cons) is None:
                checks.append(cons.parent.name if isinstance(cons.parent, sa.Column) else None)
        for cons in ordered:
            if not self.creates(cons):
                continue
            named = self.name_of(cons) is not None
            if isinstance(cons, sa.UniqueConstraint) and not named:
                keys.append(_unique_name(list(cons.columns)[0].name, key_names))
            elif isinstance(cons, sa.CheckConstraint) and not named:
                check_number += 1
                checks.append(f"CONSTRAINT_{check_number}")
            elif isinstance(cons, sa.ForeignKeyConstraint):
                self._foreign_keys.append((cons, named))
                if not named:
                    fk_number += 1
                    fks.append(f"{table.name}_ibfk_{fk_number}")
        self._pending = {"key": keys, "check": checks, "fkey": fks}

    def implicit_name(self, kind: str, table: sa.Table, columns: list[str],
                      taken: set[str], expression: Optional[str] = None) -> Optional[str]:
        if kind == "pkey":
            return "PRIMARY"
        pending = self._pending.get(kind)
        return pending.popleft() if pending else None

    def fk_action(self, value: Optional[str]) -> Optional[str]:
        return fk_action(value)

    def fk_deferrability(self, constraint: sa.ForeignKeyConstraint) -> tuple[bool, Optional[str]]:
        return False, None  # MySQL has no deferred constraints

    # -- indexes ------------------------------------------------------------------------
    def index_method(self, index: sa.Index) -> Optional[str]:
        prefix = index.dialect_options[self.dialect.name]["prefix"]
        return METHODS.get(prefix.upper()) if prefix else None

    def index_elements(self, index: sa.Index) -> tuple[s.IndexElement, ...]:
        lengths = index.dialect_options[self.dialect.name]["length"]
        fulltext = self.index_method(index) is not None
        out = []
        for expr in index.expressions:
            for key in default_index_elements(self, expr):
                key = self._plain_key(key)
                length = None
                if key.column is not None and lengths is not None and not fulltext:
                    length = lengths.get(key.column) if isinstance(lengths, dict) else lengths
                descending = key.descending and self.descending and not fulltext
                if length is not None:
                    key = index_element(self, expression=prefix_key(key.column, length),
                                        descending=descending)
                elif descending != key.descending or key.nulls is not None:
                    key = index_element(self, column=key.column, expression=key.expression,
                                        descending=descending)
                out.append(key)
        return tuple(out)

    def _plain_key(self, element: s.IndexElement) -> s.IndexElement:
        # an expression that only names a column (`desc("at")`, `text("email")`) is that column
        text = element.expression
        if text is None:
            return element
        if _PLAIN_NAME.fullmatch(text):
            column = text
        elif _QUOTED_NAME.fullmatch(text):
            column = text[1:-1].replace("``", "`")
        else:
            return element
        return index_element(self, column=column, descending=element.descending, nulls=element.nulls)

    def finish_table(self, table: sa.Table, declared: s.Table) -> s.Table:
        uniques = list(declared.unique_constraints)
        indexes = []
        for index in declared.indexes:
            if index.unique and index.method is None and \
                    all(e.column is not None and not e.descending for e in index.elements):
                uniques.append(s.UniqueConstraint(name=index.name,
                                                  columns=tuple(e.column for e in index.elements)))
            else:
                indexes.append(index)
        table = declared.model_copy(update={"unique_constraints": s._by_name(uniques),
                                            "indexes": s._by_name(indexes)})
        by_columns = {fk.columns: fk for fk in declared.foreign_keys}
        for cons, named in self._foreign_keys:
            columns = tuple(fk.parent.name for fk in cons.elements)
            fk = by_columns.get(columns)
            table = with_foreign_key_index(table, columns, fk.name if named and fk is not None else None,
                                           lambda c: index_element(self, column=c))
        return table


def served_keys(table: s.Table) -> list[tuple[str, ...]]:
    """The column lists a foreign key can use as its index: the primary key, the unique
    keys and the leading plain columns of every index but FULLTEXT/SPATIAL ones."""
    keys = [table.primary_key.columns] if table.primary_key else []
    keys += [u.columns for u in table.unique_constraints]
    keys += [ix.leading_columns() for ix in table.indexes if ix.method is None]
    return keys


def serves(key: tuple[str, ...], columns: tuple[str, ...]) -> bool:
    return tuple(key[:len(columns)]) == tuple(columns)


def with_foreign_key_index(table: s.Table, columns: tuple[str, ...], name: Optional[str],
                           element=lambda c: s.IndexElement(column=c)) -> s.Table:
    """`table` with the index the server adds for a foreign key over `columns` when no key
    leads with them: named after the constraint when it has a name of its own (`name`),
    else after its first column (`_2`, `_3`, ... on a clash)."""
    if any(serves(key, columns) for key in served_keys(table)):
        return table
    if name is None:
        taken = {"PRIMARY"} | {u.name for u in table.unique_constraints} | {ix.name for ix in table.indexes}
        name = _unique_name(columns[0], taken)
    index = s.Index(name=name, elements=tuple(element(c) for c in columns))
    return table.model_copy(update={"indexes": s._by_name(table.indexes + (index,))})


def _unique_name(base: str, taken: set) -> str:
    """MySQL's name for an unnamed key: its first column's, `_2`, `_3`, ... on a clash."""
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base}_{n}"
    taken.add(name)
    return name
