"""MetaData -> Snapshot, the dialect-independent walk.

The walk compiles every piece of the models with the dialect's own DDL compiler, the way
`metadata.create_all()` would send it, and then asks the dialect's rules (a subclass of
`DeclareRules` in `declare/<dialect>.py`) how that database stores what it was sent:
type spelling, default text, names it invents for unnamed constraints, and so on.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from typing import Iterable, Iterator, Optional

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.compiler import DDLCompiler
from sqlalchemy.sql.schema import MetaData

from still import snapshot as s
from still.declare.as_created import IndexesAsCreated, TableAsCreated
from still.declare.constraint_rules import ConstraintRules
from still.declare.memo import _Memo, clause_key, type_key
from still.declare.index_keys import split_index_keys
from still.sqlexpr import identifiers
from still.written import written


class DeclareRules(ConstraintRules):
    """How one dialect stores what SQLAlchemy sends it. Subclasses override the hooks."""

    default_schema: str = ""
    supports_comments: bool = True

    def __init__(self, dialect: Dialect):
        self.dialect = dialect
        self.ddl = dialect.ddl_compiler(dialect, None)
        self.preparer = dialect.identifier_preparer
        ddl_class = type(self.ddl)
        self._plain_defaults = (
            ddl_class.get_column_default_string is DDLCompiler.get_column_default_string
            and ddl_class.render_default_string is DDLCompiler.render_default_string)
        self._identifiers: dict[str, frozenset[str]] = {}  # a pure function of the text
        self._memo: Optional[_Memo] = None  # while `memoised`
        self.as_created = TableAsCreated(dialect)
        self.indexes_as_created = IndexesAsCreated(dialect)

    @contextmanager
    def memoised(self):
        """Within the block, compile each distinct type, default and plain clause once and
        build each distinct Column and IndexElement once (declare_with runs in one: a
        model repeats a handful of them over thousands of tables). Outside it, as for the
        single tables the `op` API declares, everything is worked out each time."""
        outer = self._memo
        if outer is None:
            self._memo = _Memo()
        try:
            yield
        finally:
            self._memo = outer

    def keep_memo(self) -> None:
        """Memoise from now on, for as long as these rules live: an executor's, whose op.*
        calls declare one table at a time over a whole run of revisions that repeat the
        same few types. The keys are those of `memoised`; `@compiles` is asked each time."""
        if self._memo is None:
            self._memo = _Memo(live=True)

    # -- compiling pieces exactly as CREATE TABLE would ---------------------------------
    def sql(self, clause) -> str:
        """Compile an expression as DDL does: no table prefixes, literals inlined."""
        memo = self._memo
        key = None if memo is None else clause_key(clause, memo)
        if key is None:
            return self.ddl.sql_compiler.process(clause, include_table=False, literal_binds=True)
        key = ("sql", key)
        found = memo.compiled.get(key)
        if found is None:
            found = memo.compiled[key] = self.ddl.sql_compiler.process(
                clause, include_table=False, literal_binds=True)
        return found

    def compiled_type(self, column: sa.Column) -> str:
        return self.dialect.type_compiler_instance.process(column.type, type_expression=column)

    def per_type(self, what: str, column: sa.Column, compute):
        """`compute(column)`, remembered per `type_key` of the column's type while
        memoised: for rules that depend on the column's type alone."""
        memo = self._memo
        if memo is None:
            return compute(column)
        type_ = column.type
        last, key = memo.last_type
        # the hooks of one column ask one after the other; between the declares of a live
        # memo the revision's own code runs, which may change a type it passes again
        if last is not type_ or memo.live:
            key = type_key(type_, memo)
            memo.last_type = (type_, key)
        if key is None:
            return compute(column)
        key = (what, key)
        try:
            return memo.by_type[key]
        except KeyError:
            value = memo.by_type[key] = compute(column)
            return value

    def identifiers(self, text: str) -> frozenset[str]:
        """sqlexpr.identifiers, once per distinct text."""
        found = self._identifiers.get(text)
        if found is None:
            found = self._identifiers[text] = frozenset(identifiers(text))
        return found

    def declare_column(self, col: sa.Column) -> s.Column:
        values = (col.name, self.column_type(col), self.nullable(col), self.server_default(col),
                  self.autoincrement(col), self.identity(col), self.computed(col),
                  self.comment(col.comment), self.collation(col))
        memo = self._memo
        # models repeat whole columns (`id`, `created_at`); a snapshot is immutable, so
        # equal columns can be one object, validated once (equal as written, too)
        key = (values, written(values[3]), values[6] and written(values[6].expression))
        found = None if memo is None else memo.columns.get(key)
        if found is None:
            name, type_, nullable, default, autoincrement, identity, computed, comment, \
                collation = values
            found = s.Column(
                name=name, type=type_, nullable=nullable, default=default,
                autoincrement=autoincrement, identity=identity, computed=computed,
                comment=comment, collation=collation)
            if memo is not None:
                memo.columns[key] = found
        return found

    def compiled_default(self, column: sa.Column) -> Optional[str]:
        memo = self._memo
        default = column.server_default
        if memo is None or not self._plain_defaults or not isinstance(default, sa.DefaultClause):
            return self.ddl.get_column_default_string(column)
        # SQLAlchemy's own rendering depends on the default's argument alone
        arg = default.arg
        key = ("str", arg) if isinstance(arg, str) else clause_key(arg, memo)
        if key is None:
            return self.ddl.get_column_default_string(column)
        key = ("default", key)
        found = memo.compiled.get(key)
        if found is None:
            found = memo.compiled[key] = self.ddl.get_column_default_string(column)
        return found

    def name_of(self, item) -> Optional[str]:
        """The name a constraint or index gets at DDL time (naming conventions applied);
        None when it is unnamed and no convention names it (`implicit_name` decides)."""
        if item.name is None:
            return None
        return self.preparer.format_constraint(item, _alembic_quote=False)

    def creates(self, constraint) -> bool:
        """Whether CREATE TABLE emits this constraint on this dialect: Boolean/Enum checks
        have a create rule, and a table constraint may be `ddl_if(...)` another dialect
        (CREATE TABLE asks ddl_if of table constraints only, not of a column's)."""
        return self.as_created.creates(constraint)

    def created_constraints(self, table: sa.Table) -> tuple:
        """The table-level constraints CREATE TABLE creates, in the order it sends them:
        the primary key first, then the others in the order they were made."""
        return self.as_created.constraints(table)

    def creates_index(self, index: sa.Index) -> bool:
        """Whether create_all creates this index on this dialect (`Index.ddl_if`)."""
        return self.indexes_as_created.creates(index)

    # -- hooks --------------------------------------------------------------------------
    def schema_of(self, table: sa.Table) -> str:
        return table.schema or self.default_schema

    def column_type(self, column: sa.Column) -> str:
        return self.compiled_type(column)

    def server_default(self, column: sa.Column) -> Optional[str]:
        return self.compiled_default(column)

    def autoincrement(self, column: sa.Column) -> bool:
        return False

    def identity(self, column: sa.Column) -> Optional[s.Identity]:
        return None

    def computed(self, column: sa.Column) -> Optional[s.Computed]:
        if column.computed is None:
            return None
        return s.Computed(
            expression=self.expression(self.sql(column.computed.sqltext)),
            persisted=column.computed.persisted is not False,
        )

    def nullable(self, column: sa.Column) -> bool:
        return bool(column.nullable) and not column.primary_key

    def collation(self, column: sa.Column) -> Optional[str]:
        return getattr(column.type, "collation", None)

    def expression(self, text: str) -> str:
        """Normalise an expression (check, computed, index, WHERE) as the dialect stores it."""
        return text

    def implicit_name(self, kind: str, table: sa.Table, columns: list[str],
                      taken: set[str], expression: Optional[str] = None) -> Optional[str]:
        """The name the database gives an unnamed constraint (None where it names none)."""
        return None

    def index_where(self, index: sa.Index) -> Optional[str]:
        return None

    def index_include(self, index: sa.Index) -> tuple[str, ...]:
        return ()

    def index_method(self, index: sa.Index) -> Optional[str]:
        return None

    def index_nulls_not_distinct(self, index: sa.Index) -> bool:
        return False

    def index_keys(self, expr) -> tuple[s.IndexElement, ...]:
        """The keys one of an Index's expressions makes (a text can hold several)."""
        return default_index_elements(self, expr)

    def index_elements(self, index: sa.Index) -> tuple[s.IndexElement, ...]:
        """The index's keys; a dialect that needs the table to read a key overrides this."""
        return tuple(key for e in index.expressions for key in self.index_keys(e))

    def unrepresented(self, metadata: MetaData) -> list[tuple[str, str, Optional[str], str]]:
        """(schema, table, column, message) for what the models say but this database
        cannot store, so it can never be compared (comments on SQLite, for one)."""
        out = []
        if not self.supports_comments:
            for table in metadata.tables.values():
                schema = self.schema_of(table)
                if table.comment:
                    out.append((schema, table.name, None,
                                f"table {table.name} has a comment, which {self.dialect.name} cannot store"))
                for col in table.columns:
                    if col.comment:
                        out.append((schema, table.name, col.name, f"column {table.name}.{col.name} has "
                                    f"a comment, which {self.dialect.name} cannot store"))
        return out

    def enums(self, metadata: MetaData, schemas: set[str], created_only=False) -> dict[str, dict[str, s.Enum]]:
        return {}

    def sequences(self, metadata: MetaData, schemas: set[str]) -> dict[str, dict[str, s.Sequence]]:
        return {}

    def domains(self, metadata: MetaData, schemas: set[str],
                created_only: bool = False) -> dict[str, dict[str, s.Domain]]:
        return {}

    def table_constraints(self, table: sa.Table, existing: frozenset = frozenset()) -> list:
        """The table's unique, check and foreign key constraints, in the order the database
        creates (and so numbers) them; `existing` are the names the table has already (an
        op.* call adds to a table of the database), which a name the database invents avoids."""
        return list(table.constraints)

    def deferrability(self, constraint) -> tuple[bool, Optional[str]]:
        """(deferrable, initially) of a key, foreign key or EXCLUDE as the database reports them."""
        initially = constraint.initially.upper() if constraint.initially else None
        return bool(constraint.deferrable), initially

    def exclude_constraints(self, table: sa.Table, constraints: list, named) -> tuple:
        """The table's EXCLUDE constraints (PostgreSQL's alone), named with `named`."""
        return ()

    def comment(self, text: Optional[str]) -> Optional[str]:
        """A table or column comment as the database keeps it."""
        return text if self.supports_comments else None

    def table_options(self, table: sa.Table) -> s.TableOptions:
        """The table options the snapshot keeps (see snapshot.Table.options): none here."""
        return _NO_OPTIONS

    def finish_table(self, table: sa.Table, declared: s.Table) -> s.Table:
        """The table as the database keeps it, from everything declared for it: for what
        a database adds or merges by itself (MySQL's indexes for foreign keys)."""
        return declared

    def object_schemas(self, table_schemas: set[str], wanted: Optional[set[str]]):
        """The `schemas` the enums/sequences hooks are asked for (None: every schema)."""
        return table_schemas if wanted is None else wanted


