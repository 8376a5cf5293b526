"""PostgreSQL DDL for every operation. PostgreSQL alters almost everything in place and
runs DDL inside transactions, so each operation is a few direct statements."""

from __future__ import annotations

import re
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.schema import AddConstraint, CreateIndex, CreateSequence, CreateTable

from still import ops
from still import snapshot as s
from still.canon.postgresql import sequence_name
from still.declare.compiled import doubles_percents
from still.ops.ddl.postgresql_values import keep_values, needs_guard
from still.ops.ddl.sa_build import build_column, build_constraint, build_index, build_table
from still.written import Written, written
from still.sqlexpr import identifiers

SERIAL = {"integer": "SERIAL", "bigint": "BIGSERIAL", "smallint": "SMALLSERIAL"}
# types that convert among themselves with a direct cast; anything else goes through text
_FAMILIES = [
    {"smallint", "integer", "bigint", "numeric", "real", "double precision"},
    {"text", "character varying", "character", "bpchar"},
    {"date", "timestamp without time zone", "timestamp with time zone"},
]


class _Writer:
    def __init__(self, dialect, before: s.Snapshot):
        self.dialect = dialect
        self.before = before
        self.q = dialect.identifier_preparer
        self.doubles_percents = doubles_percents(dialect)

    def name(self, schema: str, name: str) -> str:
        if schema == self.before.default_schema:
            return self.q.quote(name)
        return f"{self.q.quote_schema(schema)}.{self.q.quote(name)}"

    def literal(self, text) -> str:
        return "NULL" if text is None else "'" + text.replace("'", "''") + "'"

    def compile(self, construct) -> str:
        return str(construct.compile(dialect=self.dialect)).strip()

    def table(self, schema: str, table: s.Table) -> sa.Table:
        return build_table(sa.MetaData(), schema, _serial_types(table), self.before.default_schema)

    def comments(self, schema: str, table: s.Table) -> list[str]:
        out = []
        if table.comment is not None:
            out.append(f"COMMENT ON TABLE {self.name(schema, table.name)} IS {self.literal(table.comment)}")
        for col in table.columns:
            if col.comment is not None:
                out.append(self.column_comment(schema, table.name, col.name, col.comment))
        return out

    def column_comment(self, schema: str, table: str, column: str, comment) -> str:
        return f"COMMENT ON COLUMN {self.name(schema, table)}.{self.q.quote(column)} IS {self.literal(comment)}"


def _serial_types(table: s.Table) -> s.Table:
    """SERIAL is how PostgreSQL spells an integer column fed by an owned sequence."""
    cols = tuple(c.model_copy(update={"type": SERIAL.get(c.type, c.type), "autoincrement": False})
                 if c.autoincrement else _sent(c) for c in table.columns)
    return table.model_copy(update={"columns": cols})


_FLOAT_EXPONENT = re.compile(r"-?\d+(?:\.\d+)?e[-+]\d+")


def default_sql(column: s.Column) -> Optional[str]:
    """The default as sent, of the type it was stored with: a float constant that prints
    with an exponent (`1e-05`, from `'1e-05'::double precision`) is sent quoted, since
    the bare number is a numeric constant, stored (and printed) as `0.00001`."""
    default = column.default
    if isinstance(default, Written):  # as SQLAlchemy sent it (see still.written)
        return default.written
    if default is not None and _base(column.type) in ("real", "double precision") \
            and _FLOAT_EXPONENT.fullmatch(default):
        return f"'{default}'"
    return default


def _sent(column: s.Column) -> s.Column:
    sent = default_sql(column)
    return column if sent == column.default else column.model_copy(update={"default": sent})


def _base(type_text: str) -> str:
    return type_text.split("(")[0].strip()


def _cast(column_sql: str, old: str, new: str) -> str:
    same_family = any(_base(old) in f and _base(new) in f for f in _FAMILIES)
    return f"{column_sql}::{new}" if same_family else f"{column_sql}::text::{new}"


def statements(op, before: s.Snapshot, dialect) -> list[str]:
    w = _Writer(dialect, before)
    handler = _HANDLERS[type(op)]
    return handler(w, op)


