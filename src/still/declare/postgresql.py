"""How PostgreSQL stores what SQLAlchemy sends it.

Every rule here answers "what will `pg_catalog` say about this after `create_all`?":
types as `format_type` spells them, SERIAL as a plain integer with a hidden sequence,
identity options with PostgreSQL's defaults filled in, the names PostgreSQL invents for
unnamed constraints, the enums and sequences `create_all` creates.
"""

from __future__ import annotations

import re
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import DOMAIN, NamedType
from sqlalchemy.sql.schema import MetaData

from still import snapshot as s
from still.canon.postgresql import NAMEDATALEN, make_object_name
from still.declare import postgresql_keys as keys_
from still.declare.as_created import column_constraints
from still.declare.base import DeclareRules, default_index_elements, index_element
from still.declare.compiled import doubles_percents
from still.declare.created import schema_objects
from still.reflect.postgresql_literals import is_numeric, stored_literal
from still.reflect.postgresql_sequences import default_bounds
from still.server_versions import computed_is_virtual
from still.written import remember


# SQLAlchemy's spelling (lower-cased) -> format_type's, for the built-in types
TYPE_NAMES = {
    "int": "integer", "int4": "integer", "integer": "integer",
    "int8": "bigint", "bigint": "bigint",
    "int2": "smallint", "smallint": "smallint",
    "varchar": "character varying", "nvarchar": "character varying",
    "char": "character", "nchar": "character", "bpchar": "character",
    "bool": "boolean",
    "decimal": "numeric",
    "float4": "real", "float8": "double precision", "double": "double precision",
    "timestamptz": "timestamp with time zone", "timetz": "time with time zone",
    "varbit": "bit varying",
}
SERIAL_TYPES = {"BIGSERIAL": "bigint", "SMALLSERIAL": "smallint", "SERIAL": "integer"}
_TYPE = re.compile(r"^([a-z_][a-z0-9_ ]*?)\s*(?:\(([^)]*)\))?\s*((?:with|without) time zone)?$")
_ARRAY = re.compile(r"^(.*?)((?:\[\d*\])*)$", re.S)
_PLAIN_NAME = re.compile(r"[a-z_][a-z0-9_$]*")
_QUOTED_NAME = re.compile(r'"(?:[^"]|"")+"')
_COLLATE = re.compile(r"\s+COLLATE\s+.*$", re.S | re.I)