def index_element(rules: DeclareRules, column: Optional[str] = None,
                  expression: Optional[str] = None, descending: bool = False,
                  nulls: Optional[str] = None) -> s.IndexElement:
    """The IndexElement with these values; equal ones are one object while memoised."""
    memo = rules._memo
    if memo is None:
        return s.IndexElement(column=column, expression=expression, descending=descending,
                              nulls=nulls)
    key = (column, expression, written(expression), descending, nulls)
    found = memo.index_elements.get(key)
    if found is None:
        found = memo.index_elements[key] = s.IndexElement(
            column=column, expression=expression, descending=descending, nulls=nulls)
    return found


def default_index_elements(rules: DeclareRules, expr) -> tuple[s.IndexElement, ...]:
    """Split `desc(col)` / `col.asc().nulls_last()` / an expression into IndexElements.

    A text (`text("version_major DESC")`, `text("a, b DESC NULLS LAST")`) is sent as
    written: the database reads every key in it, with its own ordering, as it would
    read keys given one by one."""
    descending = False
    nulls = None
    inner = expr
    while isinstance(inner, sa.sql.elements.UnaryExpression):
        modifier = inner.modifier
        if modifier is sa.sql.operators.desc_op:
            descending = True
        elif modifier is sa.sql.operators.nulls_first_op:
            nulls = "first"
        elif modifier is sa.sql.operators.nulls_last_op:
            nulls = "last"
        elif modifier is not sa.sql.operators.asc_op:
            break
        inner = inner.element
    if isinstance(inner, sa.Column):
        return (_ordered(rules, inner.name, None, descending, nulls),)
    keys = split_index_keys(rules.sql(inner))
    if len(keys) == 1 and not (keys[0][1] or keys[0][2]):
        return (_ordered(rules, None, rules.expression(keys[0][0]), descending, nulls),)
    return tuple(_ordered(rules, None, rules.expression(text), descending or key_desc,
                          key_nulls or nulls) for text, key_desc, key_nulls in keys)