def _create_table(w: _Writer, op: ops.CreateTable) -> list[str]:
    # SQLAlchemy's constraints cannot say NOT ENFORCED: such a one is added after the table
    loose = [(kind, c) for kind, group in (("check", op.table.check_constraints), ("foreign_key", op.table.foreign_keys))
             for c in group if not c.enforced]
    enforced = op.table.model_copy(update={
        "check_constraints": tuple(c for c in op.table.check_constraints if c.enforced),
        "foreign_keys": tuple(c for c in op.table.foreign_keys if c.enforced)}) if loose else op.table
    table = w.table(op.schema_name, enforced)
    out = [w.compile(CreateTable(table))]
    out += [w.compile(CreateIndex(ix)) for ix in table.indexes]
    out += [stmt for kind, c in loose for stmt in _add_constraint(w, ops.AddConstraint(
        schema_name=op.schema_name, table_name=op.table.name, kind=kind, constraint=c))]
    out += [_sequence_named(w, w.name(op.schema_name, op.table.name), c) for c in op.table.columns if c.sequence]
    return out + w.comments(op.schema_name, op.table)


def _add_column(w: _Writer, op: ops.AddColumn) -> list[str]:
    col = op.column
    spec_col = build_column(col.model_copy(update={"type": SERIAL.get(col.type, col.type)})
                            if col.autoincrement else _sent(col).model_copy(update={"autoincrement": False}))
    sa.Table(op.table_name, sa.MetaData(), spec_col)
    spec = dialect_spec(w, spec_col)
    out = [f"ALTER TABLE {w.name(op.schema_name, op.table_name)} ADD COLUMN {spec}"]
    if col.sequence:
        out.append(_sequence_named(w, w.name(op.schema_name, op.table_name), col))
    if col.comment is not None:
        out.append(w.column_comment(op.schema_name, op.table_name, col.name, col.comment))
    return out


def dialect_spec(w: _Writer, column: sa.Column) -> str:
    return w.dialect.ddl_compiler(w.dialect, None).get_column_specification(column)


def _alter_column(w: _Writer, op: ops.AlterColumn) -> list[str]:
    old, new = op.old, op.new
    table = w.name(op.schema_name, op.table_name)
    col = w.q.quote(new.name)
    alter = f"ALTER TABLE {table} ALTER COLUMN {col}"
    changed = set(op.changed())
    if "computed" in changed and new.computed:
        # a generation expression cannot be altered: the column is recreated (it holds no own data)
        return (_drop_column(w, ops.DropColumn(schema_name=op.schema_name, table_name=op.table_name, column=old))
                + _add_column(w, ops.AddColumn(schema_name=op.schema_name, table_name=op.table_name, column=new)))
    out = []
    if old.computed and not new.computed:
        out.append(f"{alter} DROP EXPRESSION")
    if old.identity and (new.identity != old.identity):
        out.append(f"{alter} DROP IDENTITY")
    default_changes = "default" in changed or "type" in changed or "autoincrement" in changed
    # SET DEFAULT replaces a default; it is dropped first only when none follows, or when
    # the type changes (ALTER TYPE fails on a default it cannot cast) or the sequence goes
    replaced = new.default is not None and "type" not in changed and not (
        old.autoincrement and not new.autoincrement)
    # a SERIAL stays one through a type change: its nextval() default casts to any integer
    # type, and the owned sequence follows the type (below)
    serial_kept = old.autoincrement and new.autoincrement
    if default_changes and (old.default is not None or old.autoincrement) and not replaced \
            and not serial_kept:
        out.append(f"{alter} DROP DEFAULT")
    if old.autoincrement and not new.autoincrement:
        out.append(f"DROP SEQUENCE IF EXISTS {w.name(op.schema_name, _serial_sequence(op.table_name, old))}")
    if "type" in changed or "collation" in changed:
        collate = f" COLLATE {w.q.quote(new.collation)}" if new.collation else ""
        # a USING of the revision's own (postgresql_using=) converts as it says, unguarded,
        # as in Alembic
        converted = _cast(col, old.type, new.type)
        if op.using is None and needs_guard(old, new):
            out.append(keep_values(table, f"{op.table_name}.{new.name}", col, old, new, converted,
                                   _cast(f"({converted})", new.type, old.type)))
        out.append(f"{alter} TYPE {new.type}{collate} USING {op.using or converted}")
        if serial_kept and "type" in changed:
            out.append(_sequence_follows(w, table, new))
    if old.nullable != new.nullable:
        out.append(f"{alter} {'DROP' if new.nullable else 'SET'} NOT NULL")
    if new.autoincrement and not old.autoincrement:
        seq = w.name(op.schema_name, _serial_sequence(op.table_name, new))
        out += [f"CREATE SEQUENCE {seq} AS {new.type} OWNED BY {table}.{col}",
                f"{alter} SET DEFAULT nextval({w.literal(seq)}::regclass)"]
    elif default_changes and new.default is not None:
        out.append(f"{alter} SET DEFAULT {default_sql(new)}")
    if new.identity and new.identity != old.identity:
        i = new.identity
        options = [f"START WITH {i.start}", f"INCREMENT BY {i.increment}", f"CACHE {i.cache}"]
        options += [f"MINVALUE {i.minvalue}"] if i.minvalue is not None else []
        options += [f"MAXVALUE {i.maxvalue}"] if i.maxvalue is not None else []
        options += ["CYCLE"] if i.cycle else []
        options += [f"SEQUENCE NAME {w.name(op.schema_name, new.sequence)}"] if new.sequence else []
        out.append(f"{alter} ADD GENERATED {'ALWAYS' if i.always else 'BY DEFAULT'} AS IDENTITY "
                   f"({' '.join(options)})")
    if "comment" in changed:
        out.append(w.column_comment(op.schema_name, op.table_name, new.name, new.comment))
    return out