class Rules(DeclareRules):
    default_schema = "public"

    def __init__(self, dialect):
        super().__init__(dialect)
        # models repeat their defaults and expressions; normalise each text once
        self._defaults: dict[tuple[str, str], Optional[str]] = {}
        self._expressions: dict[str, str] = {}
        # (table, its UNIQUEs as created, the primary key's name): table_constraints
        # works it out at the start of each declare_table, name_of(pk) reuses it
        self._created: Optional[tuple] = None
        self._doubles_percents = doubles_percents(dialect)
        # (metadata, its enums, domains and sequences): enums, domains and sequences are
        # asked one after the other once its tables are declared; a table declared starts anew
        self._objects: Optional[tuple] = None

    # -- compiling ----------------------------------------------------------------------
    def sql(self, clause) -> str:
        return self._sent(super().sql(clause))

    def compiled_default(self, column: sa.Column) -> Optional[str]:
        text = super().compiled_default(column)
        return None if text is None else self._sent(text)

    def _sent(self, text: str) -> str:
        # With a format/pyformat driver the compiler doubles `%`; the driver halves it
        # again on the way to the server, which stores (and reports) a single one.
        return text.replace("%%", "%") if self._doubles_percents else text

    # -- columns ------------------------------------------------------------------------
    def column_type(self, column: sa.Column) -> str:
        serial = self._serial(column)
        if serial:
            return SERIAL_TYPES[serial]
        return self.per_type("type", column, self._column_type)

    def _column_type(self, column: sa.Column) -> str:
        return self._spelled(self.compiled_type(column), column.type)

    def type_spelling(self, type_) -> str:
        """A type (not a column's) as format_type spells it: a domain's base type."""
        type_ = sa.types.to_instance(type_)
        return self._spelled(self.dialect.type_compiler_instance.process(type_), type_)

    def _spelled(self, compiled: str, type_) -> str:
        compiled = _COLLATE.sub("", compiled)
        base, dims = _ARRAY.match(compiled).groups()
        element = _impl(type_, self.dialect)
        if dims and isinstance(element, sa.ARRAY):
            element = _impl(element.item_type, self.dialect)
        if isinstance(element, NamedType):  # enums, domains: the name as compiled
            base = _unqualified_in_public(base)
        else:
            base = builtin_type_spelling(base)
        return base + ("[]" if dims else "")  # format_type never shows array dimensions

    def _serial(self, column: sa.Column) -> Optional[str]:
        """SERIAL/BIGSERIAL/SMALLSERIAL when the DDL compiler would emit it (its own test)."""
        if not (column.primary_key and column is column.table.autoincrement_column):
            return None
        impl = column.type.dialect_impl(self.dialect)
        if isinstance(impl, sa.TypeDecorator):
            impl = impl.impl
        if isinstance(impl, sa.SmallInteger) and not self.dialect.supports_smallserial:
            return None
        if column.identity is not None and self.dialect.supports_identity_columns:
            return None
        if column.default is not None and not (
                isinstance(column.default, sa.Sequence) and column.default.optional):
            return None
        if isinstance(impl, sa.BigInteger):
            return "BIGSERIAL"
        if isinstance(impl, sa.SmallInteger):
            return "SMALLSERIAL"
        return "SERIAL"

    def _has_identity(self, column: sa.Column) -> bool:
        return column.identity is not None and self.dialect.supports_identity_columns

    def autoincrement(self, column: sa.Column) -> bool:
        return self._serial(column) is not None

    def server_default(self, column: sa.Column) -> Optional[str]:
        if column.server_default is None:
            return None
        if self._serial(column):
            return None  # the DDL compiler drops it; nextval(owned sequence) is hidden
        text = self.compiled_default(column)
        if text is None:
            return None
        key = (text, self.per_type("domain_base", column, self._domain_base) or self.column_type(column))
        if key not in self._defaults:
            self._defaults[key] = remember(stored_default(text, key[1]), text)
        return self._defaults[key]

    def _domain_base(self, column: sa.Column) -> Optional[str]:
        """On a domain column, the domain's base type: what a default is stored as
        (PostgreSQL coerces the constant to it and prints it so)."""
        impl = _impl(column.type, self.dialect)
        if not isinstance(impl, DOMAIN):
            return None
        while isinstance(impl, DOMAIN):
            impl = _impl(impl.data_type, self.dialect)
        return self.type_spelling(impl)

    def nullable(self, column: sa.Column) -> bool:
        return super().nullable(column) and not self._has_identity(column)

    def identity(self, column: sa.Column) -> Optional[s.Identity]:
        if not self._has_identity(column):
            return None
        ident = column.identity
        return s.Identity(always=bool(ident.always),
                          **_sequence_options(ident, self.column_type(column)))

    def computed(self, column: sa.Column) -> Optional[s.Computed]:
        if column.computed is None:
            return None
        persisted = column.computed.persisted
        if persisted is None:
            table = getattr(column, "table", None)
            where = f"{table.name}.{column.name}" if table is not None else column.name
            persisted = not computed_is_virtual(self.dialect, where)
        return s.Computed(expression=self.expression(self.sql(column.computed.sqltext)),
                          persisted=bool(persisted))

    def comment(self, text: Optional[str]) -> Optional[str]:
        return text or None  # COMMENT ... IS '' removes the comment

    def collation(self, column: sa.Column) -> Optional[str]:
        return self.per_type("collation", column, self._collation)

    def _collation(self, column: sa.Column) -> Optional[str]:
        impl = _impl(column.type, self.dialect)
        if isinstance(impl, DOMAIN):
            return None  # the domain's collation is the column's own default
        return getattr(impl, "collation", None)

    def expression(self, text: str) -> str:
        if text not in self._expressions:
            self._expressions[text] = remember(_sqlexpr().normalize(text), text)
        return self._expressions[text]

    # -- constraints --------------------------------------------------------------------
    def name_of(self, item) -> Optional[str]:
        name = self._own_name(item)
        if name is None and isinstance(item, sa.PrimaryKeyConstraint):
            name = self._uniques_as_created(item.table)[1]
        return name

    def _uniques_as_created(self, table: sa.Table) -> tuple[list, Optional[str]]:
        created = self._created
        if created is not None and created[0] is table:
            return created[1], created[2]
        return self._work_out_uniques(table)

    def _own_name(self, item) -> Optional[str]:
        return super().name_of(item)

    def table_constraints(self, table: sa.Table, existing: frozenset = frozenset()) -> list:
        # CREATE TABLE lists column-level CHECKs inline with their columns, then the table
        # constraints in creation order; PostgreSQL names them in that order.
        inline = [c for col in table.columns if col.constraints for c in column_constraints(col)]
        ordered = self.created_constraints(table)
        others = [c for c in ordered if not isinstance(c, sa.UniqueConstraint)]
        kept, pk_name = self._work_out_uniques(table, ordered)
        self._created = (table, kept, pk_name)
        self._objects = None
        return inline + others + kept

    def _work_out_uniques(self, table: sa.Table,
                          ordered: Optional[list] = None) -> tuple[list, Optional[str]]:
        """The UNIQUE constraints PostgreSQL keeps, and the name the primary key takes.

        CREATE TABLE drops a UNIQUE that repeats the primary key or an earlier UNIQUE (same
        columns and options); when the one kept has no name of its own, it takes the name
        of the one dropped (`id PRIMARY KEY, CONSTRAINT u UNIQUE (id)` is a key named u).
        """
        if ordered is None:
            ordered = self.created_constraints(table)
        pk = table.primary_key
        pk_columns = tuple(c.name for c in pk.columns) if pk.columns else None
        pk_key = None  # worked out only for a UNIQUE on the primary key's columns
        pk_name = None
        kept: list = []
        kept_keys: list = []
        for cons in ordered:
            if not isinstance(cons, sa.UniqueConstraint) or not self.creates(cons):
                continue
            key = _index_key(cons, self.unique_nulls_not_distinct(cons))
            if key[0] == pk_columns:
                if pk_key is None:
                    pk_key = _index_key(pk, False)
                if key == pk_key:
                    if pk_name is None and self._own_name(pk) is None:
                        pk_name = self._own_name(cons)
                    continue
            for i, prior_key in enumerate(kept_keys):
                if prior_key == key:
                    if self._own_name(kept[i]) is None and self._own_name(cons) is not None:
                        kept[i] = cons
                    break
            else:
                kept.append(cons)
                kept_keys.append(key)
        return kept, pk_name

    def implicit_name(self, kind: str, table: sa.Table, columns: list[str],
                      taken: set[str], expression: Optional[str] = None) -> Optional[str]:
        if kind == "pkey":
            addition = None
        elif kind == "check":
            addition = columns[0] if len(columns) == 1 else None
        else:
            addition = name_addition(columns)
        return choose_name(table.name, addition, kind, taken)

    def deferrability(self, constraint) -> tuple[bool, Optional[str]]:
        return keys_.deferrability(constraint)

    def exclude_constraints(self, table: sa.Table, constraints: list, named) -> tuple:
        return keys_.exclude_constraints(self, table, constraints, named)

    def unique_nulls_not_distinct(self, constraint: sa.UniqueConstraint) -> bool:
        return bool(_pg_option(constraint, "nulls_not_distinct"))

    def fk_match(self, constraint: sa.ForeignKeyConstraint) -> Optional[str]:
        match = (constraint.match or "").upper()
        return None if match in ("", "SIMPLE") else match

    # -- indexes ------------------------------------------------------------------------
    def index_where(self, index: sa.Index) -> Optional[str]:
        where = _pg_option(index, "where")
        return None if where is None else self.expression(self.sql(where))

    def index_include(self, index: sa.Index) -> tuple[str, ...]:
        return tuple(c if isinstance(c, str) else c.name for c in _pg_option(index, "include") or ())

    def index_method(self, index: sa.Index) -> Optional[str]:
        using = _pg_option(index, "using")
        if not using or using.lower() == "btree":
            return None
        return using.lower()

    def index_keys(self, expr) -> tuple[s.IndexElement, ...]:
        return tuple(map(self._plain_key, default_index_elements(self, expr)))

    def index_elements(self, index: sa.Index) -> tuple[s.IndexElement, ...]:
        ops, method = _pg_option(index, "ops"), self.index_method(index)
        return tuple(key for e in index.expressions for key in keys_.index_keys(self, e, ops, method))

    def _plain_key(self, element: s.IndexElement) -> s.IndexElement:
        # an expression that is only a column name (`desc("at")`, `text("email")`) makes
        # PostgreSQL store a plain column key
        column = _bare_column(element.expression)
        if column is not None:
            element = index_element(self, column=column, descending=element.descending,
                                    nulls=element.nulls)
        return element

    def index_nulls_not_distinct(self, index: sa.Index) -> bool:
        return bool(_pg_option(index, "nulls_not_distinct"))

    # -- schema-level objects -----------------------------------------------------------
    def object_schemas(self, table_schemas: set[str], wanted: Optional[set[str]]):
        return wanted  # enums and sequences live where they are declared, tables or not

    def _schema_objects(self, metadata: MetaData) -> list:
        if self._objects is None or self._objects[0] is not metadata:
            self._objects = (metadata, schema_objects(metadata, self.dialect))
        return self._objects[1]

    def enums(self, metadata: MetaData, schemas: Optional[set[str]], created_only: bool = False):
        """`created_only`: just the enums a CREATE TABLE brings along (create_type)."""
        out: dict[str, dict[str, s.Enum]] = {}
        for obj in self._schema_objects(metadata):
            if not isinstance(obj, sa.Enum) or (created_only and not getattr(obj, "create_type", True)):
                continue
            impl = obj.dialect_impl(self.dialect)
            if not isinstance(impl, NamedType) or impl.name is None or not impl.enums:
                continue  # a non-native Enum is a VARCHAR (and maybe a CHECK); no values: a reference
            schema = impl.schema or self.default_schema
            if schemas is None or schema in schemas:
                out.setdefault(schema, {}).setdefault(impl.name, s.Enum(
                    name=impl.name, values=tuple(impl.enums)))
        return out

    def domains(self, metadata: MetaData, schemas: Optional[set[str]], created_only: bool = False):
        """`created_only`: just the domains a CREATE TABLE brings along (create_type)."""
        out: dict[str, dict[str, s.Domain]] = {}
        for obj in self._schema_objects(metadata):
            if not isinstance(obj, DOMAIN) or (created_only and not obj.create_type):
                continue
            schema = obj.schema or self.default_schema
            if (schemas is None or schema in schemas) and obj.name not in out.get(schema, {}):
                out.setdefault(schema, {})[obj.name] = self.domain(obj)
        return out

    def domain(self, domain: DOMAIN) -> s.Domain:
        """What CREATE DOMAIN as SQLAlchemy compiles it leaves in pg_type/pg_constraint.
        SQLAlchemy writes `CONSTRAINT name` before NOT NULL, so with not_null the name
        goes to the NOT NULL and the CHECK takes PostgreSQL's `<domain>_check`."""
        type_ = self.type_spelling(domain.data_type)
        checks = ()
        if domain.check is not None:
            name = domain.constraint_name if domain.constraint_name and not domain.not_null \
                else make_object_name(domain.name, None, "check")
            checks = (self.domain_check(name, domain.check),)
        return s.Domain(name=domain.name, type=type_, not_null=bool(domain.not_null),
                        default=self.domain_default(domain.default, type_), checks=checks,
                        collation=domain.collation)

    def domain_default(self, default, type_: str) -> Optional[str]:
        """A domain's DEFAULT as stored: a str is a literal, a text() clause SQL."""
        if default is None:
            return None
        text = self._sent(self.ddl.render_default_string(default))
        return remember(stored_default(text, type_), text)

    def domain_check(self, name: Optional[str], check) -> s.CheckConstraint:
        clause = sa.text(check) if isinstance(check, str) else check
        return s.CheckConstraint(name=name, expression=self.expression(self.sql(clause)))

    def sequences(self, metadata: MetaData, schemas: Optional[set[str]]):
        out: dict[str, dict[str, s.Sequence]] = {}
        for seq in self._schema_objects(metadata):
            if not isinstance(seq, sa.Sequence):
                continue
            if seq.optional and self.dialect.sequences_optional:
                continue  # create_all leaves optional sequences to databases that need them
            schema = seq.schema or self.default_schema
            if schemas is not None and schema not in schemas:
                continue
            type_name = "bigint"
            if seq.data_type is not None:
                type_name = builtin_type_spelling(
                    self.dialect.type_compiler_instance.process(seq.data_type))
            out.setdefault(schema, {})[seq.name] = s.Sequence(
                name=seq.name, **_sequence_options(seq, type_name))
        return out


