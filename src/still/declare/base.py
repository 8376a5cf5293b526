"""MetaData -> Snapshot, the dialect-independent walk.

The walk compiles every piece of the models with the dialect's own DDL compiler, the way
`metadata.create_all()` would send it, and then asks the dialect's rules (a subclass of
`DeclareRules` in `declare/<dialect>.py`) how that database stores what it was sent:
type spelling, default text, names it invents for unnamed constraints, and so on.
"""

from __future__ import annotations

from typing import Iterable, Optional

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.schema import MetaData

from still import snapshot as s
from still.sqlexpr import identifiers


class DeclareRules:
    """How one dialect stores what SQLAlchemy sends it. Subclasses override the hooks."""

    default_schema: str = ""
    supports_comments: bool = True

    def __init__(self, dialect: Dialect):
        self.dialect = dialect
        self.ddl = dialect.ddl_compiler(dialect, None)
        self.preparer = dialect.identifier_preparer

    # -- compiling pieces exactly as CREATE TABLE would ---------------------------------
    def sql(self, clause) -> str:
        """Compile an expression as DDL does: no table prefixes, literals inlined."""
        return self.ddl.sql_compiler.process(clause, include_table=False, literal_binds=True)

    def compiled_type(self, column: sa.Column) -> str:
        return self.dialect.type_compiler_instance.process(column.type, type_expression=column)

    def compiled_default(self, column: sa.Column) -> Optional[str]:
        return self.ddl.get_column_default_string(column)

    def name_of(self, item) -> Optional[str]:
        """The name a constraint or index gets at DDL time (naming conventions applied);
        None when it is unnamed and no convention names it (`implicit_name` decides)."""
        if item.name is None:
            return None
        return self.preparer.format_constraint(item, _alembic_quote=False)

    def creates(self, constraint) -> bool:
        """Whether CREATE TABLE emits this constraint on this dialect (Boolean/Enum checks)."""
        rule = getattr(constraint, "_create_rule", None)
        return rule is None or bool(rule(self.ddl))

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

    def unique_nulls_not_distinct(self, constraint: sa.UniqueConstraint) -> bool:
        return False

    def index_element(self, expr) -> s.IndexElement:
        return default_index_element(self, expr)

    def index_elements(self, index: sa.Index) -> tuple[s.IndexElement, ...]:
        """The index's keys; a dialect that needs the table to read a key overrides this."""
        return tuple(self.index_element(e) for e in index.expressions)

    def fk_action(self, value: Optional[str]) -> Optional[str]:
        if value is None:
            return None
        value = value.upper()
        return None if value == "NO ACTION" else value

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

    def enums(self, metadata: MetaData, schemas: set[str]) -> dict[str, dict[str, s.Enum]]:
        return {}

    def sequences(self, metadata: MetaData, schemas: set[str]) -> dict[str, dict[str, s.Sequence]]:
        return {}

    def table_constraints(self, table: sa.Table) -> list:
        """The table's unique, check and foreign key constraints, in the order the database
        creates (and so numbers) them."""
        return list(table.constraints)

    def fk_deferrability(self, constraint: sa.ForeignKeyConstraint) -> tuple[bool, Optional[str]]:
        """(deferrable, initially) as the database reports them."""
        initially = constraint.initially.upper() if constraint.initially else None
        return bool(constraint.deferrable), initially

    def comment(self, text: Optional[str]) -> Optional[str]:
        """A table or column comment as the database keeps it."""
        return text if self.supports_comments else None

    def object_schemas(self, table_schemas: set[str], wanted: Optional[set[str]]):
        """The `schemas` the enums/sequences hooks are asked for (None: every schema)."""
        return table_schemas if wanted is None else wanted


def default_index_element(rules: DeclareRules, expr) -> s.IndexElement:
    """Split `desc(col)` / `col.asc().nulls_last()` / an expression into an IndexElement."""
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
    # the database's default null ordering is not stored: NULLS LAST for ASC, FIRST for DESC
    if (nulls == "last" and not descending) or (nulls == "first" and descending):
        nulls = None
    if isinstance(inner, sa.Column):
        return s.IndexElement(column=inner.name, descending=descending, nulls=nulls)
    return s.IndexElement(expression=rules.expression(rules.sql(inner)), descending=descending,
                          nulls=nulls)