def _sequence_follows(w: _Writer, table: str, column: s.Column) -> str:
    """ALTER SEQUENCE ... AS <the column's type> for the sequence the column owns, found by
    pg_get_serial_sequence when it runs (its name is PostgreSQL's choice, and survives
    renames of table and column)."""
    return (f"DO $$DECLARE seq text := pg_get_serial_sequence({w.literal(table)}, "
            f"{w.literal(column.name)}); BEGIN IF seq IS NOT NULL THEN "
            f"EXECUTE 'ALTER SEQUENCE ' || seq || ' AS {column.type}'; END IF; END$$")


def _alter_sequence(w: _Writer, op: ops.AlterSequence) -> list[str]:
    """One ALTER SEQUENCE with the options that change; the current value stays, except
    when the sequence turns to count the other way (it restarts at its start). A bound
    left to its default (None) is said again as NO MINVALUE/NO MAXVALUE when the increment
    changes: the default depends on the increment's sign, and ALTER keeps the old bounds
    otherwise."""
    old, new = op.old, op.new
    clauses = []
    if new.increment != old.increment:
        clauses.append(f"INCREMENT BY {new.increment}")
    for name, before, after in (("MINVALUE", old.minvalue, new.minvalue),
                                ("MAXVALUE", old.maxvalue, new.maxvalue)):
        if after != before or (after is None and new.increment != old.increment):
            clauses.append(f"NO {name}" if after is None else f"{name} {after}")
    if new.start != old.start:
        clauses.append(f"START WITH {new.start}")
    if new.cache != old.cache:
        clauses.append(f"CACHE {new.cache}")
    if new.cycle != old.cycle:
        clauses.append("CYCLE" if new.cycle else "NO CYCLE")
    if (new.increment > 0) != (old.increment > 0):
        # counting the other way: the current value is outside the new bounds
        clauses.append("RESTART")
    if not clauses:
        return []
    return [f"ALTER SEQUENCE {w.name(op.schema_name, new.name)} {' '.join(clauses)}"]


def _serial_sequence(table: str, column: s.Column) -> str:
    """The sequence a SERIAL column owns: the name it keeps, else PostgreSQL's choice."""
    return column.sequence or sequence_name(table, column.name)


def _sequence_named(w: _Writer, table: str, column: s.Column) -> str:
    """The sequence a column just made owns, renamed to the name it keeps (found by
    pg_get_serial_sequence, as PostgreSQL may have had to choose another than its first)."""
    return (f"DO $$DECLARE seq text := pg_get_serial_sequence({w.literal(table)}, "
            f"{w.literal(column.name)}); BEGIN EXECUTE 'ALTER SEQUENCE ' || seq || ' RENAME TO ' || "
            f"{w.literal(w.q.quote(column.sequence))}; END$$")


def _rename_sequence(w: _Writer, op: ops.RenameSequence) -> list[str]:
    return [f"ALTER SEQUENCE {w.name(op.schema_name, op.old_name)} RENAME TO {w.q.quote(op.new_name)}"]