# -- helpers -----------------------------------------------------------------------------
_LITERAL = re.compile(r"'(?:[^']|'')*'", re.S)


def stored_default(text: str, type_name: str) -> str:
    """The canonical text of the default PostgreSQL stores for `DEFAULT <text>` on a
    column of `type_name`: a string literal (`server_default="0"`) becomes a constant
    of the column's type (`false` on a boolean), printed as that type prints it."""
    canonical = _sqlexpr().normalize_default(text, numeric=False)
    if _LITERAL.fullmatch(canonical):
        stored = stored_literal(type_name, canonical[1:-1].replace("''", "'"))
        if stored is not None:
            return stored
    return _sqlexpr().normalize_default(text, numeric=is_numeric(type_name))


def _sqlexpr():
    from still import sqlexpr

    return sqlexpr


def _impl(type_, dialect):
    """The type as the dialect sees it: variant chosen, TypeDecorator unwrapped."""
    impl = type_.dialect_impl(dialect)
    while isinstance(impl, sa.TypeDecorator):
        impl = impl.impl.dialect_impl(dialect)
    return impl


def _pg_option(item, name: str):
    # an option the SQLAlchemy in use does not know (constraint `include` before 2.0.41)
    # cannot have been given, so it is unset
    return item.dialect_options["postgresql"].get(name)