def _column_names(cols: Iterable) -> list[str]:
    return [c.name for c in cols]


def declare_table(rules: DeclareRules, table: sa.Table) -> s.Table:
    taken: set[str] = set()

    def named(item, kind: str, columns: list[str], expression: Optional[str] = None):
        name = rules.name_of(item)
        if name is None:
            name = rules.implicit_name(kind, table, columns, taken, expression)
        if name is not None:
            taken.add(name)
        return name

    columns = tuple(
        s.Column(
            name=col.name,
            type=rules.column_type(col),
            nullable=rules.nullable(col),
            default=rules.server_default(col),
            autoincrement=rules.autoincrement(col),
            identity=rules.identity(col),
            computed=rules.computed(col),
            comment=rules.comment(col.comment),
            collation=rules.collation(col),
        )
        for col in table.columns
    )
    pk = None
    if table.primary_key.columns:
        pk_cols = _column_names(table.primary_key.columns)
        pk = s.PrimaryKey(name=named(table.primary_key, "pkey", pk_cols), columns=tuple(pk_cols))

    # Constraints and indexes are named in the order PostgreSQL creates them, so that the
    # numbered names it invents on a clash (`t_check1`) come out the same.
    uniques, checks, fks = [], [], []
    for cons in rules.table_constraints(table):
        if isinstance(cons, sa.UniqueConstraint) and rules.creates(cons):
            cols = _column_names(cons.columns)
            uniques.append(s.UniqueConstraint(
                name=named(cons, "key", cols), columns=tuple(cols),
                nulls_not_distinct=rules.unique_nulls_not_distinct(cons)))
    for cons in rules.table_constraints(table):
        if isinstance(cons, sa.CheckConstraint) and rules.creates(cons):
            text = rules.expression(rules.sql(cons.sqltext))
            mentioned = identifiers(text)
            referenced = [c.name for c in table.columns if c.name in mentioned]
            checks.append(s.CheckConstraint(
                name=named(cons, "check", referenced, text), expression=text))
    for cons in rules.table_constraints(table):
        if not isinstance(cons, sa.ForeignKeyConstraint) or not rules.creates(cons):
            continue
        cols = [fk.parent.name for fk in cons.elements]
        target = cons.elements[0].column.table
        deferrable, initially = rules.fk_deferrability(cons)
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
        ))
    indexes = []
    for index in table.indexes:
        indexes.append(s.Index(
            name=rules.name_of(index),
            elements=rules.index_elements(index),
            unique=bool(index.unique),
            where=rules.index_where(index),
            include=rules.index_include(index),
            method=rules.index_method(index),
            nulls_not_distinct=rules.index_nulls_not_distinct(index),
        ))
    return s.Table(
        name=table.name,
        columns=columns,
        primary_key=pk,
        foreign_keys=tuple(fks),
        unique_constraints=tuple(uniques),
        check_constraints=tuple(checks),
        indexes=tuple(indexes),
        comment=rules.comment(table.comment),
    )


def declare_with(rules: DeclareRules, metadata: MetaData,
                 schemas: Optional[Iterable[str]] = None) -> s.Snapshot:
    wanted = set(schemas) if schemas is not None else None
    tables: dict[str, dict[str, s.Table]] = {}
    for table in metadata.tables.values():
        schema = rules.schema_of(table)
        if wanted is not None and schema not in wanted:
            continue
        tables.setdefault(schema, {})[table.name] = declare_table(rules, table)
    present = rules.object_schemas(set(tables), wanted)
    enums = rules.enums(metadata, present)
    sequences = rules.sequences(metadata, present)
    names = set(tables) | set(enums) | set(sequences)
    return s.Snapshot(
        dialect=rules.dialect.name,
        default_schema=rules.default_schema,
        schemas={
            name: s.Schema(name=name, tables=tables.get(name, {}), enums=enums.get(name, {}),
                           sequences=sequences.get(name, {}))
            for name in names
        },
    )