def _drop_column(w: _Writer, op: ops.DropColumn) -> list[str]:
    return [f"ALTER TABLE {w.name(op.schema_name, op.table_name)} DROP COLUMN {w.q.quote(op.column.name)}"]


def _add_constraint(w: _Writer, op: ops.AddConstraint) -> list[str]:
    if op.using_index is not None:
        return [_using_index(w, op)]
    table = sa.Table(op.table_name, sa.MetaData(), schema=None if op.schema_name == w.before.default_schema
                     else op.schema_name)
    columns = set(getattr(op.constraint, "columns", ()))
    for name in columns:
        table.append_column(sa.Column(name, sa.Integer))
    cons = build_constraint(op.kind, op.constraint, w.before.default_schema)
    if op.kind == "foreign_key":
        schema = None if op.constraint.referred_schema == w.before.default_schema else op.constraint.referred_schema
        # the referred columns only need to exist for the FK to compile; a self-reference
        # refers to this very table
        referred = table if (op.constraint.referred_table, schema) == (op.table_name, table.schema) \
            else sa.Table(op.constraint.referred_table, table.metadata, schema=schema, extend_existing=True)
        for name in op.constraint.referred_columns:
            if name not in referred.c:
                referred.append_column(sa.Column(name, sa.Integer))
    table.append_constraint(cons)
    if op.not_valid:
        cons.dialect_kwargs["postgresql_not_valid"] = True
    enforcement = "" if getattr(op.constraint, "enforced", True) else " NOT ENFORCED"
    return [w.compile(AddConstraint(cons)) + enforcement]


def _using_index(w: _Writer, op: ops.AddConstraint) -> str:
    """ADD CONSTRAINT ... UNIQUE | PRIMARY KEY USING INDEX: the index (built CONCURRENTLY
    before) becomes the constraint's; PostgreSQL renames it to the constraint's name."""
    c = op.constraint
    what = "PRIMARY KEY" if op.kind == "primary_key" else "UNIQUE"
    named = f"CONSTRAINT {w.q.quote(c.name)} " if c.name else ""
    deferrable = " DEFERRABLE" if c.deferrable else ""
    initially = f" INITIALLY {c.initially}" if c.initially else ""
    return (f"ALTER TABLE {w.name(op.schema_name, op.table_name)} ADD {named}{what} USING INDEX "
            f"{w.q.quote(op.using_index)}{deferrable}{initially}")


def _validate_constraint(w: _Writer, op: ops.ValidateConstraint) -> list[str]:
    return [f"ALTER TABLE {w.name(op.schema_name, op.table_name)} VALIDATE CONSTRAINT "
            f"{w.q.quote(op.constraint.name)}"]


def _drop_constraint(w: _Writer, op: ops.DropConstraint) -> list[str]:
    name = op.constraint.name or f"{op.table_name}_pkey"
    return [f"ALTER TABLE {w.name(op.schema_name, op.table_name)} DROP CONSTRAINT {w.q.quote(name)}"]


def _create_index(w: _Writer, op: ops.CreateIndex) -> list[str]:
    table = sa.Table(op.table_name, sa.MetaData(), schema=None if op.schema_name == w.before.default_schema
                     else op.schema_name)
    for name in {e.column for e in op.index.elements if e.column} | set(op.index.include):
        table.append_column(sa.Column(name, sa.Integer))
    index = build_index(table, op.index)
    if op.concurrently:
        index.dialect_options["postgresql"]["concurrently"] = True
    return [w.compile(CreateIndex(index))]


def _drop_index(w: _Writer, op: ops.DropIndex) -> list[str]:
    concurrently = "CONCURRENTLY " if op.concurrently else ""
    return [f"DROP INDEX {concurrently}{w.name(op.schema_name, op.index.name)}"]