def _index_key(constraint, nulls_not_distinct: bool) -> tuple:
    """What makes two PRIMARY KEY/UNIQUE constraints the same index to PostgreSQL."""
    include = tuple(c if isinstance(c, str) else c.name
                    for c in _pg_option(constraint, "include") or ())
    return (tuple(c.name for c in constraint.columns), include, nulls_not_distinct,
            bool(constraint.deferrable), (constraint.initially or "").upper())


def _bare_column(expression: Optional[str]) -> Optional[str]:
    if expression is None:
        return None
    if _PLAIN_NAME.fullmatch(expression):
        return expression
    if _QUOTED_NAME.fullmatch(expression):
        return expression[1:-1].replace('""', '"')
    return None


def _unqualified_in_public(name: str) -> str:
    for prefix in ("public.", '"public".'):
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def builtin_type_spelling(compiled: str) -> str:
    """`VARCHAR(80)` -> `character varying(80)`, `FLOAT` -> `double precision`, ... the way
    `format_type` spells a built-in type."""
    lower = " ".join(compiled.lower().split())
    m = _TYPE.match(lower)
    if not m:
        return lower
    name, args, zone = m.groups()
    name = TYPE_NAMES.get(name, name)
    params = [a.strip() for a in args.split(",")] if args else []
    if name == "float":
        name = "real" if params and int(params[0]) <= 24 else "double precision"
        params = []
    elif name == "numeric" and len(params) == 1:
        params.append("0")
    elif name in ("character", "bit") and not params:
        params = ["1"]
    elif name in ("timestamp", "time") and not zone:
        zone = "without time zone"
    out = name + (f"({','.join(params)})" if params else "")
    return out + (f" {zone}" if zone else "")


