"""Hypothesis strategies: valid schemas as SQLAlchemy models, and a second schema derived
from the first by random edits.

A schema is generated as a small plain spec (so hypothesis can shrink it to a readable
case) and built into a MetaData on demand, so the same pair drives the symbolic tests
(declare both, diff, apply) and the database tests (create_all A, execute, reflect).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import sqlalchemy as sa
from hypothesis import strategies as st
from sqlalchemy.dialects import postgresql

class _Domain(postgresql.DOMAIN):
    """A DOMAIN for `with_variant(..., "postgresql")`: SQLAlchemy runs a variant named type's
    CREATE on every dialect's create_all (SQLite has no `has_type`); this one only on
    PostgreSQL."""

    def _on_metadata_create(self, target, bind, **kw):
        if bind.dialect.name == "postgresql":
            super()._on_metadata_create(target, bind, **kw)

    def _on_metadata_drop(self, target, bind, **kw):
        if bind.dialect.name == "postgresql":
            super()._on_metadata_drop(target, bind, **kw)

    def _on_table_create(self, target, bind, **kw):
        if bind.dialect.name == "postgresql":
            super()._on_table_create(target, bind, **kw)


# type key -> (SQLAlchemy type, defaults that suit it). Plain strings are string literals
# (`DEFAULT '0'`) the database converts to the column's type: each type gets some, in
# spellings the database stores otherwise (`'0'` on a boolean is `false`).
TYPES = {
    "int": (sa.Integer, ["0", "7", "007", "-3"]),
    "bigint": (sa.BigInteger, ["0", " 12"]),
    "str20": (lambda: sa.String(20), ["x", "", "007", "0"]),
    "str50": (lambda: sa.String(50), ["y", "it's", "1.5"]),
    # a collation (each dialect has its own names): changing to and from it alters the column
    "str20c": (lambda: sa.String(20).with_variant(sa.String(20, collation="C"), "postgresql")
               .with_variant(sa.String(20, collation="NOCASE"), "sqlite")
               .with_variant(sa.String(20, collation="utf8mb4_bin"), "mysql"), ["x", "0"]),
    "text": (sa.Text, ["note", "0"]),
    "bool": (sa.Boolean, [sa.true, sa.false, "0", "1", "t", "false"]),
    "date": (sa.Date, ["2020-1-2", "2021-03-04"]),
    "datetime": (sa.DateTime, ["2020-01-02", "2020-01-02 03:04:05.500"]),
    "time": (sa.Time, ["1:2", "10:11:12"]),
    "interval": (sa.Interval, ["0", "1 day", "-1 hour", "P1DT2H"]),
    "uuid": (sa.Uuid, ["A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11"]),
    "json": (sa.JSON, ["{}", '{"a": 1}']),
    "numeric": (lambda: sa.Numeric(10, 2), ["0", "1.5", "1e3", "007"]),
    "float": (sa.Float, ["0", "1e3", "0.00001"]),
    # the other sizes of the same kinds, so that a type change may widen or narrow
    # (diff.typechanges.classify: precision, scale, single/double precision, integer ranks)
    "numeric52": (lambda: sa.Numeric(5, 2), ["0", "1.5"]),
    "numeric124": (lambda: sa.Numeric(12, 4), ["0", "1.25"]),
    "real": (sa.REAL, ["0", "1.5"]),
    "double": (sa.Double, ["0", "1e3"]),
    "smallint": (sa.SmallInteger, ["0", "7"]),
    # arrays on PostgreSQL (JSON elsewhere): defaults in array_in's syntax, stored as array_out prints
    "text[]": (lambda: sa.JSON().with_variant(postgresql.ARRAY(sa.Text), "postgresql"),
               ["{}", "{a b, c}", '{"x,y",NULL,"NULL"}']),
    "int[]": (lambda: sa.JSON().with_variant(postgresql.ARRAY(sa.Integer), "postgresql"), ["{007, 8}", "{}"]),
    # domains on PostgreSQL (the base type elsewhere): created with their first column, dropped
    # with their last; a column's default is a constant of the base type
    "dom_int": (lambda: sa.Integer().with_variant(
        _Domain("pos_int", sa.Integer, check="VALUE >= 0"), "postgresql"), ["0", "7", "007"]),
    "dom_str": (lambda: sa.String(20).with_variant(
        _Domain("code_c", sa.String(20), collation="C", default="none"), "postgresql"), ["x", "007"]),
}
# types of one kind in several sizes: a change between them widens or narrows
KINDRED = ({"int", "bigint", "smallint"}, {"numeric", "numeric52", "numeric124"},
           {"float", "real", "double"}, {"str20", "str50", "text"})
# MySQL/MariaDB: the types with the defaults it takes (it rejects `'t'` for a boolean, an
# interval is a DATETIME there)
MYSQL_TYPES = {
    "my_bool": (sa.Boolean, [sa.true, sa.false, "0", "1"]),
    "my_datetime": (lambda: sa.DateTime().with_variant(sa.dialects.mysql.DATETIME(fsp=3), "mysql"),
                    ["2020-01-02", "2020-1-2 3:4:5.5", "2021-03-04 00:00:00.1239"]),
    "my_unsigned": (lambda: sa.Integer().with_variant(sa.dialects.mysql.INTEGER(unsigned=True), "mysql"),
                    ["0", "12"]),
    "my_enum": (lambda: sa.Enum("a", "b", "c", name="my_enum"), ["a", "c"]),
    # a length the server turns into the TEXT/BLOB that holds it, by the table's charset
    # (100 characters: a tinytext in latin1, a text in utf8mb4)
    "my_text100": (lambda: sa.Text(100), ["note", "0"]),
    "my_blob300": (lambda: sa.LargeBinary(300), []),
    # SQLAlchemy 2.0 writes Uuid as CHAR(32) on MariaDB (2.1: its native UUID, from 10.7),
    # which holds the 32 digits without dashes, not the 36-character form
    "my_uuid": (sa.Uuid, ["A0EEBC999C0B4EF8BB6D6BB9BD380A11", "0"]),
}
# the Uuid MariaDB gets from the SQLAlchemy in use
MYSQL_UUID = "my_uuid" if sa.__version__.startswith("2.0.") else "uuid"
ALL_TYPES = {**TYPES, **MYSQL_TYPES}
UNINDEXABLE = {"json"}  # no btree operator class on PostgreSQL: no index, no UNIQUE
DEFAULT_CHOICES = 6  # ColSpec.default is drawn below this (taken modulo the type's list)
# the ways a model writes an index's keys (the first one ordered or computed)
INDEX_SPELLINGS = [
    lambda cols: list(cols),
    lambda cols: [sa.desc(sa.column(cols[0])), *cols[1:]],
    lambda cols: [sa.text(", ".join([f"{cols[0]} DESC", *cols[1:]]))],  # one text, every key
    lambda cols: [sa.text(f"{cols[0]} DESC"), *cols[1:]],
    lambda cols: [sa.func.coalesce(sa.column(cols[0]), sa.column(cols[0])), *cols[1:]],
    lambda cols: [sa.desc(sa.func.coalesce(sa.column(cols[0]), sa.column(cols[0]))), *cols[1:]],
]
# PostgreSQL keys beyond the plain ones (ignored, or skipped by ddl_if, elsewhere): an index
# with an operator class (on the column, or on lower() of it), an EXCLUDE constraint of a
# few shapes (made from the generator's own types: no btree_gist), a deferrable UNIQUE
PATTERN_TYPES = {"str20", "str50", "str20c"}  # what text_pattern_ops takes, indexable everywhere
EXCLUDE_SHAPES = [
    lambda col: dict(elements=[(sa.column(col), "=")], using="btree"),
    lambda col: dict(elements=[(sa.func.int4range(sa.column(col), sa.column(col)), "&&")],
                     where=sa.text(f"{col} > 0")),
    lambda col: dict(elements=[(sa.column(col), "=")], using="hash", ops={col: "int4_ops"},
                     deferrable=True),
    lambda col: dict(elements=[(sa.column(col), "=")], using="btree", ops={col: "text_pattern_ops"},
                     deferrable=True, initially="DEFERRED"),
]
EXCLUDE_TYPES = ({"int"}, {"int"}, {"int"}, PATTERN_TYPES)  # what each shape takes
DEFERRED = [None, "IMMEDIATE", "DEFERRED"]  # a deferrable UNIQUE's initial mode (None: not deferrable)
NAMES = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa"]
# A table may have an enum type of its own, "Mood_<table>" (a name PostgreSQL must quote), for
# columns of type "enum" and "enum[]" (an array of it on PostgreSQL, JSON elsewhere). Its
# first value is what defaults, the partial index and the CHECK over such a column use, so an
# edit never removes it (a removed value still in use is the rows' problem, told by a finding).
ENUM_TYPES = ("enum", "enum[]")
ENUM_VALUES = ["new", "done", "won't", "later", "Odd Case"]


@dataclass(frozen=True)
class Profile:
    """What the generator may draw for a dialect."""

    types: tuple[str, ...] = tuple(sorted(TYPES))
    unindexable: frozenset = frozenset(UNINDEXABLE)
    spellings: int = len(INDEX_SPELLINGS)
    sequences: bool = True
    enums: bool = True  # per-table enum types (ENUM_TYPES), arrays of them on PostgreSQL
    table_options: bool = False  # MySQL table options (TABLE_OPTIONS)
    fk_match: bool = False  # MATCH FULL foreign keys: PostgreSQL keeps it (SQLite, MySQL parse it only)
    dialect: str = "sqlite"  # what a pair must differ on (see edited)
    # declared table renames (their SERIAL key's sequence keeps the old name on PostgreSQL)
    table_renames: bool = False


DEFAULT = Profile()
PROFILES = {
    # MariaDB: no expression indexes, no key on a TEXT without a length, no sequences read
    "mysql": Profile(types=tuple(sorted({"int", "bigint", "str20", "str50", "str20c", "text", "json",
                                         "numeric", "numeric52", "numeric124", "float", "double", "smallint",
                                         "date", "datetime", "time", MYSQL_UUID}
                                        | set(MYSQL_TYPES) - {"my_uuid"})),
                     unindexable=frozenset({"json", "text", "my_text100", "my_blob300"}), spellings=4, sequences=False, enums=False,
                     table_options=True, dialect="mysql"),
    "postgresql": Profile(fk_match=True, dialect="postgresql", table_renames=True),
}


# MySQL table options a table may be drawn with: the database's defaults spelled out (no
# option at all), and default charsets that convert its text columns (TEXT grows to
# MEDIUMTEXT going back to utf8mb4; str20c keeps its own utf8mb4_bin). Engines other than
# InnoDB are left to the example scenarios: MyISAM and Aria take no foreign keys.
TABLE_OPTIONS = ({"mysql_engine": "InnoDB", "mysql_charset": "utf8mb4"}, {"mysql_charset": "latin1"},
                 {"mysql_charset": "utf8mb3"}, {"mysql_collate": "utf8mb4_unicode_ci"})


def profile(dialect: Optional[str]) -> Profile:
    return PROFILES.get(dialect, DEFAULT)


@dataclass
class ColSpec:
    name: str
    type: str
    nullable: bool = True
    default: Optional[int] = None  # index into TYPES[type][1]
    comment: Optional[str] = None
    renamed_from: Optional[str] = None  # declared rename (info={"still": {"renamed_from": ...}})


@dataclass
class TableSpec:
    name: str
    columns: list[ColSpec]
    fks: list[tuple[str, str]] = field(default_factory=list)  # (column, target table) -> target.id
    uniques: list[tuple[str, ...]] = field(default_factory=list)
    # the unique constraints are NULLS NOT DISTINCT where the server has it (PostgreSQL 15+)
    nulls_not_distinct: bool = False
    checks: list[str] = field(default_factory=list)  # column names checked ">= 0" (int columns)
    # (columns, spelling): see INDEX_SPELLINGS
    indexes: list[tuple[tuple[str, ...], int]] = field(default_factory=list)
    comment: Optional[str] = None
    # (column, ONLY_ON key): an index create_all makes on some dialects only (ddl_if)
    only: list[tuple[str, str]] = field(default_factory=list)
    # a standalone sequence that goes with the table: (start, increment); PostgreSQL only
    sequence: Optional[tuple[int, int]] = None
    enum: Optional[list[str]] = None  # the values of the table's enum type (ENUM_TYPES)
    enum_index: bool = False  # a partial index WHERE <first enum column> <> values[0]
    enum_check: bool = False  # CHECK (<first enum column> <> values[0])
    enum_spelling: int = 0  # how the model holds the enum of a scalar column: ENUM_SPELLINGS
    options: dict = field(default_factory=dict)  # Table keywords, one of TABLE_OPTIONS
    pattern: Optional[tuple[str, bool]] = None  # (a PATTERN_TYPES column, on lower() of it)
    exclude: Optional[tuple[str, int]] = None  # (column, EXCLUDE_SHAPES index); PostgreSQL only
    deferred: Optional[tuple[str, Optional[str]]] = None  # (column, DEFERRED); PostgreSQL only
    pk_name: Optional[str] = None  # the primary key's own name (none: the database's)
    autoincrement: bool = False  # sqlite_autoincrement=True (which drops pk_name on SQLite)
    twin_unique: Optional[str] = None  # a column with the same unnamed UNIQUE twice
    match_full: bool = False  # its foreign keys MATCH FULL (Profile.fk_match)
    renamed_from: Optional[str] = None  # declared rename of the table (Profile.table_renames)
    renamed_fks: list[str] = field(default_factory=list)  # columns whose foreign key is named fk_..._r

    @property
    def label(self) -> str:
        """What its constraints, indexes and types are named after: the name it had in A (a
        renamed table keeps the names of everything on it, as on a database)."""
        return self.renamed_from or self.name


def _on_sqlite(ddl, target, bind, **kw) -> bool:
    return kw["dialect"].name == "sqlite"


def _takes_nulls_not_distinct() -> bool:
    """SQLAlchemy takes postgresql_nulls_not_distinct from 2.0.16 on (the 2.0 floor is older)."""
    try:
        sa.UniqueConstraint("x", postgresql_nulls_not_distinct=True)
    except sa.exc.ArgumentError:
        return False
    return True


NULLS_NOT_DISTINCT = _takes_nulls_not_distinct()


def _nulls_not_distinct(present: bool):
    """A ddl_if test: PostgreSQL 15 brought NULLS NOT DISTINCT; elsewhere (and before 15)
    the plain unique constraint stands in."""
    def test(ddl, target, bind, **kw) -> bool:
        dialect = kw["dialect"]
        has = dialect.name == "postgresql" and (dialect.server_version_info or (0,)) >= (15,)
        return has == present
    return test


ONLY_ON = {
    "postgresql": dict(dialect="postgresql"),
    "sqlite": dict(dialect="sqlite"),
    "callable": dict(callable_=_on_sqlite),
}


def build(spec: list[TableSpec], named: bool = True) -> sa.MetaData:
    """The models of `spec`; `named=False` leaves every constraint unnamed (a database
    made from the named models must show no drift from them: the names it has are as good)."""
    md = sa.MetaData()

    def name(text: str) -> Optional[str]:
        return text if named else None

    for t in spec:
        key = t.pk_name is not None and named
        cols = [sa.Column("id", sa.Integer, primary_key=not key)]
        for c in t.columns:
            if c.type in ENUM_TYPES:
                type_, default = _enum_column(t, c, md)
            else:
                factory, defaults = ALL_TYPES[c.type]
                type_, default = factory(), None
                if c.default is not None and defaults:
                    value = defaults[c.default % len(defaults)]
                    default = value() if callable(value) else value
            info = {"still": {"renamed_from": c.renamed_from}} if c.renamed_from else None
            cols.append(sa.Column(c.name, type_, nullable=c.nullable, server_default=default,
                                  comment=c.comment, info=info))
        items = list(cols)
        if key:
            items.append(sa.PrimaryKeyConstraint("id", name=t.pk_name))
        scalar = next((c.name for c in t.columns if c.type == "enum"), None)
        if scalar and t.enum_index:
            where = sa.text(f"{scalar} <> {_literal(t.enum[0])}")
            items.append(sa.Index(f"ix_{t.label}_{scalar}_p", scalar, postgresql_where=where, sqlite_where=where))
        if scalar and t.enum_check:
            items.append(sa.CheckConstraint(f"{scalar} <> {_literal(t.enum[0])}", name=name(f"ck_{t.label}_{scalar}")))
        for col, target in t.fks:
            fk_name = f"fk_{t.label}_{col}" + ("_r" if col in t.renamed_fks else "")
            items.append(sa.ForeignKeyConstraint([col], [f"{target}.id"], name=name(fk_name),
                                                 match="FULL" if t.match_full else None))
        for cols_ in t.uniques:
            uq_name = name(f"uq_{t.label}_{'_'.join(cols_)}")
            if not t.nulls_not_distinct:
                items.append(sa.UniqueConstraint(*cols_, name=uq_name))
                continue
            items.append(sa.UniqueConstraint(*cols_, name=uq_name, postgresql_nulls_not_distinct=True).ddl_if(
                callable_=_nulls_not_distinct(True)))
            items.append(sa.UniqueConstraint(*cols_, name=uq_name).ddl_if(callable_=_nulls_not_distinct(False)))
        if t.twin_unique is not None:
            items += [sa.UniqueConstraint(t.twin_unique), sa.UniqueConstraint(t.twin_unique)]
        for i, col in enumerate(t.checks):  # named by position: a renamed column keeps its check
            items.append(sa.CheckConstraint(f"{col} >= 0", name=name(f"ck_{t.label}_{i}")))
        for cols_, spelling in t.indexes:
            items.append(sa.Index(f"ix_{t.label}_{'_'.join(cols_)}", *INDEX_SPELLINGS[spelling](cols_)))
        for col, where in t.only:
            items.append(sa.Index(f"ix_{where}_{t.label}_{col}", col).ddl_if(**ONLY_ON[where]))
        items += _pg_keys(t, name)
        options = {**t.options, **({"sqlite_autoincrement": True} if t.autoincrement else {})}
        info = {"still": {"renamed_from": t.renamed_from}} if t.renamed_from else {}
        sa.Table(t.name, md, *items, comment=t.comment, info=info, **options)
        if t.sequence is not None:
            sa.Sequence(f"seq_{t.label}", start=t.sequence[0], increment=t.sequence[1], metadata=md)
    return md


def _pg_keys(t: TableSpec, name=lambda text: text) -> list:
    """`name`: what build() names constraints with (None for all under named=False)."""
    items = []
    if t.pattern is not None:
        col, lowered = t.pattern
        key = sa.func.lower(sa.column(col)).label(f"lower_{col}") if lowered else col
        ops = {f"lower_{col}" if lowered else col: "text_pattern_ops"}
        items.append(sa.Index(f"ix_{t.label}_{col}_pattern", key, postgresql_ops=ops))
    if t.exclude is not None:
        col, shape = t.exclude
        spec = EXCLUDE_SHAPES[shape](col)
        items.append(postgresql.ExcludeConstraint(*spec.pop("elements"), name=name(f"ex_{t.label}"), **spec)
                     .ddl_if(dialect="postgresql"))
    if t.deferred is not None and (t.deferred[0],) not in [tuple(u) for u in t.uniques]:
        # (not beside a plain UNIQUE of the same column: PostgreSQL keeps one of the two, by
        # their order in CREATE TABLE; the twin_unique edit covers keys given twice)
        col, initially = t.deferred
        items.append(sa.UniqueConstraint(col, name=name(f"uq_{t.label}_{col}_deferred"), deferrable=initially is not None,
                                         initially=initially).ddl_if(dialect="postgresql"))
    return items


@st.composite
def pg_keys(draw, t: TableSpec, p: Profile, which: str):
    """One of a table's PostgreSQL keys (`which`: pattern, exclude, deferred) drawn anew, or
    None; the table's column types decide what fits."""
    if which == "pattern":
        cols = [c.name for c in t.columns if c.type in PATTERN_TYPES and c.type not in p.unindexable]
        # lower() only where the profile has expression keys (INDEX_SPELLINGS past the 4th)
        return (draw(st.sampled_from(cols)), p.spellings > 4 and draw(st.booleans())) if cols else None
    if which == "exclude":
        shape = draw(st.integers(0, len(EXCLUDE_SHAPES) - 1))
        cols = [c.name for c in t.columns if c.type in EXCLUDE_TYPES[shape]]
        return (draw(st.sampled_from(cols)), shape) if cols else None
    cols = [c.name for c in t.columns if c.type not in p.unindexable]
    return (draw(st.sampled_from(cols)), draw(st.sampled_from(DEFERRED))) if cols else None


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