def _replace_enum(w: _Writer, op: ops.ReplaceEnum) -> list[str]:
    """Rename the old type away, create the new one, convert every column of the type (and
    arrays of it) through text, drop the old type. What stores a constant of the old type
    about such a column (a default, a CHECK, an index predicate or expression) cannot be
    converted by ALTER TYPE: it is dropped before and made again after, from its text."""
    enum = w.name(op.schema_name, op.enum_name)
    parked = w.name(op.schema_name, f"{op.enum_name}__old")
    out = [f"ALTER TYPE {enum} RENAME TO {w.q.quote(op.enum_name + '__old')}",
           f"CREATE TYPE {enum} AS ENUM ({', '.join(w.literal(v) for v in op.new_values)})"]
    after: list[str] = []
    for schema, table in w.before.all_tables():
        converted = {col.name: depth for col in table.columns
                     if (depth := enum_depth(col.type, op.schema_name, op.enum_name, schema)) is not None}
        if not converted:
            continue
        uses = lambda text: text is not None and bool(identifiers(text) & converted.keys())  # noqa: E731
        for ix in table.indexes:
            if uses(ix.where) or any(uses(e.expression) for e in ix.elements):
                out += _drop_index(w, ops.DropIndex(schema_name=schema, table_name=table.name, index=ix))
                after += _create_index(w, ops.CreateIndex(schema_name=schema, table_name=table.name, index=ix))
        for kind, group in (("check", table.check_constraints), ("exclude", table.exclude_constraints)):
            for cons in group:
                texts = [cons.expression] if kind == "check" else \
                    [cons.where, *(e.expression for e in cons.elements)]
                if not any(map(uses, texts)):
                    continue
                change = dict(schema_name=schema, table_name=table.name, kind=kind, constraint=cons)
                out += _drop_constraint(w, ops.DropConstraint(**change))
                after += _add_constraint(w, ops.AddConstraint(**change))
        for col in table.columns:
            if col.name not in converted:
                continue
            alter = f"ALTER TABLE {w.name(schema, table.name)} ALTER COLUMN {w.q.quote(col.name)}"
            arrays = "[]" * converted[col.name]
            if col.default is not None:
                out.append(f"{alter} DROP DEFAULT")
            out.append(f"{alter} TYPE {enum}{arrays} USING {w.q.quote(col.name)}::text{arrays}::{enum}{arrays}")
            if col.default is not None:
                after.append(f"{alter} SET DEFAULT {default_sql(col)}")
    return out + after + [f"DROP TYPE {parked}"]


_TYPE_NAME = re.compile(r'^((?:"(?:[^"]|"")+"|[^".\[]+)\.)?("(?:[^"]|"")+"|[^".\[]+)((?:\[\d*\])*)$')


def enum_depth(type_text: str, schema: str, name: str, table_schema: str) -> Optional[int]:
    """How many array levels a column of type `type_text` (as format_type spells it, in a
    table of `table_schema`) wraps the enum `schema.name` in: 0 for the type itself, 1 for
    `name[]`; None when it is another type."""
    match = _TYPE_NAME.match(type_text.strip())
    if match is None:
        return None
    qualifier, base, arrays = match.groups()
    unquote = lambda part: part[1:-1].replace('""', '"') if part.startswith('"') else part  # noqa: E731
    where = unquote(qualifier[:-1]) if qualifier else None
    if unquote(base) != name or (where or schema) != schema:
        return None
    if where is None and schema != table_schema and schema != "public":
        return None  # an unqualified name resolves by search_path: here, to the table's schema or public
    return arrays.count("[")


def _escaped(w: _Writer, text: str) -> str:
    """SQL text as compiled constructs hold it: `%` doubled for a format/pyformat driver."""
    return text.replace("%", "%%") if w.doubles_percents else text


def _domain_default(w: _Writer, domain: s.Domain) -> Optional[str]:
    return _escaped(w, default_sql(s.Column(name=domain.name, type=domain.type, default=domain.default)))


def _check(w: _Writer, check: s.CheckConstraint) -> str:
    name = f"CONSTRAINT {w.q.quote(check.name)} " if check.name else ""
    return f"{name}CHECK ({_escaped(w, written(check.expression))})"


def _create_domain(w: _Writer, op: ops.CreateDomain) -> list[str]:
    d = op.domain
    parts = [f"CREATE DOMAIN {w.name(op.schema_name, d.name)} AS {d.type}"]
    if d.collation:
        parts.append(f"COLLATE {w.q.quote(d.collation)}")
    if d.default is not None:
        parts.append(f"DEFAULT {_domain_default(w, d)}")
    if d.not_null:
        parts.append("NOT NULL")
    parts += [_check(w, c) for c in d.checks]
    return [" ".join(parts)]