def _sequence_options(options, type_name: str) -> dict:
    """Identity/Sequence options with PostgreSQL's defaults filled in, bounds None when
    they are the type's defaults (as reflection reports them)."""
    increment = options.increment or 1
    low, high = default_bounds(type_name, increment)
    minvalue = low if options.nominvalue or options.minvalue is None else options.minvalue
    maxvalue = high if options.nomaxvalue or options.maxvalue is None else options.maxvalue
    start = options.start
    if start is None:
        start = minvalue if increment > 0 else maxvalue
    return dict(
        start=start,
        increment=increment,
        minvalue=None if minvalue == low else minvalue,
        maxvalue=None if maxvalue == high else maxvalue,
        cycle=bool(options.cycle),
        cache=options.cache or 1,
    )


def name_addition(columns: list[str]) -> str:
    """Column names joined by `_`, cut off once past NAMEDATALEN bytes, as PostgreSQL's
    ChooseIndexNameAddition builds the middle of `t_a_b_key` / `t_a_fkey`."""
    buf = b""
    for col in columns:
        if buf:
            buf += b"_"
        buf += col.encode("utf-8")[:NAMEDATALEN]
        if len(buf) >= NAMEDATALEN:
            break
    return buf.decode("utf-8", "ignore")


def choose_name(name1: str, name2: Optional[str], label: str, taken: set[str]) -> str:
    """PostgreSQL's ChooseConstraintName: on a clash, retry with label1, label2, ..."""
    candidate, attempt = make_object_name(name1, name2, label), 0
    while candidate in taken:
        attempt += 1
        candidate = make_object_name(name1, name2, f"{label}{attempt}")
    return candidate