def _ordered(rules, column, expression, descending, nulls) -> s.IndexElement:
    # the database's default null ordering is not stored: NULLS LAST for ASC, FIRST for DESC
    if (nulls == "last" and not descending) or (nulls == "first" and descending):
        nulls = None
    return index_element(rules, column=column, expression=expression, descending=descending,
                         nulls=nulls)


def _column_names(cols: Iterable) -> list[str]:
    return [c.name for c in cols]


_invented: ContextVar[Optional[set]] = ContextVar("still_invented_names", default=None)


@contextmanager
def invented_names() -> Iterator[set]:
    """Collect (schema, table, name) of every constraint name the declare rules invent
    (the database's own name for a constraint the models leave unnamed) while the block
    declares: such a constraint may have any name in the database."""
    found: set = set()
    token = _invented.set(found)
    try:
        yield found
    finally:
        _invented.reset(token)


_NO_OPTIONS = s.TableOptions()


def declare_table(rules: DeclareRules, table: sa.Table, existing: frozenset = frozenset()) -> s.Table:
    taken: set[str] = set(existing)
    invented = _invented.get()

    def named(item, kind: str, columns: list[str], expression: Optional[str] = None):
        name = rules.name_of(item)
        if name is None:
            name = rules.implicit_name(kind, table, columns, taken, expression)
            if name is not None and invented is not None:
                invented.add((rules.schema_of(table), table.name, name))
        if name is not None:
            taken.add(name)
        return name

    constraints = rules.table_constraints(table, existing)
    columns = tuple(rules.declare_column(col) for col in table.columns)
    pk = None
    if table.primary_key.columns and rules.creates(table.primary_key):
        pk_cols = _column_names(table.primary_key.columns)
        deferrable, initially = rules.deferrability(table.primary_key)
        pk = s.PrimaryKey(name=named(table.primary_key, "pkey", pk_cols), columns=tuple(pk_cols),
                          deferrable=deferrable, initially=initially)

    # Constraints and indexes are named in the order PostgreSQL creates them, so that the
    # numbered names it invents on a clash (`t_check1`) come out the same.
    uniques, checks, fks = [], [], []
    for cons in constraints:
        if isinstance(cons, sa.UniqueConstraint) and rules.creates(cons):
            cols = _column_names(cons.columns)
            deferrable, initially = rules.deferrability(cons)
            uniques.append(s.UniqueConstraint(
                name=named(cons, "key", cols), columns=tuple(cols),
                nulls_not_distinct=rules.unique_nulls_not_distinct(cons), deferrable=deferrable,
                initially=initially))
    for cons in constraints:
        if isinstance(cons, sa.CheckConstraint) and rules.creates(cons):
            text = rules.expression(rules.sql(cons.sqltext))
            mentioned = rules.identifiers(text)
            referenced = [c.name for c in table.columns if c.name in mentioned]
            checks.append(s.CheckConstraint(
                name=named(cons, "check", referenced, text), expression=text))
    for cons in constraints:
        if not isinstance(cons, sa.ForeignKeyConstraint) or not rules.creates(cons):
            continue
        cols = [fk.parent.name for fk in cons.elements]
        target = cons.elements[0].column.table
        deferrable, initially = rules.deferrability(cons)
        fks.append(s.ForeignKey(
            name=named(cons, "fkey", cols),
            columns=tuple(cols),
            referred_schema=rules.schema_of(target),
            referred_table=target.name,
            referred_columns=tuple(fk.column.name for fk in cons.elements),
            ondelete=rules.fk_action(cons.ondelete),
            onupdate=rules.fk_action(cons.onupdate),
            deferrable=deferrable,
            initially=initially,
            match=rules.fk_match(cons),
        ))
    excludes = rules.exclude_constraints(table, constraints, named)
    indexes = []
    for index in table.indexes:
        if not rules.creates_index(index):
            continue
        indexes.append(s.Index(
            name=rules.name_of(index),
            elements=rules.index_elements(index),
            unique=bool(index.unique),
            where=rules.index_where(index),
            include=rules.index_include(index),
            method=rules.index_method(index),
            nulls_not_distinct=rules.index_nulls_not_distinct(index),
        ))
    return rules.finish_table(table, s.Table(
        name=table.name,
        columns=columns,
        primary_key=pk,
        foreign_keys=tuple(fks),
        unique_constraints=tuple(uniques),
        check_constraints=tuple(checks),
        exclude_constraints=excludes,
        indexes=tuple(indexes),
        comment=rules.comment(table.comment),
        options=rules.table_options(table),
    ))


def declare_with(rules: DeclareRules, metadata: MetaData,
                 schemas: Optional[Iterable[str]] = None) -> s.Snapshot:
    wanted = set(schemas) if schemas is not None else None
    tables: dict[str, dict[str, s.Table]] = {}
    with rules.memoised():
        for table in metadata.tables.values():
            schema = rules.schema_of(table)
            if wanted is not None and schema not in wanted:
                continue
            tables.setdefault(schema, {})[table.name] = declare_table(rules, table)
    present = rules.object_schemas(set(tables), wanted)
    enums = rules.enums(metadata, present)
    sequences = rules.sequences(metadata, present)
    domains = rules.domains(metadata, present)
    names = set(tables) | set(enums) | set(domains) | set(sequences)
    return s.Snapshot(
        dialect=rules.dialect.name,
        default_schema=rules.default_schema,
        schemas={
            name: s.Schema(name=name, tables=tables.get(name, {}), enums=enums.get(name, {}),
                           domains=domains.get(name, {}), sequences=sequences.get(name, {}))
            for name in names
        },
    )