def _alter_domain(w: _Writer, op: ops.AlterDomain) -> list[str]:
    old, new = op.old, op.new
    alter = f"ALTER DOMAIN {w.name(op.schema_name, new.name)}"
    out = [f"{alter} DROP CONSTRAINT {w.q.quote(c.name)}" for c in op.dropped_checks()]
    if old.default != new.default:
        out.append(f"{alter} DROP DEFAULT" if new.default is None
                   else f"{alter} SET DEFAULT {_domain_default(w, new)}")
    if old.not_null != new.not_null:
        out.append(f"{alter} {'SET' if new.not_null else 'DROP'} NOT NULL")
    out += [f"{alter} ADD {_check(w, c)}" for c in op.added_checks()]
    return out


def _sequence(w: _Writer, seq: s.Sequence, schema: str) -> sa.Sequence:
    return sa.Sequence(seq.name, start=seq.start, increment=seq.increment, minvalue=seq.minvalue,
                       maxvalue=seq.maxvalue, cycle=seq.cycle, cache=seq.cache,
                       schema=None if schema == w.before.default_schema else schema)


_HANDLERS = {
    ops.CreateSchema: lambda w, op: [f"CREATE SCHEMA {w.q.quote_schema(op.schema_name)}"],
    ops.DropSchema: lambda w, op: [f"DROP SCHEMA {w.q.quote_schema(op.schema_name)}"],
    ops.CreateTable: _create_table,
    ops.DropTable: lambda w, op: [f"DROP TABLE {w.name(op.schema_name, op.table.name)}"],
    ops.RenameTable: lambda w, op: [f"ALTER TABLE {w.name(op.schema_name, op.old_name)} "
                                    f"RENAME TO {w.q.quote(op.new_name)}"],
    ops.SetTableComment: lambda w, op: [f"COMMENT ON TABLE {w.name(op.schema_name, op.table_name)} "
                                        f"IS {w.literal(op.new_comment)}"],
    ops.AddColumn: _add_column,
    ops.DropColumn: _drop_column,
    ops.AlterColumn: _alter_column,
    ops.RenameColumn: lambda w, op: [f"ALTER TABLE {w.name(op.schema_name, op.table_name)} RENAME COLUMN "
                                     f"{w.q.quote(op.old_name)} TO {w.q.quote(op.new_name)}"],
    ops.CreateIndex: _create_index,
    ops.DropIndex: _drop_index,
    ops.RenameIndex: lambda w, op: [f"ALTER INDEX {w.name(op.schema_name, op.old_name)} RENAME TO "
                                    f"{w.q.quote(op.new_name)}"],
    ops.AddConstraint: _add_constraint,
    ops.DropConstraint: _drop_constraint,
    ops.ValidateConstraint: _validate_constraint,
    ops.RenameConstraint: lambda w, op: [f"ALTER TABLE {w.name(op.schema_name, op.table_name)} RENAME CONSTRAINT "
                                         f"{w.q.quote(op.old_name)} TO {w.q.quote(op.new_name)}"],
    ops.CreateEnum: lambda w, op: [f"CREATE TYPE {w.name(op.schema_name, op.enum.name)} AS ENUM "
                                   f"({', '.join(w.literal(v) for v in op.enum.values)})"],
    ops.DropEnum: lambda w, op: [f"DROP TYPE {w.name(op.schema_name, op.enum.name)}"],
    ops.AddEnumValue: lambda w, op: [f"ALTER TYPE {w.name(op.schema_name, op.enum_name)} ADD VALUE "
                                     f"{'IF NOT EXISTS ' if op.if_not_exists else ''}{w.literal(op.value)}"
                                     + (f" BEFORE {w.literal(op.before)}" if op.before else "")],
    ops.ReplaceEnum: _replace_enum,
    ops.CreateDomain: _create_domain,
    ops.DropDomain: lambda w, op: [f"DROP DOMAIN {w.name(op.schema_name, op.domain.name)}"],
    ops.AlterDomain: _alter_domain,
    ops.CreateSequence: lambda w, op: [w.compile(CreateSequence(_sequence(w, op.sequence, op.schema_name)))],
    ops.AlterSequence: lambda w, op: _alter_sequence(w, op),
    ops.DropSequence: lambda w, op: [f"DROP SEQUENCE {w.name(op.schema_name, op.sequence.name)}"],
    ops.RenameSequence: _rename_sequence,
}
