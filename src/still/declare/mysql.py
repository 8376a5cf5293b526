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
from typing import Optional

import sqlalchemy as sa

from still import snapshot as s
from still.declare.as_created import column_constraints
from still.declare.base import DeclareRules, _invented, default_index_elements, index_element
from still.declare.mysql_sizes import sized, stored_type
from still.errors import StillError
from still.reflect import mysql_tables as tableinfo
from still.reflect.mysql import DEFAULT_SCHEMA, server_traits
from still.reflect.mysql_constraints import fk_action
from still.reflect.mysql_indexes import METHODS, prefix_key
from still.reflect.mysql_defaults import canonical_default
from still.reflect.mysql_types import canonical_collation, charset_collation, canonical_type, expression

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
        self._existing: frozenset = frozenset()
        self._foreign_keys: list[tuple[sa.ForeignKeyConstraint, bool]] = []

    # -- columns ------------------------------------------------------------------------
    def compiled_type(self, column: sa.Column) -> str:
        try:
            return super().compiled_type(column)
        except sa.exc.CompileError as err:
            raise StillError(f"column {column.table.name}.{column.name}: {err}") from None

    def column_type(self, column: sa.Column) -> str:
        found = self.per_type("type", column, self._column_type)
        # the stored TEXT/BLOB depends on the character set, which may be the table's
        return stored_type(found, self._charset(column)) if sized(found) else found

    def _charset(self, column: sa.Column) -> Optional[str]:
        compiled = self.per_type("compiled", column, self.compiled_type)
        charset = _CHARSET.search(compiled)
        if charset:
            return charset.group(1).lower()
        collate = _COLLATE.search(compiled)
        collation = canonical_collation(collate.group(1)) if collate else self._table_collation(column.table)
        return tableinfo.charset_of(collation) if collation else None

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
            found = charset_collation(charset.group(1))
        else:
            return None
        return None if found == self._table_collation(column.table) else found

    def _table_collation(self, table: sa.Table) -> Optional[str]:
        """The collation the table's columns get by default: its own, else its
        database's (when a reflection has told it)."""
        own = self._table_option_values(table)[1]
        return own or tableinfo.defaults(self.dialect, self.schema_of(table))[1]

    def _table_option_values(self, table: sa.Table) -> tuple[Optional[str], Optional[str]]:
        """(engine, collation) as CREATE TABLE sends them: MySQLDDLCompiler.post_create_table
        reads the table's `<dialect name>_*` keywords (mariadb_* for mariadb:// URLs)."""
        prefix = self.dialect.name + "_"
        opts = {k[len(prefix):].upper(): v for k, v in table.kwargs.items() if k.startswith(prefix)}
        engine = opts.get("ENGINE") or opts.get("TYPE")
        collate = opts.get("COLLATE") or opts.get("DEFAULT_COLLATE")
        charset = (opts.get("DEFAULT_CHARSET") or opts.get("CHARSET") or opts.get("CHARACTER_SET")
                   or opts.get("DEFAULT_CHARACTER_SET"))
        if collate:
            collation = canonical_collation(str(collate))
        elif charset:
            collation = charset_collation(str(charset))
        else:
            collation = None
        return (str(engine) if engine else None), collation

    def table_options(self, table: sa.Table) -> s.TableOptions:
        engine, collation = self._table_option_values(table)
        default_engine, default_collation = tableinfo.defaults(self.dialect, self.schema_of(table))
        return tableinfo.relative_options(engine, collation, default_engine, default_collation)

    def autoincrement(self, column: sa.Column) -> bool:
        # MySQLDDLCompiler.get_column_specification's own test
        table = column.table
        if table is None or column is not table.autoincrement_column:
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

    def table_constraints(self, table: sa.Table, existing: frozenset = frozenset()) -> list:
        inline = [c for col in table.columns for c in column_constraints(col)]
        ordered = [c for c in self.created_constraints(table) if c is not table.primary_key]
        constraints = inline + ordered
        self._existing = existing
        self._plan_names(table, inline, ordered)
        return constraints

    def _plan_names(self, table: sa.Table, inline: list, ordered: list) -> None:
        """The names the server gives the unnamed constraints, in the order CREATE TABLE
        (or ALTER TABLE, next to the names the table has: `self._existing`) sends them
        (implicit_name hands them out in the same order)."""
        keys, checks, fks = deque(), deque(), deque()
        key_names = {"PRIMARY"} | {self.name_of(c) for c in ordered if isinstance(c, sa.UniqueConstraint)
                                   and self.name_of(c) is not None} | set(self._existing)
        # an unnamed table check takes the lowest CONSTRAINT_<n> no other check of the
        # table has (one named later in the same statement too), a column check its column's
        check_names = {self.name_of(c) for c in inline + ordered if isinstance(c, sa.CheckConstraint)
                       and self.creates(c) and self.name_of(c) is not None}
        check_names |= {c.parent.name for c in inline if isinstance(c, sa.CheckConstraint)
                        and isinstance(c.parent, sa.Column) and self.creates(c) and self.name_of(c) is None}
        check_names |= self._existing
        check_number = 0
        # an unnamed foreign key is numbered after the highest <table>_ibfk_<n> there is
        # (read without a regex built per table: 1,000 tables would overflow re's cache)
        prefix = f"{table.name}_ibfk_"
        fk_number = max((int(name[len(prefix):]) for name in self._existing
                         if name.startswith(prefix) and name[len(prefix):].isdecimal()), default=0)
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
                while f"CONSTRAINT_{check_number}" in check_names:
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

    def deferrability(self, constraint) -> tuple[bool, Optional[str]]:
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
        invented = _invented.get()
        for cons, named in self._foreign_keys:
            columns = tuple(fk.parent.name for fk in cons.elements)
            fk = by_columns.get(columns)
            given = fk.name if named and fk is not None else None
            before = table.indexes
            table = with_foreign_key_index(table, columns, given, lambda c: index_element(self, column=c),
                                           self._existing)
            if invented is not None and table.indexes != before:
                # the index a foreign key gets is the server's, not the models' (named after
                # the key, or as the server names an unnamed key's): any index of the same
                # columns serves the key as well, under the name it has in the database, as
                # one a history made with op.create_index (see diff.tables._match_indexes)
                schema = self.schema_of(cons.table)
                invented.update((schema, declared.name, ix.name) if given is None  # the key's name too
                                else (schema, declared.name, ix.name, "index")  # the index only
                                for ix in table.indexes if ix not in before)
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
                           element=lambda c: s.IndexElement(column=c), taken: frozenset = frozenset()) -> s.Table:
    """`table` with the index the server adds for a foreign key over `columns` when no key
    leads with them: named after the constraint when it has a name of its own (`name`),
    else after its first column (`_2`, `_3`, ... on a clash with the table's names or `taken`)."""
    if any(serves(key, columns) for key in served_keys(table)):
        return table
    if name is None:
        taken = {"PRIMARY"} | {u.name for u in table.unique_constraints} | {ix.name for ix in table.indexes} | taken
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