class _WrappedEnum(sa.TypeDecorator):
    impl = sa.Enum
    cache_ok = True


# the places a model keeps an enum type, which SQLAlchemy versions register differently: on
# the column alone, inside a TypeDecorator, on the MetaData as well
ENUM_SPELLINGS = [
    lambda values, name, md: sa.Enum(*values, name=name),
    lambda values, name, md: _WrappedEnum(*values, name=name),
    lambda values, name, md: sa.Enum(*values, name=name, metadata=md),
]


def _enum_column(t: TableSpec, c: ColSpec, md: sa.MetaData):
    if c.type == "enum":
        enum = ENUM_SPELLINGS[t.enum_spelling](t.enum, f"Mood_{t.label}", md)
        return enum, t.enum[0] if c.default is not None else None
    enum = sa.Enum(*t.enum, name=f"Mood_{t.label}")
    array = sa.JSON().with_variant(postgresql.ARRAY(enum), "postgresql")
    return array, "{" + t.enum[0] + "}" if c.default is not None else None


def enums():
    return st.lists(st.sampled_from(ENUM_VALUES), min_size=1, max_size=3, unique=True)


@st.composite
def columns(draw, taken: set[str], p: Profile = DEFAULT, enum: bool = False):
    name = draw(st.sampled_from([n for n in NAMES if n not in taken]))
    type_ = draw(st.sampled_from(p.types + (ENUM_TYPES if enum else ())))
    return ColSpec(name=name, type=type_, nullable=draw(st.booleans()),
                   default=draw(st.none() | st.integers(0, DEFAULT_CHOICES - 1)),
                   comment=draw(st.none() | st.sampled_from(["a note", "it's quoted"])))


def sequences():
    return st.tuples(st.integers(1, 50), st.sampled_from([1, 2, 10]))


@st.composite
def tables(draw, name: str, others: list[str], p: Profile = DEFAULT):
    enum = draw(st.none() | enums()) if p.enums else None
    cols: list[ColSpec] = []
    for _ in range(draw(st.integers(1, 4))):
        cols.append(draw(columns({c.name for c in cols}, p, enum is not None)))
    if enum is not None and not any(c.type in ENUM_TYPES for c in cols) and len(cols) < len(NAMES):
        column = draw(columns({c.name for c in cols}, p, True))
        column.type = draw(st.sampled_from(ENUM_TYPES))
        cols.append(column)
    t = TableSpec(name=name, columns=cols, comment=draw(st.none() | st.just(f"table {name}")), enum=enum)
    if enum is not None:
        t.enum_index, t.enum_check = draw(st.booleans()), draw(st.booleans())
        t.enum_spelling = draw(st.integers(0, len(ENUM_SPELLINGS) - 1))
    ints = [c.name for c in cols if c.type == "int"]
    if ints and draw(st.booleans()):  # to an earlier table, or to this one (self-reference)
        t.fks.append((ints[0], draw(st.sampled_from([*others, name]))))
    keyable = [c.name for c in cols if c.type not in p.unindexable]
    if keyable and draw(st.booleans()):
        t.uniques.append((keyable[0],))
        t.nulls_not_distinct = NULLS_NOT_DISTINCT and draw(st.booleans())
    if ints and draw(st.booleans()):
        t.checks.append(ints[-1])
    if keyable and draw(st.booleans()):
        t.indexes.append(((keyable[-1],), draw(st.integers(0, p.spellings - 1))))
    if draw(st.integers(0, 3)) == 0 and p.sequences:
        t.sequence = draw(sequences())
    if keyable and draw(st.integers(0, 3)) == 0:
        t.only.append((keyable[0], draw(st.sampled_from(sorted(ONLY_ON)))))
    if p.table_options and draw(st.integers(0, 2)) == 0:
        t.options = dict(draw(st.sampled_from(TABLE_OPTIONS)))
    for which in ("pattern", "exclude", "deferred"):
        if draw(st.integers(0, 2)) == 0:
            setattr(t, which, draw(pg_keys(t, p, which)))
    t.pk_name = draw(st.none() | st.just(f"pk_{name}"))
    t.autoincrement = draw(st.integers(0, 3)) == 0
    if keyable and draw(st.integers(0, 3)) == 0:
        t.twin_unique = keyable[0]
    if p.fk_match:
        t.match_full = draw(st.booleans())
    return t


@st.composite
def schemas(draw, max_tables: int = 4, p: Profile = DEFAULT):
    count = draw(st.integers(1, max_tables))
    spec: list[TableSpec] = []
    for i in range(count):
        spec.append(draw(tables(f"t{i}", [t.name for t in spec], p)))
    return spec
